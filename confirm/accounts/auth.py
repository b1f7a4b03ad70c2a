"""Staff authentication: Argon2 password hashes and opaque bearer tokens (only their hashes are stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from confirm.core import audit
from confirm.core.clock import as_utc, utcnow
from confirm.core.db import transaction
from confirm.law.errors import DomainError
from confirm.models import AuthToken, User, pk
from confirm.web.ratelimit import RateLimiter

TOKEN_LIFETIME = timedelta(hours=12)
_hasher = PasswordHasher()
# verified against when the username is unknown, so that both failures take the same time
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    """A staff password must be at least 10 characters."""
    if len(password) < 10:
        return "密码至少需要10个字符"
    return None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authenticate(session: Session, username: str, password: str) -> User:
    """The user with these credentials, or 401 with one message whatever was wrong."""
    user = session.exec(select(User).where(User.username == username)).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or user.disabled:
        raise DomainError("auth.invalid_credentials", "用户名或密码不正确", 401)
    return user


def issue_token(session: Session, user: User) -> tuple[str, int]:
    """A new bearer token for ``user`` and its lifetime in seconds."""
    token = secrets.token_urlsafe(32)
    session.add(AuthToken(token_hash=token_digest(token), user_id=pk(user), expires_at=utcnow() + TOKEN_LIFETIME))
    return token, int(TOKEN_LIFETIME.total_seconds())


def user_for_token(session: Session, token: str) -> User:
    """The active user behind a bearer token, or 401."""
    row = session.exec(select(AuthToken).where(AuthToken.token_hash == token_digest(token))).first()
    if row is None or as_utc(row.expires_at) <= utcnow():
        raise DomainError("auth.invalid_token", "登录已失效，请重新登录", 401)
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        raise DomainError("auth.invalid_token", "登录已失效，请重新登录", 401)
    return user


def revoke_token(session: Session, token: str, *, actor: str) -> None:
    """Delete the token's row (the pages' logout and the API's): it opens nothing from now on."""
    row = session.exec(select(AuthToken).where(AuthToken.token_hash == token_digest(token))).first()
    if row is not None:
        session.delete(row)
        audit.append(session, actor=actor, action="auth.logout", data={})


def login(engine: Engine, failures: RateLimiter, username: str, password: str, address: str) -> tuple[User, str, int]:
    """Check the credentials and issue a token; ``failures`` (a RateLimiter) stops guessing per user and address:
    after ten failures even the right password is refused for a while (429)."""
    key = f"{username}|{address}"
    failures.check(key)
    with transaction(engine) as session:
        try:
            user = authenticate(session, username, password)
        except DomainError:
            failures.hit(key)
            raise
        token, lifetime = issue_token(session, user)
    failures.reset(key)
    return user, token, lifetime
