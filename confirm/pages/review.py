"""The court's pages (desktop, zh-CN), for judges and clerks: the live review queue, one application under review,
claiming, releasing, returning, the decision with its unsealed preview, and voiding a mistaken service record."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from confirm.applications import service as applications
from confirm.applications import transitions
from confirm.applications.schemas import summary_json
from confirm.core.clock import CHINA, china_time, china_today
from confirm.core.runtime import Runtime
from confirm.follow_up.due import case_performance
from confirm.issuance.ruling import preview_ruling, wait_for_ruling
from confirm.law.acceptance import accepted_by_decision, ground_groups_open, outcomes_before_or_after
from confirm.law.errors import DomainError
from confirm.law.parties import REQUIRED
from confirm.law.reading import marked, unstated
from confirm.law.report import chart_series, risk_name
from confirm.law.review import OUTCOMES, OUTCOMES_STATING_VERIFICATION, grounds_by_article
from confirm.law.supplement import MAX_SUPPLEMENT_DAYS, deadline_passed, outcomes_open, require_supplement_deadline
from confirm.models import Application, Court, Decision, Objection, Role, User, pk
from confirm.objections import service as objections
from confirm.objections.service import ObjectionDecisionIn, ObjectionIn
from confirm.pages.forms import decision_from_form, decision_summary
from confirm.pages.mediator import application_view
from confirm.pages.session import Act, Staff, error_page, form_action, form_errors, page, read_form, signed_in
from confirm.parties.service import parties_of
from confirm.reports import service as reports
from confirm.reports.document import MAX_CHART_CATEGORIES
from confirm.serving import service as serving
from confirm.web.deps import DbId, PartyId, get_runtime

log = logging.getLogger("jiudi.pages")
router = APIRouter(include_in_schema=False)
COURT_STAFF = (Role.JUDGE, Role.CLERK)


QUEUE_VIEWS = {"all": "全部待审", "mine": "我承办的", "unclaimed": "未领取", "due": "今日到期"}


def due_day(row: dict[str, Any]) -> str | None:
    """The day the row's running clock ends: the 30-day review once claimed, else the 3-day acceptance."""
    return row.get("review_deadline") or row.get("acceptance_deadline")


def queue_views(rows: list[dict[str, Any]], username: str, today: str) -> dict[str, list[dict[str, Any]]]:
    """The queue's filters: all open cases, the judge's own, the unclaimed, and those due today or overdue."""
    return {
        "all": rows,
        "mine": [r for r in rows if r["claimed_by"] == username],
        "unclaimed": [r for r in rows if r["status"] == "submitted"],
        "due": [r for r in rows if (due_day(r) or "9999") <= today],
    }


def case_row(session: Session, app: Application) -> dict[str, Any]:
    """A row of the court's case list: the queue's row, with the decision's outcome, time and judge."""
    row = summary_json(session, app)
    decision = session.exec(select(Decision).where(Decision.application_id == app.id)).first()
    judge = session.get(User, decision.judge_id) if decision else None
    row.update(outcome=decision.outcome if decision else None,
               decided_at=china_time(decision.decided_at).strftime("%Y-%m-%d %H:%M") if decision else None,
               judge=judge.name if judge else None)
    return row


@router.get("/j", response_class=HTMLResponse)
def review_queue(request: Request, fragment: str = "", view: str = "all", done: str = "") -> Response:
    staff = signed_in(request, *COURT_STAFF)
    if not isinstance(staff, Staff):
        return staff
    with get_runtime(request).unit_of_work() as session:
        rows = [summary_json(session, a) for a in applications.review_queue(session, staff.user)]
    today = china_today().isoformat()
    views = queue_views(rows, staff.user.username, today)
    view = view if view in views else "all"
    name = "pages/queue_rows.html" if fragment else "pages/queue.html"
    return page(request, name, staff, rows=views[view], today=today, view=view, views=QUEUE_VIEWS,
                counts={k: len(v) for k, v in views.items()},
                notice="队列中已没有待您审查的申请" if done == "empty" else None)


@router.get("/j/next", response_class=HTMLResponse)
def next_case(request: Request, after: str = "") -> Response:
    """下一件: the judge's own undecided case, else the oldest unclaimed one; the queue when there is none."""
    staff = signed_in(request, *COURT_STAFF)
    if not isinstance(staff, Staff):
        return staff
    with get_runtime(request).unit_of_work() as session:
        app = applications.next_case(session, staff.user, after=after or None)
        target = f"/j/a/{app.id}" if app is not None else "/j?done=empty"
    return RedirectResponse(target, status_code=303)


@router.get("/j/cases", response_class=HTMLResponse)
def court_cases(request: Request, q: str = "", when: str = "today", offset: int = 0) -> Response:
    """The court's cases, decided today or all, found by case number, a party's name or ID number."""
    staff = signed_in(request, *COURT_STAFF)
    if not isinstance(staff, Staff):
        return staff
    q, when, offset = q[:60], when if when in ("today", "all") else "today", max(0, offset)
    since = datetime.combine(china_today(), time(0), CHINA) if when == "today" and not q else None
    with get_runtime(request).unit_of_work() as session:
        found, more = applications.court_cases(session, staff.user, text=q, decided_since=since, offset=offset)
        rows = [case_row(session, a) for a in found]
    return page(request, "pages/cases.html", staff, rows=rows, q=q, when=when, offset=offset, more=more,
                limit=applications.SEARCH_LIMIT)


