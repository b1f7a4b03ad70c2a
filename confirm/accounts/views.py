"""Accounts in the staff API: a bearer token for a username and password, and who the caller is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from confirm.accounts import auth
from confirm.accounts.deps import UserDep
from confirm.models import Court, Organization, Role
from confirm.web.deps import RuntimeDep
from confirm.web.ratelimit import client_address

router = APIRouter(prefix="/api/v1")


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="seconds")


class MeOut(BaseModel):
    username: str
    name: str
    role: Role
    court_code: str | None
    court_name: str | None
    organization: str | None


@router.post("/auth/token", tags=["auth"])
def login(request: Request, runtime: RuntimeDep, username: Annotated[str, Form()],
          password: Annotated[str, Form()]) -> TokenOut:
    """Exchange a username and password for a bearer token (after 10 failures per account and address in 5 minutes,
    30 per account or 60 per address in 15 minutes, 429 for every instance)."""
    _user, token, expires_in = auth.login(runtime.engine, username, password, client_address(request))
    return TokenOut(access_token=token, expires_in=expires_in)


@router.post("/auth/logout", tags=["auth"], status_code=204, response_class=Response)
def logout(runtime: RuntimeDep, request: Request, user: UserDep) -> Response:
    """End this bearer token now (a leaked token would otherwise live its 12 hours)."""
    _scheme, _, token = request.headers.get("authorization", "").partition(" ")
    with runtime.unit_of_work() as session:
        auth.revoke_token(session, token.strip(), actor=user.username)
    return Response(status_code=204)


@router.get("/me", tags=["auth"])
def me(runtime: RuntimeDep, user: UserDep) -> MeOut:
    with runtime.unit_of_work() as session:
        court = session.get(Court, user.court_id)
        org = session.get(Organization, user.organization_id) if user.organization_id else None
    return MeOut(username=user.username, name=user.name, role=Role(user.role),
                 court_code=court.code if court else None, court_name=court.name if court else None,
                 organization=org.name if org else None)
