"""The court's pages (desktop, zh-CN), for judges and clerks: the live review queue, one application under review,
claiming, releasing, returning, the decision with its unsealed preview, and voiding a mistaken service record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from confirm.applications import service as applications
from confirm.applications import transitions
from confirm.applications.schemas import summary_json
from confirm.core.clock import CHINA, china_today
from confirm.core.runtime import Runtime
from confirm.issuance.ruling import preview_ruling
from confirm.law.errors import DomainError
from confirm.law.parties import REQUIRED
from confirm.law.review import OUTCOMES, OUTCOMES_STATING_VERIFICATION, grounds_for
from confirm.models import Court, Role, pk
from confirm.pages.forms import decision_from_form, decision_summary
from confirm.pages.mediator import application_view
from confirm.pages.session import Act, Staff, error_page, form_action, form_errors, page, read_form, signed_in
from confirm.parties.service import parties_of
from confirm.serving import service as serving
from confirm.web.deps import PartyId, get_runtime

router = APIRouter(include_in_schema=False)
COURT_STAFF = (Role.JUDGE, Role.CLERK)


@router.get("/j", response_class=HTMLResponse)
def review_queue(request: Request, fragment: str = "") -> Response:
    staff = signed_in(request, *COURT_STAFF)
    if not isinstance(staff, Staff):
        return staff
    with get_runtime(request).unit_of_work() as session:
        rows = [summary_json(session, a) for a in applications.review_queue(session, staff.user)]
    name = "pages/queue_rows.html" if fragment else "pages/queue.html"
    return page(request, name, staff, rows=rows, today=china_today().isoformat())


def _review_page(request: Request, staff: Staff, application_id: str, status_code: int = 200,
                 **extra: Any) -> Response:
    runtime = get_runtime(request)
    with runtime.unit_of_work() as session:
        app = applications.get_visible(session, staff.user, application_id)
        view = application_view(runtime, session, app)
        clerks = [(c.username, c.name) for c in transitions.clerks_of(session, app.court_id)]
        court = session.get(Court, app.court_id)
    grounds = {o: grounds_for(o) for o in OUTCOMES}
    form = extra.pop("form", {})
    chosen = [str(g) for g in form.getlist(f"grounds_{form.get('outcome', '')}")] if isinstance(form, FormData) else []
    return page(request, "pages/review.html", staff, status_code=status_code, a=view, grounds=grounds, clerks=clerks,
                outcomes=OUTCOMES, verification_outcomes=OUTCOMES_STATING_VERIFICATION, chosen_grounds=chosen,
                form_items=list(form.multi_items()) if isinstance(form, FormData) else [],
                summary=extra.pop("summary", None), now=datetime.now(CHINA).strftime("%Y-%m-%dT%H:%M"),
                party_confirmation_required=court is not None and court.party_confirmation == REQUIRED,
                fields=extra.pop("fields", {}), message=extra.pop("message", None), form=form)


@router.get("/j/a/{application_id}", response_class=HTMLResponse)
def review_application(request: Request, application_id: str) -> Response:
    staff = signed_in(request, *COURT_STAFF)
    if not isinstance(staff, Staff):
        return staff
    try:
        return _review_page(request, staff, application_id)
    except DomainError as exc:
        return error_page(request, staff, exc)


async def _court_action(request: Request, application_id: str, act: Act) -> Response:
    def on_error(staff: Staff, message: str, fields: dict[str, str], status: int, form: FormData) -> Response:
        return _review_page(request, staff, application_id, status_code=status, message=message, fields=fields,
                            form=form)

    return await form_action(request, COURT_STAFF, act, done=f"/j/a/{application_id}", on_error=on_error)


@router.post("/j/a/{application_id}/claim", response_class=HTMLResponse)
async def claim(request: Request, application_id: str) -> Response:
    async def act(runtime: Runtime, staff: Staff, _form: FormData) -> None:
        with runtime.unit_of_work() as session:
            transitions.claim(session, staff.user, application_id)
    return await _court_action(request, application_id, act)


@router.post("/j/a/{application_id}/release", response_class=HTMLResponse)
async def release(request: Request, application_id: str) -> Response:
    async def act(runtime: Runtime, staff: Staff, _form: FormData) -> str:
        with runtime.unit_of_work() as session:
            transitions.release(session, staff.user, application_id)
        return "/j"
    return await _court_action(request, application_id, act)


@router.post("/j/a/{application_id}/return", response_class=HTMLResponse)
async def return_for_correction(request: Request, application_id: str) -> Response:
    async def act(runtime: Runtime, staff: Staff, form: FormData) -> str:
        with runtime.unit_of_work() as session:
            transitions.return_for_correction(session, staff.user, application_id, str(form.get("reason", "")))
        return "/j"
    return await _court_action(request, application_id, act)


@router.post("/j/a/{application_id}/service/{party_id}/void", response_class=HTMLResponse)
async def void_service(request: Request, application_id: str, party_id: PartyId) -> Response:
    async def act(runtime: Runtime, staff: Staff, form: FormData) -> None:
        with runtime.unit_of_work() as session:
            serving.void_service(session, staff.user, application_id, party_id, str(form.get("reason", "")))
    return await _court_action(request, application_id, act)


@router.post("/j/a/{application_id}/preview", response_class=HTMLResponse)
async def preview(request: Request, application_id: str) -> Response:
    """The ruling the filled-in decision form would make, unsealed and marked 预览, in a new tab."""
    staff = signed_in(request, Role.JUDGE)
    if not isinstance(staff, Staff):
        return staff
    form = FormData()
    try:
        form = await read_form(request, staff)
        pdf = await run_in_threadpool(preview_ruling, get_runtime(request), staff.user, application_id,
                                      decision_from_form(form), str(form.get("clerk", "")) or None)
    except (DomainError, ValidationError) as exc:
        message, fields, status = form_errors(exc)
        return _review_page(request, staff, application_id, status_code=status, message=message, fields=fields,
                            form=form)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": "inline"})


class _DryRun(Exception):
    """Rolls back a decision that was only checked."""


def _checked_decision(runtime: Runtime, staff: Staff, application_id: str, form: FormData) -> dict[str, Any]:
    """Check the decision exactly as deciding would (in a transaction that is rolled back) and say, from what the
    judge entered and nothing else, what will be sealed."""
    decision = decision_from_form(form)
    clerk_username = str(form.get("clerk", "")) or None
    try:
        with runtime.unit_of_work() as session:
            transitions.decide(session, staff.user, application_id, decision, clerk_username=clerk_username)
            app = applications.get_visible(session, staff.user, application_id)
            clerk = transitions.clerk_for(session, app.court_id, clerk_username)
            names = {pk(p): p.name for p in parties_of(session, application_id)}
            summary = decision_summary(decision, case_number=app.case_number or "", clerk=clerk.name, names=names)
            raise _DryRun
    except _DryRun:
        return summary


@router.post("/j/a/{application_id}/decision", response_class=HTMLResponse)
async def decide(request: Request, application_id: str) -> Response:
    """Two steps: the filled-in form is checked and summed up (nothing is stored); only the judge's confirmation
    of that summary seals the ruling, which cannot be taken back."""
    staff = signed_in(request, Role.JUDGE)
    if not isinstance(staff, Staff):
        return staff
    form = await read_form(request, staff)
    if form.get("confirmed") != "1":
        try:
            summary = _checked_decision(get_runtime(request), staff, application_id, form)
        except (DomainError, ValidationError) as exc:
            message, fields, status = form_errors(exc)
            return _review_page(request, staff, application_id, status_code=status, message=message, fields=fields,
                                form=form)
        return _review_page(request, staff, application_id, summary=summary, form=form)

    async def act(runtime: Runtime, staff: Staff, form: FormData) -> None:
        decision = decision_from_form(form)
        with runtime.unit_of_work() as session:
            transitions.decide(session, staff.user, application_id, decision,
                               clerk_username=str(form.get("clerk", "")) or None)
    return await _court_action(request, application_id, act)
