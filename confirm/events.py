"""Live events: stored in the database (the source of truth, resumable by id) and announced in-process.

A client of ``GET /api/v1/events`` reads events after the last id it saw; the in-process bus only wakes
waiting streams early so that a new application appears in the judge's queue at once.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlmodel import Session

from confirm.models import Application, Event


class EventBus:
    """A generation counter: writers bump it after commit, readers poll it cheaply (or wait on it) and then read
    the database."""

    def __init__(self) -> None:
        self._generation = 0
        self._changed = threading.Condition()

    def bump(self) -> None:
        with self._changed:
            self._generation += 1
            self._changed.notify_all()

    @property
    def generation(self) -> int:
        return self._generation

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block a worker thread until the generation moves past ``seen`` or ``timeout`` passes."""
        with self._changed:
            self._changed.wait_for(lambda: self._generation != seen, timeout)
            return self._generation


def emit(session: Session, event_type: str, app: Application, **extra: Any) -> Event:
    """Record an event in the caller's transaction, scoped to the application's court and organisation."""
    event = Event(
        type=event_type,
        application_id=app.id,
        court_id=app.court_id,
        organization_id=app.organization_id,
        data={"application_id": app.id, "status": app.status, "case_number": app.case_number, **extra},
    )
    session.add(event)
    return event
