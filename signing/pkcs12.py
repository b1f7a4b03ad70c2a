"""The PKCS#12 key-file sealer: PAdES baseline certification signatures with pyHanko (ETSI EN 319 142-1,
ISO 32000).

Each seal is one incremental update holding a new visible signature field at the requested box, signed with
SubFilter ``ETSI.CAdES.detached`` and — for a certification signature — a DocMDP transform with permission
``NO_CHANGES``. The level is chosen at construction: B-B (no timestamp), B-T (signature timestamp from the
configured TSA, the default), B-LT (plus a DSS revision with the certificates, CRLs and OCSP responses of the seal
and TSA chains, gathered in-process from a ``RevocationSource`` — nothing goes to the network) or B-LTA (plus a
document timestamp). pyHanko's difference analysis accepts the DSS and document-timestamp revisions under
``NO_CHANGES``. Fail closed: if the TSA or the revocation data cannot be had, ``seal`` raises ``SealingError``.

``seal`` uses pyHanko's synchronous API, which runs its own event loop with ``asyncio.run``: call it from a worker
thread, never from inside a running event loop (it raises ``RuntimeError`` there).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .appearance import stamp_style_for
from .levels import LevelPolicy
from .request import PadesLevel, RevocationSource, SealingError, SealRequest, SealResult
from .timestamps import to_asn1_cert

# Room for the CMS SignedData, counted in hex digits (two per DER byte). A dev B-T seal (RSA-2048 signer and
# root RSA-3072 embedded, timestamp token with the TSA certificate and root) measures 6.0 kB of DER = 12 kB of
# hex; 24 kB doubles that for a longer production chain. Pass a larger value for chains with intermediates.
DEFAULT_BYTES_RESERVED = 24 * 1024
MD_ALGORITHM = "sha256"


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


class PadesSealer:
    """Seals with any pyHanko signer at a fixed PAdES level; the base of the key-file and token sealers.

    Thread-safe as long as the signer is: every call builds its own pyHanko writer, stamp and signing session.
    """

    def __init__(
        self,
        signer: signers.Signer,
        timestamper: TimeStamper | None,
        *,
        bytes_reserved: int = DEFAULT_BYTES_RESERVED,
        level: PadesLevel = "B-T",
        revocation: RevocationSource | None = None,
    ) -> None:
        if bytes_reserved <= 0 or bytes_reserved % 2:
            raise ValueError("bytes_reserved must be a positive even number")
        self._signer = signer
        self._timestamper = timestamper
        self.bytes_reserved = bytes_reserved
        self._policy = LevelPolicy(level, signer, timestamper, revocation)

    @property
    def level(self) -> PadesLevel:
        """The PAdES level every seal is made at."""
        return self._policy.level

    @property
    def signer(self) -> signers.Signer:
        """The pyHanko signer (certificate and chain included)."""
        return self._signer

    def seal(self, pdf: bytes, request: SealRequest) -> bytes:
        """Return ``pdf`` sealed as ``request`` describes. Synchronous; not inside a running event loop."""
        return self.seal_with_level(pdf, request).pdf

    def seal_with_level(self, pdf: bytes, request: SealRequest) -> SealResult:
        """Seal like ``seal`` and report the PAdES level achieved (always the configured one, or it raises)."""
        _refuse_inside_event_loop()
        return self._seal_with_signer(pdf, request, self._signer)

    def _seal_with_signer(self, pdf: bytes, request: SealRequest, signer: signers.Signer) -> SealResult:
        try:
            writer = IncrementalPdfFileWriter(BytesIO(pdf))
            _check_page(writer, request.page_index)
            metadata = self._policy.metadata(_signature_metadata(request))

            def make_pdf_signer(signer: signers.Signer) -> signers.PdfSigner:
                return signers.PdfSigner(
                    metadata,
                    signer=signer,
                    timestamper=self._policy.timestamper,
                    stamp_style=stamp_style_for(request.appearance_pdf),
                    new_field_spec=fields.SigFieldSpec(
                        sig_field_name=request.field_name,
                        on_page=request.page_index,
                        box=request.box,  # type: ignore[arg-type]  # pyHanko writes floats fine
                    ),
                )

            out = self._run(make_pdf_signer, signer, writer)
        except SealingError:
            raise
        except (PdfError, SigningError, OSError, ValueError) as exc:
            raise SealingError(f"cannot seal the document: {exc}") from exc
        except Exception as exc:  # TSA or revocation failure inside pyHanko: fail closed, never a lower level
            raise SealingError(f"cannot seal the document at {self.level}: {exc!r}") from exc
        sealed = out.getvalue()
        return SealResult(pdf=sealed, level=self._policy.achieved(sealed))


    def _run(
        self,
        make_pdf_signer: Callable[[signers.Signer], signers.PdfSigner],
        signer: signers.Signer,
        writer: IncrementalPdfFileWriter,
    ) -> BytesIO:
        pdf_signer = make_pdf_signer(signer)
        return pdf_signer.sign_pdf(writer, bytes_reserved=self.bytes_reserved)  # type: ignore[return-value]


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

def _refuse_inside_event_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(
        "Sealer.seal is synchronous: call it from a worker thread, not inside a running event loop"
    )


def _signature_metadata(request: SealRequest) -> signers.PdfSignatureMetadata:
    return signers.PdfSignatureMetadata(
        field_name=request.field_name,
        md_algorithm=MD_ALGORITHM,
        reason=request.reason or None,
        location=request.location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=request.certify,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )


def _check_page(writer: IncrementalPdfFileWriter, page_index: int) -> None:
    pages = int(writer.root["/Pages"]["/Count"])
    if page_index >= pages:
        raise SealingError(f"page_index {page_index} is out of range: the document has {pages} page(s)")
