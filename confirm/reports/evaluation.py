"""调解员考评: reading the facts of the mediator evaluation in the caller's scope — the applications submitted in
the period with their decision, returns, objections, revocation, obligations and the parties' ratings — then
``confirm.law.evaluation`` computes the figures and the scores.

Who sees what (enforced here, for the API and the pages alike): a mediator their own figures (the applications
they filed), an organisation's head (``org_head``) their organisation's and its mediators', judges and clerks the
whole court's; an administrator nothing (403). Ratings reach no one with the name of the party who gave them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from confirm.applications.service import require_role
from confirm.core.clock import CHINA, china_time, china_today
from confirm.law.evaluation import Group, MediatedCase, Rating, Weights, evaluation
from confirm.law.lifecycle import Status
from confirm.law.report import OrganizationRef, require_organization, require_period
from confirm.models import (
    Application,
    AuditRecord,
    Court,
    Decision,
    MediationRating,
    Objection,
    Obligation,
    Organization,
    Role,
    Ruling,
    User,
    pk,
)

AUDIENCES = {Role.MEDIATOR: "mediator", Role.ORG_HEAD: "organization", Role.JUDGE: "court", Role.CLERK: "court"}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=CHINA)


def _organizations(session: Session, user: User) -> list[Organization]:
    """The organisations whose figures the user may read: the court's, or the head's own one; none for a mediator
    (a mediator reads only their own figures)."""
    query = select(Organization).where(Organization.court_id == user.court_id).order_by(col(Organization.id))
    if user.role == Role.ORG_HEAD:
        query = query.where(Organization.id == user.organization_id)
    elif user.role == Role.MEDIATOR:
        return []
    return list(session.exec(query))


def _by_application(rows: Sequence[tuple[str, Any]]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for application_id, value in rows:
        grouped[application_id].append(value)
    return grouped


def mediator_evaluation(session: Session, user: User, weights: Weights, start: date, end: date,
                        organization_id: int | None = None) -> dict[str, Any]:
    """The evaluation of the period in the user's scope, all of it or one organisation's."""
    require_role(user, Role.MEDIATOR, Role.ORG_HEAD, Role.JUDGE, Role.CLERK)
    period = require_period(start, end, today=china_today())
    orgs = _organizations(session, user)
    only = require_organization(organization_id, [OrganizationRef(pk(o), o.name, o.kind) for o in orgs])
    if only is not None:
        orgs = [o for o in orgs if o.id == only.id]
    since, until = _midnight(period.start), _midnight(period.end + timedelta(days=1))
    query = select(Application).where(Application.court_id == user.court_id,
                                      col(Application.submitted_at) >= since, col(Application.submitted_at) < until)
    if user.role == Role.MEDIATOR:
        query = query.where(Application.created_by == user.id)
    else:
        query = query.where(col(Application.organization_id).in_([pk(o) for o in orgs]))
    apps = list(session.exec(query.order_by(col(Application.submitted_at))))
    ids = [a.id for a in apps]
    outcomes = dict(session.exec(select(Decision.application_id, Decision.outcome)
                                 .where(col(Decision.application_id).in_(ids))).all())
    revoked = {a for a, at in session.exec(select(Ruling.application_id, Ruling.revoked_at)
                                           .where(col(Ruling.application_id).in_(ids))).all() if at is not None}
    objected = set(session.exec(select(Objection.application_id).where(col(Objection.application_id).in_(ids))))
    returns = _by_application([(r.application_id or "", str(r.data.get("reason") or "")) for r in session.exec(
        select(AuditRecord).where(col(AuditRecord.application_id).in_(ids),
                                  AuditRecord.action == f"application.{Status.RETURNED}")
        .order_by(col(AuditRecord.id)))])
    states = _by_application(session.exec(select(Obligation.application_id, Obligation.state)
                                          .where(col(Obligation.application_id).in_(ids))).all())
    ratings = _by_application([(a, Rating(s, c)) for a, s, c in session.exec(
        select(MediationRating.application_id, MediationRating.stars, MediationRating.comment)
        .where(col(MediationRating.application_id).in_(ids))).all()])
    cases = [MediatedCase(
        application_id=a.id, mediator_id=a.created_by, organization_id=a.organization_id,
        concluded_on=a.mediation_concluded_on, submitted_on=china_time(a.submitted_at).date() if a.submitted_at else None,
        outcome=outcomes.get(a.id), return_reasons=tuple(returns.get(a.id, ())), objected=a.id in objected,
        revoked=a.id in revoked, obligation_states=tuple(states.get(a.id, ())), ratings=tuple(ratings.get(a.id, ())),
    ) for a in apps]
    report = evaluation(period, _mediators(session, user, orgs, {a.created_by for a in apps}),
                        [Group(pk(o), o.name) for o in orgs], cases, weights)
    court = session.get(Court, user.court_id)
    assert court is not None
    report["court"] = {"code": court.code, "name": court.name}
    report["audience"] = AUDIENCES[Role(user.role)]
    return report


def _mediators(session: Session, user: User, orgs: Sequence[Organization], filed_by: set[int]) -> list[Group]:
    """The mediators the evaluation lists: the user alone for a mediator; otherwise the mediators of the
    organisations in scope, and anyone who filed one of the period's applications there."""
    if user.role == Role.MEDIATOR:
        return [Group(pk(user), user.name, user.organization_id)]
    org_ids = [pk(o) for o in orgs]
    users = session.exec(select(User).where(
        User.court_id == user.court_id,
        sa.or_(col(User.id).in_(filed_by), sa.and_(col(User.role) == Role.MEDIATOR, col(User.organization_id).in_(org_ids))))
        .order_by(col(User.organization_id), col(User.id)))
    return [Group(pk(u), u.name, u.organization_id) for u in users]
