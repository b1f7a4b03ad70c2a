"""The administrator's page: courts, mediation organisations, accounts (adding, disabling, resetting) and the
institution keys of bulk verifiers (making, revoking)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from confirm.accounts import admin
from confirm.law.errors import DomainError
from confirm.models import Court, Organization, OrgKind, Role, User
from confirm.pages.session import Staff, page, read_form, signed_in
from confirm.verification import keys
from confirm.web.deps import get_runtime

router = APIRouter(include_in_schema=False)


def _admin_page(request: Request, staff: Staff, status_code: int = 200, **extra: Any) -> Response:
    with get_runtime(request).unit_of_work() as session:
        courts = list(session.exec(select(Court).order_by(col(Court.code))))
        orgs = list(session.exec(select(Organization).order_by(col(Organization.id))))
        users = list(session.exec(select(User).order_by(col(User.id))))
        institution_keys = keys.list_keys(session)
    return page(request, "pages/admin.html", staff, status_code=status_code, courts=courts, orgs=orgs, users=users,
                court_of={c.id: c for c in courts}, org_of={o.id: o for o in orgs},
                org_kinds={k.value: k.name_zh for k in OrgKind}, institution_keys=institution_keys,
                key_header=keys.HEADER, new_key=extra.get("new_key"),
                message=extra.get("message"), notice=extra.get("notice"), new_password=extra.get("new_password"))


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request) -> Response:
    staff = signed_in(request, Role.ADMIN)
    if not isinstance(staff, Staff):
        return staff
    return _admin_page(request, staff)


def _act(session: Session, what: str, f: dict[str, str], actor: str) -> tuple[str, str | None]:
    """One administrator's action on the page's form ``what``: the notice to show and a password (or institution
    key) to show once."""
    if what == "institution-keys":
        row, key = keys.create_key(session, f.get("name", ""), _per_minute(f.get("per_minute", "")), actor=actor)
        return f"已为 {row.name} 生成机构核验密钥", key
    if what == "institution-keys-revoke":
        row = keys.revoke_key(session, _per_minute(f.get("id", "")), actor=actor)
        return f"{row.name} 的机构核验密钥已吊销，立即失效", None
    if what == "courts":
        admin.add_court(session, f.get("code", ""), f.get("name", ""), actor=actor)
        return "法院已添加", None
    if what == "orgs":
        admin.add_organization(session, f.get("court", ""), f.get("name", ""), f.get("kind", ""), actor=actor)
        return "调解组织已添加", None
    if what == "users":
        password = admin.generate_password()
        admin.add_user(session, f.get("username", ""), role=f.get("role", ""), court_code=f.get("court", ""),
                       password=password, organization=f.get("organization") or None, name=f.get("name") or None,
                       actor=actor)
        return f"用户 {f.get('username')} 已创建", password
    if what == "disable":
        admin.disable_user(session, f.get("username", ""), actor=actor)
        return f"用户 {f.get('username')} 已停用，其登录立即失效", None
    if what == "reset":
        return f"用户 {f.get('username')} 的密码已重置", admin.reset_password(session, f.get("username", ""), actor=actor)
    raise DomainError("not_found", "请求的地址不存在", 404)


def _per_minute(text: str) -> int:
    if not text.isdigit():
        raise DomainError("institution_key.per_minute", "每分钟核验次数应为正整数", 422)
    return int(text)


@router.post("/admin/{what}", response_class=HTMLResponse)
async def admin_action(request: Request, what: str) -> Response:
    staff = signed_in(request, Role.ADMIN)
    if not isinstance(staff, Staff):
        return staff
    try:
        form = await read_form(request, staff)
        fields = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
        with get_runtime(request).unit_of_work() as session:
            notice, secret = _act(session, what, fields, staff.user.username)
    except DomainError as exc:
        return _admin_page(request, staff, status_code=exc.status, message=exc.message)
    if what == "institution-keys":
        return _admin_page(request, staff, notice=notice, new_key=secret)
    return _admin_page(request, staff, notice=notice, new_password=secret)
