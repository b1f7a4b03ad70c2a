"""The joint-meeting report in the staff API (api.md "Oversight"): JSON, or XLSX / a sealed PDF by the path's
suffix. The period is ``from`` and ``to``, or ``period`` (a month 2026-03, a quarter 2026-Q1, a year 2026)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from confirm.accounts.deps import UserDep
from confirm.reports import document, service, xlsx
from confirm.web.deps import RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["reports"])
From = Annotated[date | None, Query(alias="from", description="the period's first day (the court's day, YYYY-MM-DD)")]
To = Annotated[date | None, Query(description="the period's last day, included; not after today, at most 366 days")]
PeriodName = Annotated[str | None, Query(alias="period", max_length=10,
                                         description="instead of from/to: a month 2026-03, a quarter 2026-Q1 or a "
                                                     "year 2026 (the one under way: so far)")]
OrganizationFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="one organisation of the court")]


def _report(runtime: Any, user: Any, start: date | None, end: date | None, organization_id: int | None,
            period_name: str | None) -> dict[str, Any]:
    with runtime.unit_of_work() as session:
        return service.joint_meeting(session, user, start, end, organization_id, period_name=period_name)


def _filename(report: dict[str, Any], suffix: str) -> str:
    return f"joint-meeting-{report['period']['from']}-{report['period']['to']}.{suffix}"


@router.get("/reports/joint-meeting.xlsx")
def joint_meeting_xlsx(runtime: RuntimeDep, user: UserDep, start: From = None, to: To = None,
                       organization_id: OrganizationFilter = None, period: PeriodName = None) -> Response:
    """The report as an XLSX workbook (the figures per group, grounds, returns, risk flags)."""
    report = _report(runtime, user, start, to, organization_id, period)
    return Response(xlsx.workbook(report), media_type=xlsx.MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(report, "xlsx")}"'})


@router.get("/reports/joint-meeting.pdf")
def joint_meeting_pdf(runtime: RuntimeDep, user: UserDep, start: From = None, to: To = None,
                      organization_id: OrganizationFilter = None, period: PeriodName = None) -> Response:
    """The report as a PDF sealed by the court (PAdES, the rulings' seal) for the meeting's record: the tables and
    the page's charts drawn as vector graphics. Sealed in the request (a few pages); the audit log keeps who sealed
    which period and the file's SHA-256. More organisations than the PDF's limit: 422 report.export_too_large."""
    report = _report(runtime, user, start, to, organization_id, period)
    sealed = document.seal(runtime, report)
    with runtime.unit_of_work() as session:
        document.record_sealed(session, user, report, sealed)
    return Response(sealed.pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(report, "pdf")}"'})


@router.get("/reports/joint-meeting")
def joint_meeting(runtime: RuntimeDep, user: UserDep, start: From = None, to: To = None,
                  organization_id: OrganizationFilter = None, period: PeriodName = None) -> dict[str, Any]:
    """联席会议报表: the period's figures for the caller's court (judges and clerks), in total, per kind of
    organisation and per organisation."""
    report = _report(runtime, user, start, to, organization_id, period)
    return report
