"""The issuance worker: takes due sealing jobs from the outbox and runs each through the sealing pipeline.

The decision (or the service record) and its job commit together (transactional outbox). The worker is handed the
document kinds it seals (``kinds``, built by the top layer), so it imports no feature. Failures (a timestamp
authority that cannot be reached, say) are retried with backoff, never skipped and never sealed weaker.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TypeVar

import sqlalchemy as sa
from sqlmodel import col, select

from confirm.core import audit, limits
from confirm.core.clock import utcnow
from confirm.core.db import is_postgresql
from confirm.core.events import RetryLater, jobs_changed
from confirm.core.runtime import Runtime
from confirm.issuance.pipeline import JobHandler
from confirm.models import IssuanceJob, JobKind, JobState, JobTarget, parse_job_kind
from templates.fonts import FontUnavailableError, ensure_fonts

log = logging.getLogger("jiudi.issuance")
MAX_BACKOFF = timedelta(minutes=5)
AUDIT_CHECKPOINT_SECONDS = 600.0
T = TypeVar("T")


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … seconds, at most five minutes: a TSA outage is waited out, never sealed around."""
    return min(timedelta(seconds=2 ** min(max(attempts, 1), 9)), MAX_BACKOFF)  # 2**9 s is past the cap already


class IssuanceWorker:
    """Takes due jobs (sealed documents, messages) and runs each with the handler of its kind; in-process by
    default (a thread), woken at once by new jobs."""

    def __init__(self, runtime: Runtime, kinds: Mapping[JobKind, JobHandler], *,
                 poll_seconds: float = 2.0) -> None:
        self.runtime = runtime
        self.kinds = kinds
        self.poll_seconds = poll_seconds
        self.lease = timedelta(seconds=runtime.settings.issuance_lease_seconds)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_checkpoint = float("-inf")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="jiudi-issuance", daemon=True)
        self._thread.start()
        print(f"Jiudi issuance worker started in process {os.getpid()}", flush=True)  # serve --workers: exactly one

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
        """Sign the audit chain's head now and then (a separate key from the seals), and forget old rate-limit
        windows."""
        now = time.monotonic()
        if now - self._last_checkpoint < AUDIT_CHECKPOINT_SECONDS:
            return
        self._last_checkpoint = now
        with self.runtime.unit_of_work() as session:
            audit.checkpoint(session, self.runtime.audit_key)
            limits.purge(session, utcnow())  # rate-limit windows long past

    def _loop(self) -> None:
        # the faces are read before the first job (~0.5 s of parsing TrueType): the first ruling after a start is
        # not the slow one. A missing font is the jobs' own failure to report, with their retries.
        try:
            ensure_fonts()
        except FontUnavailableError:
            log.exception("ALERT the documents' fonts are missing: every document will fail until they are installed")
        while not self._stop.is_set():
            self._wake.clear()  # before looking for jobs: a wake-up from now on is not lost
            try:
                self._checkpoint_audit_log()
                worked = self.run_once()
            except Exception:  # the loop must survive anything; the job's own error is recorded in run_once
                log.exception("issuance worker loop error")
                worked = False
            if not worked:
                self._wake.wait(self.poll_seconds)

    def _take_job(self) -> IssuanceJob | None:
        now = utcnow()
        with self.runtime.unit_of_work() as session:
            due = sa.or_(
                sa.and_(col(IssuanceJob.state) == JobState.PENDING, col(IssuanceJob.next_attempt_at) <= now),
                sa.and_(col(IssuanceJob.state) == JobState.RUNNING, col(IssuanceJob.locked_until) < now),  # dead lease
            )
            query = select(IssuanceJob).where(due).order_by(col(IssuanceJob.id)).limit(1)
            if is_postgresql(self.runtime.engine):
                query = query.with_for_update(skip_locked=True)
            job = session.exec(query).first()
            if job is None:
                return None
            job.state = JobState.RUNNING
            job.locked_until = now + self.lease  # a worker that dies holding it loses it then
            session.add(job)
            return job

    def run_once(self) -> bool:
        """Take one due job and run it; False when there was none."""
        job = self._take_job()
        if job is None:
            return False
        try:
            kind, ref = parse_job_kind(job.kind)
            self.kinds[kind].run(self.runtime, JobTarget(job.application_id, ref), job.id)
        except RetryLater as later:  # not a failure: asked again after a while
            self._reschedule(job, timedelta(seconds=later.seconds), str(later))
        except Exception as exc:
            delay = backoff(job.attempts + 1)
            log.error("ALERT issuance of %s failed (attempt %d), retrying in %s: %s",
                      job.application_id, job.attempts + 1, delay, exc, exc_info=True)
            self._reschedule(job, delay, f"{type(exc).__name__}: {exc}")
        return True

    def _reschedule(self, job: IssuanceJob, delay: timedelta, why: str) -> None:
        with self.runtime.unit_of_work() as session:
            row = session.get(IssuanceJob, job.id)
            if row is None:  # its service was voided meanwhile: nothing left to retry
                return
            row.state, row.attempts = JobState.PENDING, row.attempts + 1
            row.next_attempt_at, row.locked_until = utcnow() + delay, None
            row.last_error = why[:2000]
            jobs_changed(session)


def wait_for_worker(runtime: Runtime, ready: Callable[[], T | None], seconds: float) -> T | None:
    """Hold a request briefly for the in-process worker: what ``ready`` returns once it is not None (None when
    ``seconds`` pass first, or when this process runs no worker)."""
    deadline = time.monotonic() + seconds
    seen = runtime.bus.generation
    while (result := ready()) is None and runtime.worker is not None:
        runtime.worker.wake()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        seen = runtime.bus.wait_for_change(seen, min(remaining, 0.5))
    return result
