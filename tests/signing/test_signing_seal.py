"""Sealing with a PKCS#12 key: PAdES B-T certification signatures in a visible field at the requested box."""

from __future__ import annotations

import asyncio
import subprocess
import threading
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import cms
from PIL import Image
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    add_validation_info,
    read_certification_data,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext

from keys import CourtSeal, DevPki
from signing import (
    DEFAULT_BYTES_RESERVED,
    DevTimestampAuthority,
    Pkcs12Sealer,
    Sealer,
    SealingError,
    SealRequest,
)
from signing.certs import to_asn1_cert


def _context(pki: DevPki) -> ValidationContext:
    return ValidationContext(trust_roots=[to_asn1_cert(pki.root_cert)], allow_fetching=False)


def _only_signature(pdf: bytes) -> EmbeddedPdfSignature:
    signatures = PdfFileReader(BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    return signatures[0]


def test_pkcs12_sealer_is_a_sealer(sealer: Pkcs12Sealer) -> None:
    assert isinstance(sealer, Sealer)


def test_pkcs12_sealer_names_the_seal_certificate_of_its_key_file(sealer: Pkcs12Sealer, court_seal: CourtSeal) -> None:
    assert sealer.certificate == court_seal.cert


def test_pdfsig_finds_a_valid_signature_over_the_whole_document(
    sealed_pdf: bytes, tmp_path: Path, pdfsig: Callable[[Path], str]
) -> None:
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed_pdf)
    report = pdfsig(path)
    assert "Signature is Valid" in report, report
    assert "Total document signed" in report, report
    assert "ETSI.CAdES.detached" in report, report


def test_pyhanko_finds_the_seal_intact_valid_trusted_and_timestamped(pki: DevPki, sealed_pdf: bytes) -> None:
    status = validate_pdf_signature(_only_signature(sealed_pdf), _context(pki))
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.timestamp_validity is not None, "PAdES B-T needs a signature timestamp"
    assert status.timestamp_validity.trusted
    assert (
        status.timestamp_validity.signing_cert.subject.native["common_name"]
        == "Jiudi DEV Timestamp Authority"
    )


def test_seal_is_a_pades_certification_signature_allowing_no_changes(sealed_pdf: bytes) -> None:
    signature = _only_signature(sealed_pdf)
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    certification = read_certification_data(PdfFileReader(BytesIO(sealed_pdf)))
    assert certification is not None
    assert certification.permission == MDPPerm.NO_CHANGES
    assert signature.docmdp_level == MDPPerm.NO_CHANGES


def test_seal_carries_reason_and_location(sealed_pdf: bytes, seal_request: SealRequest) -> None:
    sig_object = _only_signature(sealed_pdf).sig_object
    assert sig_object["/Reason"] == seal_request.reason
    assert sig_object["/Location"] == seal_request.location


def test_widget_sits_at_the_requested_box_on_the_requested_page(
    sealer: Pkcs12Sealer, pdf_factory: Callable[..., bytes], appearance_pdf: bytes
) -> None:
    box = (72.5, 90.25, 191.5, 209.25)
    request = SealRequest("Seal", 1, box, appearance_pdf, "reason", "location")
    sealed = sealer.seal(pdf_factory(pages=2), request)
    reader = PdfFileReader(BytesIO(sealed))
    field = _only_signature(sealed).sig_field
    assert [float(v) for v in field["/Rect"]] == list(box)
    page_two = reader.root["/Pages"]["/Kids"][1].get_object()
    assert [annot.get_object() for annot in page_two["/Annots"]] == [field]
    assert "/Annots" not in reader.root["/Pages"]["/Kids"][0].get_object()


