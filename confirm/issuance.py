"""在线回传: turning a committed decision into the one sealed ruling, as a durable job.

The decision and its job commit together (transactional outbox). A worker takes due jobs, renders and seals the
ruling outside any transaction, then records it in one transaction guarded by the unique constraint on
``rulings.application_id``: a job retried after a crash between sealing and recording issues no second ruling.
Failures (a timestamp authority that cannot be reached, say) are retried with backoff, never skipped.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime, timedelta
from typing import Literal, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from confirm import audit
from confirm.applications import parties_of
from confirm.clock import as_utc, china_time, utcnow
from confirm.context import Jiudi
from confirm.db import is_postgresql, transaction
from confirm.domain.errors import DomainError
from confirm.domain.identity import person_facts
from confirm.domain.lifecycle import Status
from confirm.domain.review import DecisionIn
from confirm.faults import crash_point
from confirm.models import Application, Court, Decision, IssuanceJob, Organization, Ruling, User
from confirm.tokens import check_code_for, digest, new_nonce, token_for, verify_url
from confirm.workflow import mark_issued
from signing import SealRequest
from templates import render_ruling
from templates.model import AgentInfo, PartyInfo, RulingContent

log = logging.getLogger("jiudi.issuance")
PartyKind = Literal["person", "organization"]
Outcome = Literal["confirmed", "rejected", "not_accepted", "withdrawal_permitted", "treated_as_withdrawn"]
VerificationMethod = Literal["video", "in_person"]
# A running job whose worker died is taken again when its lease runs out (tests shorten it).
LEASE = timedelta(seconds=float(os.environ.get("JIUDI_ISSUANCE_LEASE_SECONDS", "300")))
MAX_BACKOFF = timedelta(minutes=5)
AUDIT_CHECKPOINT_SECONDS = 600.0


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … seconds, at most five minutes: a TSA outage is waited out, never sealed around."""
    return min(timedelta(seconds=2 ** max(attempts, 1)), MAX_BACKOFF)


def _content(jiudi: Jiudi, session: Session, app: Application, *, outcome: str, grounds: tuple[str, ...],
             reasoning: str, verification_method: str | None, verification_at: datetime | None, judge: User,
             clerk: User, decided_at: datetime, verify_url: str, check_code: str, preview: bool) -> RulingContent:
    assert app.case_number and app.submitted_at and app.accepted_at
    court = session.get(Court, app.court_id)
    org = session.get(Organization, app.organization_id)
    assert court and org
    parties = []
    for p in parties_of(session, app.id):
        facts = person_facts(p.id_number) if p.kind == "person" and p.id_number else None
        agent = AgentInfo(**p.agent) if p.agent else None
        parties.append(PartyInfo(
            kind=cast(PartyKind, p.kind), name=p.name, sex=facts.sex if facts else None,
            birth_date=facts.birth_date if facts else None, ethnicity=p.ethnicity, address=p.address,
            id_number=p.id_number, credit_code=p.credit_code, representative=p.representative, agent=agent,
        ))
    return RulingContent(
        court_name=court.name, case_number=app.case_number, outcome=cast(Outcome, outcome),
        parties=tuple(parties), dispute_type=app.dispute_type, mediation_organization=org.name,
        mediation_concluded_on=app.mediation_concluded_on,
        applied_on=china_time(app.submitted_at).date(), accepted_on=china_time(app.accepted_at).date(),
        agreement_text=app.agreement_text,
        verification_method=cast(VerificationMethod | None, verification_method),
        verification_at=china_time(verification_at) if verification_at else None,
        grounds=grounds, reasoning=reasoning, judge_name=judge.name, clerk_name=clerk.name,
        decided_on=china_time(decided_at).date(), verify_url=verify_url, check_code=check_code,
        dev_mode=jiudi.settings.dev_mode, preview=preview,
    )


