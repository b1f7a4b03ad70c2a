"""Live events over Server-Sent Events: the review queue and the mediator's tablet update without reloading.

The database is the source of truth: a stream sends the events after the client's Last-Event-ID, so a client
that reconnects misses nothing. The in-process bus only makes new events arrive at once rather than at the next
poll (which still catches events written by other instances).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlmodel import Session, col, select

from confirm.accounts.auth import user_for_token
from confirm.accounts.deps import UserDep, request_token
from confirm.applications.service import scope_clause
from confirm.core.runtime import Runtime
from confirm.law.errors import DomainError
from confirm.models import Event, User
from confirm.web.deps import RuntimeDep

router = APIRouter(prefix="/api/v1")
POLL_SECONDS = 1.0
KEEPALIVE_SECONDS = 15.0


def latest_event_id(session: Session) -> int:
    """The newest event's id: a page rendered now resumes its stream from here, so that no event between the
    page and its stream is lost."""
    return int(session.exec(select(sa.func.max(Event.id))).one() or 0)


def _resume_from(text: str | None) -> int | None:
    """A Last-Event-ID (header or query): ASCII digits only, at most 18 of them; anything else starts from now."""
    return int(text) if text and text.isascii() and text.isdigit() and len(text) <= 18 else None


def _events_after(session: Session, user: User, after: int | None) -> tuple[int, list[Event]]:
    if after is None:
        return latest_event_id(session), []
    rows = list(session.exec(select(Event).where(col(Event.id) > after, scope_clause(user, Event)).order_by(col(Event.id)).limit(500)))
    newest = session.exec(select(sa.func.max(Event.id))).one()
    return max(after, int(newest or 0)) if not rows else rows[-1].id or after, rows


def _read(runtime: Runtime, user: User, token: str, after: int | None) -> tuple[int, list[Event]] | None:
    """The events after ``after`` in the user's scope, in one transaction with the check that the stream's token
    still opens the service (made before every read, not only at the start); None once it does not."""
    with runtime.unit_of_work() as session:
        try:
            user_for_token(session, token)
        except DomainError:
            return None
        return _events_after(session, user, after)


def _format(event: Event) -> str:
    return f"id: {event.id}\nevent: {event.type}\ndata: {json.dumps(event.data, ensure_ascii=False)}\n\n"


@router.get("/events", tags=["events"])
async def events(request: Request, runtime: RuntimeDep, user: UserDep) -> StreamingResponse:
    """``text/event-stream`` of the caller's scope; resume with the ``Last-Event-ID`` header."""
    header = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    start = _resume_from(header)
    token = request_token(request)

    async def stream() -> AsyncIterator[str]:
        first = await run_in_threadpool(_read, runtime, user, token, start)
        if first is None:
            return  # (signed out between the request's check and now)
        last, pending = first
        yield "retry: 2000\n\n"
        for event in pending:
            yield _format(event)
        seen_generation = runtime.bus.generation
        quiet_since = time.monotonic()
        while not await request.is_disconnected():
            # woken by this instance's commits at once; every POLL_SECONDS regardless (other instances' events)
            seen_generation = await runtime.bus.changed(seen_generation, POLL_SECONDS)
            read = await run_in_threadpool(_read, runtime, user, token, last)
            if read is None:
                return  # logged out, disabled or expired: the stream ends (the client's reconnect gets 401)
            last, rows = read
            for event in rows:
                yield _format(event)
                quiet_since = time.monotonic()
            if time.monotonic() - quiet_since >= KEEPALIVE_SECONDS:
                yield ": keepalive\n\n"
                quiet_since = time.monotonic()

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
