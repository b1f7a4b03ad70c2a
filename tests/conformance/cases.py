"""Conformance cases made by code: each builds a PDF from a fresh development PKI and names Jiudi's required verdict.

Shared by ``tests/conformance`` and ``bench/conformance_table.py`` (which records what pdfsig and pyHanko say).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator.registry import SimpleCertificateStore

from keys import CourtSeal, DevPki, RevocationAuthority, ensure_court_seal, ensure_dev_pki
from keys.issuing import new_rsa_key, subject_name
from signing import DevTimestampAuthority, Pkcs12Sealer, SealRequest
from signing.certs import to_asn1_cert
from tests.pki_fixtures import COURT_CODE, COURT_NAME, SEAL_BOX, make_pdf, make_seal_appearance
from tests.verify.test_verify_sealed_pdf import _change_info  # the /Info-only revision of the verifier's own tests


@dataclass(frozen=True)
class Expected:
    genuine: bool
    code: str | None  # the first problem code Jiudi must report, None when genuine
    indication: str


@dataclass
class World:
    """A development PKI, its revocation authority, a B-T and a B-LTA sealer, and a second untrusted PKI."""

    pki: DevPki
    other: DevPki
    seal: CourtSeal
    tsa: DevTimestampAuthority
    revocation: RevocationAuthority
    sealer: Pkcs12Sealer
    lta_sealer: Pkcs12Sealer
    request: SealRequest

    @classmethod
    def create(cls, base: Path | None = None) -> World:
        base = base or Path(tempfile.mkdtemp(prefix="jiudi-conformance-"))
        pki = ensure_dev_pki(base / "data")
        seal = ensure_court_seal(pki, COURT_CODE, COURT_NAME)
        tsa = DevTimestampAuthority(pki.tsa_cert, pki.tsa_key, pki.tsa_chain)
        revocation = RevocationAuthority(pki)
        request = SealRequest("CourtSeal", 0, SEAL_BOX, make_seal_appearance(), "依法作出民事裁定", "秀山")
        return cls(
            pki=pki,
            other=ensure_dev_pki(base / "other"),
            seal=seal,
            tsa=tsa,
            revocation=revocation,
            sealer=Pkcs12Sealer(seal.p12_path, seal.passphrase, tsa),
            lta_sealer=Pkcs12Sealer(seal.p12_path, seal.passphrase, tsa, level="B-LTA", revocation=revocation),
            request=request,
        )


def _sign_b_b(pdf: bytes, key: object, cert: x509.Certificate, chain: list[x509.Certificate], name: str) -> bytes:
    pkcs8 = key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    registry = SimpleCertificateStore()
    registry.register_multiple([to_asn1_cert(c) for c in chain])
    signer = signers.SimpleSigner(
        signing_cert=to_asn1_cert(cert), signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8), cert_registry=registry
    )
    meta = signers.PdfSignatureMetadata(field_name=name, subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), meta, signer=signer)
    return out.getvalue()


def _custom_cert(world: World, *, expired: bool = False, encipher_only: bool = False) -> tuple[object, x509.Certificate]:
    key = new_rsa_key(2048)
    now = dt.datetime.now(dt.UTC)
    start, end = (now - dt.timedelta(days=400), now - dt.timedelta(days=35)) if expired else (now - dt.timedelta(hours=1), now + dt.timedelta(days=30))
    usage = x509.KeyUsage(
        digital_signature=not encipher_only, content_commitment=not encipher_only, key_encipherment=encipher_only,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject_name("测试印章 DEV", COURT_NAME))
        .issuer_name(world.pki.root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(world.pki.load_root_key(), hashes.SHA256())
    )
    return key, cert


def _append(pdf: bytes, edit: Callable[[IncrementalPdfFileWriter], None]) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    edit(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _add_content(writer: IncrementalPdfFileWriter) -> None:
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 600 Td (FORGED) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))


def _add_annotation(writer: IncrementalPdfFileWriter) -> None:
    page = writer.root["/Pages"]["/Kids"][0]
    annot = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/Text"),
        generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (50, 50, 80, 80)]),
        generic.NameObject("/Contents"): generic.TextStringObject("驳回"),
    })
    page[generic.NameObject("/Annots")] = generic.ArrayObject([writer.add_object(annot)])
    writer.update_container(page)


def _replace_page_content(writer: IncrementalPdfFileWriter) -> None:
    page = writer.root["/Pages"]["/Kids"][0]
    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 100 700 Td (Hello forged 1) Tj ET")
    page[generic.NameObject("/Contents")] = writer.add_object(stream)
    writer.update_container(page)


def _replace_page_content_beside_dss(world: World) -> bytes:
    """A content change disguised as long-term-validation data: the same revision also writes a DSS."""

    def edit(writer: IncrementalPdfFileWriter) -> None:
        _replace_page_content(writer)
        DocumentSecurityStore.supply_dss_in_writer(
            writer, None, certs=[to_asn1_cert(world.seal.cert)], crls=[_asn1_crl(world.revocation.crl_der())]
        )

    return _append(world.sealer.seal(make_pdf(), world.request), edit)


def _revoked_with_crl(world: World) -> bytes:
    dead = ensure_court_seal(world.pki, "渝0298", "吊销测试法院")
    world.revocation.revoke(dead.cert, at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    sealed = Pkcs12Sealer(dead.p12_path, dead.passphrase, world.tsa).seal(make_pdf(), world.request)
    out = BytesIO(sealed)
    DocumentSecurityStore.add_dss(
        out, None, certs=[to_asn1_cert(dead.cert)],
        crls=[_asn1_crl(world.revocation.crl_der())],
        ocsps=[_asn1_ocsp(world.revocation.ocsp_response(dead.cert))],
    )
    return out.getvalue()


def _asn1_crl(der: bytes):  # type: ignore[no-untyped-def]
    from asn1crypto import crl

    return crl.CertificateList.load(der)


def _asn1_ocsp(der: bytes):  # type: ignore[no-untyped-def]
    from asn1crypto import ocsp

    return ocsp.OCSPResponse.load(der)


def _second_signature(world: World) -> bytes:
    # pyHanko refuses to sign after a NO_CHANGES certification, so the first seal here is an approval seal
    approval = SealRequest("CourtSeal", 0, SEAL_BOX, None, "依法作出民事裁定", "秀山", certify=False)
    first = world.sealer.seal(make_pdf(), approval)
    second = SealRequest("Second", 0, (50, 50, 169, 169), None, "再次签章", "秀山", certify=False)
    return world.sealer.seal(first, second)


def _expired(world: World) -> bytes:
    key, cert = _custom_cert(world, expired=True)
    return _sign_b_b(make_pdf(), key, cert, [world.pki.root_cert], "Seal")


def _wrong_key_usage(world: World) -> bytes:
    key, cert = _custom_cert(world, encipher_only=True)
    return _sign_b_b(make_pdf(), key, cert, [world.pki.root_cert], "Seal")


# what pyHanko alone judges valid (see verify/check.py): plain bytes after the last %%EOF, no new revision
APPENDED = b"appended after sealing\n"


def _flip_byte(pdf: bytes) -> bytes:
    at = pdf.index(b"Hello ruling")
    return pdf[:at] + b"J" + pdf[at + 1 :]


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[World], bytes]
    expected: Expected
    untrusted: bool = False  # verify against the other PKI's root instead


OK = Expected(True, None, "PASSED")
CASES: list[Case] = [
    Case("valid B-LTA seal", lambda w: w.lta_sealer.seal(make_pdf(), w.request), OK),
    Case("valid B-T seal", lambda w: w.sealer.seal(make_pdf(), w.request), OK),
    Case("one byte altered", lambda w: _flip_byte(w.sealer.seal(make_pdf(), w.request)), Expected(False, "verify.modified", "FAILED")),
    Case("untrusted root", lambda w: w.sealer.seal(make_pdf(), w.request), Expected(False, "verify.untrusted", "INDETERMINATE"), untrusted=True),
    Case("content added in an incremental update", lambda w: _append(w.sealer.seal(make_pdf(), w.request), _add_content), Expected(False, "verify.modified", "FAILED")),
    Case("annotation added", lambda w: _append(w.sealer.seal(make_pdf(), w.request), _add_annotation), Expected(False, "verify.modified", "FAILED")),
    Case("second signature added", _second_signature, Expected(False, "verify.multiple_signatures", "FAILED")),
    Case("page content replaced (shadow hide-and-replace)", lambda w: _append(w.sealer.seal(make_pdf(), w.request), _replace_page_content), Expected(False, "verify.modified", "FAILED")),
    Case("page content replaced in a revision that also writes a DSS", _replace_page_content_beside_dss, Expected(False, "verify.modified", "FAILED")),
    Case("bytes appended after the final %%EOF", lambda w: w.sealer.seal(make_pdf(), w.request) + APPENDED, Expected(False, "verify.not_whole_file", "FAILED")),
    Case("bytes appended after the final %%EOF of a B-LTA file", lambda w: w.lta_sealer.seal(make_pdf(), w.request) + APPENDED, Expected(False, "verify.not_whole_file", "FAILED")),
    Case("Info dictionary rewritten in a later revision", lambda w: _append(w.sealer.seal(make_pdf(), w.request), _change_info), Expected(False, "verify.modified", "FAILED")),
    Case("Info dictionary rewritten after the B-LTA updates", lambda w: _append(w.lta_sealer.seal(make_pdf(), w.request), _change_info), Expected(False, "verify.modified", "FAILED")),
    Case("revoked before signing (CRL+OCSP in DSS)", _revoked_with_crl, Expected(False, "verify.cert_revoked", "FAILED")),
    Case("expired certificate, no timestamp", _expired, Expected(False, "verify.cert_expired", "INDETERMINATE")),
    Case("certificate without signing key usage", _wrong_key_usage, Expected(False, "verify.cert_usage", "INDETERMINATE")),
    Case("unsealed PDF", lambda w: make_pdf(), Expected(False, "verify.unsigned", "INDETERMINATE")),
    Case("truncated file", lambda w: w.sealer.seal(make_pdf(), w.request)[:4000], Expected(False, "verify.not_pdf", "FAILED")),
    Case("garbage file", lambda w: bytes(range(256)) * 40, Expected(False, "verify.not_pdf", "FAILED")),
]
