"""异议 (Interp. 372) as cases: the court registers an objection to an issued ruling as a 民特监 case with its own
number, a judge decides it, and the worker seals the ruling on it. The original ruling stops standing only when a
ruling that revokes or changes it is sealed (``ObjectionRulingDocument.record``): revocation happens through that
ruling, never by a flag.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, func, select

from confirm.applications.numbering import source_for
from confirm.applications.service import get_visible, require_role
from confirm.applications.transitions import clerk_for
from confirm.core import audit
from confirm.core.clock import china_time, china_today, iso, utcnow
from confirm.core.events import emit, queue_job
from confirm.core.runtime import Runtime
from confirm.core.verify_codes import verify_url
from confirm.law.case_numbers import SPECIAL_SUPERVISION
from confirm.law.errors import DomainError, required_text
from confirm.law.objections import ObjectionDates, ObjectionOutcome, ObjectorKind, require_decidable, require_timely
from confirm.law.revocation import require_may_revoke, require_public_reason
from confirm.models import (
    Application,
    Court,
    Decision,
    JobKind,
    Objection,
    Party,
    Role,
    Ruling,
    ServiceRecord,
    User,
    job_kind,
    pk,
)
from confirm.parties.service import parties_of

STAFF = (Role.JUDGE, Role.CLERK)  # 立案: the court's staff register an objection


class ObjectionIn(BaseModel):
    """An objection as filed with the court (registered by its staff)."""

    model_config = ConfigDict(extra="forbid")
    objector_kind: Literal["party", "interested_person"]
    party_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="a party objecting: the party's id in this case")
    name: str | None = Field(default=None, max_length=100, description="an interested person's name")
    id_number: str | None = Field(default=None, max_length=40, description="an interested person's ID number")
    address: str | None = Field(default=None, max_length=200)
    received_on: date | None = Field(default=None, description="a party: the day the ruling was received, when "
                                     "Jiudi holds no service record of that party")
    known_on: date | None = Field(default=None, description="an interested person: the day they knew (or should "
                                  "have known) their rights were harmed")
    filed_on: date = Field(description="the day the objection reached the court")
    request: str = Field(max_length=4000, description="异议请求及理由, as filed")


class ObjectionDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(max_length=20, json_schema_extra={"enum": [o.value for o in ObjectionOutcome]})
    reasoning: str = Field(max_length=4000, description="本院经审查认为 … (printed on the ruling)")
    change_text: str | None = Field(default=None, max_length=4000, description="changed: the new wording")
    public_reason: str | None = Field(default=None, max_length=40,
                                      description="what verification of the original says; default by outcome")
    clerk: str | None = Field(default=None, max_length=100)


def standing_ruling(session: Session, app: Application) -> Ruling:
    ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).first()
    if ruling is None:
        raise DomainError("objection.no_ruling", "该案尚未作出裁定，不能对其提出异议", 409)
    if ruling.revoked_at is not None:
        raise DomainError("ruling.already_revoked", "该裁定已被撤销", 409)
    return ruling


def _served_on(session: Session, app_id: str, party_id: int) -> date | None:
    record = session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app_id,
                                                      ServiceRecord.party_id == party_id)).first()
    return china_time(record.served_at).date() if record else None


def _objector(session: Session, app: Application, body: ObjectionIn) -> tuple[Party | None, str, date | None]:
    """The party objecting (or None for an interested person), the objector's name, and the day the period starts
    from: for a party Jiudi served, the recorded service date, whatever the form says."""
    parties = parties_of(session, app.id)
    if body.objector_kind == ObjectorKind.PARTY:
        party = next((p for p in parties if pk(p) == body.party_id), None)
        if party is None:
            raise DomainError.for_field("party_id", "objection.unknown_party", "请选择本案的一方申请人作为异议人")
        return party, party.name, _served_on(session, app.id, pk(party)) or body.received_on
    name = required_text(body.name, field="name", code="objection.name_required", message="请填写利害关系人的姓名或名称")
    number = (body.id_number or "").strip().upper()
    if number and any((p.id_number or p.credit_code or "").upper() == number for p in parties):
        raise DomainError.for_field("id_number", "objection.objector_is_party",
                                    "该证件号码属于本案申请人：申请人应作为当事人提出异议")
    return None, name, body.known_on


def before_registering(runtime: Runtime, user: User, application_id: str) -> int:
    """Outside any transaction: the serial of the objection about to be registered, with its 民特监 number
    reserved where the court's case system allocates numbers (README "Case numbers")."""
    require_role(user, *STAFF)
    with Session(runtime.engine) as session:
        app = get_visible(session, user, application_id)
        court = session.get(Court, app.court_id)
        assert court is not None
        serial = _next_serial(session, app.id)
        standing_ruling(session, app)
    source_for(runtime.settings, court).reserve(runtime.engine, court, year=china_today().year,
                                                type_code=SPECIAL_SUPERVISION, application_id=application_id,
                                                serial=serial)
    return serial


