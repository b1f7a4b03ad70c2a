"""PDF/A-2b as far as reportlab allows: XMP metadata matching the document information, an sRGB output intent,
every font embedded, and a single revision (sealing appends the signature as an incremental update).

Besides our own checks, an independent validator judges every document: page-validation (the Python binding
of `page`, a PDF/A checker that passes the veraPDF corpus and Isartor test suites)."""

from __future__ import annotations

import io
import re

import page
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import SealRequest
from templates import (
    render_address_confirmation,
    render_ruling,
    render_seal_appearance,
    render_service_receipt,
    render_service_voucher,
)
from templates.model import RenderedDocument
from tests.pki_fixtures import COURT_NAME, court_seal, lta_sealer, pki, revocation, sealer, tsa  # noqa: F401


@pytest.fixture
def rendered(
    confirmed, rejected, long_agreement, receipt, voucher, address_confirmation
) -> dict[str, RenderedDocument]:
    return {
        "ruling": render_ruling(confirmed),
        "rejection": render_ruling(rejected),
        "ruling of 40 clauses": render_ruling(long_agreement),
        "receipt": render_service_receipt(receipt),
        "voucher": render_service_voucher(voucher),
        "address confirmation": render_address_confirmation(address_confirmation),
    }


@pytest.fixture
def documents(rendered) -> dict[str, bytes]:
    return {name: document.pdf for name, document in rendered.items()}


def pdfa_findings(pdf: bytes) -> list[tuple[str, str]]:
    """What the independent validator finds against PDF/A-2b: (rule, message) pairs; empty when compliant."""
    report = page.validate_pdf_bytes(pdf, profile=page.ValidationProfile.PDF_A_2B)
    findings = [(f.rule_id, f.message) for f in report.failures]
    assert report.is_compliant == (not findings)
    return findings


def test_every_document_passes_an_independent_pdfa_2b_validator(documents):
    for name, pdf in documents.items():
        assert pdfa_findings(pdf) == [], name


def sealed(rendered: RenderedDocument, by) -> bytes:  # type: ignore[no-untyped-def]
    box = rendered.seal_box
    return by.seal(rendered.pdf, SealRequest(
        field_name="CourtSeal", page_index=box.page_index, box=(box.x1, box.y1, box.x2, box.y2),
        appearance_pdf=render_seal_appearance(COURT_NAME, dev_mode=True), reason="PDF/A", location=COURT_NAME))


def test_a_document_sealed_at_b_t_is_still_pdfa_2b(rendered, sealer):  # noqa: F811
    for name in ("ruling", "receipt", "voucher", "address confirmation"):
        assert pdfa_findings(sealed(rendered[name], sealer)) == [], name


def test_a_b_lta_seal_breaks_only_the_whole_file_byte_range_rule(rendered, lta_sealer):  # noqa: F811
    """B-LTA adds the validation data and a document timestamp as later revisions, so the seal's /ByteRange
    covers its own revision, not the whole file: the one PDF/A finding a long-term seal brings (docs/documents.md)."""
    pdf = sealed(rendered["ruling"], lta_sealer)
    rules = [rule for rule, _message in pdfa_findings(pdf)]
    if "PDFA2B-STREAM-LENGTH-001" in rules:
        # page-validation 0.11 sometimes reports this for a B-LTA file (seen in 1 of 4 test sessions and once in CI,
        # never in 20 seals with one session's PKI: the validation data differ with each session's keys; the cause
        # in the validator is not found yet). Every stream's /Length is checked here directly instead: pyHanko's
        # reader refuses a stream whose /Length does not end right before EOL + endstream, and the check lists it.
        assert streams_with_a_wrong_length(pdf) == []
        rules.remove("PDFA2B-STREAM-LENGTH-001")
    assert rules == ["PDFA2B-SIGNATURE-BYTERANGE-001"]


def streams_with_a_wrong_length(pdf: bytes) -> list[str]:
    """Every stream object of every revision whose /Length does not end its data right before EOL + endstream."""
    from pyhanko.pdf_utils import generic

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    wrong = []
    for ref, offset in _object_offsets(reader).items():
        obj = reader.get_object(generic.Reference(*ref, pdf=reader))
        if not isinstance(obj, generic.StreamObject):
            continue
        start = pdf.index(b"stream", offset) + len(b"stream")
        start += 2 if pdf[start:start + 2] == b"\r\n" else 1
        end = start + int(obj["/Length"])
        if not re.match(rb"(\r\n|\r|\n)endstream", pdf[end:end + 12]):
            wrong.append(f"{ref}: /Length {int(obj['/Length'])}")
    return wrong


def _object_offsets(reader) -> dict[tuple[int, int], int]:  # type: ignore[no-untyped-def]
    """The byte offset of every object written directly in the file (not in an object stream), all revisions."""
    offsets = {}
    for revision in range(reader.xrefs.total_revisions):
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            location = reader.xrefs[ref]  # its newest version
            if isinstance(location, int):
                offsets[(ref.idnum, ref.generation)] = location
    return offsets


def test_every_document_declares_pdfa_2b_in_xmp_matching_its_document_information(documents, poppler):
    for name, pdf in documents.items():
        root = PdfFileReader(io.BytesIO(pdf)).root
        metadata = root["/Metadata"]
        assert metadata["/Subtype"] == "/XML" and "/Filter" not in metadata, name
        xmp = metadata.data.decode("utf-8")
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
        info = poppler.info(pdf)
        assert f'<rdf:li xml:lang="x-default">{info["Title"]}</rdf:li>' in xmp, name
        assert f"<rdf:li>{info['Author']}</rdf:li>" in xmp, name
        assert f"<pdf:Producer>{info['Producer']}</pdf:Producer>" in xmp
        created = re.search(r"/CreationDate \(D:(\d{14})", pdf.decode("latin-1"))
        assert created is not None
        stamp = created.group(1)
        iso = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:{stamp[12:]}"
        assert f"<xmp:CreateDate>{iso}" in xmp and f"<xmp:ModifyDate>{iso}" in xmp, name


def test_every_document_has_an_srgb_output_intent(documents):
    for name, pdf in documents.items():
        [reference] = PdfFileReader(io.BytesIO(pdf)).root["/OutputIntents"]
        intent = reference.get_object()
        assert intent["/S"] == "/GTS_PDFA1", name
        assert intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
        profile = intent["/DestOutputProfile"]
        assert profile["/N"] == 3
        icc = profile.data
        assert icc[36:40] == b"acsp" and icc[16:20] == b"RGB " and icc[12:16] == b"mntr"
        assert icc[8] <= 4  # ICC major version 2–4, as ISO 32000-1 knows them


def test_every_document_is_one_revision_with_every_font_an_embedded_truetype_subset(documents, poppler):
    for name, pdf in documents.items():
        assert pdf.count(b"%%EOF") == 1 and b"/Prev" not in pdf, name
        assert b"/Encrypt" not in pdf and b"/JavaScript" not in pdf and b"/EmbeddedFile" not in pdf
        fonts = poppler.fonts(pdf)
        assert fonts and all((row[-5], row[-4]) == ("yes", "yes") and "TrueType" in row for row in fonts), name
        for base14 in (b"/Helvetica", b"/Times-", b"/Courier", b"/Symbol", b"/ZapfDingbats"):
            assert base14 not in pdf, (name, base14)
