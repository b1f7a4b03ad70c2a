"""What people see of the follow-up: the obligations due soon and overdue in the caller's scope (the mediator's
dashboard, ``GET /api/v1/obligations/due``), and one case's obligations with the messages sent about them (the
judge's case page)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from confirm.applications.service import require_role, scope_clause
from confirm.core.clock import iso
from confirm.core.messaging import mask_address
from confirm.law import follow_up as rules
from confirm.law.lifecycle import Status
from confirm.law.obligations import yuan
from confirm.law.review import Outcome
from confirm.models import Application, Message, Obligation, Party, PerformanceNotice, Role, Ruling, User, pk

STATE_NAMES = {"pending": "待履行", "performed": "已履行", "partly_performed": "部分履行", "not_performed": "未履行"}
NOTICE_NAMES = {rules.REMINDER: "履行提醒（履行人）", rules.QUESTION: "履行情况询问（权利人）"}
SKIP_NAMES = {"performed": "未发送：已履行", "past_due": "未发送：履行期限已过（改为询问权利人）",
              "no_address": "未发送：当事人没有留存手机号码或电子邮箱", "ruling_revoked": "未发送：裁定已被撤销"}


def _case_page(user: User, application_id: str) -> str:
    return f"/m/a/{application_id}" if user.role == Role.MEDIATOR else f"/j/a/{application_id}"


def due_list(session: Session, user: User, *, within: int, today: date) -> dict[str, Any]:
    """The obligations of confirmed, standing rulings in the caller's scope (a mediator: their organisation's cases;
    judges and clerks: their court's; administrators 403) that are overdue, or due from today to ``within`` days
    on, not performed; each with its parties, sum, day and case."""
    require_role(user, Role.MEDIATOR, Role.JUDGE, Role.CLERK)
    rows = session.exec(
        select(Obligation, Application)
        .join(Application, col(Application.id) == col(Obligation.application_id))
        .join(Ruling, col(Ruling.application_id) == col(Application.id))
        .where(scope_clause(user), col(Application.status).in_([Status.ISSUED, Status.SERVED]),
               Ruling.outcome == Outcome.CONFIRMED, col(Ruling.revoked_at).is_(None),
               col(Obligation.due_on).is_not(None), Obligation.state != rules.PERFORMED,
               col(Obligation.due_on) <= today + timedelta(days=within))
        .order_by(col(Obligation.due_on), col(Application.case_number), col(Obligation.position))
    ).all()
    names = _names(session, {pid for o, _a in rows for pid in (o.obligor_party_id, o.obligee_party_id)})
    overdue, due = [], []
    for obligation, app in rows:
        item = {
            "obligation_id": obligation.id, "application_id": app.id, "case_number": app.case_number,
            "url": f"/api/v1/applications/{app.id}", "page": _case_page(user, app.id),
            "obligor": {"party_id": obligation.obligor_party_id, "name": names.get(obligation.obligor_party_id)},
            "obligee": {"party_id": obligation.obligee_party_id, "name": names.get(obligation.obligee_party_id)},
            "kind": obligation.kind, "amount": yuan(obligation.amount_fen), "description": obligation.description,
            "due_on": obligation.due_on.isoformat() if obligation.due_on else None, "state": obligation.state,
            "served": app.status == Status.SERVED,
            "days": (obligation.due_on - today).days if obligation.due_on else None,
        }
        if rules.is_overdue(obligation.due_on, obligation.state, today=today):
            overdue.append(item)
        elif rules.is_due_within(obligation.due_on, obligation.state, today=today, within=within):
            due.append(item)
    return {"today": today.isoformat(), "within": within, "overdue": overdue, "due": due}


def _names(session: Session, party_ids: set[int]) -> dict[int, str]:
    if not party_ids:
        return {}
    return {pk(p): p.name for p in session.exec(select(Party).where(col(Party.id).in_(party_ids)))}


def case_performance(session: Session, application_id: str, *, today: date) -> list[dict[str, Any]]:
    """Each obligation of one case with its state, and every reminder and question decided about it (sent: to whom,
    masked, when, and whether it left; or why not)."""
    obligations = list(session.exec(select(Obligation).where(Obligation.application_id == application_id)
                                    .order_by(col(Obligation.position))))
    notices = list(session.exec(select(PerformanceNotice).where(PerformanceNotice.application_id == application_id)
                                .order_by(col(PerformanceNotice.id))))
    message_ids = [n.message_id for n in notices if n.message_id is not None]
    messages = {pk(m): m for m in session.exec(select(Message).where(col(Message.id).in_(message_ids)))} \
        if message_ids else {}
    names = _names(session, {pid for o in obligations for pid in (o.obligor_party_id, o.obligee_party_id)})
    out = []
    for o in obligations:
        sent = []
        for n in (n for n in notices if n.obligation_id == o.id):
            m = messages.get(n.message_id) if n.message_id is not None else None
            sent.append({"kind": n.kind, "name": NOTICE_NAMES.get(n.kind, n.kind), "decided_at": iso(n.created_at),
                         "to": mask_address(m.to_address) if m else None, "channel": m.channel if m else None,
                         "message_state": m.state if m else None, "sent_at": iso(m.sent_at) if m else None,
                         "skipped": n.skipped, "skipped_name": SKIP_NAMES.get(n.skipped or "", n.skipped)})
        out.append({"id": o.id, "obligor": names.get(o.obligor_party_id), "obligee": names.get(o.obligee_party_id),
                    "kind": o.kind, "amount": yuan(o.amount_fen), "description": o.description,
                    "due_on": o.due_on.isoformat() if o.due_on else None, "state": o.state,
                    "state_name": STATE_NAMES.get(o.state, o.state),
                    "overdue": rules.is_overdue(o.due_on, o.state, today=today), "notices": sent})
    return out
