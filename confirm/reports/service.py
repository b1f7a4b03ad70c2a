"""Reading the facts of the joint-meeting report in the caller's scope: two queries (the applications with their
decision and ruling; the returns from the audit log), then ``confirm.law.report`` computes the figures."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from confirm.applications.service import require_role, scope_clause
from confirm.core.clock import CHINA, china_time, china_today
from confirm.law.errors import DomainError
from confirm.law.lifecycle import Status
from confirm.law.report import (
    CaseFacts,
    ObligationFacts,
    OrganizationRef,
    Period,
    ReturnFacts,
    joint_meeting_report,
    named_period,
    require_organization,
    require_period,
)
from confirm.law.review import Outcome
from confirm.models import (
    Application,
    AuditRecord,
    Court,
    Decision,
    Obligation,
    Organization,
    OrgKind,
    Role,
    Ruling,
    User,
    pk,
)


def _day(value: datetime | None) -> date | None:
    return None if value is None else china_time(value).date()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=CHINA)


def report_period(start: date | None, end: date | None, name: str | None) -> Period:
    """The period asked for: ``from`` and ``to``, or a named month, quarter or year (not both, not neither)."""
    if name is not None and (start is not None or end is not None):
        raise DomainError.for_field("period", "report.period_ambiguous", "请只填写统计期间，或只填写开始和结束日期")
    if name is not None:
        return named_period(name, today=china_today())
    if start is None or end is None:
        raise DomainError.for_field("from" if start is None else "to", "report.period_missing",
                                    "请填写统计期间（开始和结束日期，或月、季度、年度）")
    return require_period(start, end, today=china_today())


def joint_meeting(session: Session, user: User, start: date | None, end: date | None,
                  organization_id: int | None = None, *, period_name: str | None = None) -> dict[str, Any]:
    """The report of the period for the judge's or clerk's court (others: 403), all its organisations or one."""
    require_role(user, Role.JUDGE, Role.CLERK)
    period = report_period(start, end, period_name)
    known = [OrganizationRef(pk(o), o.name, o.kind) for o in session.exec(
        select(Organization).where(Organization.court_id == user.court_id).order_by(col(Organization.id)))]
    only = require_organization(organization_id, known)
    organizations = [only] if only is not None else known
    since, until = _midnight(period.start), _midnight(period.end + timedelta(days=1))
    # every application submitted before the period's end that was submitted, decided or sealed in it
    rows = session.exec(
        select(Application, Decision, Ruling)
        .join(Decision, col(Decision.application_id) == col(Application.id), isouter=True)
        .join(Ruling, col(Ruling.application_id) == col(Application.id), isouter=True)
        .where(scope_clause(user), col(Application.submitted_at).is_not(None), col(Application.submitted_at) < until,
               sa.or_(col(Application.submitted_at) >= since, col(Decision.decided_at) >= since,
                      col(Ruling.issued_at) >= since))
    ).all()
    cases = [CaseFacts(
        application_id=app.id, organization_id=app.organization_id, submitted_on=_day(app.submitted_at),
        accepted_on=_day(app.accepted_at), outcome=decision.outcome if decision else None,
        grounds=tuple(decision.grounds) if decision else (), decided_on=_day(decision.decided_at) if decision else None,
        issued_on=_day(ruling.issued_at) if ruling else None, served=app.status == Status.SERVED,
        risk_codes=tuple(flag["code"] for flag in app.risk_flags or [] if "code" in flag),
    ) for app, decision, ruling in rows]
    returned = session.exec(
        select(AuditRecord, Application.organization_id)
        .join(Application, col(Application.id) == col(AuditRecord.application_id))
        .where(scope_clause(user), AuditRecord.action == f"application.{Status.RETURNED}",
               col(AuditRecord.at) >= since, col(AuditRecord.at) < until)
    ).all()
    returns = [ReturnFacts(record.application_id or "", organization_id, china_time(record.at).date(),
                           str(record.data.get("reason") or "")) for record, organization_id in returned]
    # the obligations of confirmed agreements falling due in the period, whenever the agreement was confirmed
    due = session.exec(
        select(Obligation, Application.organization_id, Application.dispute_type)
        .join(Application, col(Application.id) == col(Obligation.application_id))
        .join(Decision, col(Decision.application_id) == col(Application.id))
        .where(scope_clause(user), Decision.outcome == Outcome.CONFIRMED.value,
               col(Obligation.due_on) >= period.start, col(Obligation.due_on) <= period.end)
    ).all()
    obligations = [ObligationFacts(o.application_id, organization_id, o.due_on, o.state, dispute_type)
                   for o, organization_id, dispute_type in due if o.due_on is not None]
    report = joint_meeting_report(period, organizations, cases, returns, obligations)
    court = session.get(Court, user.court_id)
    assert court is not None
    report["court"] = {"code": court.code, "name": court.name}
    report["organization_id"] = only.id if only is not None else None
    for group in (*report["by_kind"], *report["by_organization"]):
        group["kind_name"] = kind_name(group["kind"])
    return report


def kind_name(kind: str) -> str:
    """The Chinese name of an organisation's kind (a kind stored before the list was fixed: as stored)."""
    return OrgKind(kind).name_zh if kind in {k.value for k in OrgKind} else kind
