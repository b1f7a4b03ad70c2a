"""Queueing a message to a party in the caller's transaction, and the development outbox that shows them."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from confirm.core.clock import iso
from confirm.core.events import queue_job
from confirm.models import JobKind, Message, job_kind, pk


def queue_message(session: Session, *, application_id: str, kind: str, channel: str, to: str, text: str,
                  subject: str = "", params: dict[str, str] | None = None, party_id: int | None = None,
                  link_id: int | None = None) -> Message:
    """Record a message and its delivery job; it leaves once the transaction commits (the worker is woken)."""
    message = Message(application_id=application_id, party_id=party_id, link_id=link_id, kind=kind,
                      channel=channel, to_address=to, subject=subject, text=text, params=params or {})
    session.add(message)
    session.flush()
    queue_job(session, application_id, job_kind(JobKind.MESSAGE, pk(message)))
    return message


def message_json(message: Message) -> dict[str, Any]:
    """A message as the development outbox lists it (api.md v1.1)."""
    return {"id": message.id, "channel": message.channel, "to": message.to_address, "kind": message.kind,
            "application_id": message.application_id, "party_id": message.party_id, "subject": message.subject,
            "text": message.text, "created_at": iso(message.created_at), "sent_at": iso(message.sent_at),
            "status": message.state, "outbox": message.outbox}


def outbox(session: Session, *, limit: int = 200) -> list[Message]:
    """The newest messages first."""
    return list(session.exec(select(Message).order_by(col(Message.id).desc()).limit(limit)))
