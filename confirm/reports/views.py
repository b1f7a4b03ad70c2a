"""The joint-meeting report in the staff API (api.md "Oversight"): JSON, or XLSX by the path's suffix."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from confirm.accounts.deps import UserDep
from confirm.reports import service, xlsx
from confirm.web.deps import RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["reports"])
From = Annotated[date, Query(alias="from", description="the period's first day (the court's day, YYYY-MM-DD)")]
To = Annotated[date, Query(description="the period's last day, included; not after today, at most 366 days")]
OrganizationFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="one organisation of the court")]


def _report(runtime: Any, user: Any, start: date, end: date, organization_id: int | None) -> dict[str, Any]:
    with runtime.unit_of_work() as session:
        return service.joint_meeting(session, user, start, end, organization_id)


@router.get("/reports/joint-meeting.xlsx")
def joint_meeting_xlsx(runtime: RuntimeDep, user: UserDep, start: From, to: To,
                       organization_id: OrganizationFilter = None) -> Response:
    """The report as an XLSX workbook (the figures per group, grounds, returns, risk flags)."""
    report = _report(runtime, user, start, to, organization_id)
    name = f"joint-meeting-{report['period']['from']}-{report['period']['to']}.xlsx"
    return Response(xlsx.workbook(report), media_type=xlsx.MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/reports/joint-meeting")
def joint_meeting(runtime: RuntimeDep, user: UserDep, start: From, to: To,
                  organization_id: OrganizationFilter = None) -> dict[str, Any]:
    """联席会议报表: the period's figures for the caller's court (judges and clerks), in total, per kind of
    organisation and per organisation. Performance is not tracked yet: its rate is null, with a note."""
    return _report(runtime, user, start, to, organization_id)
