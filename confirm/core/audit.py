"""The audit log: every state change and every ruling download appends one record, chained by a keyed MAC.

Each record's MAC (HMAC-SHA256) covers its content and the previous record's MAC, under a key kept in the data
directory, never in the database: someone with the database's own rights (triggers dropped) can edit, delete or
reorder records, but cannot compute the MACs that would hide it, so every such change breaks the chain. What a
chain cannot show by itself, the newest records cut from its end, is shown by the *head*: after every commit that
appended records, the id and MAC of the newest one are written to ``audit-head.json`` in the data directory, and
``verify`` requires that record to be there, unchanged. The Ed25519-signed checkpoints (every 10 minutes, and on
``jiudi audit checkpoint``) add a statement anyone with the public key can check, also for the records written
before the chain was keyed (those carry a plain SHA-256 and are protected by the checkpoints only).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import weakref
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from confirm.core.clock import as_utc, utcnow
from confirm.models import AuditCheckpoint, AuditRecord
from keys.files import ensure_private_dir, exclusive_lock, write_private_file

GENESIS = "0" * 64
_AUDIT_LOCK_KEY = 0x6A697564  # "jiud"


@dataclass(frozen=True)
class AuditKeys:
    """What appending needs besides the session: the MAC key and where this instance writes the head."""

    mac_key: bytes
    head_path: Path


_BOUND: weakref.WeakKeyDictionary[Engine, AuditKeys] = weakref.WeakKeyDictionary()
_PENDING_HEAD = "jiudi.audit_head"
HEAD_FILE = "audit-head.json"  # in the data directory, outside the database


def bind(engine: Engine, keys: AuditKeys) -> None:
    """Append to this engine's log with ``keys`` (``Runtime`` binds its engine when it is made)."""
    _BOUND[engine] = keys


def _keys(session: Session) -> AuditKeys:
    engine = session.get_bind()
    keys = _BOUND.get(engine) if isinstance(engine, Engine) else None
    if keys is None:
        raise RuntimeError("the audit log of this database has no MAC key bound (audit.bind)")
    return keys


def load_or_create_mac_key(path: Path) -> bytes:
    """32 random bytes, 0600, made once; every instance of one court's service must hold the same file."""
    ensure_private_dir(path.parent)
    with exclusive_lock(path.parent / ".audit-mac.lock"):
        if not path.exists():
            write_private_file(path, secrets.token_bytes(32))
    key = path.read_bytes()
    if len(key) < 32:
        raise ValueError(f"{path} is not an audit MAC key (32 bytes expected)")
    return key


def _canonical(prev_hash: str, at: datetime, actor: str, action: str, application_id: str | None,
               data: dict[str, Any]) -> bytes:
    return json.dumps(
        [prev_hash, as_utc(at).isoformat(), actor, action, application_id, data],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    ).encode("utf-8")


def record_mac(key: bytes, prev_hash: str, at: datetime, actor: str, action: str, application_id: str | None,
               data: dict[str, Any]) -> str:
    """HMAC-SHA256 under the audit key over a canonical JSON encoding of the record and its predecessor's MAC."""
    return hmac.new(key, _canonical(prev_hash, at, actor, action, application_id, data), hashlib.sha256).hexdigest()


def legacy_record_hash(prev_hash: str, at: datetime, actor: str, action: str, application_id: str | None,
                       data: dict[str, Any]) -> str:
    """The unkeyed SHA-256 of records written before the chain was keyed (accepted only before the first keyed
    record; protected by the signed checkpoints alone)."""
    return hashlib.sha256(_canonical(prev_hash, at, actor, action, application_id, data)).hexdigest()


def append(session: Session, *, actor: str, action: str, application_id: str | None = None,
           data: dict[str, Any] | None = None) -> AuditRecord:
    """Append a record in the caller's transaction (it commits or rolls back with the change it records); once
    the transaction has committed, the head file names it."""
    keys = _keys(session)
    if session.get_bind().dialect.name == "postgresql":
        # Serialise appenders: a row lock on the last record would let two writers chain onto the same one.
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})
    last = session.exec(select(AuditRecord).order_by(sa.desc(col(AuditRecord.id))).limit(1)).first()
    prev = last.hash if last is not None else GENESIS
    at = utcnow()
    payload = data or {}
    rec = AuditRecord(at=at, actor=actor, action=action, application_id=application_id, data=payload,
                      prev_hash=prev, hash=record_mac(keys.mac_key, prev, at, actor, action, application_id, payload))
    session.add(rec)
    session.flush()
    _advance_head_after_commit(session, keys.head_path, rec)
    return rec


