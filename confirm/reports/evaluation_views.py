"""The mediator evaluation in the staff API (api.md "Oversight": ``GET /api/v1/reports/mediators``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from confirm.accounts.deps import UserDep
from confirm.reports import evaluation
from confirm.web.deps import RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["reports"])
From = Annotated[date, Query(alias="from", description="the period's first day (the court's day, YYYY-MM-DD)")]
To = Annotated[date, Query(description="the period's last day, included; not after today, at most 366 days")]
OrganizationFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="one organisation in scope")]


@router.get("/reports/mediators")
def mediators(runtime: RuntimeDep, user: UserDep, start: From, to: To,
              organization_id: OrganizationFilter = None) -> dict[str, Any]:
    """调解员考评: per mediator and per organisation, the applications submitted in the period and what became of
    them, the parties' ratings (anonymous) and a score with the court's weights beside it. A mediator gets their
    own figures, an organisation's head (org_head) the organisation's, judges and clerks the court's; others 403."""
    with runtime.unit_of_work() as session:
        return evaluation.mediator_evaluation(session, user, runtime.evaluation_weights, start, to, organization_id)
