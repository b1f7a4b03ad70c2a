"""调解员考评 pages, one per audience: the mediator's own figures (``/m/evaluation``), an organisation head's
(``/e``, the head's home), the court's (``/j/evaluation``, judges and clerks). Each shows the scoring weights beside
the scores; the figures and who may read them come from ``confirm.reports.evaluation``, as in the API."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from confirm.core.clock import china_today
from confirm.law.errors import DomainError
from confirm.models import Role
from confirm.pages.session import Staff, error_page, page, signed_in
from confirm.reports.evaluation import mediator_evaluation
from confirm.web.deps import get_runtime

router = APIRouter(include_in_schema=False)
COMPONENT_NAMES = {"confirmation_rate": "确认率", "no_returns": "未退回补正", "no_objections": "未被异议或撤销",
                   "performance_rate": "履行率", "timeliness": "及时提交", "rating": "当事人评价"}
TITLES = {"mediator": "我的考评", "organization": "本组织调解员考评", "court": "调解员考评"}
HOMES = {"mediator": ("/m", "← 返回申请列表"), "organization": (None, None), "court": ("/j", "← 返回审查队列")}


def _evaluation_page(request: Request, path: str, roles: tuple[Role, ...], start: str, to: str) -> Response:
    staff = signed_in(request, *roles)
    if not isinstance(staff, Staff):
        return staff
    today = china_today()
    try:
        first = date.fromisoformat(start) if start else today.replace(day=1)
        last = date.fromisoformat(to) if to else today
    except ValueError:
        return error_page(request, staff, DomainError("page.date_format", "日期格式不正确，应为 YYYY-MM-DD", 422))
    runtime = get_runtime(request)
    report, error, status = None, None, 200
    try:
        with runtime.unit_of_work() as session:
            report = mediator_evaluation(session, staff.user, runtime.evaluation_weights, first, last)
    except DomainError as exc:
        error, status = exc.message, exc.status
    audience = {Role.MEDIATOR: "mediator", Role.ORG_HEAD: "organization"}.get(Role(staff.user.role), "court")
    return page(request, "pages/evaluation.html", staff, status_code=status, report=report, error=error,
                path=path, title=TITLES[audience], audience=audience, home=HOMES[audience],
                weights=runtime.evaluation_weights, names=COMPONENT_NAMES,
                start=first.isoformat(), end=last.isoformat(), today=today.isoformat())


@router.get("/m/evaluation", response_class=HTMLResponse)
def mediator_page(request: Request, start: str = Query("", alias="from"), to: str = "") -> Response:
    """The mediator's own figures and score, and the parties' comments without their names."""
    return _evaluation_page(request, "/m/evaluation", (Role.MEDIATOR,), start, to)


@router.get("/e", response_class=HTMLResponse)
def organization_page(request: Request, start: str = Query("", alias="from"), to: str = "") -> Response:
    """The organisation head's page: the organisation's figures and each of its mediators'."""
    return _evaluation_page(request, "/e", (Role.ORG_HEAD,), start, to)


@router.get("/j/evaluation", response_class=HTMLResponse)
def court_page(request: Request, start: str = Query("", alias="from"), to: str = "") -> Response:
    """The court's page: every organisation and every mediator of the court."""
    return _evaluation_page(request, "/j/evaluation", (Role.JUDGE, Role.CLERK), start, to)