def _advance_head_after_commit(session: Session, path: Path, rec: AuditRecord) -> None:
    first = _PENDING_HEAD not in session.info
    session.info[_PENDING_HEAD] = (rec.id, rec.hash)
    if not first:
        return

    def committed(sess: Session) -> None:
        head = sess.info.pop(_PENDING_HEAD, None)
        if head is not None:
            write_head(path, *head)

    def rolled_back(sess: Session) -> None:
        sess.info.pop(_PENDING_HEAD, None)

    sa.event.listen(session, "after_commit", committed, once=True)
    sa.event.listen(session, "after_rollback", rolled_back, once=True)


def write_head(path: Path, record_id: int, mac: str) -> None:
    """Name ``record_id`` as the newest record this instance appended; the head only moves forward."""
    ensure_private_dir(path.parent)
    with exclusive_lock(path.parent / ".audit-head.lock"):
        current = read_head(path)
        if current is not None and current[0] >= record_id:
            return
        write_private_file(path, json.dumps({"record_id": record_id, "mac": mac}).encode())


def read_head(path: Path) -> tuple[int, str] | None:
    if not path.exists():
        return None
    head = json.loads(path.read_text(encoding="utf-8"))
    return int(head["record_id"]), str(head["mac"])


def verify_chain(session: Session, mac_key: bytes, legacy_until: int = 0) -> list[str]:
    """Every break in the chain, described; empty when the log is whole. A record with the unkeyed SHA-256 of old
    is accepted only before the first keyed record and only up to ``legacy_until`` (the newest record a valid
    signed checkpoint covers): an editor who re-chains the log as unkeyed cannot sign a checkpoint for it."""
    problems: list[str] = []
    prev, keyed = GENESIS, False
    for rec in session.exec(select(AuditRecord).order_by(col(AuditRecord.id))):
        if rec.prev_hash != prev:
            problems.append(f"record {rec.id}: does not follow the record before it (deleted or reordered)")
        fields = (rec.prev_hash, rec.at, rec.actor, rec.action, rec.application_id, rec.data)
        if hmac.compare_digest(rec.hash, record_mac(mac_key, *fields)):
            keyed = True
        elif keyed or (rec.id or 0) > legacy_until or rec.hash != legacy_record_hash(*fields):
            problems.append(f"record {rec.id}: content does not match its MAC (edited, or re-chained without the key)")
        prev = rec.hash
    return problems


def legacy_records(session: Session, mac_key: bytes) -> int:
    """How many records at the start of the log predate the keyed chain (0 for a log begun keyed)."""
    count = 0
    for rec in session.exec(select(AuditRecord).order_by(col(AuditRecord.id))):
        if hmac.compare_digest(rec.hash, record_mac(mac_key, rec.prev_hash, rec.at, rec.actor, rec.action,
                                                    rec.application_id, rec.data)):
            break
        count += 1
    return count


def verify_head(session: Session, head_path: Path) -> list[str]:
    """The newest record this instance appended must still be there, unchanged: a log cut at its end fails."""
    head = read_head(head_path)
    if head is None:
        return []
    record_id, mac = head
    rec = session.get(AuditRecord, record_id)
    if rec is None:
        newest = session.exec(select(sa.func.max(AuditRecord.id))).one()
        return [f"record {record_id}, the newest this instance appended, is missing (the log now ends at "
                f"{newest or 0}): the newest records were deleted"]
    if not hmac.compare_digest(rec.hash, mac):
        return [f"record {record_id}, the newest this instance appended, no longer has the MAC it was written with"]
    return []


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


def _checkpoint_problems(session: Session, public: Ed25519PublicKey) -> tuple[list[str], int]:
    """Every checkpoint whose signature fails, or whose record is gone or changed; and the newest record a valid
    checkpoint covers."""
    problems: list[str] = []
    covered = 0
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
        else:
            covered = max(covered, cp.last_record_id)
    return problems, covered


def verify_checkpoints(session: Session, public: Ed25519PublicKey) -> list[str]:
    return _checkpoint_problems(session, public)[0]


def verify_log(session: Session, public: Ed25519PublicKey, keys: AuditKeys) -> list[str]:
    """The keyed chain, this instance's head and the signed checkpoints together: empty when the log is whole."""
    checkpoint_problems, covered = _checkpoint_problems(session, public)
    return verify_chain(session, keys.mac_key, legacy_until=covered) + verify_head(session, keys.head_path) + \
        checkpoint_problems