def test_appearance_is_drawn_inside_the_box(
    sealed_pdf: bytes, seal_request: SealRequest, tmp_path: Path
) -> None:
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed_pdf)
    # 72 dpi: one pixel per point; pdftoppm's y axis runs downwards from the top of the A4 page
    subprocess.run(
        ["pdftoppm", "-r", "72", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True
    )
    image = Image.open(tmp_path / "page.png").convert("RGB")
    x1, y1, x2, y2 = seal_request.box
    centre = (round((x1 + x2) / 2), round(image.height - (y1 + y2) / 2))
    red, green, blue = image.getpixel(centre)  # type: ignore[misc]
    assert red > 150 and green < 80 and blue < 80, "the seal's red centre is drawn at the box's centre"
    outside = image.getpixel((round(x1) - 20, centre[1]))
    assert outside == (255, 255, 255)


def test_seal_without_an_appearance_still_validates(
    pki: DevPki, sealer: Pkcs12Sealer, pdf_factory: Callable[..., bytes]
) -> None:
    request = SealRequest("Plain", 0, (100, 100, 200, 200), None, "reason", "location")
    status = validate_pdf_signature(_only_signature(sealer.seal(pdf_factory(), request)), _context(pki))
    assert status.bottom_line


def test_reserved_space_fits_the_signature_with_room_to_spare(sealed_pdf: bytes) -> None:
    signature = _only_signature(sealed_pdf)
    reserved_hex_digits = len(signature.pkcs7_content) * 2
    assert reserved_hex_digits == DEFAULT_BYTES_RESERVED, "the fixed reservation is used, no trial signature"
    used = len(cms.ContentInfo.load(signature.pkcs7_content, strict=False).dump(force=True)) * 2
    assert used * 1.5 <= DEFAULT_BYTES_RESERVED, f"{used} hex digits used of {DEFAULT_BYTES_RESERVED}"


def test_dss_and_document_timestamp_may_follow_a_no_changes_certification(
    pki: DevPki, tsa: DevTimestampAuthority, sealed_pdf: bytes
) -> None:
    # PAdES B-LT/B-LTA upgrades: pyHanko accepts DSS and document-timestamp revisions under DocMDP NO_CHANGES
    with_dss = add_validation_info(_only_signature(sealed_pdf), _context(pki)).getvalue()
    writer = IncrementalPdfFileWriter(BytesIO(with_dss))
    archived = PdfTimeStamper(tsa).timestamp_pdf(writer, "sha256", _context(pki)).getvalue()

    reader = PdfFileReader(BytesIO(archived))
    assert "/DSS" in reader.root
    seal = reader.embedded_signatures[0]
    status = validate_pdf_signature(seal, _context(pki))
    assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert status.modification_level == ModificationLevel.LTA_UPDATES
    assert status.docmdp_ok and status.bottom_line


def test_sealing_from_many_threads_at_once(
    pki: DevPki, sealer: Pkcs12Sealer, seal_request: SealRequest, pdf_factory: Callable[..., bytes]
) -> None:
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            results[n] = sealer.seal(pdf_factory(text=f"ruling {n}"), seal_request)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for sealed in results.values():
        assert validate_pdf_signature(_only_signature(sealed), _context(pki)).bottom_line


def test_sealing_inside_a_running_event_loop_is_refused(
    sealer: Pkcs12Sealer, seal_request: SealRequest, pdf_factory: Callable[..., bytes]
) -> None:
    async def inside_loop() -> bytes:
        return sealer.seal(pdf_factory(), seal_request)

    with pytest.raises(RuntimeError):
        asyncio.run(inside_loop())


def test_page_out_of_range_is_a_sealing_error(
    sealer: Pkcs12Sealer, seal_request: SealRequest, pdf_factory: Callable[..., bytes]
) -> None:
    request = SealRequest("Seal", 3, seal_request.box, None, "r", "l")
    with pytest.raises(SealingError, match="out of range"):
        sealer.seal(pdf_factory(pages=2), request)


def test_garbage_input_is_a_sealing_error(sealer: Pkcs12Sealer, seal_request: SealRequest) -> None:
    with pytest.raises(SealingError):
        sealer.seal(b"not a pdf at all", seal_request)


def test_a_certified_document_cannot_be_certified_again(
    sealer: Pkcs12Sealer, seal_request: SealRequest, sealed_pdf: bytes
) -> None:
    with pytest.raises(SealingError):
        sealer.seal(sealed_pdf, SealRequest("Second", 0, (10, 10, 50, 50), None, "r", "l"))


def test_wrong_passphrase_is_a_sealing_error(court_seal: CourtSeal, tsa: DevTimestampAuthority) -> None:
    with pytest.raises(SealingError, match="passphrase"):
        Pkcs12Sealer(court_seal.p12_path, b"wrong", tsa)


@pytest.mark.parametrize(
    "field_name,page_index,box",
    [
        ("", 0, (0, 0, 10, 10)),
        ("a.b", 0, (0, 0, 10, 10)),
        ("Seal", -1, (0, 0, 10, 10)),
        ("Seal", 0, (10, 10, 0, 0)),
        ("Seal", 0, (0, 0, 10, float("nan"))),
    ],
)
def test_seal_request_rejects_unusable_values(
    field_name: str, page_index: int, box: tuple[float, float, float, float]
) -> None:
    with pytest.raises(ValueError):
        SealRequest(field_name, page_index, box, None, "reason", "location")
