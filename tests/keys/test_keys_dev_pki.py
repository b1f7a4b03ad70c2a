"""The development PKI: a root CA and a timestamp authority under data_dir/keys, created once, reused after."""

from __future__ import annotations

import datetime as dt
import shutil
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from keys import DevPki, KeyMaterialError, ensure_dev_pki, load_trust_roots


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _cn(cert: x509.Certificate) -> str:
    return str(cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def test_key_files_are_readable_by_the_owner_only(pki: DevPki) -> None:
    paths = pki.paths
    assert _mode(paths.keys_dir) == 0o700
    assert _mode(paths.private_dir) == 0o700
    for path in (paths.root_cert, paths.root_key, paths.tsa_cert, paths.tsa_key):
        assert _mode(path) == 0o600, path
    assert not list(paths.keys_dir.rglob("*.tmp")), "no temporary files are left behind"


def test_root_is_a_twenty_year_dev_ca(pki: DevPki) -> None:
    root = pki.root_cert
    assert _cn(root) == "Jiudi DEV Root CA"
    assert root.subject == root.issuer
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    lifetime = root.not_valid_after_utc - root.not_valid_before_utc
    assert dt.timedelta(days=20 * 365) <= lifetime <= dt.timedelta(days=20 * 366)
    public_key = root.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size in (2048, 3072)
    root.verify_directly_issued_by(root)


def test_tsa_is_an_rsa_timestamping_certificate_issued_by_the_root(pki: DevPki) -> None:
    tsa = pki.tsa_cert
    assert _cn(tsa) == "Jiudi DEV Timestamp Authority"
    tsa.verify_directly_issued_by(pki.root_cert)
    eku = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert isinstance(pki.tsa_key, rsa.RSAPrivateKey) and pki.tsa_key.key_size == 2048
    assert pki.tsa_key.public_key().public_numbers() == tsa.public_key().public_numbers()  # type: ignore[union-attr]
    assert pki.tsa_chain == [pki.root_cert]


def test_every_dev_subject_says_dev(pki: DevPki) -> None:
    assert "DEV" in _cn(pki.root_cert) and "DEV" in _cn(pki.tsa_cert)


def test_second_call_reuses_the_existing_pki(data_dir: Path, pki: DevPki) -> None:
    before = {p: p.read_bytes() for p in pki.paths.keys_dir.rglob("*.pem")}
    again = ensure_dev_pki(data_dir)
    assert again.root_cert == pki.root_cert and again.tsa_cert == pki.tsa_cert
    assert {p: p.read_bytes() for p in pki.paths.keys_dir.rglob("*.pem")} == before


def test_root_key_can_be_loaded_to_issue_certificates(pki: DevPki) -> None:
    key = pki.load_root_key()
    assert key.public_key().public_numbers() == pki.root_cert.public_key().public_numbers()  # type: ignore[union-attr]


def test_trust_roots_are_every_root_pem_in_the_keys_dir(tmp_path: Path, data_dir: Path, pki: DevPki) -> None:
    assert load_trust_roots(data_dir) == [pki.root_cert]
    other = ensure_dev_pki(tmp_path / "other")
    shutil.copy(other.paths.root_cert, pki.paths.keys_dir / "root-next.pem")
    try:
        assert load_trust_roots(data_dir) == [pki.root_cert, other.root_cert]  # root-ca.pem < root-next.pem
    finally:
        (pki.paths.keys_dir / "root-next.pem").unlink()


def test_no_trust_roots_before_the_pki_exists(tmp_path: Path) -> None:
    assert load_trust_roots(tmp_path) == []


def test_a_root_certificate_without_its_key_is_an_error(tmp_path: Path) -> None:
    made = ensure_dev_pki(tmp_path)
    made.paths.root_key.unlink()
    with pytest.raises(KeyMaterialError):
        ensure_dev_pki(tmp_path)


def test_tsa_is_reissued_when_the_root_changes(tmp_path: Path) -> None:
    first = ensure_dev_pki(tmp_path)
    first.paths.root_cert.unlink()
    first.paths.root_key.unlink()
    second = ensure_dev_pki(tmp_path)
    assert second.root_cert != first.root_cert
    second.tsa_cert.verify_directly_issued_by(second.root_cert)