def _review_page(request: Request, staff: Staff, application_id: str, status_code: int = 200,
                 **extra: Any) -> Response:
    runtime = get_runtime(request)
    with runtime.unit_of_work() as session:
        app = applications.get_visible(session, staff.user, application_id)
        view = application_view(runtime, session, app)
        clerks = [(c.username, c.name) for c in transitions.clerks_of(session, app.court_id)]
        court = session.get(Court, app.court_id)
        following = applications.next_case(session, staff.user, after=app.id)
        accepted = app.accepted_at is not None
        offered = outcomes_before_or_after(outcomes_open(app.status), accepted=accepted)
        passed = deadline_passed(app.status, app.supplement_deadline, today=china_today())
        objection_rows = [objections.objection_json(runtime, session, o) for o in session.exec(
            select(Objection).where(Objection.application_id == app.id).order_by(col(Objection.serial)))]
        performance = case_performance(session, app.id, today=china_today())
    grounds = {o: grounds_by_article(o, ground_groups_open(o, accepted=accepted)) for o in OUTCOMES}
    names = [p["name"] for p in view["parties"]]
    text = view["agreement"]["text"]
    form = extra.pop("form", {})
    chosen = [str(g) for g in form.getlist(f"grounds_{form.get('outcome', '')}")] if isinstance(form, FormData) else []
    return page(request, "pages/review.html", staff, status_code=status_code, a=view, grounds=grounds, clerks=clerks,
                outcomes=offered, deadline_passed=passed,
                verification_outcomes=OUTCOMES_STATING_VERIFICATION, chosen_grounds=chosen,
                form_items=list(form.multi_items()) if isinstance(form, FormData) else [],
                summary=extra.pop("summary", None), now=datetime.now(CHINA).strftime("%Y-%m-%dT%H:%M"),
                party_confirmation_required=court is not None and court.party_confirmation == REQUIRED,
                fields=extra.pop("fields", {}), message=extra.pop("message", None), form=form,
                agreement_marked=marked(text, names), unstated=unstated(text, names, view["agreement"]["amount"]),
                has_next=following is not None, objections=objection_rows, performance=performance, today=china_today().isoformat(), tomorrow=(china_today() + timedelta(days=1)).isoformat(),
                latest_deadline=(china_today() + timedelta(days=MAX_SUPPLEMENT_DAYS)).isoformat())


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
        await run_in_threadpool(transitions.before_claim, runtime, staff.user, application_id)
        with runtime.unit_of_work() as session:
            transitions.claim(runtime, session, staff.user, application_id)
    return await _court_action(request, application_id, act)


@router.post("/j/a/{application_id}/accept", response_class=HTMLResponse)
async def accept(request: Request, application_id: str) -> Response:
    async def act(runtime: Runtime, staff: Staff, _form: FormData) -> None:
        with runtime.unit_of_work() as session:
            transitions.accept(session, staff.user, application_id)
    return await _court_action(request, application_id, act)


@router.post("/j/a/{application_id}/release", response_class=HTMLResponse)
async def release(request: Request, application_id: str) -> Response:
    async def act(runtime: Runtime, staff: Staff, _form: FormData) -> str:
        with runtime.unit_of_work() as session:
            transitions.release(session, staff.user, application_id)
        return "/j"
    return await _court_action(request, application_id, act)


def supplement_deadline_from(form: FormData) -> date:
    """The page's 补正期限 (required here, unlike the API's): a day after today, within 30 days."""
    text = str(form.get("deadline", "")).strip()
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        raise DomainError.for_field("deadline", "page.date_format", "补正期限的日期格式不正确") from None
    return require_supplement_deadline(day, today=china_today())


@router.post("/j/a/{application_id}/return", response_class=HTMLResponse)
async def return_for_correction(request: Request, application_id: str) -> Response:
    async def act(runtime: Runtime, staff: Staff, form: FormData) -> str:
        with runtime.unit_of_work() as session:
            deadline = supplement_deadline_from(form)
            transitions.return_for_correction(session, staff.user, application_id, str(form.get("reason", "")),
                                              deadline)
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
            accepted = applications.get_visible(session, staff.user, application_id).accepted_at is not None
            transitions.decide(session, staff.user, application_id, decision, clerk_username=clerk_username)
            app = applications.get_visible(session, staff.user, application_id)
            clerk = transitions.clerk_for(session, app.court_id, clerk_username)
            names = {pk(p): p.name for p in parties_of(session, application_id)}
            summary = decision_summary(decision, case_number=app.case_number or "", clerk=clerk.name, names=names,
                                       accepts=accepted_by_decision(decision.outcome, accepted=accepted))
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
        # the answer is the page with the sealed ruling when it comes soon, not a notice followed at once by a
        # second fetch: in the moment the ruling is made the server renders the judge's page once, not twice
        try:
            await run_in_threadpool(wait_for_ruling, runtime, application_id, SEAL_WAIT_SECONDS)
        except Exception:  # the decision is recorded: a failed wait means the notice, never an error (re-posted)
            log.exception("waiting for the ruling of %s failed; answered with the notice", application_id)
    return await _court_action(request, application_id, act)


