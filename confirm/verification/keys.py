"""Institution keys: a bulk verifier (a bank checking a batch of rulings) sends ``X-Jiudi-Institution-Key`` and its
look-ups are counted under its key, at the key's own limit, instead of under its address. The administrator makes
and revokes keys (``jiudi institution-key``, the admin page); only each key's SHA-256 is stored, and the key is
shown once. A request with a key that is unknown or revoked is refused (401), never quietly counted by address."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from confirm.core import audit
from confirm.core.clock import utcnow
from confirm.core.db import transaction
from confirm.law.errors import DomainError
from confirm.models import InstitutionKey, pk

HEADER = "X-Jiudi-Institution-Key"
KEY_PREFIX = "jdk_"
DEFAULT_PER_MINUTE = 6000
MAX_PER_MINUTE = 600_000


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, name: str, per_minute: int = DEFAULT_PER_MINUTE, *,
               actor: str) -> tuple[InstitutionKey, str]:
    """A new key for ``name``; returns the row and the key itself (shown once, never stored)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError("institution_key.name", "机构名称不能为空，且不超过100个字符", 422)
    if not 1 <= per_minute <= MAX_PER_MINUTE:
        raise DomainError("institution_key.per_minute", f"每分钟核验次数应为1至{MAX_PER_MINUTE}之间的整数", 422)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = InstitutionKey(name=name, key_hash=key_digest(key), key_prefix=key[:10], per_minute=per_minute,
                         created_by=actor)
    session.add(row)
    session.flush()
    audit.append(session, actor=actor, action="institution_key.created",
                 data={"id": pk(row), "name": name, "per_minute": per_minute, "prefix": row.key_prefix})
    return row, key


def revoke_key(session: Session, key_id: int, *, actor: str) -> InstitutionKey:
    """From now on the key is refused (401 ``verify.institution_key_revoked``) by every instance."""
    row = session.get(InstitutionKey, key_id)
    if row is None:
        raise DomainError("institution_key.not_found", f"机构核验密钥 {key_id} 不存在", 404)
    if row.revoked_at is not None:
        raise DomainError("institution_key.already_revoked", "该机构核验密钥已被吊销", 409)
    row.revoked_at, row.revoked_by = utcnow(), actor
    session.add(row)
    audit.append(session, actor=actor, action="institution_key.revoked", data={"id": key_id, "name": row.name})
    return row


def list_keys(session: Session) -> list[InstitutionKey]:
    return list(session.exec(select(InstitutionKey).order_by(col(InstitutionKey.id))))


def authenticate(engine: Engine, key: str) -> InstitutionKey:
    """The key's row; 401 ``verify.institution_key_invalid`` for a key Jiudi never issued,
    401 ``verify.institution_key_revoked`` for one the administrator revoked."""
    with transaction(engine) as session:
        row = session.exec(select(InstitutionKey).where(InstitutionKey.key_hash == key_digest(key[:200]))).first()
    if row is None:
        raise DomainError("verify.institution_key_invalid", "机构核验密钥无效", 401)
    if row.revoked_at is not None:
        raise DomainError("verify.institution_key_revoked", "机构核验密钥已被吊销，请联系法院重新申请", 401)
    return row
