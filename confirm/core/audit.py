"""The audit log: every state change and every ruling download appends one hash-chained record.

Each record's hash covers its content and the previous record's hash, so editing, deleting or reordering a
record breaks the chain from that point on.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlmodel import Session, col, select

from confirm.core.clock import as_utc, utcnow
from confirm.models import AuditCheckpoint, AuditRecord
from keys.files import ensure_private_dir, exclusive_lock, write_private_file

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
    last = session.exec(select(AuditRecord).order_by(sa.desc(col(AuditRecord.id))).limit(1)).first()
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
    for rec in session.exec(select(AuditRecord).order_by(col(AuditRecord.id))):
        if rec.prev_hash != prev:
            problems.append(f"record {rec.id}: does not follow the record before it (deleted or reordered)")
        expected = record_hash(rec.prev_hash, rec.at, rec.actor, rec.action, rec.application_id, rec.data)
        if rec.hash != expected:
            problems.append(f"record {rec.id}: content does not match its hash (edited)")
        prev = rec.hash
    return problems


# --- signed checkpoints -----------------------------------------------------------------------------------

def load_or_create_audit_key(path: Path) -> Ed25519PrivateKey:
    """The audit key (Ed25519), separate from every seal key: it only signs checkpoints of this log."""
    ensure_private_dir(path.parent)
    with exclusive_lock(path.parent / ".audit-key.lock"):
        if not path.exists():
            key = Ed25519PrivateKey.generate()
            write_private_file(path, key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return loaded


def _fingerprint(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()


def _statement(record_id: int, record_hash: str) -> bytes:
    return f"jiudi-audit-checkpoint|{record_id}|{record_hash}".encode()


def checkpoint(session: Session, key: Ed25519PrivateKey) -> AuditCheckpoint | None:
    """Sign the current head of the chain; None when nothing was appended since the last checkpoint."""
    head = session.exec(select(AuditRecord).order_by(sa.desc(col(AuditRecord.id))).limit(1)).first()
    last = session.exec(select(AuditCheckpoint).order_by(sa.desc(col(AuditCheckpoint.id))).limit(1)).first()
    if head is None or head.id is None or (last is not None and last.last_record_id == head.id):
        return None
    signature = base64.b64encode(key.sign(_statement(head.id, head.hash))).decode()
    cp = AuditCheckpoint(last_record_id=head.id, last_hash=head.hash,
                         key_fingerprint=_fingerprint(key.public_key()), signature=signature)
    session.add(cp)
    return cp


def verify_checkpoints(session: Session, public: Ed25519PublicKey) -> list[str]:
    """Every checkpoint whose signature fails, or whose record is gone or changed."""
    problems: list[str] = []
    for cp in session.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.id))):
        try:
            public.verify(base64.b64decode(cp.signature), _statement(cp.last_record_id, cp.last_hash))
        except (InvalidSignature, ValueError):
            problems.append(f"checkpoint {cp.id}: signature does not verify with the audit key")
            continue
        rec = session.get(AuditRecord, cp.last_record_id)
        if rec is None:
            problems.append(f"checkpoint {cp.id}: record {cp.last_record_id} it signed is missing (deleted)")
        elif rec.hash != cp.last_hash:
            problems.append(f"checkpoint {cp.id}: record {cp.last_record_id} no longer has the hash it signed")
    return problems


def verify_log(session: Session, public: Ed25519PublicKey) -> list[str]:
    """The chain and the signed checkpoints together: empty when the log is whole."""
    return verify_chain(session) + verify_checkpoints(session, public)
