"""The PKCS#12 key-file sealer (RFC 7292): PAdES seals with a key and chain read from a ``.p12`` file.

``Pkcs12Sealer`` is the development default (one key file per court, see ``keys``) and the ``pkcs12:`` backend of
``sealer_from_config``. The file is parsed once, into a pyHanko signer that keeps the parsed private key; the
sealing itself (PAdES levels, certification, fail-closed timestamps) is ``signing.pades.PadesSealer``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign import signers
from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .certs import to_asn1_cert
from .pades import DEFAULT_BYTES_RESERVED, PadesSealer
from .request import PadesLevel, RevocationSource, SealingError


class ParsedKeySigner(signers.SimpleSigner):
    """A ``SimpleSigner`` that keeps the parsed private key instead of re-parsing it for every signature."""

    def __init__(self, *, private_key: PrivateKeyTypes, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        key = self._private_key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if mechanism == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)  # rarer mechanisms: pyHanko's own (slower) path


class _KeptSigningCertificate(SigningCertificateV2Provider):
    """The signing-certificate-v2 attribute (RFC 5035) from DER encoded once: it names the same certificate in every
    seal, and asn1crypto took ~2 ms a seal to build and encode it again."""

    def __init__(self, signing_cert: Any, der: bytes) -> None:
        super().__init__(signing_cert)
        self._der = der

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return tsp.SigningCertificateV2.load(self._der)


class SealSigner(ParsedKeySigner):
    """A ``ParsedKeySigner`` that also keeps what is the same in every seal's CMS: the signing-certificate-v2
    attribute, encoded once. Everything else pyHanko builds per seal as usual."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._signing_certificate_der = as_signing_certificate_v2(self.signing_cert).dump()

    def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> Iterable[CMSAttributeProvider]:
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if type(provider) is SigningCertificateV2Provider and provider.signing_cert is self.signing_cert:
                provider = _KeptSigningCertificate(self.signing_cert, self._signing_certificate_der)
            yield provider


def load_pkcs12_signer(p12: bytes, passphrase: bytes, *, keep_cms_parts: bool = False) -> ParsedKeySigner:
    """Parse a PKCS#12 file (key, certificate, chain) into a signer that embeds the chain; with
    ``keep_cms_parts`` a ``SealSigner`` (what ``Pkcs12Sealer`` uses)."""
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(p12, passphrase)
    except ValueError as exc:
        raise SealingError("cannot open the PKCS#12 file (wrong passphrase or corrupt file)") from exc
    if key is None or cert is None:
        raise SealingError("the PKCS#12 file holds no private key and certificate")
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    registry = SimpleCertificateStore()
    registry.register_multiple([to_asn1_cert(c) for c in chain])
    return (SealSigner if keep_cms_parts else ParsedKeySigner)(
        private_key=key,
        signing_cert=to_asn1_cert(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
        cert_registry=registry,
    )


class Pkcs12Sealer(PadesSealer):
    """Seals with a key and certificate chain from a PKCS#12 file; PAdES B-T, certification by default.

    The file is read and parsed once, at construction. Thread-safe: the parsed signer and the timestamper are
    shared read-only; every call builds its own pyHanko writer, stamp and signing session.
    """

    def __init__(
        self,
        p12_path: Path | str,
        passphrase: bytes | str,
        timestamper: TimeStamper,
        *,
        bytes_reserved: int = DEFAULT_BYTES_RESERVED,
        level: PadesLevel = "B-T",
        revocation: RevocationSource | None = None,
    ) -> None:
        if isinstance(passphrase, str):
            passphrase = passphrase.encode("utf-8")
        signer = load_pkcs12_signer(Path(p12_path).read_bytes(), passphrase, keep_cms_parts=True)
        super().__init__(signer, timestamper, bytes_reserved=bytes_reserved, level=level, revocation=revocation)


__all__ = ["ParsedKeySigner", "Pkcs12Sealer", "SealSigner", "load_pkcs12_signer"]
