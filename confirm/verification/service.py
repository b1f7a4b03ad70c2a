"""Public verification (一书一码): what anyone holding a ruling may learn, and checking an uploaded PDF.

The public sees the minimum (domain.md §8): status, court, case number, outcome, date, judge, document hash and
seal certificate; natural persons' names masked. Never ID numbers, phones, addresses or the agreement.

A PDF uploaded by the public is checked by ``check_public_upload``: never in the service's own process, within a
revision bound, a time limit and a cap on concurrent checks (``verify.isolated.BoundedChecker``, configured by
``JIUDI_VERIFY_MAX_REVISIONS``, ``JIUDI_VERIFY_TIMEOUT_SECONDS`` and ``JIUDI_VERIFY_CONCURRENCY``); a file too
complex to check is 422 ``verify.too_complex``, and with every slot taken the caller is told to come back
(``CheckerBusy``, answered 503 ``verify.busy`` with ``Retry-After``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from confirm.core.clock import china_time, chinese_datetime_text, iso, iso_text
from confirm.core.db import read
from confirm.core.runtime import Runtime
from confirm.core.verify_codes import digest, normalize_check_code
from confirm.law.errors import DomainError
from confirm.law.masking import mask_parties, mask_party
from confirm.law.objections import ObjectionOutcome
from confirm.law.review import Outcome
from confirm.law.revocation import public_reason_text
from confirm.models import (
    AddressConfirmation,
    Application,
    Court,
    Decision,
    Objection,
    Party,
    PartyLink,
    PerformanceCertificate,
    Ruling,
    ServiceReceipt,
    ServiceVoucher,
    User,
    VoidedService,
    pk,
)
from confirm.parties.service import parties_of
from verify import PROBLEM_MESSAGES, VerificationReport, check_sealed_pdf
from verify.bounds import MAX_REVISIONS
from verify.isolated import DEFAULT_TIMEOUT, BoundedChecker, CheckTooComplex


def _not_found() -> DomainError:
    return DomainError("verify.not_found", "未找到该文书的核验记录，请核对二维码或核验码；如有疑问请联系出具法院", 404)


DOCUMENT_NAMES = {"ruling": "民事裁定书", "objection_ruling": "民事裁定书（异议审查）", "service_receipt": "送达回证", "service_voucher": "电子送达凭证",
                  "address_confirmation": "送达地址确认书", "performance_certificate": "自动履行证明书"}


def public_names(session: Session, application_id: str) -> dict[int, str]:
    """Each party of the case (by id, in the application's order) as every public record of it names them: masked,
    and told apart where two would be masked alike (张某甲, 张某乙)."""
    parties = parties_of(session, application_id)
    return dict(zip([pk(p) for p in parties], mask_parties([(p.kind, p.name) for p in parties]), strict=True))


def _service_record(session: Session, application_id: str, party_id: int | None, sha256: str,
                    issued_at: datetime | None, voided: VoidedService | None = None) -> dict[str, Any]:
    """The public record of a sealed service document — a receipt, or the voucher of ``party_id`` — which case,
    which court, when, recipients masked. Not valid once the ruling it served is revoked or the court voided the
    service it records (``voided``)."""
    app = session.get(Application, application_id)
    assert app is not None
    court = session.get(Court, app.court_id)
    if party_id is None:
        kind, recipients = "service_receipt", list(parties_of(session, app.id))
    else:
        party = session.get(Party, party_id)
        kind, recipients = "service_voucher", [party] if party else []
    ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).one()
    revoked = ruling.revoked_at is not None  # it records the service of a ruling that no longer stands
    names = public_names(session, app.id)
    return {
        "document": kind, "document_name": DOCUMENT_NAMES[kind],
        "status": "voided" if voided else "revoked" if revoked else "valid",
        "revoke_reason": public_reason_text(ruling.revoke_public_reason) if revoked else None,
        "void_reason": f"{chinese_datetime_text(voided.voided_at)}由本院作废" if voided else None,
        "court": court.name if court else None, "case_number": app.case_number, "outcome": None,
        "issued_at": iso(issued_at), "parties": [names[pk(p)] for p in recipients],
        "document_sha256": sha256,
    }


def _registered(session: Session, sha256: str) -> dict[str, Any] | None:
    """The registry's record of exactly this file: a ruling, a service receipt or a voucher; None if unknown."""
    ruling = session.exec(select(Ruling).where(Ruling.sha256 == sha256)).first()
    if ruling is not None:
        return _public_record(session, ruling)
    objection = session.exec(select(Objection).where(Objection.sha256 == sha256)).first()
    if objection is not None:
        return _objection_record(session, objection)
    receipt = session.exec(select(ServiceReceipt).where(ServiceReceipt.sha256 == sha256)).first()
    if receipt is not None:
        return _service_record(session, receipt.application_id, None, sha256, receipt.created_at)
    voucher = session.exec(select(ServiceVoucher).where(ServiceVoucher.sha256 == sha256)).first()
    if voucher is not None:
        return _service_record(session, voucher.application_id, voucher.party_id, sha256, voucher.created_at)
    address = session.exec(select(AddressConfirmation).where(AddressConfirmation.sha256 == sha256)).first()
    if address is not None:
        return _address_record(session, address)
    certificate = session.exec(select(PerformanceCertificate).where(PerformanceCertificate.sha256 == sha256)).first()
    if certificate is not None:
        return _certificate_record(session, certificate)
    voided = session.exec(select(VoidedService).where(
        (VoidedService.voucher_sha256 == sha256) | (VoidedService.receipt_sha256 == sha256))).first()
    if voided is not None:
        if voided.voucher_sha256 == sha256:
            return _service_record(session, voided.application_id, voided.party_id, sha256,
                                   voided.voucher_created_at, voided)
        return _service_record(session, voided.application_id, None, sha256, voided.receipt_created_at, voided)
    return None


def _address_record(session: Session, row: AddressConfirmation) -> dict[str, Any]:
    """The public record of a sealed 送达地址确认书: which case, which court, when, the party masked; never the
    address itself."""
    app = session.get(Application, row.application_id)
    link = session.get(PartyLink, row.link_id)
    assert app is not None and link is not None
    court = session.get(Court, app.court_id)
    party = session.get(Party, link.party_id)
    named = public_names(session, app.id)[pk(party)] if party else mask_party("person", link.party_name)
    return {"document": "address_confirmation", "document_name": DOCUMENT_NAMES["address_confirmation"],
            "status": "valid", "court": court.name if court else None, "case_number": app.case_number,
            "outcome": None, "issued_at": iso(row.created_at),
            "parties": [named], "document_sha256": row.sha256}


def _certificate_record(session: Session, row: PerformanceCertificate) -> dict[str, Any]:
    """The public record of a sealed 自动履行证明书: which court, which case, when; the parties masked. It stands only
    while the ruling it certifies performance of stands: once that is revoked (Interp. 372) it says so."""
    app = session.get(Application, row.application_id)
    assert app is not None
    court = session.get(Court, app.court_id)
    ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).one()
    revoked = ruling.revoked_at is not None
    return {
        "document": "performance_certificate", "document_name": DOCUMENT_NAMES["performance_certificate"],
        "status": "revoked" if revoked else "valid",
        "court": court.name if court else None, "case_number": app.case_number, "outcome": None,
        "performed_on": row.performed_on.isoformat(),
        "issued_at": iso(row.issued_at), "issued_at_text": chinese_datetime_text(row.issued_at),
        "parties": list(public_names(session, app.id).values()), "document_sha256": row.sha256,
        "seal_certificate": {"subject": row.signer, "sha256": row.signer_cert_sha256}, "level": row.level,
        "revoked_at": iso(ruling.revoked_at), "revoked_at_text": chinese_datetime_text(ruling.revoked_at),
        "revoke_reason": public_reason_text(ruling.revoke_public_reason) if revoked else None,
        "revoked_by": _revoked_by(session, ruling) if revoked else None,
    }


