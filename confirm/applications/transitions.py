"""The transitions of an application: one function per transition, each in the caller's transaction, each
writing one audit record and one live event. No other code sets ``Application.status``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from confirm.applications.numbering import source_for
from confirm.applications.service import get_visible, late_applications_of, require_role
from confirm.applications.signals import link_back, signals_for
from confirm.core import audit
from confirm.core.clock import as_utc, china_time, china_today, iso, utcnow
from confirm.core.crash_points import crash_point
from confirm.core.db import after_commit
from confirm.core.events import emit, queue_job
from confirm.core.runtime import Runtime
from confirm.law.acceptance import accepted_by_decision, check_acceptance
from confirm.law.case_numbers import SPECIAL_PROCEDURE
from confirm.law.errors import DomainError, required_text
from confirm.law.intake import ApplicationIn, PartyIn, check_application, check_required_documents
from confirm.law.lifecycle import Action, Status, require_allowed
from confirm.law.parties import REQUIRED, confirmation_problems, shared_addresses
from confirm.law.review import DecisionIn, filing_window_flags, require_lawful_decision, risk_flags
from confirm.law.signals import risk_reason_problems, severity_of
from confirm.law.supplement import require_decidable, require_supplement_deadline
from confirm.models import (
    Application,
    Court,
    Decision,
    Document,
    JobKind,
    Role,
    User,
    job_kind,
    pk,
)
from confirm.parties.service import confirmation_states, open_links, parties_of, waive
from templates.texts import load_texts


def _move(session: Session, app: Application, to: Status, *, actor: User | str, event: str | None,
          before: str | None = None, **data: Any) -> None:
    """Set the status, stamp the change, append the audit record and the live event.

    ``before`` is given when the status was already changed by an atomic conditional UPDATE (claim).
    """
    before = before or app.status
    app.status = to
    app.updated_at = utcnow()
    session.add(app)
    who = actor if isinstance(actor, str) else actor.username
    audit.append(session, actor=who, action=f"application.{to}", application_id=app.id,
                 data={"from": before, "to": str(to), **data})
    if event is not None:
        emit(session, event, app, **data)


def _body_of(session: Session, app: Application) -> ApplicationIn:
    """The stored application as the intake model, to run the same checks at submission as at entry."""
    court = session.get(Court, app.court_id)
    assert court is not None
    parties = [{k: getattr(p, k) for k in PartyIn.model_fields if getattr(p, k) is not None}
               for p in parties_of(session, app.id)]
    return ApplicationIn.model_validate({
        "court_code": court.code, "dispute_type": app.dispute_type, "parties": parties,
        "mediation": {"concluded_on": app.mediation_concluded_on, "place": app.mediation_place,
                      "mediator_name": app.mediator_name},
        "agreement": {"text": app.agreement_text, "amount": app.agreement_amount},
    })


def submit(runtime: Runtime, session: Session, user: User, application_id: str) -> Application:
    """Submit to the court: the content rules again (the 30-day window may have closed) and the materials; each
    party gets its own link to confirm the agreement (``confirm.parties``)."""
    require_role(user, Role.MEDIATOR)
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.SUBMIT)
    today = china_today()
    # a case the court registered and returned for supplement is the same application: the 30-day window was met
    # by its first submission, whose day stays the application date (Interp. 354 ¶2; CPL 205)
    resubmission = app.case_number is not None and app.submitted_at is not None
    applied_on = china_time(app.submitted_at).date() if resubmission and app.submitted_at else today
    problems = check_application(_body_of(session, app), today=applied_on, calendar=runtime.calendar,
                                 late_applications=late_applications_of(session.get(Court, app.court_id)))
    kinds = {d.kind for d in session.exec(select(Document).where(Document.application_id == app.id))}
    problems += check_required_documents(kinds)
    if problems:
        raise DomainError.from_problems(problems)
    since = utcnow() - timedelta(days=30)
    recent = session.exec(select(sa.func.count()).select_from(Application).where(
        col(Application.organization_id) == app.organization_id, col(Application.submitted_at) >= since)).one()
    parties = parties_of(session, app.id)
    addresses = [p.address for p in parties if p.address]
    flags = risk_flags(
        dispute_type=app.dispute_type,
        amount=Decimal(app.agreement_amount) if app.agreement_amount else None,
        concluded_on=app.mediation_concluded_on, submitted_on=today,
        organization_recent_count=int(recent) + 1,
        parties_with_same_address=len(addresses) != len(set(addresses)),
        parties_with_same_phone=bool(shared_addresses((pk(p), p.phone) for p in parties)),
    )
    flags += filing_window_flags(concluded_on=app.mediation_concluded_on, submitted_on=applied_on,
                                 calendar=runtime.calendar)
    signals = runtime.signals
    app.risk_flags = [{"code": f.code, "message": f.message, "severity": severity_of(f.code, signals),
                       "related_application_ids": []} for f in flags]
    cross = signals_for(session, app, parties, today=today, table=signals)
    app.risk_flags = [*app.risk_flags, *(s.as_record() for s in cross)]
    link_back(session, app, cross)  # the older open cases it connects to see it too
    if not resubmission:
        app.submitted_at = utcnow()
    app.return_reason = None
    app.supplement_deadline = app.supplement_ordered_at = None
    app.claimed_by = None  # back in the court's queue (its number kept), to be claimed again
    open_links(runtime, session, app, actor=user.username)
    _move(session, app, Status.SUBMITTED, actor=user, event="application.submitted")
    return app


def withdraw(session: Session, user: User, application_id: str) -> Application:
    """The mediator withdraws an application the court has not accepted. After 立案 (a case number exists)
    withdrawal is the court's decision (准许撤回申请, Interp. 357), not the mediator's."""
    require_role(user, Role.MEDIATOR)
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.WITHDRAW)
    if app.case_number is not None:
        raise DomainError("application.already_accepted",
                          "法院已收案并编定案号，撤回申请须由法官作出准许撤回的裁定，请联系审查法官", 409)
    _move(session, app, Status.WITHDRAWN, actor=user, event="application.withdrawn")
    return app


def before_claim(runtime: Runtime, user: User, application_id: str) -> None:
    """What a claim needs done outside its transaction: the first claim (立案) of a court whose case system
    allocates its numbers asks for one here, so no lock is held while the network answers (README "Case numbers")."""
    require_role(user, Role.JUDGE)
    with Session(runtime.engine) as session:
        app = get_visible(session, user, application_id)
        court = session.get(Court, app.court_id)
        assert court is not None
        if app.case_number is not None or app.status != Status.SUBMITTED:
            return  # claim itself says why it cannot be taken, or it keeps its number
        source = source_for(runtime.settings, court)
    source.reserve(runtime.engine, court, year=china_today().year, type_code=SPECIAL_PROCEDURE,
                   application_id=application_id)


def claim(runtime: Runtime, session: Session, user: User, application_id: str) -> Application:
    """A judge takes the application for review; the first claim is 收案: it registers the case and takes its
    number from the court's source (案号规定 arts. 9–10; ``before_claim`` has run first). Acceptance (受理) is its own
    act (``accept``, or a decision on the merits)."""
    require_role(user, Role.JUDGE)
    get_visible(session, user, application_id)
    taken = session.connection().execute(
        sa.update(Application)
        .where(col(Application.id) == application_id, col(Application.status) == Status.SUBMITTED)
        .values(status=Status.UNDER_REVIEW, claimed_by=pk(user), updated_at=utcnow())
    ).rowcount
    app = get_visible(session, user, application_id)
    session.refresh(app)
    if not taken:
        if app.status == Status.UNDER_REVIEW and app.claimed_by == user.id:
            return app  # claiming again what one holds changes nothing
        if app.status == Status.UNDER_REVIEW:
            raise DomainError("application.already_claimed", "该申请已由其他法官领取审查", 409)
        require_allowed(app.status, Action.CLAIM)
    first = app.case_number is None
    if first:
        court = session.get(Court, app.court_id)
        assert court is not None
        app.registered_at = utcnow()
        app.case_number = str(source_for(runtime.settings, court).take(
            session, court, year=china_time(app.registered_at).year, type_code=SPECIAL_PROCEDURE,
            application_id=app.id))
        crash_point("during_claim")  # the number is taken, not yet committed: a crash here gives it back
    _move(session, app, Status.UNDER_REVIEW, actor=user, event="application.claimed", before=Status.SUBMITTED,
          claimed_by=user.username, registered=first)
    return app


def accept(session: Session, user: User, application_id: str) -> Application:
    """受理: the claiming judge accepts the registered case (within 3 days of receipt, 2011 rules art. 4). From now
    on a defect of Interp. 355 leads to 驳回 (¶2), no longer to 不予受理, and the 30-day review clock runs."""
    require_role(user, Role.JUDGE)
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.ACCEPT)
    _require_claimant(app, user)
    _require_undecided(session, app, "不能再受理")
    if app.accepted_at is not None:
        raise DomainError("application.accepted_already",
                          f"本案已于{china_time(app.accepted_at).date().isoformat()}受理", 409)
    app.accepted_at = app.updated_at = utcnow()
    session.add(app)
    audit.append(session, actor=user.username, action="application.accepted", application_id=app.id,
                 data={"by": "judge", "accepted_at": iso(app.accepted_at)})
    emit(session, "application.accepted", app)
    return app


def _require_claimant(app: Application, user: User) -> None:
    if app.claimed_by != user.id:
        raise DomainError("application.not_claimant", "只有领取该申请的法官才能进行此操作", 409)


def _require_undecided(session: Session, app: Application, consequence: str) -> None:
    if session.exec(select(Decision).where(Decision.application_id == app.id)).first() is not None:
        raise DomainError("application.already_decided", f"该申请已作出裁定，{consequence}", 409)


def release(session: Session, user: User, application_id: str) -> Application:
    """The claiming judge puts it back in the queue; the case number stays (it is never reused)."""
    require_role(user, Role.JUDGE)
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.RELEASE)
    _require_claimant(app, user)
    _require_undecided(session, app, "不能放弃领取")
    app.claimed_by = None
    _move(session, app, Status.SUBMITTED, actor=user, event="application.released")
    return app


def return_for_correction(session: Session, user: User, application_id: str, reason: str,
                          deadline: date | None = None) -> Application:
    """退回补正 (限期补正, Interp. 354 ¶2, 356 ¶2): back to the mediator with what to supplement and, when the judge
    sets one, by when. The case stays the judge's: once the deadline passes without a supplement, that judge may
    rule 按撤回申请处理 (Interp. 357 ¶2). (The API may still return without a deadline, as before v1.1; the pages
    always ask for one.)"""
    require_role(user, Role.JUDGE)
    reason = required_text(reason, field="reason", code="application.return_reason_required",
                           message="请写明退回补正的原因")
    if deadline is not None:
        require_supplement_deadline(deadline, today=china_today())
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.RETURN)
    _require_claimant(app, user)
    _require_undecided(session, app, "不能退回")
    app.return_reason = reason[:2000]
    app.supplement_deadline = deadline
    app.supplement_ordered_at = utcnow()
    _move(session, app, Status.RETURNED, actor=user, event="application.returned", reason=app.return_reason,
          deadline=deadline.isoformat() if deadline else None)
    return app


def clerks_of(session: Session, court_id: int, username: str | None = None) -> list[User]:
    """The court's active clerks (only ``username``, if given), the one named by default first."""
    query = select(User).where(User.court_id == court_id, User.role == Role.CLERK, User.disabled == False)  # noqa: E712
    if username:
        query = query.where(User.username == username)
    return list(session.exec(query.order_by(col(User.id))))


