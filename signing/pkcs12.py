"""The PKCS#12 key-file sealer (RFC 7292): PAdES seals with a key and chain read from a ``.p12`` file.

``Pkcs12Sealer`` is the development default (one key file per court, see ``keys``) and the ``pkcs12:`` backend of
``sealer_from_config``. The file is parsed once, into a pyHanko signer that keeps the parsed private key; the
sealing itself (PAdES levels, certification, fail-closed timestamps) is ``signing.pades.PadesSealer``'s.
"""

from __future__ import annotations

from pathlib import Path

from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign import signers
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


def load_pkcs12_signer(p12: bytes, passphrase: bytes) -> ParsedKeySigner:
    """Parse a PKCS#12 file (key, certificate, chain) into a signer that embeds the chain."""
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
    return ParsedKeySigner(
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
        signer = load_pkcs12_signer(Path(p12_path).read_bytes(), passphrase)
        super().__init__(signer, timestamper, bytes_reserved=bytes_reserved, level=level, revocation=revocation)


__all__ = ["ParsedKeySigner", "Pkcs12Sealer", "load_pkcs12_signer"]
