"""The follow-up jobs: planned once when a case is served, each run at most once by the worker.

A job is a row of the worker's job table named after its obligation (``reminder:<id>``, ``question:<id>``; unique per
application) whose ``next_attempt_at`` is the morning of its day, so it survives restarts and waits out downtime: a
job that came due while the service was down is taken at the next start. Running it decides the message once: the
``performance_notices`` row (unique per obligation and kind), the message and its delivery job, the audit record
and the job's end commit together, and a second runner (a second worker, or the same job after a lost lease) finds
the row and sends nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from confirm.core import audit
from confirm.core.clock import as_utc, china_today, utcnow
from confirm.core.events import RetryLater, finish_job, queue_job
from confirm.core.runtime import Runtime
from confirm.law import follow_up as rules
from confirm.law.lifecycle import Status
from confirm.law.obligations import yuan
from confirm.law.review import Outcome
from confirm.law.tables import party_texts
from confirm.messages.outbox import queue_message
from confirm.models import (
    Application,
    Court,
    IssuanceJob,
    JobKind,
    JobTarget,
    Message,
    Obligation,
    Party,
    PartyLinkState,
    PerformanceNotice,
    Ruling,
    job_kind,
    pk,
)
from confirm.parties.service import current_links, link_url

log = logging.getLogger("jiudi.follow_up")
ACTOR = "system:follow-up"  # the audit log's name for the scheduler
NOT_SERVED_RETRY_SECONDS = 6 * 3600  # a service voided meanwhile: look again later, the case may be served again


def plan(runtime: Runtime, session: Session, app: Application, *, actor: str) -> list[str]:
    """Queue each obligation's reminder and question (``confirm.law.follow_up.notices``), in the caller's
    transaction; what is queued or decided already is left alone, so serving a case again plans nothing twice.
    The job kinds queued now."""
    today = china_today()
    days = runtime.settings.performance_reminder_days
    queued = set(session.exec(select(IssuanceJob.kind).where(IssuanceJob.application_id == app.id)))
    decided = {(n.obligation_id, n.kind) for n in session.exec(
        select(PerformanceNotice).where(PerformanceNotice.application_id == app.id))}
    planned: list[dict[str, Any]] = []
    for obligation in session.exec(select(Obligation).where(Obligation.application_id == app.id)
                                   .order_by(col(Obligation.position))):
        for notice in rules.notices(obligation.due_on, days_before=days, today=today):
            kind = job_kind(JobKind(notice.kind), pk(obligation))
            if kind in queued or (pk(obligation), notice.kind) in decided:
                continue
            queue_job(session, app.id, kind, not_before=rules.send_moment(notice.send_on))
            planned.append({"job": kind, "send_on": notice.send_on.isoformat()})
    if planned:
        audit.append(session, actor=actor, action="performance.scheduled", application_id=app.id,
                     data={"notices": planned, "reminder_days": days})
    return [p["job"] for p in planned]


def plan_served(runtime: Runtime, session: Session, *, actor: str) -> int:
    """Plan the follow-up of every served case whose standing ruling confirmed the agreement (``jiudi follow-up
    plan``: cases served before this release); idempotent like ``plan``. How many jobs were queued."""
    served = session.exec(select(Application).join(Ruling, col(Ruling.application_id) == col(Application.id))
                          .where(Application.status == Status.SERVED, Ruling.outcome == Outcome.CONFIRMED,
                                 col(Ruling.revoked_at).is_(None)).order_by(col(Application.id)))
    return sum(len(plan(runtime, session, app, actor=actor)) for app in served)


def what_is_owed(obligation: Obligation) -> str:
    """支付货款人民币12000.00元 / 搬离某某路8号房屋: the obligation in the message's words."""
    if obligation.kind == "money":
        return f"{obligation.description or '支付'}人民币{yuan(obligation.amount_fen)}元"
    return obligation.description or "履行调解协议约定的义务"


def _address(session: Session, runtime: Runtime, app: Application, party: Party) -> tuple[str, str, str | None]:
    """Where a party is written to: the address it confirmed for service, else the one on the application (a phone
    before an e-mail: a party reads texts), and its own link, opened again for a while (None without one)."""
    link = current_links(session, app.id).get(pk(party))
    url = None
    if link is not None and link.state != PartyLinkState.LOCKED:  # a locked link opens nothing: the court is told
        link.expires_at = max(as_utc(link.expires_at), utcnow() + timedelta(days=runtime.settings.party_link_days))
        session.add(link)
        url = link_url(runtime, link)
    phone = (link.service_phone if link is not None else None) or party.phone
    email = (link.service_email if link is not None else None) or party.email
    if phone:
        return "sms", phone, url
    if email:
        return "email", email, url
    return "", "", url


