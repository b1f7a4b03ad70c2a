"""Staff authentication: Argon2 password hashes and opaque bearer tokens (only their hashes are stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from limits import RateLimitItem, RateLimitItemPerMinute
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from confirm.core import audit, limits
from confirm.core.clock import as_utc, utcnow
from confirm.core.db import transaction
from confirm.core.limits import DatabaseStorage
from confirm.law.errors import DomainError
from confirm.models import AuthToken, User, pk

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


# Login failures, counted in the database for every instance together (``limits`` with core.limits' database
# storage; a restart forgets nothing, whatever JIUDI_RATE_LIMIT_STORAGE says for look-ups): per account and address
# (a user mistyping), per account from anywhere (one account guessed from many addresses), per address over every
# account (a password sprayed over many usernames). Once a key is at its limit even the right password gets 429.
LOGIN_RULES = {"account_address": RateLimitItemPerMinute(10, 5), "account": RateLimitItemPerMinute(30, 15),
               "address": RateLimitItemPerMinute(60, 15)}


def _login_keys(username: str, address: str) -> list[tuple[RateLimitItem, str]]:
    return [(LOGIN_RULES["account_address"], f"login:{username}|{address}"),
            (LOGIN_RULES["account"], f"login-account:{username}"),
            (LOGIN_RULES["address"], f"login-address:{address}")]


def login(engine: Engine, username: str, password: str, address: str) -> tuple[User, str, int]:
    """Check the credentials and issue a token. The Argon2 check runs outside any transaction (on SQLite every
    transaction holds the write lock: a flood of logins would stall every writer); the failure counters are shared
    by every instance (``LOGIN_RULES``)."""
    keys = _login_keys(username, address)
    failures = FixedWindowRateLimiter(DatabaseStorage(engine))
    limits.refuse_if_over(failures, keys)
    with transaction(engine) as session:
        user = session.exec(select(User).where(User.username == username)).first()
        stored = user.password_hash if user is not None and not user.disabled else None
    if not _password_matches(stored, password):
        for item, key in keys:
            failures.hit(item, key)
        raise DomainError("auth.invalid_credentials", "用户名或密码不正确", 401)
    with transaction(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        if user.disabled:  # disabled while its password was being checked
            raise DomainError("auth.invalid_credentials", "用户名或密码不正确", 401)
        token, lifetime = issue_token(session, user)
    failures.clear(*keys[0])  # the user who mistyped starts afresh; the account's and the address's counts stay
    return user, token, lifetime


def _password_matches(stored_hash: str | None, password: str) -> bool:
    """Argon2id verification; an unknown or disabled user is checked against a dummy hash, so that every failure
    takes the same time."""
    try:
        _hasher.verify(stored_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None
