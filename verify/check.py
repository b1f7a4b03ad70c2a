"""Offline check of a sealed PDF against trust roots (PAdES, ETSI EN 319 142-1; validation with pyHanko).

A ruling is genuine when it carries exactly one author signature that is intact, cryptographically valid and
chains to one of the given roots, with a valid timestamp if it has one, and that signature covers the whole file —
or its whole revision followed only by updates pyHanko classes as long-term-validation data (DSS, document
timestamps), each of which must actually add validation data, with nothing appended after the last revision's
``%%EOF``. pyHanko alone judges junk appended after ``%%EOF`` (no new revision) as valid, and a revision that only
rewrites /Info as an "LTA update", which is why both are checked here.

Nothing goes to the network: the validation context has no fetchers (``allow_fetching=False``, the legacy-API
equivalent of ``RevinfoOnlineFetchingRule.LOCAL_ONLY``) and is loaded with the certificates, CRLs and OCSP
responses of the document's DSS (B-LT/B-LTA), so an archived B-LTA file validates offline from what it embeds and
a certificate the embedded data shows revoked is reported. Revocation checking stays soft-fail so that B-B/B-T
files, which carry no revocation data, can still be checked.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import TypeAlias

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.xref import XRefSectionType
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

from .bounds import MAX_REVISIONS
from .problems import Problem
from .report import VerificationReport

log = logging.getLogger(__name__)

TrustRoot: TypeAlias = x509.Certificate | asn1_x509.Certificate

PDF_HEADER = b"%PDF-"
HEADER_SEARCH = 1024  # readers accept the header anywhere in the first kilobyte
# modification levels a certification signature with DocMDP "no changes" still allows after it
LTV_ONLY = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
# what may follow the last revision's cross-reference data: startxref, %%EOF, end-of-line; after a table also the
# trailer dictionary (pyHanko's recorded end of a table is just past the "trailer" keyword)
_TAIL_AFTER_XREF_STREAM = re.compile(rb"\s*startxref\s+(\d+)\s+%%EOF\s*")
_TAIL_AFTER_XREF_TABLE = re.compile(rb"\s*(?:trailer\s*)?<<.*>>\s*startxref\s+(\d+)\s+%%EOF\s*", re.DOTALL)


def check_sealed_pdf(
    pdf: bytes, trust_roots: Sequence[TrustRoot], *, max_revisions: int = MAX_REVISIONS
) -> VerificationReport:
    """Check the sealed PDF ``pdf`` against ``trust_roots``; never raises on bad input.

    A file with more than ``max_revisions`` revisions is refused (``verify.too_complex``) before pyHanko's
    modification analysis, whose cost grows with their square (``verify.bounds``). The check itself has no time
    limit: for files from the public, run it through ``verify.isolated.BoundedChecker``.

    Synchronous: runs its own event loop, so call it from a worker thread, not inside a running loop (use
    ``async_check_sealed_pdf`` there).
    """
    return asyncio.run(async_check_sealed_pdf(pdf, trust_roots, max_revisions=max_revisions))


async def async_check_sealed_pdf(
    pdf: bytes, trust_roots: Sequence[TrustRoot], *, max_revisions: int = MAX_REVISIONS
) -> VerificationReport:
    """The ``async`` form of ``check_sealed_pdf`` (CPU-bound, ~20 ms for a small ruling)."""
    document_sha256 = hashlib.sha256(pdf).hexdigest()
    reader = _read_pdf(pdf)
    if reader is None:
        return _rejected(document_sha256, "verify.not_pdf")
    revisions = reader.xrefs.total_revisions  # pyHanko reads the cross-reference chain once, in linear time
    if revisions > max_revisions:  # before anything compares revisions (quadratic in their number)
        return _rejected(document_sha256, "verify.too_complex", revisions=revisions)
    try:
        signatures = reader.embedded_signatures
    except Exception:  # a malformed signature dictionary
        log.info("cannot enumerate signatures", exc_info=True)
        return _rejected(document_sha256, "verify.signature_invalid", revisions=revisions)
    authors = [s for s in signatures if s.sig_object_type == "/Sig"]
    doc_timestamps = [s for s in signatures if s.sig_object_type == "/DocTimeStamp"]
    if not authors:
        return _rejected(document_sha256, "verify.unsigned", revisions=revisions)

    seal = authors[0]  # the earliest: a ruling's certification seal
    try:
        status = await async_validate_pdf_signature(seal, _validation_context(trust_roots, reader))
    except Exception:  # malformed CMS, unknown SubFilter, …
        log.info("signature validation failed", exc_info=True)
        return _rejected(document_sha256, "verify.signature_invalid", revisions=revisions)

    problems: list[str] = []
    if len(authors) > 1:
        problems.append("verify.multiple_signatures")
    problems.extend(_signature_problems(status))
    problems.extend(_coverage_problems(status, reader, pdf, seal, doc_timestamps))
    if status.intact and not await _doc_timestamps_ok(doc_timestamps, trust_roots, reader):
        problems.append("verify.timestamp_invalid")

    timestamp = _Timestamp.of(status)
    signer = status.signing_cert.subject.native
    unique_problems = tuple(Problem.of(code) for code in dict.fromkeys(problems))
    return VerificationReport(
        genuine=not unique_problems,
        document_sha256=document_sha256,
        problems=unique_problems,
        intact=status.intact,
        trusted=status.trusted,
        coverage=_enum_name(status.coverage),
        modification_level=_enum_name(status.modification_level),
        signer=signer.get("common_name"),
        signer_organization=signer.get("organization_name"),
        signer_cert_sha256=hashlib.sha256(status.signing_cert.dump()).hexdigest(),
        signed_at=_iso(status.signer_reported_dt or timestamp.at),
        timestamp_at=_iso(timestamp.at),
        timestamp_authority=timestamp.authority,
        level=_pades_level(reader, seal, doc_timestamps, has_signature_timestamp=timestamp.at is not None),
        revisions=revisions,
    )


def _read_pdf(pdf: bytes) -> PdfFileReader | None:
    if PDF_HEADER not in pdf[:HEADER_SEARCH]:
        return None
    try:
        reader = PdfFileReader(BytesIO(pdf))
        _ = reader.root  # resolving the catalog proves the cross-reference data holds together
        return reader
    except Exception:  # truncated or garbled: whatever the parser raises
        log.info("not a readable PDF", exc_info=True)
        return None


def _validation_context(trust_roots: Sequence[TrustRoot], reader: PdfFileReader | None = None) -> ValidationContext:
    # a fresh context per check: it caches paths and is not meant to be shared between threads
    kwargs: dict[str, object] = {
        "trust_roots": [_asn1_cert(c) for c in trust_roots],  # never None: that would mean the OS trust store
        "allow_fetching": False,
        "revocation_mode": "soft-fail",
    }
    dss = _read_dss(reader) if reader is not None else None
    if dss is None:
        return ValidationContext(**kwargs)  # type: ignore[arg-type]
    return dss.as_validation_context(kwargs)  # certificates, CRLs and OCSP responses embedded by B-LT/B-LTA


def _read_dss(reader: PdfFileReader) -> DocumentSecurityStore | None:
    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None
    except Exception:  # a malformed DSS is no validation data at all
        log.info("cannot read the DSS", exc_info=True)
        return None


def _asn1_cert(cert: TrustRoot) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _signature_problems(status: PdfSignatureStatus) -> list[str]:
    if not status.intact:
        return ["verify.modified"]  # the signed bytes no longer match the signed digest
    if not status.valid:
        return ["verify.signature_invalid"]
    problems = []
    if status.revoked:
        problems.append("verify.cert_revoked")
    elif not status.trusted:
        problems.append(_trust_problem(status))
    ts = status.timestamp_validity
    if ts is not None and not (ts.intact and ts.valid and ts.trusted):
        problems.append("verify.timestamp_invalid")
    return problems


def _trust_problem(status: PdfSignatureStatus) -> str:
    # pyHanko's AdES sub-indication tells an unknown root from an expired or misused certificate
    indic = getattr(status.trust_problem_indic, "name", None)
    if indic in ("OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED", "NOT_YET_VALID"):
        return "verify.cert_expired"
    if indic in ("CHAIN_CONSTRAINTS_FAILURE", "SIG_CONSTRAINTS_FAILURE"):
        return "verify.cert_usage"
    return "verify.untrusted"


def _coverage_problems(
    status: PdfSignatureStatus,
    reader: PdfFileReader,
    pdf: bytes,
    seal: EmbeddedPdfSignature,
    doc_timestamps: list[EmbeddedPdfSignature],
) -> list[str]:
    if not status.intact:
        return []  # already reported as modified
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return []
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return ["verify.not_whole_file"]  # the byte range leaves part of its own revision unsigned
    if status.modification_level not in LTV_ONLY or status.docmdp_ok is False:
        return ["verify.modified"]  # a later revision changed the document
    if not _later_revisions_add_validation_data(reader, seal, doc_timestamps):
        return ["verify.modified"]
    if not _file_ends_with_last_revision(reader, pdf):
        return ["verify.not_whole_file"]
    return []


def _later_revisions_add_validation_data(
    reader: PdfFileReader, seal: EmbeddedPdfSignature, doc_timestamps: list[EmbeddedPdfSignature]
) -> bool:
    """Whether every revision after the seal adds a document timestamp or writes the DSS.

    pyHanko's default diff policy also accepts /Info and XMP metadata updates as "LTA updates" (it rewrites
    ModDate and Producer itself whenever it writes a revision), so a revision doing nothing but that would pass;
    here such changes are tolerated only inside a revision that carries validation data.
    """
    timestamp_revisions = {ts.signed_revision for ts in doc_timestamps}
    for revision in range(seal.signed_revision + 1, reader.xrefs.total_revisions):
        if revision in timestamp_revisions:
            continue
        root = reader.get_historical_resolver(revision).root
        dss = root.raw_get("/DSS") if "/DSS" in root else None
        if not isinstance(dss, generic.IndirectObject):
            return False
        written = {(ref.idnum, ref.generation) for ref in reader.xrefs.explicit_refs_in_revision(revision)}
        if (dss.idnum, dss.generation) not in written:
            return False
    return True


def _file_ends_with_last_revision(reader: PdfFileReader, pdf: bytes) -> bool:
    """Whether nothing but the trailer, ``startxref`` and ``%%EOF`` follows the last cross-reference section."""
    xrefs = reader.xrefs
    last = xrefs.total_revisions - 1
    meta = xrefs.get_xref_container_info(last)
    # a table's recorded end is before its trailer dictionary; a stream's is after the stream object
    tail = (
        _TAIL_AFTER_XREF_STREAM
        if meta.xref_section_type == XRefSectionType.STREAM
        else _TAIL_AFTER_XREF_TABLE
    )
    match = tail.fullmatch(pdf, meta.end_location)
    return match is not None and int(match.group(1)) == xrefs.get_startxref_for_revision(last)


async def _doc_timestamps_ok(
    doc_timestamps: list[EmbeddedPdfSignature], trust_roots: Sequence[TrustRoot], reader: PdfFileReader
) -> bool:
    for doc_ts in doc_timestamps:
        try:
            ts_status = await async_validate_pdf_timestamp(doc_ts, _validation_context(trust_roots, reader))
        except Exception:  # as for the seal itself
            log.info("document timestamp validation failed", exc_info=True)
            return False
        if not (ts_status.intact and ts_status.valid and ts_status.trusted):
            return False
    return True


@dataclass(frozen=True)
class _Timestamp:
    at: datetime | None
    authority: str | None

    @classmethod
    def of(cls, status: PdfSignatureStatus) -> _Timestamp:
        ts = status.timestamp_validity
        if ts is None:
            return cls(at=None, authority=None)
        return cls(at=ts.timestamp, authority=ts.signing_cert.subject.native.get("common_name"))


def _pades_level(
    reader: PdfFileReader,
    seal: EmbeddedPdfSignature,
    doc_timestamps: list[EmbeddedPdfSignature],
    *,
    has_signature_timestamp: bool,
) -> str:
    # B-T adds a signature timestamp, B-LT a DSS with validation data, B-LTA a document timestamp over it all
    if not has_signature_timestamp:
        return "B-B"
    if "/DSS" not in reader.root:
        return "B-T"
    if any(ts.signed_revision > seal.signed_revision for ts in doc_timestamps):
        return "B-LTA"
    return "B-LT"


def _rejected(document_sha256: str, code: str, *, revisions: int | None = None) -> VerificationReport:
    return VerificationReport(
        genuine=False, document_sha256=document_sha256, problems=(Problem.of(code),), revisions=revisions
    )


def _enum_name(value: object) -> str | None:
    name = getattr(value, "name", None)
    return name.lower() if isinstance(name, str) else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
