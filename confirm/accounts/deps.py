"""The authenticated staff member of a request, for the API (bearer token) and the pages (session cookie)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from confirm.accounts.auth import user_for_token
from confirm.law.errors import DomainError
from confirm.models import User
from confirm.web.deps import get_runtime

SESSION_COOKIE = "jiudi_session"


def user_for_session(request: Request, token: str) -> User:
    """The active user behind a token (a bearer token or the pages' session cookie); 401 without one."""
    with get_runtime(request).unit_of_work() as session:
        return user_for_token(session, token)


def request_token(request: Request) -> str:
    """The token of ``Authorization: Bearer …`` (or, on GET, of the pages' session cookie); 401 without one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header and request.method in ("GET", "HEAD"):
        # the staff pages' session cookie, for safe requests only (EventSource, PDFs): never for changes (CSRF)
        scheme, token = "bearer", request.cookies.get(SESSION_COOKIE, "")
    if scheme.lower() != "bearer" or not token.strip():
        raise DomainError("auth.required", "请先登录", 401)
    return token.strip()


def current_user(request: Request) -> User:
    """The user behind the request's token; 401 without one."""
    return user_for_session(request, request_token(request))


UserDep = Annotated[User, Depends(current_user)]
