"""The base of every sealer: PAdES baseline seals with any pyHanko signer (ETSI EN 319 142-1, ISO 32000).

``PadesSealer`` implements the ``Sealer`` interface of ``signing.request`` once; each backend is a small subclass
in its own module that supplies the pyHanko signer: ``pkcs12.Pkcs12Sealer`` (a key file), ``pkcs11.Pkcs11Sealer``
(a token) and ``csc.CscSealer`` (a remote Cloud Signature Consortium service).

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

from cryptography import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimeStamper

from .appearance import stamp_style_for
from .certs import to_x509_cert
from .levels import LevelPolicy
from .request import PadesLevel, RevocationSource, SealingError, SealRequest, SealResult

# Room for the CMS SignedData, counted in hex digits (two per DER byte). A dev B-T seal (RSA-2048 signer and
# root RSA-3072 embedded, timestamp token with the TSA certificate and root) measures 6.0 kB of DER = 12 kB of
# hex; 24 kB doubles that for a longer production chain. Pass a larger value for chains with intermediates.
DEFAULT_BYTES_RESERVED = 24 * 1024
MD_ALGORITHM = "sha256"


class PadesSealer:
    """Seals with any pyHanko signer at a fixed PAdES level; the base of the key-file, token and remote sealers.

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

    @property
    def certificate(self) -> x509.Certificate:
        """The seal's own certificate (the one each seal names as its signer), as a ``cryptography`` certificate.

        Read from the signer: the PKCS#12 file, the token or the CSC credential. Raises ``SealingError`` if the
        signer has none.
        """
        signing_cert = self._signer.signing_cert
        if signing_cert is None:
            raise SealingError("the signer has no signing certificate")
        return to_x509_cert(signing_cert)

    def seal(self, pdf: bytes, request: SealRequest) -> bytes:
        """Return ``pdf`` sealed as ``request`` describes. Synchronous; not inside a running event loop."""
        return self.seal_with_level(pdf, request).pdf

    def seal_with_level(self, pdf: bytes, request: SealRequest) -> SealResult:
        """Seal like ``seal`` and report the PAdES level achieved (always the configured one, or it raises)."""
        refuse_inside_event_loop()
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
        return SealResult(pdf=sealed, level=self._policy.achieved(sealed, signed_from=len(pdf)))

    def _run(
        self,
        make_pdf_signer: Callable[[signers.Signer], signers.PdfSigner],
        signer: signers.Signer,
        writer: IncrementalPdfFileWriter,
    ) -> BytesIO:
        pdf_signer = make_pdf_signer(signer)
        return pdf_signer.sign_pdf(writer, bytes_reserved=self.bytes_reserved)  # type: ignore[return-value]


def refuse_inside_event_loop() -> None:
    """Raise ``RuntimeError`` if called inside a running event loop: sealing is synchronous (see the module)."""
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


__all__ = ["DEFAULT_BYTES_RESERVED", "MD_ALGORITHM", "PadesSealer", "refuse_inside_event_loop"]
