"""强制执行 after non-performance (issue 15 item 4): the obligee's filled-in 强制执行申请书 and the execution-filing
record for the court's case system, both built from the case's records at the moment they are asked for.

Jiudi files nothing: the PDF is the obligee's to check, sign and hand in; the JSON is for the court's staff to import
if they choose. ``record_non_performance`` is the one change made here: it stands for the obligee's answer
(``POST /api/v1/party/me/performance``, built on another branch) until that lands, and writes the same state and
one audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlmodel import Session, col, select

from confirm.core import audit
from confirm.core.clock import china_time, china_today, utcnow
from confirm.core.runtime import Runtime
from confirm.core.verify_codes import verify_url
from confirm.issuance.ruling import party_info
from confirm.law import execution as rules
from confirm.law.errors import DomainError
from confirm.law.lifecycle import Status
from confirm.law.obligations import yuan
from confirm.models import Application, Court, Decision, Obligation, Organization, Party, Ruling, ServiceRecord
from confirm.parties.service import parties_of
from templates.execution import render_execution_application
from templates.model import ExecutionApplicationContent, ExecutionItemText

FILING_FORMAT = "jiudi.execution_filing/1"


@dataclass(frozen=True)
class CaseRecords:
    """Everything the application and the filing are built from, read in one transaction."""

    app: Application
    court: Court
    organization: Organization
    ruling: Ruling | None
    case: rules.CaseFacts
    served_on: date | None
    parties: dict[int, Party]
    obligations: list[rules.ObligationRecord]


def case_records(session: Session, app: Application) -> CaseRecords:
    court = session.get(Court, app.court_id)
    organization = session.get(Organization, app.organization_id)
    assert court is not None and organization is not None
    ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).first()
    decision = session.exec(select(Decision).where(Decision.application_id == app.id)).first()
    served = [r.served_at for r in session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id))]
    case = rules.CaseFacts(
        outcome=ruling.outcome if ruling else None, revoked=bool(ruling and ruling.revoked_at),
        served=app.status == Status.SERVED,
        decided_on=china_time(decision.decided_at).date() if decision and ruling else None)
    rows = session.exec(select(Obligation).where(Obligation.application_id == app.id)
                        .order_by(col(Obligation.position))).all()
    obligations = [rules.ObligationRecord(
        id=cast(int, o.id), position=o.position, obligor_party_id=o.obligor_party_id,
        obligee_party_id=o.obligee_party_id, kind=o.kind, amount_fen=o.amount_fen, description=o.description,
        due_on=o.due_on, state=o.state) for o in rows]
    return CaseRecords(app, court, organization, ruling, case,
                       china_time(max(served)).date() if served else None,
                       {cast(int, p.id): p for p in parties_of(session, app.id)}, obligations)


def execution_plan(runtime: Runtime, records: CaseRecords, obligee_party_id: int | None) -> rules.ExecutionPlan:
    rules.require_executable(records.case)
    obligee = rules.choose_obligee(records.obligations, obligee_party_id)
    return rules.plan(records.case, records.obligations, obligee, runtime.calendar)


def application_content(runtime: Runtime, records: CaseRecords, plan: rules.ExecutionPlan) -> ExecutionApplicationContent:
    """The 强制执行申请书 of ``plan``'s obligee, from the records (identity numbers full or masked as the court
    prints them on its ruling)."""
    assert records.case.decided_on and records.served_on and records.app.case_number
    full = records.court.print_full_id
    items = tuple(ExecutionItemText(
        kind=cast(Any, i.obligation.kind), obligor=records.parties[i.obligation.obligor_party_id].name,
        description=i.obligation.description, amount=yuan(i.obligation.amount_fen), remaining=yuan(i.remaining_fen),
        due_on=i.obligation.due_on, state=cast(Any, i.obligation.state)) for i in plan.items)
    has_money = any(i.obligation.kind == "money" for i in plan.items)
    return ExecutionApplicationContent(
        court_name=records.court.name, case_number=records.app.case_number, decided_on=records.case.decided_on,
        served_on=records.served_on, dispute_type=records.app.dispute_type,
        concluded_on=records.app.mediation_concluded_on, organization=records.organization.name,
        applicant=party_info(records.parties[plan.obligee_party_id], print_full_id=full),
        respondents=tuple(party_info(records.parties[p], print_full_id=full) for p in plan.respondent_party_ids),
        items=items, total=yuan(plan.money_total_fen) if has_money else None, total_complete=plan.complete_total,
        apply_by=plan.apply_by, prepared_on=china_today(), dev_mode=runtime.settings.dev_mode)


def application_pdf(runtime: Runtime, session: Session, app: Application, obligee_party_id: int | None,
                    *, actor: str) -> tuple[bytes, str]:
    """The PDF and its file name; the download is written to the audit log."""
    records = case_records(session, app)
    plan = execution_plan(runtime, records, obligee_party_id)
    pdf = render_execution_application(application_content(runtime, records, plan))
    audit.append(session, actor=actor, action="execution.application_downloaded", application_id=app.id,
                 data={"obligee_party_id": plan.obligee_party_id,
                       "obligation_ids": [i.obligation.id for i in plan.items]})
    return pdf, f"{app.case_number} 强制执行申请书.pdf"


def _party_json(p: Party) -> dict[str, Any]:
    return {"party_id": p.id, "kind": p.kind, "name": p.name, "id_type": p.id_type if p.kind == "person" else None,
            "id_number": p.id_number if p.kind == "person" else None, "credit_code": p.credit_code,
            "representative": p.representative, "address": p.address, "phone": p.phone}


def filing_json(runtime: Runtime, session: Session, app: Application) -> dict[str, Any]:
    """The execution-filing record (README "Execution filing record"): every obligee's unperformed obligations."""
    records = case_records(session, app)
    rules.require_executable(records.case)
    plans = [rules.plan(records.case, records.obligations, o, runtime.calendar)
             for o in rules.obligees(records.obligations)]
    if not plans:
        raise DomainError("execution.nothing_unperformed",
                          "尚无权利人报告未履行或未全部履行的义务，不能准备强制执行申请书", 409)
    assert records.ruling is not None and records.case.decided_on and records.served_on
    items = [i for plan in plans for i in plan.items]
    respondents = list(dict.fromkeys(p for plan in plans for p in plan.respondent_party_ids))
    return {
        "format": FILING_FORMAT, "application_id": app.id, "prepared_at": utcnow().isoformat(),
        "filed_by_jiudi": False,
        "basis": {"court_code": records.court.code, "court_name": records.court.name,
                  "case_number": app.case_number, "document": "民事裁定书", "outcome": records.ruling.outcome,
                  "decided_on": records.case.decided_on.isoformat(), "served_on": records.served_on.isoformat(),
                  "ruling_sha256": records.ruling.sha256,
                  "verify_url": verify_url(runtime.settings.public_base_url, runtime.secret,
                                           records.ruling.token_nonce)},
        "applicants": [_party_json(records.parties[plan.obligee_party_id]) for plan in plans],
        "respondents": [_party_json(records.parties[p]) for p in respondents],
        "obligations": [{
            "obligation_id": i.obligation.id, "obligor_party_id": i.obligation.obligor_party_id,
            "obligee_party_id": i.obligation.obligee_party_id, "kind": i.obligation.kind,
            "description": i.obligation.description, "state": i.obligation.state,
            "due_on": i.obligation.due_on.isoformat() if i.obligation.due_on else None,
            "amount_fen": i.obligation.amount_fen, "amount_yuan": yuan(i.obligation.amount_fen),
            "remaining_fen": i.remaining_fen, "remaining_yuan": yuan(i.remaining_fen),
            "period_starts_on": i.period_starts.isoformat(), "apply_by": i.apply_by.isoformat()} for i in items],
        "total_remaining_fen": sum(i.remaining_fen or 0 for i in items),
        "total_complete": all(p.complete_total for p in plans),
        "apply_by": min(p.apply_by for p in plans).isoformat(),
        "limitation": {"years": rules.LIMITATION_YEARS, "citation": rules.LIMITATION_CITATION},
        "venue_citation": rules.VENUE_CITATION,
    }


def offered_obligees(session: Session, application_id: str) -> list[tuple[int, str]]:
    """The parties (id, name) an application can be prepared for now: each owed an obligation reported unperformed,
    under a standing confirmation served on every party."""
    app = session.get(Application, application_id)
    if app is None or app.status != Status.SERVED:  # (unserved: never executable, and nothing more to read)
        return []
    records = case_records(session, app)
    try:
        rules.require_executable(records.case)
    except DomainError:
        return []
    return [(p, records.parties[p].name) for p in rules.obligees(records.obligations)]


def offered_to(session: Session, application_id: str, party_id: int) -> bool:
    """Whether the party's page offers the application (the party is one of ``offered_obligees``)."""
    return any(p == party_id for p, _name in offered_obligees(session, application_id))