def _public_record(session: Session, ruling: Ruling) -> dict[str, Any]:
    app = session.get(Application, ruling.application_id)
    assert app is not None
    court = session.get(Court, app.court_id)
    decision = session.exec(select(Decision).where(Decision.application_id == app.id)).one()
    judge = session.get(User, decision.judge_id)
    return _ruling_record(ruling, court.name if court else None, app.case_number, judge.name if judge else None,
                          list(public_names(session, app.id).values()), _revoked_by(session, ruling))


def _revoked_by(session: Session, ruling: Ruling) -> dict[str, Any] | None:
    objection = session.get(Objection, ruling.revoked_by) if ruling.revoked_by else None
    return _revoking_ruling(objection.case_number, objection.decided_at, objection.outcome) if objection else None


def _ruling_record(ruling: Any, court: str | None, case_number: str | None, judge: str | None, parties: list[str],
                   revoked_by: dict[str, Any] | None) -> dict[str, Any]:
    """A ruling's public record from its row (the model, or a row of ``_RULING_RECORD`` with the same names)."""
    return {
        "document": "ruling",
        "document_name": DOCUMENT_NAMES["ruling"],
        "status": "revoked" if ruling.revoked_at is not None else "valid",
        "court": court,
        "case_number": case_number,
        "outcome": ruling.outcome,
        "outcome_name": Outcome(ruling.outcome).name_zh,
        "issued_at": iso(ruling.issued_at),
        "issued_at_text": chinese_datetime_text(ruling.issued_at),
        "judge": judge,
        "parties": parties,
        "document_sha256": ruling.sha256,
        "seal_certificate": {"subject": ruling.signer, "sha256": ruling.signer_cert_sha256},
        "level": ruling.level,
        "revoked_at": iso(ruling.revoked_at),
        "revoked_at_text": chinese_datetime_text(ruling.revoked_at),
        "revoke_reason": public_reason_text(ruling.revoke_public_reason) if ruling.revoked_at else None,
        "revoked_by": revoked_by,
    }


