"""The PKCS#12 key-file sealer: PAdES B-T certification signatures with pyHanko (ETSI EN 319 142-1, ISO 32000).

Each seal is one incremental update holding a new visible signature field at the requested box, signed with
SubFilter ``ETSI.CAdES.detached``, carrying a signature timestamp from the configured TSA (level B-T), and — for a
certification signature — a DocMDP transform with permission ``NO_CHANGES``. pyHanko's difference analysis still
accepts later DSS and document-timestamp revisions (B-LT / B-LTA upgrades) under that permission.

``seal`` uses pyHanko's synchronous API, which runs its own event loop with ``asyncio.run``: call it from a worker
thread, never from inside a running event loop (it raises ``RuntimeError`` there).
"""

from __future__ import annotations

import asyncio
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
from .request import SealingError, SealRequest
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


class Pkcs12Sealer:
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
    ) -> None:
        if isinstance(passphrase, str):
            passphrase = passphrase.encode("utf-8")
        if bytes_reserved <= 0 or bytes_reserved % 2:
            raise ValueError("bytes_reserved must be a positive even number")
        self._signer = load_pkcs12_signer(Path(p12_path).read_bytes(), passphrase)
        self._timestamper = timestamper
        self.bytes_reserved = bytes_reserved

    @property
    def signer(self) -> signers.SimpleSigner:
        """The parsed pyHanko signer (certificate and chain included)."""
        return self._signer

    def seal(self, pdf: bytes, request: SealRequest) -> bytes:
        """Return ``pdf`` sealed as ``request`` describes. Synchronous; not inside a running event loop."""
        _refuse_inside_event_loop()
        try:
            writer = IncrementalPdfFileWriter(BytesIO(pdf))
            _check_page(writer, request.page_index)
            pdf_signer = signers.PdfSigner(
                _signature_metadata(request),
                signer=self._signer,
                timestamper=self._timestamper,
                stamp_style=stamp_style_for(request.appearance_pdf),
                new_field_spec=fields.SigFieldSpec(
                    sig_field_name=request.field_name,
                    on_page=request.page_index,
                    box=request.box,  # type: ignore[arg-type]  # pyHanko writes floats fine
                ),
            )
            out = pdf_signer.sign_pdf(writer, bytes_reserved=self.bytes_reserved)
        except SealingError:
            raise
        except (PdfError, SigningError, OSError, ValueError) as exc:
            raise SealingError(f"cannot seal the document: {exc}") from exc
        return out.getvalue()


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
