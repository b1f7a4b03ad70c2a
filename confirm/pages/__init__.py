"""Staff pages (zh-CN, server-rendered, progressive enhancement): login, mediator, judge/clerk, admin.

A thin layer over the domain services, like ``views_staff``: sessions are AuthToken rows carried in an HttpOnly
cookie; every POST carries a CSRF token derived with HMAC from the session token and the server secret.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import uuid
from datetime import datetime
from hashlib import sha256
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlmodel import col, select

from confirm import admin, applications, audit, auth, issuance, servicing, workflow
from confirm.auth import token_digest, user_for_token
from confirm.clock import CHINA, china_today
from confirm.db import transaction
from confirm.deps import PartyId
from confirm.domain.errors import DomainError
from confirm.domain.intake import ApplicationIn
from confirm.domain.lifecycle import Status, status_name
from confirm.domain.review import OUTCOMES, DecisionIn
from confirm.domain.rules_data import common_dispute_types, inadmissible_dispute_types
from confirm.domain.uploads import MAX_DOCUMENT_BYTES
from confirm.models import Application, AuthToken, Court, Organization, User, pk
from confirm.ratelimit import client_address, limits
from templates.texts import outcome_grounds

router = APIRouter(include_in_schema=False)
pages = Jinja2Templates(directory=str(Path(__file__).parent.parent / "web" / "templates"))
COOKIE = "jiudi_session"
ROLE_HOME = {"mediator": "/m", "judge": "/j", "clerk": "/j", "admin": "/admin"}
DONE_NOTICES = {"uploaded": "材料已上传", "submitted": "申请已提交法院，法官审查时本页会自动更新",
                "withdrawn": "申请已撤回", "served": "送达已登记"}
ROLE_NAMES = {"mediator": "调解员", "judge": "审判员", "clerk": "书记员", "admin": "管理员"}
OUTCOME_NAMES = {"confirmed": "确认调解协议有效", "rejected": "驳回申请", "not_accepted": "不予受理",
                 "withdrawal_permitted": "准许撤回申请", "treated_as_withdrawn": "按撤回申请处理"}
KIND_NAMES = {"agreement": "调解协议", "joint_application": "联合申请书（签名）", "identity": "身份证明",
              "evidence": "其他证据材料"}
pages.env.globals.update(status_name=status_name, OUTCOME_NAMES=OUTCOME_NAMES, KIND_NAMES=KIND_NAMES,
                         ROLE_NAMES=ROLE_NAMES, DISPUTE_TYPES=common_dispute_types,
                         INADMISSIBLE_TYPES=lambda: {t: reason for t, (_g, _i, reason)
                                                     in inadmissible_dispute_types().items()})


class Staff:
    """The signed-in user of one request, with the session token (for the CSRF token)."""

    def __init__(self, user: User, token: str, secret: bytes) -> None:
        self.user, self.token = user, token
        self.csrf = hmac.new(secret, b"csrf:" + token.encode(), sha256).hexdigest()


def _jiudi(request: Request) -> Any:
    return request.app.state.jiudi


def _staff(request: Request, *roles: str) -> Staff | Response:
    """The session's user, or a redirect to the login page (or 403 for the wrong role)."""
    token = request.cookies.get(COOKIE, "")
    jiudi = _jiudi(request)
    user = None
    if token:
        try:
            with transaction(jiudi.engine) as session:
                user = user_for_token(session, token)
        except DomainError:
            user = None
    if user is None:
        return RedirectResponse(f"/login?next={request.url.path}&expired={'1' if token else ''}", status_code=303)
    if roles and user.role not in roles:
        return _page(request, "pages/error.html", None, status_code=403, message="您的账号无权访问此页面")
    return Staff(user, token, jiudi.secret)


async def _form(request: Request, staff: Staff) -> Any:
    """The POSTed form after the CSRF check."""
    form = await request.form()
    sent = str(form.get("csrf", ""))
    if not hmac.compare_digest(sent, staff.csrf):
        raise DomainError("request.csrf", "页面已过期，请刷新后重试", 403)
    return form