def _revoking_ruling(case_number: str | None, decided_at: datetime | None, outcome: str | None) -> dict[str, Any] | None:
    """The ruling on an objection that revoked or changed this one (Interp. 372): its number and date."""
    if decided_at is None or outcome is None:
        return None
    day = china_time(decided_at).date()
    return {"case_number": case_number, "decided_on": day.isoformat(),
            "decided_on_text": f"{day.year}年{day.month}月{day.day}日",
            "outcome": outcome, "outcome_name": ObjectionOutcome(outcome).name_zh}


def _objection_record(session: Session, objection: Objection) -> dict[str, Any]:
    """The public record of a sealed ruling on an objection (民特监): which court, number, result and date; the
    objector and the applicants masked; never the request or the reasoning."""
    app = session.get(Application, objection.application_id)
    court = session.get(Court, objection.court_id)
    judge = session.get(User, objection.decided_by)
    assert app is not None and objection.outcome is not None
    names = public_names(session, app.id)
    objector = names[objection.party_id] if objection.party_id in names else mask_party("person",
                                                                                         objection.objector_name)
    return {
        "document": "objection_ruling", "document_name": DOCUMENT_NAMES["objection_ruling"], "status": "valid",
        "court": court.name if court else None, "case_number": objection.case_number,
        "outcome": objection.outcome, "outcome_name": ObjectionOutcome(objection.outcome).name_zh,
        "original_case_number": app.case_number,
        "issued_at": iso(objection.issued_at), "issued_at_text": chinese_datetime_text(objection.issued_at),
        "judge": judge.name if judge else None, "parties": list(names.values()),
        "objector": objector, "document_sha256": objection.sha256,
        "seal_certificate": {"subject": objection.signer, "sha256": objection.signer_cert_sha256},
        "level": objection.level, "revoked_at": None, "revoked_at_text": None, "revoke_reason": None,
    }


