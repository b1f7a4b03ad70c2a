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
import re
from collections.abc import Sequence
from io import BytesIO

from asn1crypto import cms
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
        self._chain_certs: tuple[list[asn1_x509.Certificate], list[x509.Certificate]] | None = None

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

    def achieved(self, sealed: bytes, *, signed_from: int) -> PadesLevel:
        """The level ``sealed`` shows; raises ``SealingError`` if it is lower than the configured one.

        ``signed_from`` is the length of the document before sealing: only the revisions pyHanko appended after it
        are examined, and without parsing the whole file again (that took longer than the seal itself). Each
        signature pyHanko wrote is found by its ``/ByteRange`` (never compressed: the signed bytes must be readable
        as they are), and its CMS is read from the gap that range leaves. What each level asks:

        - every level: one seal whose byte range starts at the file's start; at B-B and B-T it runs to the file's end;
        - B-T and above: that seal's CMS carries a signature timestamp token (an unsigned attribute);
        - B-LT and above: the document catalogue has a ``/DSS``;
        - B-LTA: a second signature after the seal, a document timestamp (an RFC 3161 token) over the seal and the
          DSS (pyHanko may append one more DSS revision for the timestamp's own validation data).
        """
        signatures = _appended_signatures(sealed, signed_from)
        expected = 2 if self.level == "B-LTA" else 1  # the seal, and at B-LTA the document timestamp
        if len(signatures) != expected:
            missing = ": no document timestamp was added" if len(signatures) < expected else ""
            raise SealingError(f"{self.level} asked for but sealing wrote {len(signatures)} signature(s){missing}")
        seal = signatures[0]
        if seal.content_type != "signed_data" or seal.signed_content_type != "data":
            raise SealingError("the seal's CMS is not a detached SignedData")
        if self.level != "B-B" and not seal.signature_timestamped:
            raise SealingError(f"{self.level} asked for but the seal has no signature timestamp")
        if self.level in ("B-LT", "B-LTA") and "/DSS" not in PdfFileReader(BytesIO(sealed)).root:
            raise SealingError(f"{self.level} asked for but no DSS was written")
        if self.level == "B-LTA":
            timestamp = signatures[1]
            if timestamp.signed_content_type != "tst_info" or timestamp.end <= seal.end:
                raise SealingError("B-LTA asked for but no document timestamp was added over the seal")
        elif seal.end != len(sealed) and self.level in ("B-B", "B-T"):
            raise SealingError("the seal does not cover the whole sealed file")
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

    def _chains(self) -> tuple[list[asn1_x509.Certificate], list[x509.Certificate]]:
        """The seal's and the TSA's certificates (both libraries' forms), gathered once: they are the same for
        every seal of this sealer. Their revocation status is not: it is asked for on every seal."""
        if self._chain_certs is None:
            certs = [c for c in (self._signer.signing_cert, *(self._signer.cert_registry or ())) if c is not None]
            certs += [c for c in self._tsa_certificates() if c not in certs]
            self._chain_certs = (certs, [x509.load_der_x509_certificate(c.dump()) for c in certs])
        return self._chain_certs

    def _validation_context(self) -> ValidationContext:
        certs, pyca = self._chains()
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


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


@dataclasses.dataclass(frozen=True)
class _AppendedSignature:
    """One signature found in the bytes pyHanko appended: where its byte range ends and what its CMS holds."""

    end: int
    content_type: str
    signed_content_type: str
    signature_timestamped: bool


def _appended_signatures(sealed: bytes, signed_from: int) -> list[_AppendedSignature]:
    found = []
    for match in _BYTE_RANGE.finditer(sealed, signed_from):
        start, first_length, second_start, second_length = (int(g) for g in match.groups())
        gap = sealed[first_length:second_start]
        if start != 0 or not (gap.startswith(b"<") and gap.endswith(b">")) or second_start + second_length > len(sealed):
            raise SealingError("a signature written while sealing has a malformed byte range")
        try:
            info = cms.ContentInfo.load(bytes.fromhex(gap[1:-1].decode("ascii")))
            content_type = info["content_type"].native
            signed = info["content"]
            signed_content_type = signed["encap_content_info"]["content_type"].native
            unsigned = signed["signer_infos"][0]["unsigned_attrs"]
            timestamped = any(a["type"].native == "signature_time_stamp_token" for a in unsigned) if unsigned else False
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise SealingError(f"a signature written while sealing cannot be read: {exc!r}") from exc
        found.append(_AppendedSignature(second_start + second_length, content_type, signed_content_type, timestamped))
    return found


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
