"""The due list in the staff API: ``GET /api/v1/obligations/due?within=7``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from confirm.accounts.deps import UserDep
from confirm.core.clock import china_today
from confirm.follow_up.due import due_list
from confirm.law.follow_up import parse_within, require_known_filters
from confirm.web.deps import RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["performance"])
Within = Annotated[str | None, Query(description="due from today to this many days on (0–366, default 7)",
                                     max_length=20)]


@router.get("/obligations/due")
def obligations_due(request: Request, runtime: RuntimeDep, user: UserDep, within: Within = None) -> dict[str, Any]:
    """到期与逾期履行义务: the obligations of confirmed rulings in the caller's scope (a mediator: their
    organisation's cases; judges and clerks: their court's) that are overdue (the due date passed, not performed)
    or due within ``within`` days, soonest first, with the parties, sums, days and the case. An unknown filter, or
    a ``within`` that is not a whole number of days from 0 to 366, is 422."""
    require_known_filters(request.query_params.keys())
    days = parse_within(within)
    with runtime.unit_of_work() as session:
        return due_list(session, user, within=days, today=china_today())
