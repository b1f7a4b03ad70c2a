"""Live events over Server-Sent Events: the review queue and the mediator's tablet update without reloading.

The database is the source of truth: a stream sends the events after the client's Last-Event-ID, so a client
that reconnects misses nothing. The in-process bus only makes new events arrive at once rather than at the next
poll (which still catches events written by other instances).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlmodel import col, select

from confirm.context import Jiudi
from confirm.db import transaction
from confirm.deps import current_user, get_jiudi
from confirm.models import Event, User

router = APIRouter(prefix="/api/v1")
POLL_SECONDS = 1.0
TICK_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0


def _scope(user: User):  # type: ignore[no-untyped-def]
    if user.role == "mediator":
        return Event.organization_id == user.organization_id
    return Event.court_id == user.court_id


def _events_after(jiudi: Jiudi, user: User, after: int | None) -> tuple[int, list[Event]]:
    with transaction(jiudi.engine) as session:
        if after is None:
            last = session.exec(select(sa.func.max(Event.id))).one()
            return int(last or 0), []
        rows = list(session.exec(select(Event).where(col(Event.id) > after, _scope(user)).order_by(col(Event.id)).limit(500)))
        newest = session.exec(select(sa.func.max(Event.id))).one()
        return max(after, int(newest or 0)) if not rows else rows[-1].id or after, rows


def _format(event: Event) -> str:
    return f"id: {event.id}\nevent: {event.type}\ndata: {json.dumps(event.data, ensure_ascii=False)}\n\n"


@router.get("/events", tags=["events"])
async def events(request: Request, jiudi: Annotated[Jiudi, Depends(get_jiudi)],
                 user: Annotated[User, Depends(current_user)]) -> StreamingResponse:
    """``text/event-stream`` of the caller's scope; resume with the ``Last-Event-ID`` header."""
    header = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    start = int(header) if header and header.isdigit() else None

    async def stream() -> AsyncIterator[str]:
        last, pending = await run_in_threadpool(_events_after, jiudi, user, start)
        yield "retry: 2000\n\n"
        for event in pending:
            yield _format(event)
        seen_generation = jiudi.bus.generation
        since_poll = since_keepalive = 0.0
        while not await request.is_disconnected():
            await asyncio.sleep(TICK_SECONDS)
            since_poll += TICK_SECONDS
            since_keepalive += TICK_SECONDS
            if jiudi.bus.generation == seen_generation and since_poll < POLL_SECONDS:
                continue
            seen_generation, since_poll = jiudi.bus.generation, 0.0
            last, rows = await run_in_threadpool(_events_after, jiudi, user, last)
            for event in rows:
                yield _format(event)
                since_keepalive = 0.0
            if since_keepalive >= KEEPALIVE_SECONDS:
                yield ": keepalive\n\n"
                since_keepalive = 0.0

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