def _next_serial(session: Session, application_id: str) -> int:
    last = session.exec(select(func.max(col(Objection.serial))).where(Objection.application_id == application_id)).one()
    return (last or 0) + 1


def register(runtime: Runtime, session: Session, user: User, application_id: str, body: ObjectionIn,
             serial: int) -> Objection:
    """立案: record the objection and give it its 民特监 number, in one transaction."""
    require_role(user, *STAFF)
    app = get_visible(session, user, application_id, for_update=True)
    ruling = standing_ruling(session, app)
    if _next_serial(session, app.id) != serial:
        raise DomainError("objection.concurrent", "同时登记了另一件异议，请刷新后重试", 409)
    party, name, starts_on = _objector(session, app, body)
    kind = ObjectorKind(body.objector_kind)
    if starts_on is None:
        field = "received_on" if kind is ObjectorKind.PARTY else "known_on"
        what = "收到裁定的日期" if kind is ObjectorKind.PARTY else "知道或者应当知道其民事权益受到侵害的日期"
        raise DomainError.for_field(field, "objection.start_date_required", f"请填写{what}")
    request = required_text(body.request, field="request", code="objection.request_required",
                            message="请填写异议请求及理由")
    require_timely(ObjectionDates(kind=kind, starts_on=starts_on, filed_on=body.filed_on,
                                  ruling_issued_on=china_time(ruling.issued_at).date(), today=china_today()),
                   runtime.calendar)
    court = session.get(Court, app.court_id)
    assert court is not None
    registered_at = utcnow()
    number = source_for(runtime.settings, court).take(session, court, year=china_time(registered_at).year,
                                                      type_code=SPECIAL_SUPERVISION, application_id=app.id,
                                                      serial=serial)
    objection = Objection(
        application_id=app.id, serial=serial, court_id=app.court_id, objector_kind=kind, party_id=pk(party) if party
        else None, objector_name=name,
        objector_id_number=None if party else (body.id_number or "").strip().upper() or None, objector_address=(body.address or "").strip() or None, starts_on=starts_on,
        filed_on=body.filed_on, request=request, case_number=str(number), registered_by=pk(user),
        registered_at=registered_at)
    session.add(objection)
    session.flush()
    audit.append(session, actor=user.username, action="objection.registered", application_id=app.id,
                 data={"objection_id": objection.id, "case_number": objection.case_number, "kind": kind.value})
    emit(session, "objection.registered", app, objection_id=objection.id, case_number=objection.case_number)
    return objection


def get_objection(session: Session, user: User, objection_id: int, *, for_update: bool = False) -> Objection:
    """The objection if the user may see its case; 404 alike for missing and out of scope."""
    query = select(Objection).where(Objection.id == objection_id)
    if for_update:
        query = query.with_for_update()
    objection = session.exec(query).first()
    if objection is None:
        raise DomainError("objection.not_found", "未找到该异议案件", 404)
    get_visible(session, user, objection.application_id)
    return objection


