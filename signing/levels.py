"""PAdES baseline levels (ETSI EN 319 142-1 §6): what each level asks of pyHanko, and which level a file reached.

``LevelPolicy`` turns a level into pyHanko signature settings. For B-LT and B-LTA it builds, per seal, a
``ValidationContext`` that holds the revocation data obtained in-process from a ``RevocationSource`` (no fetching,
``revocation_mode="hard-fail"``), so pyHanko embeds exactly that data in the DSS and refuses to seal when some
certificate of the seal or TSA chain has no revocation data.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509 import ocsp
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext

from .request import PADES_LEVELS, PadesLevel, RevocationSource, SealingError


class _ClosedContextNotice(logging.Filter):
    """Drops pyHanko's warning that validation data "will be embedded, but fetching is not allowed".

    That is this module's design, not an accident: the revocation data is obtained beforehand from a
    ``RevocationSource`` and handed over in a closed, hard-fail context, so pyHanko embeds exactly what was checked
    (and refuses to seal if anything is missing). Logged at WARNING on every seal, the notice would train operators
    to ignore the log. Every other pyHanko message passes.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


_PDF_SIGNER_LOG = logging.getLogger("pyhanko.sign.signers.pdf_signer")
if not any(isinstance(f, _ClosedContextNotice) for f in _PDF_SIGNER_LOG.filters):
    _PDF_SIGNER_LOG.addFilter(_ClosedContextNotice())


class LevelPolicy:
    """Signature settings for one PAdES level, shared read-only by all seals of a sealer."""

    def __init__(
        self,
        level: PadesLevel,
        signer: signers.Signer,
        timestamper: TimeStamper | None,
        revocation: RevocationSource | None,
    ) -> None:
        if level not in PADES_LEVELS:
            raise ValueError(f"unknown PAdES level {level!r}; one of {', '.join(PADES_LEVELS)}")
        if level != "B-B" and timestamper is None:
            raise ValueError(f"{level} needs a timestamp authority")
        if level in ("B-LT", "B-LTA") and revocation is None:
            raise ValueError(f"{level} needs a revocation source")
        self.level = level
        self._signer = signer
        self._timestamper = timestamper
        self._revocation = revocation
        self._tsa_certs: list[asn1_x509.Certificate] | None = None

    @property
    def timestamper(self) -> TimeStamper | None:
        return None if self.level == "B-B" else self._timestamper

    def metadata(self, base: signers.PdfSignatureMetadata) -> signers.PdfSignatureMetadata:
        """``base`` with the validation-data settings of this level."""
        if self.level in ("B-B", "B-T"):
            return base
        return dataclasses.replace(
            base,
            embed_validation_info=True,
            use_pades_lta=self.level == "B-LTA",
            validation_context=self._validation_context(),
        )

    def achieved(self, sealed: bytes) -> PadesLevel:
        """The level ``sealed`` shows; raises ``SealingError`` if it is lower than the configured one."""
        reader = PdfFileReader(BytesIO(sealed))
        kinds = [s.sig_object_type for s in reader.embedded_signatures]
        if self.level == "B-LTA" and "/DocTimeStamp" not in kinds:
            raise SealingError("B-LTA asked for but no document timestamp was added")
        if self.level in ("B-LT", "B-LTA") and "/DSS" not in reader.root:
            raise SealingError(f"{self.level} asked for but no DSS was written")
        return self.level

    def _tsa_certificates(self) -> list[asn1_x509.Certificate]:
        """The TSA's certificates, whose revocation data the DSS must hold too. The in-process TSA knows its
        own; a remote one's come from a token it issues once (pyHanko keeps it for size estimates anyway)."""
        own = getattr(self._timestamper, "tsa_cert", None)
        if own is not None:
            return [own]
        if self._tsa_certs is None:
            assert self._timestamper is not None
            try:
                token = asyncio.run(self._timestamper.async_dummy_response("sha256"))
            except Exception as exc:
                raise SealingError(f"cannot reach the timestamp authority: {exc!r}") from exc
            self._tsa_certs = [c.chosen for c in token["content"]["certificates"] if c.name == "certificate"]
        return self._tsa_certs

    def _validation_context(self) -> ValidationContext:
        certs = [c for c in (self._signer.signing_cert, *(self._signer.cert_registry or ())) if c is not None]
        certs += [c for c in self._tsa_certificates() if c not in certs]
        pyca = [x509.load_der_x509_certificate(c.dump()) for c in certs]
        assert self._revocation is not None
        try:
            data = self._revocation.revocation_data(pyca)
        except Exception as exc:
            raise SealingError(f"cannot obtain revocation data: {exc!r}") from exc
        _refuse_revoked(pyca, data.crls, data.ocsp_responses)
        # asn1crypto's self_signed is "no" or "maybe", both truthy strings: compare names instead
        roots = [c for c in certs if c.self_issued]
        return ValidationContext(
            trust_roots=roots,
            other_certs=[c for c in certs if not c.self_issued],
            crls=list(data.crls),
            ocsps=list(data.ocsp_responses),
            allow_fetching=False,
            revocation_mode="hard-fail",
        )


def _refuse_revoked(certs: Sequence[x509.Certificate], crls: Sequence[bytes], responses: Sequence[bytes]) -> None:
    """Raise ``SealingError`` if the revocation data says one of ``certs`` is revoked (no seal with a dead key)."""
    serials = {c.serial_number: c for c in certs}
    for der in crls:
        crl = x509.load_der_x509_crl(der)
        for serial, cert in serials.items():
            if cert.issuer == crl.issuer and crl.get_revoked_certificate_by_serial_number(serial) is not None:
                raise SealingError(f"certificate {cert.subject.rfc4514_string()} is revoked (CRL)")
    for der in responses:
        response = ocsp.load_der_ocsp_response(der)
        if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            raise SealingError(f"OCSP responder refused: {response.response_status.name}")
        if response.certificate_status == ocsp.OCSPCertStatus.REVOKED and response.serial_number in serials:
            raise SealingError(f"certificate {serials[response.serial_number].subject.rfc4514_string()} is revoked")