def _page(request: Request, name: str, staff: Staff | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    jiudi = _jiudi(request)
    return pages.TemplateResponse(request, name, {"dev_mode": jiudi.settings.dev_mode, "staff": staff,
                                                  "me": staff.user if staff else None, **context},
                                  status_code=status_code)


def _errors(exc: DomainError | ValidationError) -> tuple[str, dict[str, str]]:
    if isinstance(exc, DomainError):
        return exc.message, {p.field: p.message for p in exc.problems}
    fields: dict[str, str] = {}
    for e in exc.errors():
        path = ""
        for part in e["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        fields.setdefault(path, "必填" if e["type"] == "missing" else "格式不正确")
    return "请更正标出的内容", fields


# --- login ---------------------------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "", expired: str = "") -> HTMLResponse:
    message = "登录已超时，请重新登录" if expired else None
    return _page(request, "pages/login.html", None, next=next, message=message)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    nxt = str(form.get("next", ""))
    jiudi = _jiudi(request)
    try:
        user, token, lifetime = auth.login(jiudi.engine, limits(request).login_failures, username, password,
                                           client_address(request))
        role = user.role
    except DomainError as exc:
        return _page(request, "pages/login.html", None, status_code=exc.status, next=nxt, message=exc.message,
                     username=username)
    target = nxt if re.fullmatch(r"/[A-Za-z0-9/_-]*", nxt or "") and not nxt.startswith("//") else ROLE_HOME[role]
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, token, max_age=lifetime, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    staff = _staff(request)
    if isinstance(staff, Staff):
        await _form(request, staff)
        with transaction(_jiudi(request).engine) as session:
            row = session.exec(select(AuthToken).where(AuthToken.token_hash == token_digest(staff.token))).first()
            if row is not None:
                session.delete(row)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/staff")
def staff_home(request: Request) -> Response:
    staff = _staff(request)
    if not isinstance(staff, Staff):
        return staff
    return RedirectResponse(ROLE_HOME[staff.user.role], status_code=303)


# --- mediator ------------------------------------------------------------------------------------------------

def _app_view(request: Request, session: Any, app: Application) -> dict[str, Any]:
    jiudi = _jiudi(request)
    return applications.application_json(session, app, public_base_url="", secret=jiudi.secret)


@router.get("/m", response_class=HTMLResponse)
def mediator_home(request: Request) -> Response:
    staff = _staff(request, "mediator")
    if not isinstance(staff, Staff):
        return staff
    with transaction(_jiudi(request).engine) as session:
        rows = [applications.summary_json(session, a) for a in applications.list_visible(session, staff.user)]
        org = session.get(Organization, staff.user.organization_id)
    rows.sort(key=lambda r: r["submitted_at"] or "9999", reverse=True)
    return _page(request, "pages/mediator_home.html", staff, rows=rows, org=org)


def _blank_application(staff: Staff, court_code: str) -> dict[str, Any]:
    return {"court_code": court_code, "dispute_type": "", "parties": [{"kind": "person"}, {"kind": "person"}],
            "mediation": {"concluded_on": china_today().isoformat(), "place": "", "mediator_name": staff.user.name},
            "agreement": {"text": "", "amount": ""}}


def _nested(form: Any) -> dict[str, Any]:
    """``parties[0].name`` → {"parties": [{"name": …}]}; empty optional values become None."""
    out: dict[str, Any] = {"parties": []}
    for key, value in form.multi_items():
        if key in ("csrf", "idempotency_key", "action") or not isinstance(value, str):
            continue
        m = re.fullmatch(r"parties\[(\d+)\]\.(\w+)", key)
        if m:
            index = int(m.group(1))
            while len(out["parties"]) <= index:
                out["parties"].append({})
            out["parties"][index][m.group(2)] = value.strip() or None
        elif "." in key:
            group, field = key.split(".", 1)
            out.setdefault(group, {})[field] = value.strip() or None
        else:
            out[key] = value.strip()
    out["parties"] = [p for p in out["parties"] if p]
    for p in out["parties"]:
        p.setdefault("kind", "person")
        keep = ("name", "phone", "address") + (("id_number", "ethnicity", "occupation") if p["kind"] == "person"
                                               else ("credit_code", "representative"))
        for k in list(p):
            if k != "kind" and k not in keep:
                p.pop(k)
        p["name"] = p.get("name") or ""
    return out


@router.get("/m/new", response_class=HTMLResponse)
def new_application_page(request: Request) -> Response:
    staff = _staff(request, "mediator")
    if not isinstance(staff, Staff):
        return staff
    with transaction(_jiudi(request).engine) as session:
        court = session.get(Court, staff.user.court_id)
    return _page(request, "pages/application_form.html", staff, body=_blank_application(staff, court.code if court else ""),
                 idempotency_key=uuid.uuid4().hex, fields={}, message=None)


@router.post("/m/new", response_class=HTMLResponse)
async def new_application(request: Request) -> Response:
    staff = _staff(request, "mediator")
    if not isinstance(staff, Staff):
        return staff
    jiudi = _jiudi(request)
    form = await _form(request, staff)
    body = _nested(form)
    key = str(form.get("idempotency_key", "")) or uuid.uuid4().hex
    action = str(form.get("action", ""))
    if action == "add_party":  # without JavaScript: one more party block
        body["parties"].append({"kind": "person", "name": ""})
        return _page(request, "pages/application_form.html", staff, body=body, idempotency_key=key, fields={},
                     message=None)
    try:
        parsed = ApplicationIn.model_validate(body)

        def run(session: Any) -> tuple[int, dict[str, Any]]:
            app = applications.create_application(session, staff.user, parsed, today=china_today())
            audit.append(session, actor=staff.user.username, action="application.draft", application_id=app.id)
            return 201, {"id": app.id}

        _status, payload = applications.idempotent(jiudi.engine, pk(staff.user), key,
                                                   parsed.model_dump(mode="json"), run)
    except (DomainError, ValidationError) as exc:
        message, fields = _errors(exc)
        return _page(request, "pages/application_form.html", staff, status_code=422, body=body,
                     idempotency_key=key, fields=fields, message=message)
    return RedirectResponse(f"/m/a/{payload['id']}?created=1", status_code=303)


def _mediator_app_page(request: Request, staff: Staff, application_id: str, status_code: int = 200,
                       **extra: Any) -> Response:
    with transaction(_jiudi(request).engine) as session:
        app = applications.get_visible(session, staff.user, application_id)
        view = _app_view(request, session, app)
    return _page(request, "pages/mediator_application.html", staff, status_code=status_code, a=view,
                 now=datetime.now(CHINA).strftime("%Y-%m-%dT%H:%M"), fields=extra.pop("fields", {}),
                 message=extra.pop("message", None), notice=extra.pop("notice", None), **extra)


@router.get("/m/a/{application_id}", response_class=HTMLResponse)
def mediator_application(request: Request, application_id: str, created: str = "", done: str = "") -> Response:
    staff = _staff(request, "mediator")
    if not isinstance(staff, Staff):
        return staff
    try:
        return _mediator_app_page(request, staff, application_id, clear_draft=bool(created),
                                  notice="申请已保存为草稿，请上传材料并由当事人签名后提交" if created
                                  else DONE_NOTICES.get(done))
    except DomainError as exc:
        return _page(request, "pages/error.html", staff, status_code=exc.status, message=exc.message)


async def _mediator_action(request: Request, application_id: str, act: Any, notice: str) -> Response:
    staff = _staff(request, "mediator")
    if not isinstance(staff, Staff):
        return staff
    jiudi = _jiudi(request)
    try:
        form = await _form(request, staff)
        await act(jiudi, staff, form)
    except (DomainError, ValidationError) as exc:
        message, fields = _errors(exc)
        status = exc.status if isinstance(exc, DomainError) else 422
        try:
            return _mediator_app_page(request, staff, application_id, status_code=status, message=message,
                                      fields=fields)
        except DomainError as again:
            return _page(request, "pages/error.html", staff, status_code=again.status, message=again.message)
    jiudi.bus.bump()
    return RedirectResponse(f"/m/a/{application_id}?done={notice}", status_code=303)


def _data_url_png(text: str) -> bytes:
    try:
        return base64.b64decode(text.split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError):
        raise DomainError.for_field("signature", "page.signature_unreadable", "签名图片无法识别，请重新签名") from None


@router.post("/m/a/{application_id}/documents", response_class=HTMLResponse)
async def upload_document(request: Request, application_id: str) -> Response:
    async def act(jiudi: Any, staff: Staff, form: Any) -> None:
        kind = str(form.get("kind", ""))
        upload = form.get("file")
        signed = str(form.get("signed_png", ""))
        if signed:
            content, filename, kind = _data_url_png(signed), "联合申请书签名页.png", "joint_application"
        elif upload is None or isinstance(upload, str) or not upload.filename:
            raise DomainError.for_field("file", "page.file_required", "请选择要上传的文件")
        else:
            content, filename = await upload.read(MAX_DOCUMENT_BYTES + 1), upload.filename
        with transaction(jiudi.engine) as session:
            doc = applications.add_document(session, jiudi.store, staff.user, application_id, kind=kind,
                                            filename=filename, content=content)
            audit.append(session, actor=staff.user.username, action="document.uploaded",
                         application_id=application_id, data={"kind": kind, "sha256": doc.sha256})
    return await _mediator_action(request, application_id, act, "uploaded")


@router.post("/m/a/{application_id}/submit", response_class=HTMLResponse)
async def submit_application(request: Request, application_id: str) -> Response:
    async def act(jiudi: Any, staff: Staff, _form: Any) -> None:
        with transaction(jiudi.engine) as session:
            workflow.submit(session, staff.user, application_id)
    return await _mediator_action(request, application_id, act, "submitted")


@router.post("/m/a/{application_id}/withdraw", response_class=HTMLResponse)
async def withdraw_application(request: Request, application_id: str) -> Response:
    async def act(jiudi: Any, staff: Staff, _form: Any) -> None:
        with transaction(jiudi.engine) as session:
            workflow.withdraw(session, staff.user, application_id)
    return await _mediator_action(request, application_id, act, "withdrawn")


def _china_local_time(text: str, field: str, name: str) -> datetime | None:
    """A datetime-local input (no zone) read as China's time; None when left empty."""
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=CHINA)
    except ValueError:
        raise DomainError.for_field(field, "page.time_format", f"{name}格式不对，请重新选择") from None


@router.post("/m/a/{application_id}/service", response_class=HTMLResponse)
async def record_service(request: Request, application_id: str) -> Response:
    async def act(jiudi: Any, staff: Staff, form: Any) -> None:
        recipients = []
        for key in form:
            m = re.fullmatch(r"serve_(\d+)", key)
            if m and form.get(key):
                pid = int(m.group(1))
                method = str(form.get(f"method_{pid}", "in_person"))
                if method == "electronic":  # the signature pad and the address are both on the form
                    recipients.append({"party_id": pid, "method": method,
                                       "electronic_address": str(form.get(f"address_{pid}", "")) or None,
                                       "channel": str(form.get(f"channel_{pid}", "")) or None,
                                       "consent_basis": str(form.get(f"consent_{pid}", "")) or None,
                                       "sent_at": _china_local_time(str(form.get(f"sent_{pid}", "")),
                                                                    f"recipients.sent_{pid}", "发送时间")})
                else:
                    recipients.append({"party_id": pid, "method": method,
                                       "signature_png": str(form.get(f"signature_{pid}", "")) or None})
        if not recipients:
            raise DomainError.for_field("recipients", "page.recipient_required", "请至少选择一名受送达人")
        when = _china_local_time(str(form.get("served_at", "")), "served_at", "送达时间")
        if when is None:
            raise DomainError.for_field("served_at", "page.time_format", "请填写送达时间")
        body = servicing.ServiceIn.model_validate({"served_at": when, "place": str(form.get("place", "")),
                                                   "recipients": recipients})
        with transaction(jiudi.engine) as session:
            servicing.record_service(jiudi, session, staff.user, application_id, body)
    return await _mediator_action(request, application_id, act, "served")


# --- judge and clerk -----------------------------------------------------------------------------------------

def _queue_rows(request: Request, staff: Staff) -> list[dict[str, Any]]:
    with transaction(_jiudi(request).engine) as session:
        rows = session.exec(
            select(Application).where(Application.court_id == staff.user.court_id,
                                      Application.status.in_([Status.SUBMITTED, Status.UNDER_REVIEW]))  # type: ignore[attr-defined]
            .order_by(col(Application.submitted_at))
        ).all()
        return [applications.summary_json(session, a) for a in rows]


@router.get("/j", response_class=HTMLResponse)
def review_queue(request: Request, fragment: str = "") -> Response:
    staff = _staff(request, "judge", "clerk")
    if not isinstance(staff, Staff):
        return staff
    name = "pages/queue_rows.html" if fragment else "pages/queue.html"
    return _page(request, name, staff, rows=_queue_rows(request, staff), today=china_today().isoformat())


def _review_page(request: Request, staff: Staff, application_id: str, status_code: int = 200,
                 **extra: Any) -> Response:
    with transaction(_jiudi(request).engine) as session:
        app = applications.get_visible(session, staff.user, application_id)
        view = _app_view(request, session, app)
        clerks = [(c.username, c.name) for c in workflow.clerks_of(session, app.court_id)]
    grounds = {o: outcome_grounds(o) for o in OUTCOMES}
    return _page(request, "pages/review.html", staff, status_code=status_code, a=view, grounds=grounds, clerks=clerks,
                 outcomes=OUTCOMES, now=datetime.now(CHINA).strftime("%Y-%m-%dT%H:%M"),
                 fields=extra.pop("fields", {}), message=extra.pop("message", None), form=extra.pop("form", {}))


@router.get("/j/a/{application_id}", response_class=HTMLResponse)
def review_application(request: Request, application_id: str) -> Response:
    staff = _staff(request, "judge", "clerk")
    if not isinstance(staff, Staff):
        return staff
    try:
        return _review_page(request, staff, application_id)
    except DomainError as exc:
        return _page(request, "pages/error.html", staff, status_code=exc.status, message=exc.message)


async def _judge_action(request: Request, application_id: str, act: Any) -> Response:
    staff = _staff(request, "judge", "clerk")
    if not isinstance(staff, Staff):
        return staff
    jiudi = _jiudi(request)
    form: Any = {}
    try:
        form = await _form(request, staff)
        target = await act(jiudi, staff, form)
    except (DomainError, ValidationError) as exc:
        message, fields = _errors(exc)
        status = exc.status if isinstance(exc, DomainError) else 422
        return _review_page(request, staff, application_id, status_code=status, message=message, fields=fields,
                            form=dict(form))
    jiudi.bus.bump()
    if jiudi.worker is not None:
        jiudi.worker.wake()
    return RedirectResponse(target or f"/j/a/{application_id}", status_code=303)


@router.post("/j/a/{application_id}/claim", response_class=HTMLResponse)
async def claim(request: Request, application_id: str) -> Response:
    async def act(jiudi: Any, staff: Staff, _form: Any) -> None:
        with transaction(jiudi.engine) as session:
            workflow.claim(session, staff.user, application_id)
    return await _judge_action(request, application_id, act)


@router.post("/j/a/{application_id}/release", response_class=HTMLResponse)
async def release(request: Request, application_id: str) -> Response:
    async def act(jiudi: Any, staff: Staff, _form: Any) -> str:
        with transaction(jiudi.engine) as session:
            workflow.release(session, staff.user, application_id)
        return "/j"
    return await _judge_action(request, application_id, act)


@router.post("/j/a/{application_id}/return", response_class=HTMLResponse)
async def return_for_correction(request: Request, application_id: str) -> Response:
    async def act(jiudi: Any, staff: Staff, form: Any) -> str:
        with transaction(jiudi.engine) as session:
            workflow.return_for_correction(session, staff.user, application_id, str(form.get("reason", "")).strip())
        return "/j"
    return await _judge_action(request, application_id, act)


@router.post("/j/a/{application_id}/service/{party_id}/void", response_class=HTMLResponse)
async def void_service(request: Request, application_id: str,
                       party_id: PartyId) -> Response:
    async def act(jiudi: Any, staff: Staff, form: Any) -> None:
        with transaction(jiudi.engine) as session:
            servicing.void_service(session, staff.user, application_id, party_id, str(form.get("reason", "")))
    return await _judge_action(request, application_id, act)


def _decision_from_form(form: Any) -> DecisionIn:
    outcome = str(form.get("outcome", ""))
    verification = None
    if form.get("verification_method") and form.get("verification_at"):
        at = _china_local_time(str(form.get("verification_at")), "verification.at", "核实时间")
        verification = {"method": str(form.get("verification_method")), "at": at}
    return DecisionIn.model_validate({
        "outcome": outcome, "grounds": [str(g) for g in form.getlist(f"grounds_{outcome}")],
        "reasoning": str(form.get("reasoning", "")), "verification": verification})


@router.post("/j/a/{application_id}/preview", response_class=HTMLResponse)
async def preview(request: Request, application_id: str) -> Response:
    """The ruling the filled-in decision form would make, unsealed and marked 预览, in a new tab."""
    staff = _staff(request, "judge")
    if not isinstance(staff, Staff):
        return staff
    form: Any = {}
    try:
        form = await _form(request, staff)
        decision = _decision_from_form(form)
        pdf = await run_in_threadpool(issuance.preview_ruling, _jiudi(request), staff.user, application_id, decision,
                                      str(form.get("clerk", "")) or None)
    except (DomainError, ValidationError) as exc:
        message, fields = _errors(exc)
        status = exc.status if isinstance(exc, DomainError) else 422
        return _review_page(request, staff, application_id, status_code=status, message=message, fields=fields,
                            form=dict(form))
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": "inline"})


@router.post("/j/a/{application_id}/decision", response_class=HTMLResponse)
async def decide(request: Request, application_id: str) -> Response:
    async def act(jiudi: Any, staff: Staff, form: Any) -> None:
        decision = _decision_from_form(form)
        with transaction(jiudi.engine) as session:
            workflow.decide(session, staff.user, application_id, decision,
                            allowed_grounds=outcome_grounds(decision.outcome),
                            clerk_username=str(form.get("clerk", "")) or None)
    return await _judge_action(request, application_id, act)


# --- admin ---------------------------------------------------------------------------------------------------

def _admin_page(request: Request, staff: Staff, status_code: int = 200, **extra: Any) -> Response:
    with transaction(_jiudi(request).engine) as session:
        courts = list(session.exec(select(Court).order_by(col(Court.code))))
        orgs = list(session.exec(select(Organization).order_by(col(Organization.id))))
        users = list(session.exec(select(User).order_by(col(User.id))))
        court_of = {c.id: c for c in courts}
        org_of = {o.id: o for o in orgs}
    return _page(request, "pages/admin.html", staff, status_code=status_code, courts=courts, orgs=orgs, users=users,
                 court_of=court_of, org_of=org_of, org_kinds=admin.ORG_KINDS,
                 message=extra.get("message"), notice=extra.get("notice"), new_password=extra.get("new_password"))


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request) -> Response:
    staff = _staff(request, "admin")
    if not isinstance(staff, Staff):
        return staff
    return _admin_page(request, staff)