def ruling_content(jiudi: Jiudi, application_id: str, nonce: str) -> tuple[RulingContent, Court]:
    """Everything the ruling says, read from the database in one short transaction."""
    with transaction(jiudi.engine) as session:
        app = session.get(Application, application_id)
        assert app is not None
        court = session.get(Court, app.court_id)
        decision = session.exec(select(Decision).where(Decision.application_id == app.id)).one()
        judge = session.get(User, decision.judge_id)
        clerk = session.get(User, decision.clerk_id)
        assert court and judge and clerk
        content = _content(
            jiudi, session, app, outcome=decision.outcome, grounds=tuple(decision.grounds),
            reasoning=decision.reasoning, verification_method=decision.verification_method,
            verification_at=decision.verification_at, judge=judge, clerk=clerk, decided_at=decision.decided_at,
            verify_url=verify_url(jiudi.settings.public_base_url, jiudi.secret, nonce),
            check_code=check_code_for(jiudi.secret, nonce), preview=False,
        )
        return content, court


def preview_ruling(jiudi: Jiudi, user: User, application_id: str, decision: DecisionIn,
                   clerk_username: str | None = None) -> bytes:
    """The ruling as the proposed decision would make it, unsealed and marked 预览 on every page, for the
    claiming judge to read before deciding. Nothing is stored; the QR code points at no record."""
    from confirm.applications import get_visible, require_role
    from confirm.domain.review import require_lawful_decision
    from confirm.workflow import clerk_for
    from templates import outcome_grounds

    require_role(user, "judge")
    with transaction(jiudi.engine) as session:
        app = get_visible(session, user, application_id)
        if app.case_number is None or app.submitted_at is None:
            raise DomainError("application.invalid_state", "领取审查（立案）后才能预览裁定书", 409)
        require_lawful_decision(decision, allowed_grounds=outcome_grounds(decision.outcome),
                                submitted_at=as_utc(app.submitted_at), now=utcnow())
        content = _content(
            jiudi, session, app, outcome=decision.outcome, grounds=tuple(decision.grounds),
            reasoning=decision.reasoning,
            verification_method=decision.verification.method if decision.verification else None,
            verification_at=decision.verification.at if decision.verification else None,
            judge=user, clerk=clerk_for(session, app.court_id, clerk_username), decided_at=utcnow(),
            verify_url=f"{jiudi.settings.public_base_url}/v/preview", check_code="预览件", preview=True,
        )
    return render_ruling(content).pdf


def seal_document(jiudi: Jiudi, court: Court, pdf: bytes, seal_box, reason: str) -> tuple[bytes, str]:  # type: ignore[no-untyped-def]
    """Seal rendered bytes with the court's seal over ``seal_box``; the sealed bytes and the PAdES level reached
    (synchronous: call from a worker thread)."""
    sealer = jiudi.seals.sealer_for(court.code, court.name)
    request = SealRequest(
        field_name="CourtSeal", page_index=seal_box.page_index,
        box=(seal_box.x1, seal_box.y1, seal_box.x2, seal_box.y2),
        appearance_pdf=jiudi.seals.appearance_for(court.name), reason=reason, location=court.name,
    )
    result = sealer.seal_with_level(pdf, request)
    return result.pdf, result.level


def finish_job(session: Session, job_id: int | None) -> None:
    """Mark a job done, in the caller's transaction (the one that records what the job made)."""
    if job_id is None:
        return
    job = session.get(IssuanceJob, job_id)
    if job is not None:
        job.state, job.finished_at, job.locked_until = "done", utcnow(), None
        session.add(job)


def issue_ruling(jiudi: Jiudi, application_id: str, job_id: int | None = None) -> bool:
    """Render, seal, store and record the ruling, finishing its job in the same transaction; True when this call
    recorded it. Any failure before the record leaves nothing behind but an unreferenced file in the store."""
    with transaction(jiudi.engine) as session:
        if session.exec(select(Ruling).where(Ruling.application_id == application_id)).first() is not None:
            finish_job(session, job_id)
            return False
    nonce = new_nonce()
    content, court = ruling_content(jiudi, application_id, nonce)
    rendered = render_ruling(content)
    crash_point("during_sealing")
    sealed, level = seal_document(jiudi, court, rendered.pdf, rendered.seal_box,
                                  reason=f"{content.case_number} 民事裁定书")
    sha256 = jiudi.store.put(sealed)
    crash_point("after_sealing")
    seal_info = jiudi.seals.describe_signer(court.code, court.name)
    try:
        with transaction(jiudi.engine) as session:
            app = session.exec(select(Application).where(Application.id == application_id).with_for_update()).one()
            session.add(Ruling(
                application_id=app.id, outcome=content.outcome, token_nonce=nonce,
                token_hash=digest(token_for(jiudi.secret, nonce)),
                check_code_hash=digest(content.check_code), sha256=sha256, size=len(sealed),
                signer=seal_info[0], signer_cert_sha256=seal_info[1], level=level,
            ))
            session.flush()
            mark_issued(session, app, outcome=content.outcome, sha256=sha256)
            finish_job(session, job_id)
    except IntegrityError:
        log.info("ruling for %s was already recorded by another attempt; this copy is discarded", application_id)
        with transaction(jiudi.engine) as session:
            finish_job(session, job_id)
        return False
    jiudi.bus.bump()
    log.info("ruling issued: %s %s sha256=%s", content.case_number, content.outcome, sha256)
    return True


