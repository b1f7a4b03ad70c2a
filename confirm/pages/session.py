"""The staff pages' session: sign-in and sign-out, the CSRF token of every form, and how a page or a form
action is answered.

Sessions are AuthToken rows carried in an HttpOnly cookie; every POST carries a CSRF token derived with HMAC from
the session token and the server secret.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from hashlib import sha256
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from confirm.accounts import auth
from confirm.accounts.deps import SESSION_COOKIE
from confirm.applications.live import latest_event_id
from confirm.core.runtime import Runtime
from confirm.law.errors import DomainError
from confirm.models import Role, User
from confirm.web.deps import get_runtime
from confirm.web.errors import field_path
from confirm.web.html import render
from confirm.web.ratelimit import client_address

router = APIRouter(include_in_schema=False)
ROLE_HOME = {Role.MEDIATOR: "/m", Role.JUDGE: "/j", Role.CLERK: "/j", Role.ADMIN: "/admin", Role.ORG_HEAD: "/e"}


class Staff:
    """The signed-in user of one request, with the session token (for the CSRF token)."""

    def __init__(self, user: User, token: str, secret: bytes) -> None:
        self.user, self.token = user, token
        self.csrf = hmac.new(secret, b"csrf:" + token.encode(), sha256).hexdigest()


def signed_in(request: Request, *roles: Role) -> Staff | Response:
    """The session's user, or a redirect to the login page (or 403 for the wrong role)."""
    token = request.cookies.get(SESSION_COOKIE, "")
    user = None
    checked = getattr(request.state, "signed_in", None)  # (token, user): asked again in one request (a form's
    if checked is not None and checked[0] == token:      # action after its handler), answered once
        user = checked[1]
    elif token:
        with get_runtime(request).unit_of_work() as session:  # one transaction (a page asks for many)
            try:
                user = auth.user_for_token(session, token)
            except DomainError:
                user = None
            # before the page reads anything: its live stream resumes from here, so no event it does not show is lost
            request.state.last_event_id = latest_event_id(session)
        request.state.signed_in = (token, user)
    if user is None:
        return RedirectResponse(f"/login?next={request.url.path}&expired={'1' if token else ''}", status_code=303)
    if roles and user.role not in roles:
        return page(request, "pages/error.html", None, status_code=403, message="您的账号无权访问此页面")
    return Staff(user, token, get_runtime(request).secret)


async def read_form(request: Request, staff: Staff) -> FormData:
    """The POSTed form after the CSRF check."""
    form = await request.form()
    sent = str(form.get("csrf", ""))
    if not hmac.compare_digest(sent, staff.csrf):
        raise DomainError("request.csrf", "页面已过期，请刷新后重试", 403)
    return form


def page(request: Request, name: str, staff: Staff | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A staff page; its live stream resumes from the newest event when the request began (``signed_in``), read
    before anything the page shows."""
    runtime = get_runtime(request)
    return render(request, name, dev_mode=runtime.settings.dev_mode, status_code=status_code,
                  staff=staff, me=staff.user if staff else None,
                  last_event_id=getattr(request.state, "last_event_id", 0), **context)


def error_page(request: Request, staff: Staff | None, exc: DomainError) -> HTMLResponse:
    return page(request, "pages/error.html", staff, status_code=exc.status, message=exc.message)


def form_errors(exc: DomainError | ValidationError) -> tuple[str, dict[str, str], int]:
    """What a page says about a refused form: the message, each field's message, and the status."""
    if isinstance(exc, DomainError):
        return exc.message, {p.field: p.message for p in exc.problems}, exc.status
    fields: dict[str, str] = {}
    for e in exc.errors():
        fields.setdefault(field_path(tuple(e["loc"])), "必填" if e["type"] == "missing" else "格式不正确")
    return "请更正标出的内容", fields, 422


Act = Callable[[Runtime, Staff, FormData], Awaitable[str | None]]
OnError = Callable[[Staff, str, dict[str, str], int, FormData], Response]


async def form_action(request: Request, roles: tuple[Role, ...], act: Act, *, done: str, on_error: OnError) -> Response:
    """A page's form action: the signed-in staff member of ``roles`` submits a form; ``act`` makes the change
    (through the same service functions as the API) and may name the page to go to, else ``done``. A refused
    change shows the page again with the errors; nothing was changed."""
    staff = signed_in(request, *roles)
    if not isinstance(staff, Staff):
        return staff
    form = FormData()
    try:
        form = await read_form(request, staff)
        target = await act(get_runtime(request), staff, form)
    except (DomainError, ValidationError) as exc:
        message, fields, status = form_errors(exc)
        return on_error(staff, message, fields, status, form)
    return RedirectResponse(target or done, status_code=303)


LOGIN_COOKIE = "jiudi_login"


def _login_csrf(request: Request, nonce: str) -> str:
    return hmac.new(get_runtime(request).secret, b"login:" + nonce.encode(), sha256).hexdigest()


def _login_form(request: Request, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The login page with its CSRF token, bound to a nonce in a SameSite=Strict cookie: a form posted from another
    site carries no such cookie, so it cannot sign a victim's browser into an attacker's account."""
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = page(request, "pages/login.html", None, status_code=status_code, csrf=_login_csrf(request, nonce),
                    **context)
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=3600, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "", expired: str = "") -> HTMLResponse:
    message = "登录已超时，请重新登录" if expired else None
    return _login_form(request, next=next, message=message)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    nxt = str(form.get("next", ""))
    runtime = get_runtime(request)
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    try:
        if not nonce or not hmac.compare_digest(str(form.get("csrf", "")), _login_csrf(request, nonce)):
            raise DomainError("request.csrf", "页面已过期，请刷新后重试", 403)
        # Argon2 takes tens of milliseconds: off the event loop, which serves every other request meanwhile
        user, token, lifetime = await run_in_threadpool(auth.login, runtime.engine, username, password,
                                                        client_address(request))
        role = Role(user.role)
    except DomainError as exc:
        return _login_form(request, status_code=exc.status, next=nxt, message=exc.message, username=username)
    target = nxt if re.fullmatch(r"/[A-Za-z0-9/_-]*", nxt or "") and not nxt.startswith("//") else ROLE_HOME[role]
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=lifetime, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    staff = signed_in(request)
    if isinstance(staff, Staff):
        await read_form(request, staff)
        with get_runtime(request).unit_of_work() as session:
            auth.revoke_token(session, staff.token, actor=staff.user.username)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/staff")
def staff_home(request: Request) -> Response:
    staff = signed_in(request)
    if not isinstance(staff, Staff):
        return staff
    return RedirectResponse(ROLE_HOME[Role(staff.user.role)], status_code=303)