def by_token(runtime: Runtime, token: str) -> dict[str, Any]:
    """The public record for a QR token; 404 for an unknown token (one indexed hash lookup, whatever the token)."""
    with runtime.unit_of_work() as session:
        hashed = digest(token[:200])
        ruling = session.exec(select(Ruling).where(Ruling.token_hash == hashed)).first()
        if ruling is not None:
            return _public_record(session, ruling)
        objection = session.exec(select(Objection).where(Objection.token_hash == hashed)).first()
        if objection is not None:
            return _objection_record(session, objection)
        certificate = session.exec(select(PerformanceCertificate)
                                   .where(PerformanceCertificate.token_hash == hashed)).first()
        if certificate is None:
            raise _not_found()
        return _certificate_record(session, certificate)


def by_check_code(runtime: Runtime, code: str) -> dict[str, Any]:
    """The public record for a check code typed by hand from a paper copy."""
    with runtime.unit_of_work() as session:
        hashed = digest(normalize_check_code(code[:40]))
        ruling = session.exec(select(Ruling).where(Ruling.check_code_hash == hashed)).first()
        if ruling is not None:
            return _public_record(session, ruling)
        objection = session.exec(select(Objection).where(Objection.check_code_hash == hashed)).first()
        if objection is not None:
            return _objection_record(session, objection)
        certificate = session.exec(select(PerformanceCertificate)
                                   .where(PerformanceCertificate.check_code_hash == hashed)).first()
        if certificate is None:
            raise _not_found()
        return _certificate_record(session, certificate)


def too_complex() -> DomainError:
    """422 for a file the service will not check: too many revisions, or out of time or memory."""
    return DomainError("verify.too_complex", PROBLEM_MESSAGES["verify.too_complex"], 422)


def busy_message(retry_after: int) -> str:
    return f"核验服务繁忙，请在{retry_after}秒后重试"


_checker: BoundedChecker | None = None
_checker_lock = threading.Lock()


