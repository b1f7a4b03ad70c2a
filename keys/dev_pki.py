"""The development PKI: a root CA and a timestamp-authority certificate kept under ``data_dir/keys``.

Nothing here is fit for production: the keys are unencrypted files (0600 in a 0700 directory) and every subject
says "DEV". Layout (see ``DevPkiPaths``)::

    data_dir/keys/                     0700
        .lock                          flock held while key material is created
        root-ca.pem                    root CA certificate; every root-*.pem here is a trust root
        tsa.pem                        timestamp-authority certificate (issued by the root)
        private/                       0700
            root-ca-key.pem            root CA private key (PKCS#8 PEM, 0600)
            tsa-key.pem                TSA private key (PKCS#8 PEM, 0600)
        courts/<court dir>/            one per court, see keys.court_seal

A key is always written before its certificate, so a certificate on disk implies its key is there too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import rsa

from .errors import KeyMaterialError
from .files import ensure_private_dir, exclusive_lock, write_private_file
from .issuing import (
    TIMESTAMPING_EKU,
    IssuedCertificate,
    cert_to_pem,
    has_revocation_pointers,
    issue_end_entity,
    issue_root_ca,
    key_to_pem,
    load_rsa_key,
    same_public_key,
    subject_name,
)

DEV_ORGANIZATION = "Jiudi DEV"
ROOT_CA_NAME = "Jiudi DEV Root CA"
TSA_NAME = "Jiudi DEV Timestamp Authority"
ROOT_KEY_BITS = 3072
TSA_KEY_BITS = 2048  # pyHanko's DummyTimeStamper signs with RSA only
ROOT_LIFETIME = dt.timedelta(days=20 * 365)
TSA_LIFETIME = dt.timedelta(days=10 * 365)
TRUST_ROOT_GLOB = "root-*.pem"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
CRL_PATH = "/dev/pki/root.crl"  # served by keys.RevocationAuthority.crl_der()
OCSP_PATH = "/dev/pki/ocsp"  # served by keys.RevocationAuthority.respond_ocsp(request_der)


@dataclass(frozen=True)
class DevPkiPaths:
    """Where the development key material lives, derived from the data directory."""

    keys_dir: Path

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> DevPkiPaths:
        return cls(keys_dir=Path(data_dir) / "keys")

    @property
    def private_dir(self) -> Path:
        return self.keys_dir / "private"

    @property
    def courts_dir(self) -> Path:
        return self.keys_dir / "courts"

    @property
    def lock(self) -> Path:
        return self.keys_dir / ".lock"

    @property
    def root_cert(self) -> Path:
        return self.keys_dir / "root-ca.pem"

    @property
    def root_key(self) -> Path:
        return self.private_dir / "root-ca-key.pem"

    @property
    def tsa_cert(self) -> Path:
        return self.keys_dir / "tsa.pem"

    @property
    def tsa_key(self) -> Path:
        return self.private_dir / "tsa-key.pem"


@dataclass(frozen=True)
class DevPki:
    """The loaded development PKI: root and TSA certificates, the TSA key, and where everything is stored.

    The root key is not kept in memory; it is read from disk only when a court seal is issued.
    """

    paths: DevPkiPaths
    root_cert: x509.Certificate
    tsa_cert: x509.Certificate
    tsa_key: rsa.RSAPrivateKey
    base_url: str = DEFAULT_BASE_URL

    @property
    def crl_url(self) -> str:
        """Where the root's CRL is published (the CRL distribution point of every certificate it issues)."""
        return self.base_url.rstrip("/") + CRL_PATH

    @property
    def ocsp_url(self) -> str:
        """The OCSP responder named in the authority-information-access extension of issued certificates."""
        return self.base_url.rstrip("/") + OCSP_PATH

    @property
    def tsa_chain(self) -> list[x509.Certificate]:
        """Certificates a timestamp token should carry besides the TSA certificate itself."""
        return [self.root_cert]

    def load_root_key(self) -> rsa.RSAPrivateKey:
        """Read the root CA private key (used to issue court seal certificates)."""
        return _load_root_key(self.paths, self.root_cert)


