"""The PKCS#12 key-file sealer (RFC 7292): PAdES seals with a key and chain read from a ``.p12`` file.

``Pkcs12Sealer`` is the development default (one key file per court, see ``keys``) and the ``pkcs12:`` backend of
``sealer_from_config``. The file is parsed once, into a pyHanko signer that keeps the parsed private key; the
sealing itself (PAdES levels, certification, fail-closed timestamps) is ``signing.pades.PadesSealer``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import algos, cms, tsp
from asn1crypto import keys as asn1_keys
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
    attribute, and the SignedData around the signer's parts (``_package_signature``), encoded once. The signed and
    unsigned attributes and the signature are pyHanko's, per seal, as usual."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._signing_certificate_der = as_signing_certificate_v2(self.signing_cert).dump()
        self._skeletons: dict[str, _CmsSkeleton] = {}

    def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> Iterable[CMSAttributeProvider]:
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if type(provider) is SigningCertificateV2Provider and provider.signing_cert is self.signing_cert:
                provider = _KeptSigningCertificate(self.signing_cert, self._signing_certificate_der)
            yield provider

    def _package_signature(
        self,
        *,
        digest_algorithm: str,
        cms_version: Any,
        signed_attrs: cms.CMSAttributes,
        signature: bytes,
        unsigned_attrs: cms.CMSAttributes | None,
        encap_content_info: Any,
    ) -> cms.ContentInfo:
        """pyHanko's SignedData (RFC 5652 §5) for a detached signature over data, its fixed parts (signer
        identifier, algorithms, certificates) encoded once per digest algorithm; anything else goes to pyHanko."""
        detached_data = encap_content_info in (None, {"content_type": "data"})  # what pyHanko passes for a PDF
        if not detached_data or cms_version != "v1" or self.attribute_certs or digest_algorithm == "shake256":
            return super()._package_signature(
                digest_algorithm=digest_algorithm, cms_version=cms_version, signed_attrs=signed_attrs,
                signature=signature, unsigned_attrs=unsigned_attrs, encap_content_info=encap_content_info,
            )
        skeleton = self._skeletons.get(digest_algorithm)
        if skeleton is None:
            skeleton = self._skeletons[digest_algorithm] = self._cms_skeleton(digest_algorithm)
        return cms.ContentInfo.load(skeleton.signed_data(signed_attrs.dump(), signature,
                                                         None if unsigned_attrs is None else unsigned_attrs.dump()))

    def _cms_skeleton(self, digest_algorithm: str) -> _CmsSkeleton:
        signing_cert = self.signing_cert
        assert signing_cert is not None
        sid = cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
            {"issuer": signing_cert.issuer, "serial_number": signing_cert.serial_number})})
        # the certificates pyHanko embeds (the registry, roots included, and the signing certificate), once each,
        # in DER's order for a SET OF
        certs = {c.dump() for c in (*(self.cert_registry or ()), signing_cert)
                 if self.embed_roots or c is signing_cert or c.self_signed == "no"}
        return _CmsSkeleton(
            sid=sid.dump(),
            digest_algorithm=algos.DigestAlgorithm({"algorithm": digest_algorithm}).dump(),
            signature_algorithm=self.get_signature_mechanism_for_digest(digest_algorithm).dump(),
            certificates=b"".join(sorted(certs)),
        )


def _der(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length, content (X.690 8.1)."""
    n = len(content)
    if n < 0x80:
        return bytes((tag, n)) + content
    length = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


_SEQUENCE, _SET, _OCTET_STRING = 0x30, 0x31, 0x04
_VERSION_1 = b"\x02\x01\x01"  # INTEGER 1
_ENCAP_DATA = cms.EncapsulatedContentInfo({"content_type": "data"}).dump()
_SIGNED_DATA_OID = cms.ContentType("signed_data").dump()


@dataclass(frozen=True)
class _CmsSkeleton:
    """The parts of a SignedData that are the same in every seal of one signer, DER-encoded."""

    sid: bytes
    digest_algorithm: bytes
    signature_algorithm: bytes
    certificates: bytes  # the contents of the SET OF CertificateChoices

    def signed_data(self, signed_attrs: bytes, signature: bytes, unsigned_attrs: bytes | None) -> bytes:
        """A ContentInfo holding the SignedData: ``signed_attrs`` and ``unsigned_attrs`` as their SET OF encodings,
        written [0] and [1] IMPLICIT into the SignerInfo (RFC 5652 §5.3)."""
        signer_info = _der(_SEQUENCE, b"".join((
            _VERSION_1, self.sid, self.digest_algorithm, b"\xa0" + signed_attrs[1:], self.signature_algorithm,
            _der(_OCTET_STRING, signature), b"" if unsigned_attrs is None else b"\xa1" + unsigned_attrs[1:],
        )))
        signed_data = _der(_SEQUENCE, b"".join((
            _VERSION_1, _der(_SET, self.digest_algorithm), _ENCAP_DATA, _der(0xA0, self.certificates),
            _der(_SET, signer_info),
        )))
        return _der(_SEQUENCE, _SIGNED_DATA_OID + _der(0xA0, signed_data))


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