def clerk_for(session: Session, court_id: int, username: str | None) -> User:
    """书记员 named on the ruling: the one asked for, or the court's first active clerk."""
    clerks = clerks_of(session, court_id, username)
    if not clerks and username:
        raise DomainError.for_field("clerk", "decision.unknown_clerk", f"“{username}”不是本院可署名的书记员，请重新选择")
    if not clerks:
        raise DomainError.for_field("clerk", "decision.no_clerk", "本院没有可署名的书记员账号，请先添加书记员")
    return clerks[0]


def decide(session: Session, user: User, application_id: str, decision: DecisionIn, *,
           clerk_username: str | None) -> Decision:
    """作出裁定: record the decision and, in the same transaction, the job that will seal the ruling."""
    require_role(user, Role.JUDGE)
    app = get_visible(session, user, application_id, for_update=True)
    _require_undecided(session, app, "不能重复裁定")
    require_allowed(app.status, Action.DECIDE)
    _require_claimant(app, user)
    require_decidable(app.status, decision.outcome, supplement_deadline=app.supplement_deadline, today=china_today())
    assert app.submitted_at is not None
    require_lawful_decision(decision, submitted_at=as_utc(app.submitted_at), now=utcnow(),
                            party_ids=[pk(p) for p in parties_of(session, app.id)])
    require_fits_acceptance(app, decision)
    require_risk_reason(app, decision)
    _require_party_confirmations(session, app, decision)
    clerk = clerk_for(session, app.court_id, clerk_username)
    row = Decision(
        application_id=app.id, outcome=decision.outcome, grounds=list(decision.grounds),
        reasoning=decision.reasoning, judge_id=pk(user), clerk_id=pk(clerk),
        verification_method=decision.verification.method if decision.verification else None,
        verification_at=decision.verification.at if decision.verification else None,
        party_waivers=[w.model_dump() for w in decision.waivers],
        withdrawal=decision.withdrawal.as_record()
        if decision.withdrawal and decision.outcome == "withdrawal_permitted" else None,
        risk_reason=decision.risk_reason or None,
    )
    waive(session, user, app, decision.waivers)
    if app.status == Status.RETURNED:  # 按撤回申请处理 of a case not supplemented: it is the court's again, to seal
        _move(session, app, Status.UNDER_REVIEW, actor=user, event=None, decided_returned_case=True)
    if accepted_by_decision(decision.outcome, accepted=app.accepted_at is not None):
        app.accepted_at = utcnow()  # 当场受理、当场裁定: the decision on the merits is the acceptance too
        audit.append(session, actor=user.username, action="application.accepted", application_id=app.id,
                     data={"by": "decision", "outcome": decision.outcome})
    session.add(row)
    queue_job(session, app.id, job_kind(JobKind.RULING))
    session.flush()
    audit.append(session, actor=user.username, action="decision.made", application_id=app.id,
                 data={"outcome": decision.outcome, "grounds": list(decision.grounds),
                       **({"risk_reason": decision.risk_reason} if decision.risk_reason else {})})
    emit(session, "application.decided", app, outcome=decision.outcome)
    after_commit(session, call=lambda: crash_point("after_decision_commit"))
    return row


