"""FastAPI dependencies: the service context and the authenticated staff member."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request

from confirm.auth import user_for_token
from confirm.context import Jiudi
from confirm.db import transaction
from confirm.domain.errors import DomainError
from confirm.models import User

# a party id in a path: a database integer, so a larger number is 422 request.invalid, not a driver error (500)
PartyId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def get_jiudi(request: Request) -> Jiudi:
    return request.app.state.jiudi


def current_user(request: Request) -> User:
    """The user behind ``Authorization: Bearer …`` (or, on GET, the pages' session cookie); 401 without one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header and request.method in ("GET", "HEAD"):
        # the staff pages' session cookie, for safe requests only (EventSource, PDFs): never for changes (CSRF)
        scheme, token = "bearer", request.cookies.get("jiudi_session", "")
    if scheme.lower() != "bearer" or not token.strip():
        raise DomainError("auth.required", "请先登录", 401)
    with transaction(get_jiudi(request).engine) as session:
        return user_for_token(session, token.strip())
