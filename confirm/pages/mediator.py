"""The mediator's pages (tablet, zh-CN): their organisation's applications, a new application, one application
with its documents, submission, withdrawal, the ruling when it comes back, and service on the parties."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, BinaryIO

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.datastructures import FormData, UploadFile

from confirm.applications import service as applications
from confirm.applications import transitions
from confirm.applications.idempotency import idempotent
from confirm.applications.schemas import application_json, summary_json
from confirm.core.clock import CHINA, china_today
from confirm.core.runtime import Runtime
from confirm.execution import service as execution
from confirm.follow_up.due import STATE_NAMES, due_list
from confirm.law.errors import DomainError
from confirm.law.follow_up import DEFAULT_WITHIN
from confirm.law.intake import ApplicationIn
from confirm.law.lifecycle import Action, require_allowed
from confirm.law.performance import PerformanceState
from confirm.law.review import Outcome, ground_labels
from confirm.law.uploads import MAX_DOCUMENT_BYTES
from confirm.models import Application, Court, Decision, Organization, PartyLinkState, Role, User, pk
from confirm.pages.forms import blank_application, filed_obligations, form_step, nested_application, service_from_form
from confirm.pages.session import Act, Staff, error_page, form_action, form_errors, page, read_form, signed_in
from confirm.parties.service import current_links, link_url
from confirm.performance import service as performance
from confirm.serving import service as serving
from confirm.serving.schemas import decode_data_url
from confirm.web.deps import DbId, get_runtime
from confirm.web.html import qr_svg_data_url

router = APIRouter(include_in_schema=False)
DONE_NOTICES = {"uploaded": "材料已上传", "removed": "材料已删除", "submitted": "申请已提交法院，法官审查时本页会自动更新",
                "withdrawn": "申请已撤回", "served": "送达已登记",
                "edited": "申请已修改；提交后各方当事人将收到新的确认链接", "performance": "履行情况已登记"}


def application_view(runtime: Runtime, session: Session, app: Application) -> dict[str, Any]:
    """The application as the pages show it (the API's JSON, with links relative to this site)."""
    return application_json(session, app, public_base_url="", secret=runtime.secret)


def outcomes_of(session: Session, application_ids: list[str]) -> dict[str, str]:
    """The judge's outcome of each decided application among ``application_ids`` (for the list's chips)."""
    if not application_ids:
        return {}
    rows = session.exec(select(Decision.application_id, Decision.outcome)
                        .where(col(Decision.application_id).in_(application_ids)))
    return dict(rows.all())


def outcome_view(session: Session, application_id: str) -> dict[str, Any] | None:
    """What the mediator is told of the judge's decision: the outcome, the grounds in the court's words, the
    judge's reasoning, and what the parties can do next (confirm.law.review); None before a decision."""
    decision = session.exec(select(Decision).where(Decision.application_id == application_id)).first()
    if decision is None:
        return None
    outcome = Outcome(decision.outcome)
    return {"outcome": outcome.value, "name": outcome.name_zh, "effect": outcome.effect_zh,
            "grounds": ground_labels(outcome, decision.grounds), "reasoning": decision.reasoning,
            "next_steps": outcome.next_steps_zh}


@router.get("/m", response_class=HTMLResponse)
def mediator_home(request: Request) -> Response:
    staff = signed_in(request, Role.MEDIATOR)
    if not isinstance(staff, Staff):
        return staff
    with get_runtime(request).unit_of_work() as session:
        rows = [summary_json(session, a) for a in applications.list_visible(session, staff.user)]
        outcomes = outcomes_of(session, [r["id"] for r in rows])
        org = session.get(Organization, staff.user.organization_id)
        due = due_list(session, staff.user, within=DEFAULT_WITHIN, today=china_today())
    rows.sort(key=lambda r: r["submitted_at"] or "9999", reverse=True)
    return page(request, "pages/mediator_home.html", staff, rows=rows, outcomes=outcomes, org=org, due=due,
                STATE_NAMES=STATE_NAMES, reminder_days=get_runtime(request).settings.performance_reminder_days)


def filing_rules(runtime: Runtime, court_code: str) -> dict[str, Any]:
    """What the form's live hint needs to count the 30-day window as the server does (CPL 205, 85): the court's
    choice for late applications and the rest-day calendar of the years around today."""
    with runtime.unit_of_work() as session:
        late = applications.late_applications_setting(session, court_code)
    years = range(china_today().year - 1, china_today().year + 2)
    calendar = runtime.calendar
    return {"late_applications": late,
            "holidays": sorted(d.isoformat() for d in calendar.holidays if d.year in years),
            "working_days": sorted(d.isoformat() for d in calendar.working_days if d.year in years)}


def _form_page(request: Request, staff: Staff, **context: Any) -> Response:
    """The application form, with the filing window's rules for its live hint."""
    rules = filing_rules(get_runtime(request), str(context["body"].get("court_code") or ""))
    return page(request, "pages/application_form.html", staff, filing_rules=rules, **context)


@router.get("/m/new", response_class=HTMLResponse)
def new_application_page(request: Request) -> Response:
    staff = signed_in(request, Role.MEDIATOR)
    if not isinstance(staff, Staff):
        return staff
    with get_runtime(request).unit_of_work() as session:
        court = session.get(Court, staff.user.court_id)
    return _form_page(request, staff,
                body=blank_application(staff.user, court.code if court else ""),
                idempotency_key=uuid.uuid4().hex, fields={}, message=None)


@router.post("/m/new", response_class=HTMLResponse)
async def new_application(request: Request) -> Response:
    staff = signed_in(request, Role.MEDIATOR)
    if not isinstance(staff, Staff):
        return staff
    form = await read_form(request, staff)
    body = nested_application(form)
    key = str(form.get("idempotency_key", "")) or uuid.uuid4().hex
    if (note := form_step(body, str(form.get("action", "")))) is not None:  # 添加, 删除, 识别: nothing stored
        return _form_page(request, staff, body=body, idempotency_key=key, fields={}, message=None,
                          obligations_note=note, fresh=True)
    try:
        parsed = ApplicationIn.model_validate(filed_obligations(body))

        def run(session: Session) -> tuple[int, dict[str, Any]]:
            app = applications.create_application(session, staff.user, parsed, today=china_today(),
                                                  calendar=get_runtime(request).calendar)
            return 201, {"id": app.id}

        _status, payload = idempotent(get_runtime(request), pk(staff.user), key, parsed.model_dump(mode="json"),
                                      run)
    except (DomainError, ValidationError) as exc:
        message, fields, _status = form_errors(exc)
        return _form_page(request, staff, status_code=422, body=body,
                    idempotency_key=key, fields=fields, message=message)
    return RedirectResponse(f"/m/a/{payload['id']}?created=1", status_code=303)


def _edit_form(request: Request, staff: Staff, application_id: str, body: dict[str, Any], status_code: int = 200,
               **context: Any) -> Response:
    return _form_page(request, staff, status_code=status_code, body=body,
                idempotency_key="", heading="修改申请", editing=application_id,
                form_action=f"/m/a/{application_id}/edit", draft_key=f"edit-{application_id}",
                fields=context.pop("fields", {}), message=context.pop("message", None), **context)


@router.get("/m/a/{application_id}/edit", response_class=HTMLResponse)
def edit_application_page(request: Request, application_id: str) -> Response:
    """修改申请: the same form as a new application, filled in with what is on file (a draft or a returned case)."""
    staff = signed_in(request, Role.MEDIATOR)
    if not isinstance(staff, Staff):
        return staff
    runtime = get_runtime(request)
    try:
        with runtime.unit_of_work() as session:
            app = applications.get_visible(session, staff.user, application_id)
            require_allowed(app.status, Action.EDIT)
            view = application_view(runtime, session, app)
    except DomainError as exc:
        return error_page(request, staff, exc)
    body = {key: view[key] for key in ("court_code", "dispute_type", "mediation", "agreement", "obligations")}
    body["parties"] = view["parties"]
    return _edit_form(request, staff, application_id, body)


@router.post("/m/a/{application_id}/edit", response_class=HTMLResponse)
async def edit_application(request: Request, application_id: str) -> Response:
    """The corrected application replaces the one on file, validated as a new one is (PUT in the API)."""
    staff = signed_in(request, Role.MEDIATOR)
    if not isinstance(staff, Staff):
        return staff
    form = await read_form(request, staff)
    body = nested_application(form)
    if (note := form_step(body, str(form.get("action", "")))) is not None:  # 添加, 删除, 识别: nothing stored
        return _edit_form(request, staff, application_id, body, obligations_note=note, fresh=True)
    try:
        parsed = ApplicationIn.model_validate(filed_obligations(body))
        with get_runtime(request).unit_of_work() as session:
            applications.replace_application(session, staff.user, application_id, parsed, today=china_today(),
                                             calendar=get_runtime(request).calendar)
    except (DomainError, ValidationError) as exc:
        message, fields, status = form_errors(exc)
        return _edit_form(request, staff, application_id, body, status_code=status, fields=fields, message=message)
    return RedirectResponse(f"/m/a/{application_id}?done=edited", status_code=303)


def party_links(runtime: Runtime, session: Session, application_id: str) -> dict[int, dict[str, str]]:
    """For each party still to confirm, its link and the link's QR code (an SVG data URL) for the tablet: the
    party scans it with their own phone on the spot."""
    out = {}
    for party_id, link in current_links(session, application_id).items():
        if link.state == PartyLinkState.PENDING:
            url = link_url(runtime, link)
            out[party_id] = {"url": url, "qr": qr_svg_data_url(url)}
    return out


def _application_page(request: Request, staff: Staff, application_id: str, status_code: int = 200,
                      **extra: Any) -> Response:
    runtime = get_runtime(request)
    with runtime.unit_of_work() as session:
        app = applications.get_visible(session, staff.user, application_id)
        view = application_view(runtime, session, app)
        links = party_links(runtime, session, application_id)
        outcome = outcome_view(session, application_id)
        removable = applications.removable_document_ids(session, staff.user, app)
        obligees = execution.offered_obligees(session, application_id)
        followed = performance.performance_json(session, app)
        mine = app.created_by == staff.user.id
    return page(request, "pages/mediator_application.html", staff, status_code=status_code, a=view, links=links,
                outcome=outcome, removable=removable, execution_obligees=obligees, performance=followed, mine=mine,
                PERFORMANCE_NAMES={s.value: s.name_zh for s in PerformanceState},
                now=datetime.now(CHINA).strftime("%Y-%m-%dT%H:%M"), fields=extra.pop("fields", {}),
                message=extra.pop("message", None), notice=extra.pop("notice", None), **extra)


@router.get("/m/a/{application_id}", response_class=HTMLResponse)
def mediator_application(request: Request, application_id: str, created: str = "", done: str = "") -> Response:
    staff = signed_in(request, Role.MEDIATOR)
    if not isinstance(staff, Staff):
        return staff
    try:
        return _application_page(request, staff, application_id, clear_draft=bool(created),
                                 notice="申请已保存为草稿，请上传材料并由当事人签名后提交" if created
                                 else DONE_NOTICES.get(done))
    except DomainError as exc:
        return error_page(request, staff, exc)


async def _mediator_action(request: Request, application_id: str, act: Act, notice: str) -> Response:
    def on_error(staff: Staff, message: str, fields: dict[str, str], status: int, form: FormData) -> Response:
        try:  # (what the mediator entered for the service is kept; nothing is filled in for them)
            return _application_page(request, staff, application_id, status_code=status, message=message,
                                     fields=fields, form_place=str(form.get("place", "")),
                                     form_served_at=str(form.get("served_at", "")))
        except DomainError as again:
            return error_page(request, staff, again)

    return await form_action(request, (Role.MEDIATOR,), act, done=f"/m/a/{application_id}?done={notice}",
                             on_error=on_error)


@router.post("/m/a/{application_id}/documents", response_class=HTMLResponse)
async def upload_document(request: Request, application_id: str) -> Response:
    """One or several files of one kind (without JavaScript), one file with its own kind (uploads.js sends each
    file on its own, so a weak network loses at most the file in flight), or the signed joint application."""
    async def act(runtime: Runtime, staff: Staff, form: FormData) -> None:
        kind = str(form.get("kind", ""))
        signed = str(form.get("signed_png", ""))
        files: list[tuple[str, bytes | BinaryIO]] = []
        if signed:
            content = decode_data_url(signed, field="signature", code="page.signature_unreadable",
                                      message="签名图片无法识别，请重新签名")
            files, kind = [("联合申请书签名页.png", content)], "joint_application"
        else:
            for upload in form.getlist("file"):
                if isinstance(upload, UploadFile) and upload.filename:
                    files.append((upload.filename, upload.file))  # spooled to disk: stored a chunk at a time
        if not files:
            raise DomainError.for_field("file", "page.file_required", "请选择要上传的文件")
        with runtime.unit_of_work() as session:  # all or none: a refused file leaves nothing half-filed
            for filename, upload_content in files:
                try:
                    applications.add_document(session, runtime.store, staff.user, application_id, kind=kind,
                                              filename=filename, content=upload_content)
                except DomainError as exc:
                    if len(files) == 1:
                        raise
                    raise DomainError.for_field("file", exc.code, f"“{filename}”：{exc.message}（本次所选文件均未上传）",
                                                exc.status) from exc
    return await _mediator_action(request, application_id, act, "uploaded")


@router.post("/m/a/{application_id}/documents/{document_id}/remove", response_class=HTMLResponse)
async def remove_document(request: Request, application_id: str, document_id: DbId) -> Response:
    """删除: a wrong upload taken back (DELETE …/documents/{id} in the API)."""
    async def act(runtime: Runtime, staff: Staff, _form: FormData) -> None:
        with runtime.unit_of_work() as session:
            applications.remove_document(session, staff.user, application_id, document_id)
    return await _mediator_action(request, application_id, act, "removed")


def _transition(change: Callable[[Runtime, Session, User], Application]) -> Act:
    """A form that only asks for one transition (submit, withdraw)."""
    async def act(runtime: Runtime, staff: Staff, _form: FormData) -> None:
        with runtime.unit_of_work() as session:
            change(runtime, session, staff.user)
    return act


@router.post("/m/a/{application_id}/submit", response_class=HTMLResponse)
async def submit_application(request: Request, application_id: str) -> Response:
    return await _mediator_action(request, application_id, _transition(
        lambda runtime, session, user: transitions.submit(runtime, session, user, application_id)),
                                  "submitted")


@router.post("/m/a/{application_id}/withdraw", response_class=HTMLResponse)
async def withdraw_application(request: Request, application_id: str) -> Response:
    return await _mediator_action(request, application_id, _transition(
        lambda _runtime, session, user: transitions.withdraw(session, user, application_id)),
                                  "withdrawn")


@router.post("/m/a/{application_id}/service", response_class=HTMLResponse)
async def record_service(request: Request, application_id: str) -> Response:
    async def act(runtime: Runtime, staff: Staff, form: FormData) -> None:
        body = service_from_form(form)
        with runtime.unit_of_work() as session:
            serving.record_service(runtime, session, staff.user, application_id, body)
    return await _mediator_action(request, application_id, act, "served")


@router.post("/m/a/{application_id}/performance", response_class=HTMLResponse)
async def record_performance(request: Request, application_id: str) -> Response:
    """The mediator records performance they witnessed, with a proof (``POST …/obligations/{oid}/performance``)."""
    async def act(runtime: Runtime, staff: Staff, form: FormData) -> None:
        try:
            obligation_id = int(str(form.get("obligation_id", "")))
        except ValueError as exc:
            raise DomainError("performance.obligation_not_found", "本案没有这项履行义务", 404) from exc
        proof_id = str(form.get("proof_id", "")).strip()
        body = performance.WitnessedIn(state=str(form.get("state", "")), note=str(form.get("note", "")) or None,
                                       proof_id=int(proof_id) if proof_id.isdigit() else None)
        upload = form.get("file")
        file = None
        if isinstance(upload, UploadFile) and upload.filename:
            file = (upload.filename, await upload.read(MAX_DOCUMENT_BYTES + 1))
        with runtime.unit_of_work() as session:
            performance.record_witnessed(session, runtime.store, staff.user, application_id, obligation_id, body, file)
    return await _mediator_action(request, application_id, act, "performance")