class IssuanceWorker:
    """Takes due issuance jobs and runs them; in-process by default (a thread), woken at once by decisions."""

    def __init__(self, jiudi: Jiudi, *, poll_seconds: float = 2.0) -> None:
        self.jiudi = jiudi
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_checkpoint = float("-inf")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="jiudi-issuance", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def wake(self) -> None:
        self._wake.set()

    def run_forever(self) -> None:
        """Run in the calling thread until ``stop`` (``jiudi worker``)."""
        self._loop()

    def _checkpoint_audit_log(self) -> None:
        """Sign the audit chain's head now and then (a separate key from the seals)."""
        now = time.monotonic()
        if now - self._last_checkpoint < AUDIT_CHECKPOINT_SECONDS:
            return
        self._last_checkpoint = now
        with transaction(self.jiudi.engine) as session:
            audit.checkpoint(session, self.jiudi.audit_key)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._checkpoint_audit_log()
                worked = self.run_once()
            except Exception:  # the loop must survive anything; the job's own error is recorded in run_once
                log.exception("issuance worker loop error")
                worked = False
            if not worked:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    def _take_job(self) -> IssuanceJob | None:
        now = utcnow()
        with transaction(self.jiudi.engine) as session:
            due = sa.or_(
                sa.and_(col(IssuanceJob.state) == "pending", col(IssuanceJob.next_attempt_at) <= now),
                sa.and_(col(IssuanceJob.state) == "running", col(IssuanceJob.locked_until) < now),  # a dead lease
            )
            query = select(IssuanceJob).where(due).order_by(col(IssuanceJob.id)).limit(1)
            if is_postgresql(self.jiudi.engine):
                query = query.with_for_update(skip_locked=True)
            job = session.exec(query).first()
            if job is None:
                return None
            job.state = "running"
            job.locked_until = now + LEASE
            session.add(job)
            return job

    def run_once(self) -> bool:
        """Take one due job and run it; False when there was none."""
        job = self._take_job()
        if job is None:
            return False
        try:
            if job.kind == "receipt":
                from confirm.servicing import issue_receipt

                issue_receipt(self.jiudi, job.application_id, job.id)
            elif job.kind.startswith("voucher:"):
                from confirm.servicing import issue_voucher

                issue_voucher(self.jiudi, job.application_id, int(job.kind.partition(":")[2]), job.id)
            else:
                issue_ruling(self.jiudi, job.application_id, job.id)
        except Exception as exc:
            delay = backoff(job.attempts + 1)
            log.error("ALERT issuance of %s failed (attempt %d), retrying in %s: %s",
                      job.application_id, job.attempts + 1, delay, exc, exc_info=True)
            with transaction(self.jiudi.engine) as session:
                row = session.get(IssuanceJob, job.id)
                if row is None:  # its service was voided meanwhile: nothing left to retry
                    return True
                row.state, row.attempts = "pending", row.attempts + 1
                row.next_attempt_at, row.locked_until = utcnow() + delay, None
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            self.jiudi.bus.bump()
        return True


def application_is_issued(jiudi: Jiudi, application_id: str) -> bool:
    with transaction(jiudi.engine) as session:
        app = session.get(Application, application_id)
        return app is not None and app.status in (Status.ISSUED, Status.SERVED)
