"""X.509 certificate issuance for the development PKI (RFC 5280 profiles for a root CA, a TSA and a seal).

Every certificate gets a random serial number, subject and authority key identifiers, and a validity period that
starts a few minutes in the past so that small clock differences between machines do not make it "not yet valid".
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

RSA_PUBLIC_EXPONENT = 65537
CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedCertificate:
    """A freshly generated key pair and its certificate."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate


def new_rsa_key(bits: int) -> rsa.RSAPrivateKey:
    """Generate an RSA private key of ``bits`` bits."""
    return rsa.generate_private_key(public_exponent=RSA_PUBLIC_EXPONENT, key_size=bits)


def subject_name(common_name: str, organization: str, country: str = "CN") -> x509.Name:
    """A subject of the form ``C=…, O=…, CN=…``."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(
    *, digital_signature: bool = False, non_repudiation: bool = False, cert_sign: bool = False
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,  # "nonRepudiation" in RFC 5280
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: rsa.RSAPublicKey,
    lifetime: dt.timedelta,
    not_after_cap: dt.datetime | None,
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    not_after = now + lifetime
    if not_after_cap is not None:
        not_after = min(not_after, not_after_cap)  # a certificate must not outlive its issuer
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def issue_root_ca(subject: x509.Name, *, bits: int, lifetime: dt.timedelta) -> IssuedCertificate:
    """Create a self-signed root CA that issues end-entity certificates directly (pathLen 0)."""
    key = new_rsa_key(bits)
    public_key = key.public_key()
    cert = (
        _builder(subject, subject, public_key, lifetime, None)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )
    return IssuedCertificate(key=key, cert=cert)


def issue_end_entity(
    subject: x509.Name,
    *,
    issuer_cert: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    bits: int,
    lifetime: dt.timedelta,
    extended_key_usage: x509.ObjectIdentifier | None = None,
    crl_url: str | None = None,
    ocsp_url: str | None = None,
) -> IssuedCertificate:
    """Issue an end-entity certificate (keyUsage digitalSignature + nonRepudiation, critical) under ``issuer``.

    With ``extended_key_usage`` the certificate is restricted to that one purpose (critical EKU), as RFC 3161
    §2.3 requires of a timestamp authority. ``crl_url`` and ``ocsp_url`` become the CRL distribution point and
    the authority-information-access OCSP location (RFC 5280 §4.2.1.13, §4.2.2.1).
    """
    key = new_rsa_key(bits)
    cert = certify_public_key(
        subject,
        key.public_key(),
        issuer_cert=issuer_cert,
        issuer_key=issuer_key,
        lifetime=lifetime,
        extended_key_usage=extended_key_usage,
        crl_url=crl_url,
        ocsp_url=ocsp_url,
    )
    return IssuedCertificate(key=key, cert=cert)


def certify_public_key(
    subject: x509.Name,
    public_key: rsa.RSAPublicKey,
    *,
    issuer_cert: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    lifetime: dt.timedelta,
    extended_key_usage: x509.ObjectIdentifier | None = None,
    crl_url: str | None = None,
    ocsp_url: str | None = None,
) -> x509.Certificate:
    """The end-entity certificate of ``issue_end_entity`` for a key made elsewhere (e.g. inside an HSM)."""
    builder = (
        _builder(subject, issuer_cert.subject, public_key, lifetime, issuer_cert.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, non_repudiation=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(_rsa_public(issuer_cert)), critical=False
        )
    )
    if extended_key_usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([extended_key_usage]), critical=True)
    if crl_url is not None:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    if ocsp_url is not None:
        access = x509.AccessDescription(AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))
        builder = builder.add_extension(x509.AuthorityInformationAccess([access]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


TIMESTAMPING_EKU = ExtendedKeyUsageOID.TIME_STAMPING


def _rsa_public(cert: x509.Certificate) -> rsa.RSAPublicKey:
    public_key = cert.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise TypeError("the development PKI uses RSA keys only")
    return public_key


def key_to_pem(key: rsa.RSAPrivateKey) -> bytes:
    """PKCS#8 PEM, unencrypted (the file itself is 0600 in a 0700 directory)."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def cert_to_pem(cert: x509.Certificate) -> bytes:
    """PEM encoding of one certificate."""
    return cert.public_bytes(serialization.Encoding.PEM)


@functools.lru_cache(maxsize=32)
def load_rsa_key(pem: bytes) -> rsa.RSAPrivateKey:
    """Load an unencrypted PEM RSA private key. Kept per process by its bytes: OpenSSL's check of a loaded key
    takes a third of a second, paid again by every service context that reads the same file (a changed file is
    other bytes, so it is read anew)."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("expected an RSA private key")
    return key


def same_public_key(cert: x509.Certificate, key: rsa.RSAPrivateKey) -> bool:
    """Whether ``key`` is the private half of ``cert``'s public key."""
    return cert.public_key().public_numbers() == key.public_key().public_numbers()  # type: ignore[union-attr]


def has_revocation_pointers(cert: x509.Certificate) -> bool:
    """Whether ``cert`` names both a CRL distribution point and an OCSP responder."""
    names = {ext.oid for ext in cert.extensions}
    return {x509.CRLDistributionPoints.oid, x509.AuthorityInformationAccess.oid} <= names
