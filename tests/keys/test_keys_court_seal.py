"""Court seal certificates (电子印章): one per court, issued by the development root, kept in a PKCS#12 file."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from keys import CourtSeal, DevPki, court_code_from_dir_name, court_dir_name, ensure_court_seal

CODE = "渝0241"
NAME = "重庆市秀山土家族苗族自治县人民法院"


@pytest.fixture(scope="module")
def seal(pki: DevPki) -> CourtSeal:
    return ensure_court_seal(pki, CODE, NAME)


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    return str(name.get_attributes_for_oid(oid)[0].value)


def test_seal_certificate_names_the_court(seal: CourtSeal) -> None:
    subject = seal.cert.subject
    assert _attr(subject, NameOID.COMMON_NAME) == f"{NAME} DEV"  # "电子印章" would pass the 64 bytes a CN holds
    assert _attr(subject, NameOID.ORGANIZATION_NAME) == NAME
    assert _attr(subject, NameOID.COUNTRY_NAME) == "CN"


def test_seal_certificate_is_a_five_year_signing_certificate_from_the_root(
    pki: DevPki, seal: CourtSeal
) -> None:
    cert = seal.cert
    cert.verify_directly_issued_by(pki.root_cert)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment  # nonRepudiation
    assert not usage.value.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert dt.timedelta(days=5 * 365) <= lifetime <= dt.timedelta(days=5 * 366)
    public_key = cert.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size == 2048


def test_pkcs12_opens_with_the_passphrase_and_carries_the_root(pki: DevPki, seal: CourtSeal) -> None:
    key, cert, chain = pkcs12.load_key_and_certificates(seal.p12_path.read_bytes(), seal.passphrase)
    assert cert == seal.cert
    assert key is not None and key.public_key().public_numbers() == cert.public_key().public_numbers()  # type: ignore[union-attr]
    assert chain == [pki.root_cert]
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(seal.p12_path.read_bytes(), b"wrong")


def test_seal_files_are_owner_only_in_an_ascii_directory(seal: CourtSeal) -> None:
    seal_dir = seal.p12_path.parent
    assert seal_dir.name == "court-e6b89d30323431" and seal_dir.name.isascii()
    assert stat.S_IMODE(seal_dir.stat().st_mode) == 0o700
    for name in ("seal.p12", "seal.pass", "seal.pem"):
        assert stat.S_IMODE((seal_dir / name).stat().st_mode) == 0o600
    assert (seal_dir / "seal.pass").read_bytes().strip() == seal.passphrase


def test_second_call_returns_the_same_seal(pki: DevPki, seal: CourtSeal) -> None:
    again = ensure_court_seal(pki, CODE, NAME)
    assert again == seal


def test_each_court_gets_its_own_seal(pki: DevPki, seal: CourtSeal) -> None:
    other = ensure_court_seal(pki, "渝0242", "重庆市酉阳土家族苗族自治县人民法院")
    assert other.p12_path.parent != seal.p12_path.parent
    assert other.cert.public_key().public_numbers() != seal.cert.public_key().public_numbers()  # type: ignore[union-attr]


def test_seal_is_reissued_when_the_court_is_renamed(pki: DevPki) -> None:
    old = ensure_court_seal(pki, "渝0243", "旧名称人民法院")
    new = ensure_court_seal(pki, "渝0243", "新名称人民法院")
    assert new.p12_path == old.p12_path
    assert _attr(new.cert.subject, NameOID.ORGANIZATION_NAME) == "新名称人民法院"
    assert new.passphrase != old.passphrase


@pytest.mark.parametrize("code", ["渝0241", "(2025)渝0241", "A/B..C", "ASCII"])
def test_court_directory_name_is_ascii_and_reversible(code: str) -> None:
    name = court_dir_name(code)
    assert name.isascii() and "/" not in name and name == name.lower()
    assert court_code_from_dir_name(name) == code


@pytest.mark.parametrize(
    "code,name", [("", NAME), (" 渝0241", NAME), ("渝\n0241", NAME), (CODE, " "), (CODE, "法" * 60)]
)
def test_rejects_unusable_court_codes_and_names(pki: DevPki, code: str, name: str) -> None:
    with pytest.raises(ValueError):
        ensure_court_seal(pki, code, name)


def test_the_common_name_keeps_its_words_when_they_fit_and_a_name_too_long_for_a_certificate_is_refused():
    from keys.court_seal import _check_court, seal_common_name

    assert seal_common_name("重庆市秀山县人民法院") == "重庆市秀山县人民法院 电子印章 DEV"
    assert seal_common_name(NAME) == f"{NAME} DEV"
    with pytest.raises(ValueError, match="invalid court name"):
        _check_court("新0105", "新疆维吾尔自治区乌鲁木齐市沙依巴克区人民法院")  # 66 bytes: no room even for " DEV"
