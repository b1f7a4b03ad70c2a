"""Development seal certificates for courts (电子印章): one RSA key and certificate per court, in a PKCS#12 file.

Court codes are Chinese ("渝0241"), so each court's directory is named ``court-`` followed by the lowercase hex of
the code's UTF-8 bytes ("渝0241" → ``court-e6b89d30323431``): ASCII-only, case-insensitive-safe, unambiguous and
reversible (``court_code_from_dir_name``). Layout under ``data_dir/keys/courts/<court dir>/`` (0700)::

    seal.p12     key + seal certificate + root chain, encrypted with the passphrase (0600)
    seal.pass    the passphrase, random, ASCII (0600)
    seal.pem     the seal certificate alone, for display and inspection (0600)

    retired/<serial hex>/   seals replaced by ``rotate_court_seal``, kept (same three files) so that the
                            responder still knows them and old rulings can be traced to their key

The certificate is written last, so its presence means the seal is complete. An existing seal is reused unless the
court's name changed, the root was replaced, or it expires within ``RENEW_BEFORE``; then it is reissued.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12
from cryptography.x509.oid import NameOID

from .dev_pki import DevPki, points_at
from .files import ensure_private_dir, exclusive_lock, write_private_file
from .issuing import cert_to_pem, issue_end_entity, subject_name

SEAL_KEY_BITS = 2048
SEAL_LIFETIME = dt.timedelta(days=5 * 365)
RENEW_BEFORE = dt.timedelta(days=30)
SEAL_CN_SUFFIX = " 电子印章 DEV"
SEAL_CN_SHORT_SUFFIX = " DEV"
MAX_COMMON_NAME = 64  # ub-common-name, RFC 5280; the cryptography package counts it in UTF-8 bytes
MAX_COURT_CODE = 32
COURT_DIR_PREFIX = "court-"
PKCS12_KDF_ROUNDS = 100_000


@dataclass(frozen=True)
class CourtSeal:
    """A court's development seal: the PKCS#12 file, its passphrase, and the seal certificate."""

    court_code: str
    court_name: str
    p12_path: Path
    passphrase: bytes
    cert: x509.Certificate


def court_dir_name(court_code: str) -> str:
    """ASCII directory name for a court code: ``court-`` + hex of its UTF-8 bytes."""
    return COURT_DIR_PREFIX + court_code.encode("utf-8").hex()


def court_code_from_dir_name(name: str) -> str:
    """Inverse of ``court_dir_name``."""
    if not name.startswith(COURT_DIR_PREFIX):
        raise ValueError(f"not a court directory name: {name!r}")
    return bytes.fromhex(name[len(COURT_DIR_PREFIX) :]).decode("utf-8")


def seal_common_name(court_name: str) -> str:
    """Subject CN of a court's development seal certificate: "<court> 电子印章 DEV", or "<court> DEV" when that is
    too long (a full name with its province, 重庆市秀山土家族苗族自治县人民法院, is 51 of the 64 bytes a CN may hold
    in UTF-8; the O attribute always carries the name whole)."""
    for suffix in (SEAL_CN_SUFFIX, SEAL_CN_SHORT_SUFFIX):
        if len(f"{court_name}{suffix}".encode()) <= MAX_COMMON_NAME:
            return f"{court_name}{suffix}"
    return f"{court_name}{SEAL_CN_SHORT_SUFFIX}"  # refused by _check_court


