"""The audit log: every state change and every ruling download appends one hash-chained record.

Each record's hash covers its content and the previous record's hash, so editing, deleting or reordering a
record breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from confirm.clock import as_utc, utcnow
from confirm.models import AuditRecord

GENESIS = "0" * 64
_AUDIT_LOCK_KEY = 0x6A697564  # "jiud"


def record_hash(prev_hash: str, at: datetime, actor: str, action: str, application_id: str | None,
                data: dict[str, Any]) -> str:
    """SHA-256 over a canonical JSON encoding of the record and its predecessor's hash."""
    canonical = json.dumps(
        [prev_hash, as_utc(at).isoformat(), actor, action, application_id, data],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(session: Session, *, actor: str, action: str, application_id: str | None = None,
           data: dict[str, Any] | None = None) -> AuditRecord:
    """Append a record in the caller's transaction (it commits or rolls back with the change it records)."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise appenders: a row lock on the last record would let two writers chain onto the same one.
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})
    last = session.exec(select(AuditRecord).order_by(sa.desc(AuditRecord.id)).limit(1)).first()
    prev = last.hash if last is not None else GENESIS
    at = utcnow()
    payload = data or {}
    rec = AuditRecord(at=at, actor=actor, action=action, application_id=application_id, data=payload,
                      prev_hash=prev, hash=record_hash(prev, at, actor, action, application_id, payload))
    session.add(rec)
    session.flush()
    return rec


def verify_chain(session: Session) -> list[str]:
    """Every break in the chain, described; empty when the log is whole."""
    problems: list[str] = []
    prev = GENESIS
    for rec in session.exec(select(AuditRecord).order_by(AuditRecord.id)):
        if rec.prev_hash != prev:
            problems.append(f"record {rec.id}: does not follow the record before it (deleted or reordered)")
        expected = record_hash(rec.prev_hash, rec.at, rec.actor, rec.action, rec.application_id, rec.data)
        if rec.hash != expected:
            problems.append(f"record {rec.id}: content does not match its hash (edited)")
        prev = rec.hash
    return problems