def _checker_from_env(environ: Mapping[str, str] = os.environ) -> BoundedChecker:
    concurrency = environ.get("JIUDI_VERIFY_CONCURRENCY")
    return BoundedChecker(
        concurrency=int(concurrency) if concurrency else None,
        timeout=float(environ.get("JIUDI_VERIFY_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT),
        max_revisions=int(environ.get("JIUDI_VERIFY_MAX_REVISIONS") or MAX_REVISIONS),
    )


def upload_checker() -> BoundedChecker:
    """The process's checker for public uploads (one per process: the bound is on this machine's CPU)."""
    global _checker
    with _checker_lock:
        if _checker is None:
            _checker = _checker_from_env()
        return _checker


def use_upload_checker(checker: BoundedChecker | None) -> BoundedChecker | None:
    """Replace the checker for public uploads (None: configure again from the environment); returns the old one."""
    global _checker
    with _checker_lock:
        previous, _checker = _checker, checker
        return previous


def check_public_upload(runtime: Runtime, pdf: bytes) -> dict[str, Any]:
    """``check_upload`` for a file from anyone (``POST /api/v1/verify``, ``/v/upload``), within the bounds above.

    Raises 422 ``verify.too_complex`` and ``verify.isolated.CheckerBusy``."""
    try:
        report = upload_checker().check(pdf, runtime.seals.trust_roots())
    except CheckTooComplex as exc:
        raise too_complex() from exc
    if "verify.too_complex" in report.problem_codes:
        raise too_complex()
    return with_registry(runtime, report)


def check_upload(runtime: Runtime, pdf: bytes, trust_roots: list[Any] | None = None) -> dict[str, Any]:
    """A PDF is genuine only if its seal is intact, covers the whole file, chains to a court root, and the
    exact file is in the registry and not revoked. Checked in this process: for trusted callers (the command
    line, restore checks); files from the public go through ``check_public_upload``."""
    report = check_sealed_pdf(pdf, trust_roots if trust_roots is not None else runtime.seals.trust_roots())
    return with_registry(runtime, report)


def with_registry(runtime: Runtime, report: VerificationReport, *, signature_decides: bool = False) -> dict[str, Any]:
    """The answer of ``POST /api/v1/verify`` for a checked file: the seal's report and the registry's record.

    By default the file is genuine only if the registry also knows it and it stands. With ``signature_decides``
    (``jiudi verify --trust-root``: the verifier chose the roots) the seal alone decides; what the registry says
    is reported beside the verdict, in ``registry_problems``, and not in ``problems``."""
    problems = [{"code": p.code, "message": p.message} for p in report.problems]
    record: dict[str, Any] | None = None
    with runtime.unit_of_work() as session:
        record = _registered(session, report.document_sha256) if report.document_sha256 else None
    unusable = any(p["code"] == "verify.not_pdf" for p in problems)
    registry_problems: list[dict[str, str]] = []
    if record is None and not unusable:
        registry_problems.append({"code": "verify.unregistered",
                                  "message": "本系统没有这份文书的出具记录（文件可能被修改、替换或并非本院出具）"})
    if record is not None and record.get("void_reason"):
        registry_problems.append({"code": "verify.voided",
                                  "message": f"该文书记载的送达已被法院作废：{record['void_reason']}"})
    if record is not None and (record["status"] == "revoked" or record.get("revoke_reason") is not None):
        what = {"ruling": "该文书", "performance_certificate": "该证明书所证明履行的裁定书"}.get(
            record["document"], "该文书所送达的裁定书")
        registry_problems.append({"code": "verify.revoked",
                                  "message": f"{what}已被撤销：{record['revoke_reason'] or ''}"})
    if signature_decides:
        genuine = report.genuine
    else:
        genuine = report.genuine and record is not None and record["status"] == "valid"
        problems += registry_problems
    answer = {
        "genuine": genuine,
        "document": record["document"] if record else None,
        "document_name": record["document_name"] if record else None,
        "case_number": record["case_number"] if record else None,
        "court": record["court"] if record else report.signer_organization,
        "signed_at": iso_text(report.signed_at),
        "timestamp_at": iso_text(report.timestamp_at),
        "signer": report.signer,
        "problems": problems,
        "report": report.to_dict(),
        "registry": None if record is None else {k: record[k] for k in ("status", "outcome", "issued_at", "parties")},
    }
    if signature_decides:
        answer["verdict_from"] = "signature"
        answer["registry_problems"] = registry_problems
    return answer


# A record's renderings, made as the look-ups ask for them: "json" and "html" the endpoint's bytes, and per variant
# (kind, https, gzip) the finished answer the middleware made of them (``views.CachedLookups``)
Renderings = dict[Any, Any]


class PublicRecords:
    """The public record of each ruling looked up by token, kept in this process with its JSON and its rendered
    page (``/v/{token}``): a look-up then costs one indexed query for the ruling's revocation state instead of
    seven, and no rendering. Only revocation changes a ruling's public record, so an entry is used only while the
    ruling's id and revocation (``revoked_at``, ``revoked_by``) are what the database says now — a revocation
    shows at the very next look-up, on every instance — and for ``ttl`` seconds at most (a court renamed shows
    within a minute). Objection rulings and unknown tokens take the full path."""

    def __init__(self, max_entries: int = 50_000, ttl: float = 60.0) -> None:
        self.max_entries, self.ttl = max_entries, ttl
        self._entries: dict[str, tuple[tuple[Any, ...], float, dict[str, Any], Renderings]] = {}
        self._lock = threading.Lock()

    def _state(self, runtime: Runtime, hashed: str) -> tuple[Any, ...] | None:
        rows = read(runtime.engine, _RULING_STATE, {"hashed": hashed})
        return tuple(rows[0]) if rows else None

    def _record(self, runtime: Runtime, hashed: str) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
        """A ruling's revocation state and public record from one joined query (one row a party, in the
        application's order): one statement, so the record is of the state it comes with. None: no ruling."""
        rows = read(runtime.engine, _RULING_RECORD, {"hashed": hashed})
        if not rows:
            return None
        row = rows[0]
        names = mask_parties([(r.party_kind, r.party_name) for r in rows if r.party_name is not None])
        revoked_by = (_revoking_ruling(row.objection_case_number, row.objection_decided_at, row.objection_outcome)
                      if row.objection_id is not None else None)
        return (row.id, row.revoked_at, row.revoked_by), _ruling_record(row, row.court, row.case_number, row.judge,
                                                                        names, revoked_by)

    def cached(self, runtime: Runtime, token: str) -> tuple[dict[str, Any], Renderings] | None:
        """The record and its renderings (``json``, ``html``, filled by the caller) when this process holds them
        for the ruling as it is now; one indexed query, quick enough to run on the event loop. None: ``ruling``."""
        hashed = digest(token[:200])
        entry = self._entries.get(hashed)
        if entry is None or time.monotonic() - entry[1] >= self.ttl:
            return None
        if entry[0] != self._state(runtime, hashed):  # revoked meanwhile (or gone): look it up afresh
            return None
        return entry[2], entry[3]

    def ruling(self, runtime: Runtime, token: str) -> tuple[dict[str, Any], Renderings] | None:
        """A ruling's record read afresh in one indexed query, quick enough for the event loop, and kept for the
        next look-ups. None: no ruling has this token (an objection ruling's, a certificate's, or none: ``by_token``
        in the thread pool)."""
        hashed = digest(token[:200])
        found = self._record(runtime, hashed)
        if found is None:
            return None
        state, record = found
        renderings: Renderings = {}
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()  # a crude bound: a full cache starts over (it refills at one query a token)
            self._entries[hashed] = (state, time.monotonic(), record, renderings)
        return record, renderings


_R, _A, _D, _C, _U, _O, _P = (m.__table__ for m in (Ruling, Application, Decision, Court, User, Objection,  # type: ignore[union-attr]
                                                       Party))
_RULING_STATE = sa.select(_R.c.id, _R.c.revoked_at, _R.c.revoked_by).where(_R.c.token_hash == sa.bindparam("hashed"))
# what ``_public_record`` reads in seven ORM queries, in one (``PublicRecords._record``)
_RULING_RECORD = (
    sa.select(_R.c.id, _R.c.revoked_at, _R.c.revoked_by, _R.c.outcome, _R.c.issued_at, _R.c.sha256, _R.c.signer,
              _R.c.signer_cert_sha256, _R.c.level, _R.c.revoke_public_reason, _A.c.case_number,
              _C.c.name.label("court"), _U.c.name.label("judge"), _O.c.id.label("objection_id"),
              _O.c.case_number.label("objection_case_number"), _O.c.decided_at.label("objection_decided_at"),
              _O.c.outcome.label("objection_outcome"), _P.c.kind.label("party_kind"), _P.c.name.label("party_name"))
    .select_from(_R)
    .join(_A, _A.c.id == _R.c.application_id)
    .join(_D, _D.c.application_id == _A.c.id)
    .outerjoin(_C, _C.c.id == _A.c.court_id)
    .outerjoin(_U, _U.c.id == _D.c.judge_id)
    .outerjoin(_O, _O.c.id == _R.c.revoked_by)
    .outerjoin(_P, _P.c.application_id == _A.c.id)
    .where(_R.c.token_hash == sa.bindparam("hashed"))
    .order_by(_P.c.position)
)