@router.post("/admin/{what}", response_class=HTMLResponse)
async def admin_action(request: Request, what: str) -> Response:
    staff = _staff(request, "admin")
    if not isinstance(staff, Staff):
        return staff
    jiudi = _jiudi(request)
    actor = staff.user.username
    try:
        form = await _form(request, staff)
        f = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
        new_password = None
        with transaction(jiudi.engine) as session:
            if what == "courts":
                admin.add_court(session, f.get("code", ""), f.get("name", ""), actor=actor)
                notice = "法院已添加"
            elif what == "orgs":
                admin.add_organization(session, f.get("court", ""), f.get("name", ""), f.get("kind", ""), actor=actor)
                notice = "调解组织已添加"
            elif what == "users":
                new_password = admin.generate_password()
                admin.add_user(session, f.get("username", ""), role=f.get("role", ""), court_code=f.get("court", ""),
                               password=new_password, organization=f.get("organization") or None,
                               name=f.get("name") or None, actor=actor)
                notice = f"用户 {f.get('username')} 已创建"
            elif what == "disable":
                admin.disable_user(session, f.get("username", ""), actor=actor)
                notice = f"用户 {f.get('username')} 已停用，其登录立即失效"
            elif what == "reset":
                new_password = admin.reset_password(session, f.get("username", ""), actor=actor)
                notice = f"用户 {f.get('username')} 的密码已重置"
            else:
                raise DomainError("not_found", "请求的地址不存在", 404)
    except DomainError as exc:
        return _admin_page(request, staff, status_code=exc.status, message=exc.message)
    return _admin_page(request, staff, notice=notice, new_password=new_password)