def decide(session: Session, user: User, objection_id: int, body: ObjectionDecisionIn) -> Objection:
    """The judge decides the objection; the ruling on it is sealed by the worker (the job is queued in this
    transaction). The original ruling is revoked or changed when that ruling is recorded, not before."""
    require_role(user, Role.JUDGE)
    objection = get_objection(session, user, objection_id, for_update=True)
    if objection.outcome is not None:
        raise DomainError("objection.already_decided", "该异议已作出裁定", 409)
    app = get_visible(session, user, objection.application_id)
    ruling = standing_ruling(session, app)
    court = session.get(Court, app.court_id)
    decision = session.exec(select(Decision).where(Decision.application_id == app.id)).one()
    assert court is not None
    require_may_revoke(court.revocation, is_judge=True, is_deciding_judge=decision.judge_id == user.id)
    outcome = require_decidable(body.outcome, change_text=body.change_text)
    reasoning = required_text(body.reasoning, field="reasoning", code="objection.reasoning_required",
                              message="请写明审查意见（本院经审查认为）")
    change_text = required_text(body.change_text, field="change_text", code="objection.change_text_required",
                                message="变更原裁定须写明变更后的内容") if outcome is ObjectionOutcome.CHANGED else None
    public = require_public_reason(body.public_reason or outcome.public_reason) if outcome.ends_original else None
    clerk = clerk_for(session, app.court_id, body.clerk)
    objection.outcome, objection.reasoning, objection.change_text = outcome.value, reasoning, change_text
    objection.public_reason, objection.decided_by, objection.clerk_id = public, pk(user), pk(clerk)
    objection.decided_at = utcnow()
    session.add(objection)
    queue_job(session, app.id, job_kind(JobKind.OBJECTION, pk(objection)))
    audit.append(session, actor=user.username, action="objection.decided", application_id=app.id,
                 data={"objection_id": objection.id, "outcome": outcome.value, "reasoning": reasoning,
                       "original_sha256": ruling.sha256})
    return objection


def pending_objection(session: Session, application_id: str) -> Objection:
    """The case's one undecided objection (the legacy revoke route decides it); 409 when there is none or several."""
    pending = list(session.exec(select(Objection).where(Objection.application_id == application_id,
                                                        col(Objection.outcome).is_(None))))
    if not pending:
        raise DomainError("ruling.objection_required",
                          "撤销裁定须经异议审查：请先登记当事人或利害关系人的异议（民特监案件），再以裁定撤销", 409)
    if len(pending) > 1:
        raise DomainError("ruling.objection_ambiguous", "本案有多件待审查的异议，请在相应的异议案件中作出裁定", 409)
    return pending[0]


def objection_json(runtime: Runtime, session: Session, objection: Objection) -> dict[str, Any]:
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(
        [i for i in (objection.registered_by, objection.decided_by) if i is not None])))}
    decided_by = users.get(objection.decided_by) if objection.decided_by else None
    return {
        "id": objection.id, "application_id": objection.application_id, "case_number": objection.case_number,
        "objector_kind": objection.objector_kind, "party_id": objection.party_id, "name": objection.objector_name,
        "starts_on": objection.starts_on.isoformat(), "filed_on": objection.filed_on.isoformat(),
        "request": objection.request, "registered_at": iso(objection.registered_at),
        "state": "issued" if objection.sha256 else "decided" if objection.outcome else "pending",
        "outcome": objection.outcome, "reasoning": objection.reasoning, "change_text": objection.change_text,
        "decided_by": decided_by.name if decided_by else None, "decided_at": iso(objection.decided_at),
        "ruling": {"url": f"/api/v1/objections/{objection.id}/ruling.pdf", "sha256": objection.sha256,
                   "issued_at": iso(objection.issued_at), "level": objection.level,
                   "verify_url": verify_url(runtime.settings.public_base_url, runtime.secret, objection.token_nonce)}
        if objection.sha256 and objection.token_nonce else None,
    }
