"""PDF/A-2b as far as reportlab allows: XMP metadata matching the document information, an sRGB output intent,
every font embedded, and a single revision (sealing appends the signature as an incremental update)."""

from __future__ import annotations

import io
import re

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from templates import render_ruling, render_service_receipt, render_service_voucher


@pytest.fixture
def documents(confirmed, receipt, voucher) -> dict[str, bytes]:
    return {
        "ruling": render_ruling(confirmed).pdf,
        "receipt": render_service_receipt(receipt).pdf,
        "voucher": render_service_voucher(voucher).pdf,
    }


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