def require_risk_reason(app: Application, decision: DecisionIn) -> None:
    """A flag never blocks; confirming over a high one needs the judge's reason (422 decision.risk_reason_required)."""
    problems = risk_reason_problems(outcome=decision.outcome, risk_reason=decision.risk_reason, flags=app.risk_flags)
    if problems:
        raise DomainError.from_problems(problems)


def require_fits_acceptance(app: Application, decision: DecisionIn) -> None:
    """不予受理 only before acceptance; a 355 defect after it rejected under 355 ¶2, on those grounds alone (422)."""
    accepted_on = china_time(app.accepted_at).date() if app.accepted_at else None
    problems = check_acceptance(decision.outcome, decision.grounds, accepted_on=accepted_on,
                                ground_groups={g.code: g.group for g in load_texts().grounds.values()})
    if problems:
        raise DomainError.from_problems(problems)


def _require_party_confirmations(session: Session, app: Application, decision: DecisionIn) -> None:
    """Confirming needs every party's own confirmation where the court requires it, or the judge's record of why
    a party could not give it (409 ``decision.party_confirmation_missing``)."""
    court = session.get(Court, app.court_id)
    assert court is not None
    states, names = confirmation_states(session, app)
    problems = confirmation_problems(outcome=decision.outcome, required=court.party_confirmation == REQUIRED,
                                     states=states, waivers=decision.waivers, names=names)
    if problems:
        missing = any(p.code == "decision.party_confirmation_missing" for p in problems)
        raise DomainError.from_problems(problems, 409 if missing else 422)


def mark_issued(session: Session, app: Application, *, outcome: str, sha256: str) -> None:
    """The sealed ruling is stored: the application is issued (called only by the issuance worker)."""
    require_allowed(app.status, Action.ISSUE)
    _move(session, app, Status.ISSUED, actor="system:issuance", event="ruling.issued", outcome=outcome,
          sha256=sha256)


def mark_served(session: Session, user: User, app: Application) -> None:
    """Every party has been served (called only by the service record); the sealed receipt is queued."""
    _move(session, app, Status.SERVED, actor=user, event="application.served")
    queue_job(session, app.id, job_kind(JobKind.RECEIPT))


def service_voided(session: Session, user: User, app: Application, party_id: int, reason: str) -> None:
    """A service record was voided: a served application is no longer fully served (its receipt went with it)."""
    if app.status == Status.SERVED:
        _move(session, app, Status.ISSUED, actor=user, event=None, party_id=party_id, reason=reason)
    emit(session, "application.service_voided", app, party_id=party_id)