def _send(runtime: Runtime, session: Session, app: Application, obligation: Obligation, party: Party,
          other: Party, kind: str) -> Message | None:
    """Queue the message (its own delivery job, at most once); None when the party left no phone or e-mail."""
    channel, to, url = _address(session, runtime, app, party)
    if not channel:
        return None
    court = session.get(Court, app.court_id)
    values = {"court": court.name if court else "", "name": party.name, "case": app.case_number or "",
              "due": f"{obligation.due_on:%Y年%-m月%-d日}" if obligation.due_on else "",
              "obligor": other.name if kind == rules.QUESTION else party.name,
              "obligee": party.name if kind == rules.QUESTION else other.name,
              "what": what_is_owed(obligation), "link": url or "（请联系调解员或法院）"}
    texts = party_texts()["messages"]
    return queue_message(session, application_id=app.id, kind=f"performance.{kind}", channel=channel, to=to,
                         subject=str(texts[f"performance.{kind}_subject"]).format(**values),
                         text=str(texts[f"performance.{kind}"]).format(**values),
                         params={k: str(v) for k, v in values.items()} | {"obligation_id": str(pk(obligation))},
                         party_id=pk(party))


class FollowUpNotice:
    """The worker's handler of ``reminder:<obligation id>`` and ``question:<obligation id>`` jobs."""

    def __init__(self, kind: rules.NoticeKind) -> None:
        self.kind = kind

    def run(self, runtime: Runtime, target: JobTarget, job_id: int | None) -> bool:
        try:
            with runtime.unit_of_work() as session:
                return self._decide(runtime, session, target, job_id)
        except IntegrityError:  # another runner decided this notice first: it stands, this one sends nothing
            with runtime.unit_of_work() as session:
                finish_job(session, job_id)
            return False

    def _decide(self, runtime: Runtime, session: Session, target: JobTarget, job_id: int | None) -> bool:
        obligation = session.exec(select(Obligation).where(Obligation.id == target.ref).with_for_update()).first()
        if obligation is None or obligation.due_on is None:
            finish_job(session, job_id)
            return False
        if session.exec(select(PerformanceNotice).where(PerformanceNotice.obligation_id == obligation.id,
                                                        PerformanceNotice.kind == self.kind)).first() is not None:
            finish_job(session, job_id)  # decided already (by another worker, or before a lost lease)
            return False
        app = session.get(Application, obligation.application_id)
        assert app is not None
        ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).first()
        reason = "ruling_revoked" if ruling is None or ruling.revoked_at is not None else rules.skip_reason(
            self.kind, due_on=obligation.due_on, state=obligation.state, today=china_today())
        if reason is None and app.status != Status.SERVED:  # a service voided: wait for the case to be served again
            raise RetryLater("the case is not served at the moment", NOT_SERVED_RETRY_SECONDS)
        to_id, other_id = ((obligation.obligor_party_id, obligation.obligee_party_id) if self.kind == rules.REMINDER
                           else (obligation.obligee_party_id, obligation.obligor_party_id))
        party, other = session.get(Party, to_id), session.get(Party, other_id)
        assert party is not None and other is not None
        message = None
        if reason is None:
            message = _send(runtime, session, app, obligation, party, other, self.kind)
            reason = None if message is not None else "no_address"
        session.add(PerformanceNotice(application_id=app.id, obligation_id=pk(obligation), kind=self.kind,
                                      due_on=obligation.due_on, party_id=to_id,
                                      message_id=pk(message) if message is not None else None, skipped=reason))
        session.flush()  # the unique pair: a second runner stops here
        audit.append(session, actor=ACTOR, action=f"performance.{self.kind}_{'sent' if message else 'skipped'}",
                     application_id=app.id, data={
                         "obligation_id": pk(obligation), "due_on": obligation.due_on.isoformat(),
                         "state": obligation.state, "party": party.name,
                         "message_id": pk(message) if message is not None else None,
                         "channel": message.channel if message is not None else None, "skipped": reason})
        finish_job(session, job_id)
        if message is None:
            log.info("%s about obligation %s not sent: %s", self.kind, obligation.id, reason)
        return message is not None