def ensure_dev_pki(data_dir: Path, base_url: str = DEFAULT_BASE_URL) -> DevPki:
    """Load the development root CA and TSA under ``data_dir/keys``, creating whatever is missing.

    Certificates issued from now on point at ``base_url`` + ``CRL_PATH`` / ``OCSP_PATH`` for revocation data; a
    TSA certificate without such pointers, or pointing elsewhere, is reissued.

    Idempotent and safe to call from several processes at once (creation happens under a file lock). The root
    key is read only when something must be issued (parsing an RSA-3072 key costs about 0.2 s).
    """
    paths = DevPkiPaths.for_data_dir(data_dir)
    ensure_private_dir(paths.keys_dir)
    ensure_private_dir(paths.private_dir)
    with exclusive_lock(paths.lock):
        root_cert = _load_or_create_root(paths)
        tsa = _load_or_create_tsa(paths, root_cert, base_url)
    return DevPki(paths=paths, root_cert=root_cert, tsa_cert=tsa.cert, tsa_key=tsa.key, base_url=base_url)


def load_trust_roots(data_dir: Path) -> list[x509.Certificate]:
    """All trust roots in ``data_dir/keys/root-*.pem`` (several during a root rotation), sorted by file name."""
    keys_dir = DevPkiPaths.for_data_dir(data_dir).keys_dir
    roots: list[x509.Certificate] = []
    for path in sorted(keys_dir.glob(TRUST_ROOT_GLOB)):
        try:
            roots.extend(x509.load_pem_x509_certificates(path.read_bytes()))
        except ValueError as exc:
            raise KeyMaterialError(f"{path} is not a PEM certificate file") from exc
    return roots


def _load_or_create_root(paths: DevPkiPaths) -> x509.Certificate:
    if paths.root_cert.exists():
        if not paths.root_key.exists():
            raise KeyMaterialError(
                f"{paths.root_cert} exists but its private key {paths.root_key} is missing"
            )
        return x509.load_pem_x509_certificate(paths.root_cert.read_bytes())
    root = issue_root_ca(
        subject_name(ROOT_CA_NAME, DEV_ORGANIZATION), bits=ROOT_KEY_BITS, lifetime=ROOT_LIFETIME
    )
    write_private_file(paths.root_key, key_to_pem(root.key))
    write_private_file(paths.root_cert, cert_to_pem(root.cert))
    return root.cert


def _load_or_create_tsa(paths: DevPkiPaths, root_cert: x509.Certificate, base_url: str) -> IssuedCertificate:
    crl_url = base_url.rstrip("/") + CRL_PATH
    if paths.tsa_cert.exists():
        tsa = _load_pair(paths.tsa_cert, paths.tsa_key)
        if _issued_by(tsa.cert, root_cert) and points_at(tsa.cert, crl_url):
            return tsa
        # the root was replaced: fall through and reissue the TSA under the current root
    tsa = issue_end_entity(
        subject_name(TSA_NAME, DEV_ORGANIZATION),
        issuer_cert=root_cert,
        issuer_key=_load_root_key(paths, root_cert),
        bits=TSA_KEY_BITS,
        lifetime=TSA_LIFETIME,
        extended_key_usage=TIMESTAMPING_EKU,
        crl_url=crl_url,
        ocsp_url=base_url.rstrip("/") + OCSP_PATH,
    )
    write_private_file(paths.tsa_key, key_to_pem(tsa.key))
    write_private_file(paths.tsa_cert, cert_to_pem(tsa.cert))
    return tsa


def _load_root_key(paths: DevPkiPaths, root_cert: x509.Certificate) -> rsa.RSAPrivateKey:
    key = load_rsa_key(paths.root_key.read_bytes())
    if not same_public_key(root_cert, key):
        raise KeyMaterialError(f"{paths.root_key} does not belong to {paths.root_cert}")
    return key


def points_at(cert: x509.Certificate, crl_url: str) -> bool:
    """Whether ``cert`` names ``crl_url`` as its CRL distribution point and has an OCSP pointer too."""
    if not has_revocation_pointers(cert):
        return False
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    return any(
        isinstance(name, x509.UniformResourceIdentifier) and name.value == crl_url
        for point in points
        for name in point.full_name or ()
    )


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _load_pair(cert_path: Path, key_path: Path) -> IssuedCertificate:
    if not key_path.exists():
        raise KeyMaterialError(f"{cert_path} exists but its private key {key_path} is missing")
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = load_rsa_key(key_path.read_bytes())
    if not same_public_key(cert, key):
        raise KeyMaterialError(f"{key_path} does not belong to {cert_path}")
    return IssuedCertificate(key=key, cert=cert)
