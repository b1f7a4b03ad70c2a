"""check_sealed_pdf: a ruling is genuine only if its one seal is intact, trusted and covers the whole file."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.validation import add_validation_info
from pyhanko_certvalidator import ValidationContext

from keys import CourtSeal, DevPki, ensure_court_seal
from signing import DevTimestampAuthority, Pkcs12Sealer, SealRequest
from signing.certs import to_asn1_cert
from verify import PROBLEM_MESSAGES, Problem, VerificationReport, async_check_sealed_pdf, check_sealed_pdf


def _codes(report: VerificationReport) -> list[str]:
    return [p.code for p in report.problems]


def _context(pki: DevPki) -> ValidationContext:
    return ValidationContext(trust_roots=[to_asn1_cert(pki.root_cert)], allow_fetching=False)


def _with_dss(pdf: bytes, pki: DevPki) -> bytes:
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    return add_validation_info(signature, _context(pki)).getvalue()


def _with_document_timestamp(pdf: bytes, pki: DevPki, tsa: DevTimestampAuthority) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    return PdfTimeStamper(tsa).timestamp_pdf(writer, "sha256", _context(pki)).getvalue()


def test_a_freshly_sealed_ruling_is_genuine(pki: DevPki, court_seal: CourtSeal, sealed_pdf: bytes) -> None:
    report = check_sealed_pdf(sealed_pdf, [pki.root_cert])
    assert report.problems == ()
    assert report.genuine and report.intact and report.trusted
    assert report.coverage == "entire_file"
    assert report.modification_level == "none"
    assert report.signer == "重庆市秀山土家族苗族自治县人民法院 DEV"
    assert report.signer_organization == "重庆市秀山土家族苗族自治县人民法院"
    assert report.signer_cert_sha256 == hashlib.sha256(court_seal.cert.public_bytes(Encoding.DER)).hexdigest()
    assert report.timestamp_authority == "Jiudi DEV Timestamp Authority"
    assert report.level == "B-T"
    assert report.revisions == 2
    assert report.document_sha256 == hashlib.sha256(sealed_pdf).hexdigest()
    assert report.signed_at is not None and report.timestamp_at is not None
    assert report.timestamp_at[:19] >= report.signed_at[:19]


def test_report_serialises_to_json(pki: DevPki, sealed_pdf: bytes) -> None:
    as_dict = check_sealed_pdf(sealed_pdf, [pki.root_cert]).to_dict()
    assert json.loads(json.dumps(as_dict, ensure_ascii=False)) == as_dict
    assert as_dict["genuine"] is True and as_dict["problems"] == []


def test_asn1crypto_trust_roots_are_accepted_too(pki: DevPki, sealed_pdf: bytes) -> None:
    assert check_sealed_pdf(sealed_pdf, [to_asn1_cert(pki.root_cert)]).genuine


def test_one_flipped_byte_in_the_signed_content_is_a_modification(
    pki: DevPki, sealed_pdf: bytes, tmp_path: Path, pdfsig: Callable[[Path], str]
) -> None:
    at = sealed_pdf.index(b"Hello ruling")  # inside the uncompressed page content stream, first revision
    tampered = sealed_pdf[:at] + b"J" + sealed_pdf[at + 1 :]
    report = check_sealed_pdf(tampered, [pki.root_cert])
    assert not report.genuine and not report.intact
    assert _codes(report) == ["verify.modified"]

    path = tmp_path / "tampered.pdf"
    path.write_bytes(tampered)
    output = pdfsig(path)
    # poppler 22.12 prints "- Signature Validation: Digest Mismatch." (and still exits 0)
    assert "Signature is Valid" not in output, output
    assert "Digest Mismatch" in output, output


def _add_drawing(writer: IncrementalPdfFileWriter) -> None:
    stream = writer.add_object(generic.StreamObject(stream_data=b"1 0 0 rg 100 500 200 50 re f"))
    writer.add_stream_to_page(0, stream)


def _change_info(writer: IncrementalPdfFileWriter) -> None:
    writer.set_info(generic.DictionaryObject({generic.pdf_name("/Title"): generic.TextStringObject("篡改")}))


def _add_annotation(writer: IncrementalPdfFileWriter) -> None:
    page_ref, _ = writer.find_page_for_modification(0)
    annot = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
                generic.pdf_name("/Rect"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (50, 50, 80, 80)]
                ),
                generic.pdf_name("/Contents"): generic.TextStringObject("已撤销"),
            }
        )
    )
    page = page_ref.get_object()
    annots = page.get("/Annots", generic.ArrayObject())
    annots.append(annot)
    page["/Annots"] = annots
    writer.update_container(page)


@pytest.mark.parametrize("change", [_add_drawing, _change_info, _add_annotation])
def test_an_incremental_update_after_sealing_is_a_modification(
    pki: DevPki, sealed_pdf: bytes, change: Callable[[IncrementalPdfFileWriter], None]
) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(sealed_pdf))
    change(writer)
    out = BytesIO()
    writer.write(out)
    report = check_sealed_pdf(out.getvalue(), [pki.root_cert])
    assert not report.genuine
    assert report.intact, "the signed revision itself is untouched"
    assert report.revisions == 3
    assert _codes(report) == ["verify.modified"]


@pytest.mark.parametrize(
    "junk",
    [
        b"junk appended after the end\n",
        b"\n%% a comment\n%%EOF\n",
        b"1 0 obj (forged) endobj\nstartxref\n0\n%%EOF\n",
    ],
)
def test_bytes_appended_after_eof_mean_the_seal_no_longer_covers_the_file(
    pki: DevPki, sealed_pdf: bytes, junk: bytes
) -> None:
    report = check_sealed_pdf(sealed_pdf + junk, [pki.root_cert])
    assert not report.genuine
    assert "verify.not_whole_file" in _codes(report) or "verify.not_pdf" in _codes(report)
    if junk.startswith(b"junk"):
        assert report.intact and report.trusted  # pyHanko alone would call this valid
        assert _codes(report) == ["verify.not_whole_file"]


def test_trailing_end_of_line_after_eof_is_fine(pki: DevPki, sealed_pdf: bytes) -> None:
    with_dss = _with_dss(sealed_pdf, pki)
    assert check_sealed_pdf(with_dss + b"\r\n", [pki.root_cert]).genuine


def test_a_seal_from_another_root_is_untrusted(
    other_pki: DevPki,
    pki: DevPki,
    sealed_pdf: bytes,
    pdf_factory: Callable[..., bytes],
    seal_request: SealRequest,
) -> None:
    # the impostor PKI uses the very same names as ours; only the keys differ
    impostor_seal = ensure_court_seal(other_pki, "渝0241", "重庆市秀山土家族苗族自治县人民法院")
    impostor_tsa = DevTimestampAuthority(other_pki.tsa_cert, other_pki.tsa_key, other_pki.tsa_chain)
    forged = Pkcs12Sealer(impostor_seal.p12_path, impostor_seal.passphrase, impostor_tsa).seal(
        pdf_factory(), seal_request
    )
    report = check_sealed_pdf(forged, [pki.root_cert])
    assert not report.genuine and report.intact and not report.trusted
    assert "verify.untrusted" in _codes(report)
    assert check_sealed_pdf(forged, [other_pki.root_cert]).genuine


def test_no_trust_roots_means_nothing_is_trusted(sealed_pdf: bytes) -> None:
    report = check_sealed_pdf(sealed_pdf, [])
    assert not report.genuine and "verify.untrusted" in _codes(report)


def test_a_timestamp_from_an_untrusted_tsa_is_invalid(
    pki: DevPki,
    other_pki: DevPki,
    court_seal: CourtSeal,
    seal_request: SealRequest,
    pdf_factory: Callable[..., bytes],
) -> None:
    foreign_tsa = DevTimestampAuthority(other_pki.tsa_cert, other_pki.tsa_key, other_pki.tsa_chain)
    sealed = Pkcs12Sealer(court_seal.p12_path, court_seal.passphrase, foreign_tsa).seal(
        pdf_factory(), seal_request
    )
    report = check_sealed_pdf(sealed, [pki.root_cert])
    assert not report.genuine and report.trusted
    assert _codes(report) == ["verify.timestamp_invalid"]


def test_an_unsigned_pdf_is_unsigned(pki: DevPki, pdf_factory: Callable[..., bytes]) -> None:
    report = check_sealed_pdf(pdf_factory(), [pki.root_cert])
    assert not report.genuine and _codes(report) == ["verify.unsigned"]
    assert report.revisions == 1


def test_two_signatures_are_one_too_many(
    pki: DevPki, sealer: Pkcs12Sealer, pdf_factory: Callable[..., bytes]
) -> None:
    first = sealer.seal(
        pdf_factory(), SealRequest("First", 0, (10, 10, 60, 60), None, "r", "l", certify=False)
    )
    second = sealer.seal(first, SealRequest("Second", 0, (70, 10, 120, 60), None, "r", "l", certify=False))
    report = check_sealed_pdf(second, [pki.root_cert])
    assert not report.genuine and "verify.multiple_signatures" in _codes(report)


def _truncations(pdf: bytes) -> list[bytes]:
    return [pdf[: len(pdf) // 2], pdf[:-10], pdf[:1000], pdf[:5]]


@pytest.mark.parametrize("cut", range(4))
def test_a_truncated_file_is_not_a_pdf(pki: DevPki, sealed_pdf: bytes, cut: int) -> None:
    report = check_sealed_pdf(_truncations(sealed_pdf)[cut], [pki.root_cert])
    assert not report.genuine and _codes(report) == ["verify.not_pdf"]


@pytest.mark.parametrize(
    "garbage", [b"", b"garbage", bytes(range(256)) * 40, b"%PDF-1.7\n garbage", b"\x00" * 10]
)
def test_garbage_is_not_a_pdf(pki: DevPki, garbage: bytes) -> None:
    report = check_sealed_pdf(garbage, [pki.root_cert])
    assert not report.genuine
    assert report.problems == (Problem("verify.not_pdf", "文件不是有效的PDF文件"),)
    assert report.document_sha256 == hashlib.sha256(garbage).hexdigest()


def test_long_term_validation_data_keeps_the_ruling_genuine(
    pki: DevPki, tsa: DevTimestampAuthority, sealed_pdf: bytes
) -> None:
    with_dss = _with_dss(sealed_pdf, pki)
    lt = check_sealed_pdf(with_dss, [pki.root_cert])
    assert lt.genuine and lt.level == "B-LT"
    assert lt.coverage == "entire_revision" and lt.modification_level == "lta_updates"

    archived = _with_document_timestamp(with_dss, pki, tsa)
    lta = check_sealed_pdf(archived, [pki.root_cert])
    assert lta.genuine and lta.level == "B-LTA"
    assert lta.revisions == 5  # original, seal, DSS, document timestamp, DSS for the timestamp


def test_junk_after_a_long_term_validation_update_is_caught(pki: DevPki, sealed_pdf: bytes) -> None:
    report = check_sealed_pdf(_with_dss(sealed_pdf, pki) + b"appended", [pki.root_cert])
    assert not report.genuine and _codes(report) == ["verify.not_whole_file"]


def test_the_async_form_runs_inside_an_event_loop(pki: DevPki, sealed_pdf: bytes) -> None:
    report = asyncio.run(async_check_sealed_pdf(sealed_pdf, [pki.root_cert]))
    assert report.genuine


def test_every_problem_code_is_namespaced_and_has_a_chinese_message() -> None:
    for code, message in PROBLEM_MESSAGES.items():
        assert code.startswith("verify.") and code == code.lower()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), code
