"""联席会议报表 (issue 16): the figures of a period for the court's joint meeting with its mediation organisations,
computed from plain facts per application, with no I/O (the service reads the facts, the web layer shapes them).

What counts in a period [from, to] (the court's days, both included):

- received: applications first submitted in the period;
- outcomes: decisions made in the period, by outcome, with the grounds of 驳回 and 不予受理 counted;
- returned: returns for supplement (退回补正) made in the period, with their reasons;
- days to ruling: for decisions made in the period, the days from the submission day to the decision day (the
  ruling's date): their median and 90th percentile (nearest rank);
- the 3-day limit: acceptance acts in the period (受理, or a 不予受理 ruling before 受理) made by
  ``acceptance_deadline`` of the submission day; the 30-day limit: decisions in the period on accepted cases made by
  ``review_deadline`` of the acceptance day (time spent on a supplement is not taken out: the figure is a plain one);
- service: rulings sealed in the period, and how many of them are served on every party;
- performance: not tracked yet — null with a note;
- risk flags: the flags on applications received in the period, per code, with what came of those applications.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from confirm.law.errors import DomainError
from confirm.law.review import OUTCOMES, Outcome, acceptance_deadline, review_deadline

MAX_PERIOD_DAYS = 366  # one year, leap or not: larger exports are refused
PENDING = "pending"  # what came of a flagged application not decided yet
PERFORMANCE_NOTE = "履行情况跟踪功能尚未建设，暂无履行率数据"
OUTCOMES_WITH_GROUNDS = (Outcome.REJECTED, Outcome.NOT_ACCEPTED)


@dataclass(frozen=True)
class Period:
    """The court's days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class OrganizationRef:
    """A mediation organisation the report is grouped by."""

    id: int
    name: str
    kind: str  # models.OrgKind


@dataclass(frozen=True)
class CaseFacts:
    """What the report needs of one application, as court days (China time)."""

    application_id: str
    organization_id: int
    submitted_on: date | None
    accepted_on: date | None = None
    outcome: str | None = None
    grounds: tuple[str, ...] = ()
    decided_on: date | None = None
    issued_on: date | None = None  # the sealed ruling
    served: bool = False  # every party served
    risk_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReturnFacts:
    """One return for supplement (退回补正), from the audit record of it."""

    application_id: str
    organization_id: int
    returned_on: date
    reason: str


def require_period(start: date, end: date, *, today: date) -> Period:
    """The period asked for, or the rule it breaks: reversed, reaching past today, or longer than a year."""
    if end < start:
        raise DomainError.for_field("to", "report.period_reversed", "统计期间的结束日期早于开始日期")
    if end > today:
        raise DomainError.for_field("to", "report.period_in_future", "统计期间不能晚于今天")
    period = Period(start, end)
    if period.days > MAX_PERIOD_DAYS:
        raise DomainError.for_field("from", "report.period_too_long",
                                    f"统计期间最长{MAX_PERIOD_DAYS}天，请分段导出")
    return period


def require_organization(organization_id: int | None, known: Iterable[OrganizationRef]) -> OrganizationRef | None:
    """The organisation the report is narrowed to (None: all of them); one not under the court is unknown."""
    if organization_id is None:
        return None
    for org in known:
        if org.id == organization_id:
            return org
    raise DomainError.for_field("organization_id", "report.unknown_organization", "本院辖区内没有该调解组织")


def median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[int], share: float) -> int | None:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def figures(period: Period, cases: Sequence[CaseFacts], returns: Sequence[ReturnFacts]) -> dict[str, Any]:
    """The figures of one group of applications (an organisation, a kind, the court) in the period."""
    received = [c for c in cases if c.submitted_on in period]
    decided = [c for c in cases if c.decided_on in period]
    in_returns = [r for r in returns if r.returned_on in period]

    outcomes = Counter(c.outcome for c in decided)
    grounds: dict[str, dict[str, int]] = {}
    for outcome in OUTCOMES_WITH_GROUNDS:
        counted = Counter(g for c in decided if c.outcome == outcome for g in c.grounds)
        grounds[outcome] = dict(sorted(counted.items()))

    days = [(c.decided_on - c.submitted_on).days for c in decided
            if c.decided_on is not None and c.submitted_on is not None]

    acceptance_acts = []  # (submitted_on, the day acceptance was decided)
    for c in cases:
        if c.submitted_on is None:
            continue
        if c.accepted_on is not None:
            acceptance_acts.append((c.submitted_on, c.accepted_on))
        elif c.outcome == Outcome.NOT_ACCEPTED and c.decided_on is not None:
            acceptance_acts.append((c.submitted_on, c.decided_on))
    acceptance_acts = [(s, d) for s, d in acceptance_acts if d in period]
    reviewed = [(c.accepted_on, c.decided_on) for c in decided if c.accepted_on is not None]

    issued = [c for c in cases if c.issued_on in period]

    flags: dict[str, dict[str, Any]] = {}
    for c in received:
        for code in dict.fromkeys(c.risk_codes):
            entry = flags.setdefault(code, {"raised": 0, "outcomes": Counter()})
            entry["raised"] += 1
            entry["outcomes"][c.outcome or PENDING] += 1

    return {
        "received": len(received),
        "decided": len(decided),
        "outcomes": {o.value: outcomes.get(o.value, 0) for o in OUTCOMES},
        "grounds": grounds,
        "returned": {
            "count": len(in_returns),
            "applications": len({r.application_id for r in in_returns}),
            "reasons": [{"reason": reason, "count": n}
                        for reason, n in sorted(Counter(r.reason for r in in_returns).items(),
                                                key=lambda item: (-item[1], item[0]))],
        },
        "days_to_ruling": {"count": len(days), "median": median(days), "p90": percentile(days, 0.9)},
        "acceptance_limit": {"days": 3, "count": len(acceptance_acts),
                             "within": sum(1 for s, d in acceptance_acts if d <= acceptance_deadline(s))},
        "review_limit": {"days": 30, "count": len(reviewed),
                         "within": sum(1 for a, d in reviewed if d is not None and d <= review_deadline(a))},
        "service": {"rulings_issued": len(issued), "served": sum(1 for c in issued if c.served)},
        "performance": {"rate": None, "note": PERFORMANCE_NOTE},
        "risk_flags": [{"code": code, "raised": entry["raised"], "outcomes": dict(sorted(entry["outcomes"].items()))}
                       for code, entry in sorted(flags.items())],
    }


def joint_meeting_report(period: Period, organizations: Sequence[OrganizationRef], cases: Sequence[CaseFacts],
                         returns: Sequence[ReturnFacts]) -> dict[str, Any]:
    """The report: the figures for the whole (the organisations given), per kind of organisation, per organisation.

    Cases and returns of organisations not given are left out, so a report narrowed to one organisation is that
    organisation's alone."""
    ids = {org.id for org in organizations}
    cases = [c for c in cases if c.organization_id in ids]
    returns = [r for r in returns if r.organization_id in ids]
    kind_of = {org.id: org.kind for org in organizations}
    kinds = list(dict.fromkeys(org.kind for org in organizations))
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(), "days": period.days},
        "total": figures(period, cases, returns),
        "by_kind": [{"kind": kind, "figures": figures(
            period, [c for c in cases if kind_of[c.organization_id] == kind],
            [r for r in returns if kind_of[r.organization_id] == kind])} for kind in kinds],
        "by_organization": [{"organization_id": org.id, "name": org.name, "kind": org.kind, "figures": figures(
            period, [c for c in cases if c.organization_id == org.id],
            [r for r in returns if r.organization_id == org.id])} for org in organizations],
    }

