"""Live events: stored in the database (the source of truth, resumable by id) and announced in-process.

A client of ``GET /api/v1/events`` reads events after the last id it saw; the in-process bus only wakes
waiting streams early so that a new application appears in the judge's queue at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from confirm.core.clock import utcnow
from confirm.core.db import after_commit
from confirm.models import Application, Event, IssuanceJob, JobState

log = logging.getLogger("jiudi.events")


class EventBus:
    """A generation counter: writers bump it after commit, readers poll it cheaply (or wait on it) and then read
    the database."""

    def __init__(self) -> None:
        self._generation = 0
        self._changed = threading.Condition()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._waiters_lock = threading.Lock()

    def bump(self) -> None:
        with self._changed:
            self._generation += 1
            self._changed.notify_all()
        with self._waiters_lock:
            waiters = list(self._waiters)
        for loop, changed in waiters:
            with contextlib.suppress(RuntimeError):  # that loop has closed: its stream is gone
                loop.call_soon_threadsafe(changed.set)

    @property
    def generation(self) -> int:
        return self._generation

    async def changed(self, seen: int, timeout: float) -> int:
        """Wait in the event loop (no thread held, no polling tick) until the generation moves past ``seen`` or
        ``timeout`` passes; a stream wakes as soon as the commit that made its event is over."""
        changed = asyncio.Event()
        key = (asyncio.get_running_loop(), changed)
        with self._waiters_lock:
            self._waiters.add(key)
        try:
            if self._generation == seen:  # checked after registering: a bump in between is not lost
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(changed.wait(), timeout)
        finally:
            with self._waiters_lock:
                self._waiters.discard(key)
        return self._generation

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block a worker thread until the generation moves past ``seen`` or ``timeout`` passes."""
        with self._changed:
            self._changed.wait_for(lambda: self._generation != seen, timeout)
            return self._generation


CHANNEL = "jiudi_events"


def emit(session: Session, event_type: str, app: Application, **extra: Any) -> Event:
    """Record an event in the caller's transaction, scoped to the application's court and organisation.

    On PostgreSQL a NOTIFY in the same transaction (delivered at commit, dropped on rollback) wakes every
    instance's streams and the issuance workers at once.
    """
    event = Event(
        type=event_type,
        application_id=app.id,
        court_id=app.court_id,
        organization_id=app.organization_id,
        data={"application_id": app.id, "status": app.status, "case_number": app.case_number, **extra},
    )
    session.add(event)
    after_commit(session, bump_events=True)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_notify(:channel, :type)"), {"channel": CHANNEL, "type": event_type})
    return event


class RetryLater(Exception):
    """A job that cannot finish yet and is not failing (an answer not known yet): run it again after ``seconds``."""

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(reason)
        self.seconds = seconds


def queue_job(session: Session, application_id: str, kind: str = "ruling", *,
              not_before: datetime | None = None) -> IssuanceJob:
    """Queue a job in the caller's transaction (the transactional outbox); the worker is woken once it commits.
    ``kind`` is a ``job_kind``: ``ruling``, ``receipt``, ``voucher:<party id>``, ``message:<id>`` …"""
    job = IssuanceJob(application_id=application_id, kind=kind)
    if not_before is not None:
        job.next_attempt_at = not_before
    session.add(job)
    after_commit(session, wake_worker=True)
    if session.get_bind().dialect.name == "postgresql":  # the other instances' workers, too
        session.execute(sa.text("SELECT pg_notify(:channel, :type)"), {"channel": CHANNEL, "type": "job.queued"})
    return job


def finish_job(session: Session, job_id: int | None) -> None:
    """Mark a job done, in the caller's transaction (the one that records what the job made)."""
    if job_id is None:
        return
    job = session.get(IssuanceJob, job_id)
    if job is not None:
        job.state, job.finished_at, job.locked_until = JobState.DONE, utcnow(), None
        session.add(job)
        jobs_changed(session)


def jobs_changed(session: Session) -> None:
    """A job's state changed (sealing, retrying, done): pages showing it should refresh."""
    after_commit(session, bump_events=True)


class NotificationListener:
    """LISTEN on PostgreSQL in a thread and bump the bus on each NOTIFY: the wake-up across instances."""

    def __init__(self, database_url: str, on_notify: Callable[[str], None]) -> None:
        self.conninfo = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.on_notify = on_notify
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="jiudi-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.on_notify("")  # catch up on anything missed while not listening
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self.on_notify(note.payload)
            except Exception:  # the database restarted or the network dropped: reconnect
                log.warning("event listener lost its connection; reconnecting", exc_info=True)
                self._stop.wait(1.0)