SEAL_WAIT_SECONDS = 3.0  # 盖章出具 answers with the sealed ruling when it comes this soon, else with the notice


def _optional(form: FormData, key: str) -> str | None:
    value = str(form.get(key, "")).strip()
    return value or None


def _page_date(form: FormData, key: str, what: str) -> date | None:
    text = _optional(form, key)
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise DomainError.for_field(key, "page.date_format", f"{what}的日期格式不正确") from None


def objection_from_form(form: FormData) -> ObjectionIn:
    """登记异议 as the page's form has it: the same body as ``POST …/objections``, nothing preset."""
    kind = _optional(form, "objector_kind")
    if kind not in ("party", "interested_person"):
        raise DomainError.for_field("objector_kind", "objection.kind_required", "请选择异议人是当事人还是利害关系人")
    filed_on = _page_date(form, "filed_on", "提出异议")
    if filed_on is None:
        raise DomainError.for_field("filed_on", "objection.filed_on_required", "请填写提出异议的日期")
    party = _optional(form, "party_id") if kind == "party" else None
    return ObjectionIn.model_validate({
        "objector_kind": kind, "party_id": int(party) if party and party.isdigit() else None,
        "name": _optional(form, "name") if kind == "interested_person" else None,
        "id_number": _optional(form, "id_number") if kind == "interested_person" else None,
        "address": _optional(form, "address") if kind == "interested_person" else None,
        "received_on": _page_date(form, "received_on", "收到裁定") if kind == "party" else None,
        "known_on": _page_date(form, "known_on", "知道权益受侵害") if kind == "interested_person" else None,
        "filed_on": filed_on, "request": str(form.get("request", ""))})


@router.post("/j/a/{application_id}/objections", response_class=HTMLResponse)
async def register_objection(request: Request, application_id: str) -> Response:
    async def act(runtime: Runtime, staff: Staff, form: FormData) -> None:
        body = objection_from_form(form)
        serial = await run_in_threadpool(objections.before_registering, runtime, staff.user, application_id)
        with runtime.unit_of_work() as session:
            objections.register(runtime, session, staff.user, application_id, body, serial)
    return await _court_action(request, application_id, act)


@router.post("/j/a/{application_id}/objections/{objection_id}/decision", response_class=HTMLResponse)
async def decide_objection(request: Request, application_id: str, objection_id: DbId) -> Response:
    async def act(runtime: Runtime, staff: Staff, form: FormData) -> None:
        body = ObjectionDecisionIn(outcome=str(form.get("outcome", "")), reasoning=str(form.get("reasoning", "")),
                                   change_text=_optional(form, "change_text"), clerk=_optional(form, "clerk"))
        with runtime.unit_of_work() as session:
            objection = objections.get_objection(session, staff.user, objection_id)
            if objection.application_id != application_id:
                raise DomainError("objection.not_found", "未找到该异议案件", 404)
            objections.decide(session, staff.user, objection_id, body)
    return await _court_action(request, application_id, act)


@router.get("/j/report", response_class=HTMLResponse)
def joint_meeting_report(request: Request, start: str = Query("", alias="from"), to: str = "",
                         period: str = Query("", max_length=10)) -> Response:
    """联席会议报表 as tables and charts (ECharts, served here; without scripts the tables alone): this month so far
    unless a period (dates, or a month / quarter / year) is asked for, with the XLSX and the sealed PDF of it."""
    staff = signed_in(request, *COURT_STAFF)
    if not isinstance(staff, Staff):
        return staff
    today = china_today()
    try:
        first = date.fromisoformat(start) if start else (None if period else today.replace(day=1))
        last = date.fromisoformat(to) if to else (None if period else today)
    except ValueError:
        return error_page(request, staff, DomainError("page.date_format", "日期格式不正确，应为 YYYY-MM-DD", 422))
    report, message, status, charts = None, None, 200, []
    try:
        with get_runtime(request).unit_of_work() as session:
            report = reports.joint_meeting(session, staff.user, first, last, period_name=period or None)
        charts = chart_series(report, max_categories=MAX_CHART_CATEGORIES)
    except DomainError as exc:
        message, status = exc.message, exc.status
    quarter = (today.month - 1) // 3 + 1
    shortcuts = [("本月", f"{today:%Y-%m}"), ("本季度", f"{today.year}-Q{quarter}"), ("本年度", str(today.year)),
                 ("上月", f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"), ("上一年度", str(today.year - 1))]
    return page(request, "pages/report.html", staff, status_code=status, report=report, message=message,
                start=report["period"]["from"] if report else (first or today).isoformat(),
                end=report["period"]["to"] if report else (last or today).isoformat(), today=today.isoformat(),
                outcomes=OUTCOMES, charts=charts, shortcuts=shortcuts, period_name=period, risk_name=risk_name)