def ensure_court_seal(pki: DevPki, court_code: str, court_name: str) -> CourtSeal:
    """Return the court's seal, issuing it under the development root if it is missing or out of date."""
    _check_court(court_code, court_name)
    seal_dir = pki.paths.courts_dir / court_dir_name(court_code)
    p12_path, pass_path, cert_path = seal_dir / "seal.p12", seal_dir / "seal.pass", seal_dir / "seal.pem"
    ensure_private_dir(pki.paths.courts_dir)
    ensure_private_dir(seal_dir)
    with exclusive_lock(pki.paths.lock):
        if cert_path.exists() and p12_path.exists() and pass_path.exists():
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            if _still_good(cert, pki, court_name):
                return CourtSeal(court_code, court_name, p12_path, pass_path.read_bytes().strip(), cert)
        root_key = pki.load_root_key()
        issued = issue_end_entity(
            subject_name(seal_common_name(court_name), court_name),
            issuer_cert=pki.root_cert,
            issuer_key=root_key,
            bits=SEAL_KEY_BITS,
            lifetime=SEAL_LIFETIME,
            crl_url=pki.crl_url,
            ocsp_url=pki.ocsp_url,
        )
        passphrase = secrets.token_urlsafe(32).encode("ascii")
        encryption = (
            PrivateFormat.PKCS12.encryption_builder()
            .kdf_rounds(PKCS12_KDF_ROUNDS)
            .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
            .hmac_hash(hashes.SHA256())
            .build(passphrase)
        )
        p12 = pkcs12.serialize_key_and_certificates(
            name=court_dir_name(court_code).encode("ascii"),
            key=issued.key,
            cert=issued.cert,
            cas=[pki.root_cert],
            encryption_algorithm=encryption,
        )
        cert_path.unlink(missing_ok=True)  # the seal is incomplete until the certificate is back
        write_private_file(pass_path, passphrase + b"\n")
        write_private_file(p12_path, p12)
        write_private_file(cert_path, cert_to_pem(issued.cert))
    return CourtSeal(court_code, court_name, p12_path, passphrase, issued.cert)


def rotate_court_seal(pki: DevPki, court_code: str, court_name: str) -> CourtSeal:
    """Retire the court's current seal (kept under ``retired/<serial>``) and issue a new key and certificate.

    Rulings sealed under the retired certificate still verify: it stays valid and unrevoked under the same root
    (revoke it with ``RevocationAuthority.revoke`` if the key was compromised).
    """
    _check_court(court_code, court_name)
    seal_dir = pki.paths.courts_dir / court_dir_name(court_code)
    with exclusive_lock(pki.paths.lock):
        cert_path = seal_dir / "seal.pem"
        if cert_path.exists():
            serial = x509.load_pem_x509_certificate(cert_path.read_bytes()).serial_number
            retired = ensure_private_dir(ensure_private_dir(seal_dir / "retired") / f"{serial:x}")
            for name in ("seal.pass", "seal.p12", "seal.pem"):
                if (seal_dir / name).exists():
                    (seal_dir / name).replace(retired / name)
    return ensure_court_seal(pki, court_code, court_name)


def retired_court_seals(pki: DevPki, court_code: str) -> list[x509.Certificate]:
    """Certificates of the court's retired seals, oldest first."""
    retired = pki.paths.courts_dir / court_dir_name(court_code) / "retired"
    certs = [x509.load_pem_x509_certificate(p.read_bytes()) for p in retired.glob("*/seal.pem")]
    return sorted(certs, key=lambda c: c.not_valid_before_utc)


def _check_court(court_code: str, court_name: str) -> None:
    if not court_code or court_code != court_code.strip() or len(court_code) > MAX_COURT_CODE:
        raise ValueError(f"invalid court code: {court_code!r}")
    if not court_code.isprintable():
        raise ValueError(f"court code has control characters: {court_code!r}")
    if not court_name.strip() or len(seal_common_name(court_name).encode()) > MAX_COMMON_NAME:
        raise ValueError(f"invalid court name: {court_name!r}")


def _still_good(cert: x509.Certificate, pki: DevPki, court_name: str) -> bool:
    organizations = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    if [a.value for a in organizations] != [court_name]:
        return False
    if cert.not_valid_after_utc - dt.datetime.now(dt.UTC) < RENEW_BEFORE:
        return False
    if not points_at(cert, pki.crl_url):
        return False
    try:
        cert.verify_directly_issued_by(pki.root_cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
