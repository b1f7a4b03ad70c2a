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
- performance: the obligations of confirmed agreements falling due in the period (``due_on`` in it), by the state
  the obligee reported (``obligations.state``): the rate is performed / due (null when nothing fell due);
- risk flags: the flags on applications received in the period, per code, with what came of those applications.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from confirm.law.errors import DomainError
from confirm.law.review import OUTCOMES, Outcome, acceptance_deadline, review_deadline

MAX_PERIOD_DAYS = 366  # one year, leap or not: larger exports are refused
PENDING = "pending"  # what came of a flagged application not decided yet
PERFORMANCE_NOTE = "履行率＝期间内到期的已确认协议义务中，权利人反馈已履行的比例"
OBLIGATION_STATES = ("performed", "partly_performed", "not_performed", "pending")  # api.md v1.1 obligations.state
NAMED_PERIOD = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$")
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
class ObligationFacts:
    """One obligation of a confirmed agreement (履行义务) and what the obligee reported of it."""

    application_id: str
    organization_id: int
    due_on: date
    state: str  # OBLIGATION_STATES
    dispute_type: str = ""  # the application's 案由


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


def named_period(name: str, *, today: date) -> Period:
    """A month ``2026-03``, a quarter ``2026-Q1`` or a year ``2026``, as days; the period under way ends today
    (so far), one not begun yet is in the future."""
    found = NAMED_PERIOD.match(name.strip())
    if found is None:
        raise DomainError.for_field("period", "report.period_unknown",
                                    "统计期间应为月（2026-03）、季度（2026-Q1）或年度（2026）")
    year = int(found.group(1))
    if year < 2000:
        raise DomainError.for_field("period", "report.period_unknown", "统计年度不能早于2000年")
    if found.group(2):
        first_month, months = int(found.group(2)), 1
    elif found.group(3):
        first_month, months = 3 * int(found.group(3)) - 2, 3
    else:
        first_month, months = 1, 12
    start = date(year, first_month, 1)
    after = date(year + 1, 1, 1) if first_month + months > 12 else date(year, first_month + months, 1)
    end = after - timedelta(days=1)
    if start > today:
        raise DomainError.for_field("period", "report.period_in_future", "统计期间不能晚于今天")
    return require_period(start, min(end, today), today=today)


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


def performance(period: Period, obligations: Sequence[ObligationFacts]) -> dict[str, Any]:
    """履行率: of the obligations falling due in the period, how many the obligee reported performed."""
    due = [o for o in obligations if o.due_on in period]
    states = Counter(o.state for o in due)
    performed = states.get("performed", 0)
    return {"due": len(due), **{state: states.get(state, 0) for state in OBLIGATION_STATES},
            "rate": round(performed / len(due), 4) if due else None, "note": PERFORMANCE_NOTE}


def figures(period: Period, cases: Sequence[CaseFacts], returns: Sequence[ReturnFacts],
            obligations: Sequence[ObligationFacts] = ()) -> dict[str, Any]:
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
        "performance": performance(period, obligations),
        "risk_flags": [{"code": code, "raised": entry["raised"], "outcomes": dict(sorted(entry["outcomes"].items()))}
                       for code, entry in sorted(flags.items())],
    }


def joint_meeting_report(period: Period, organizations: Sequence[OrganizationRef], cases: Sequence[CaseFacts],
                         returns: Sequence[ReturnFacts],
                         obligations: Sequence[ObligationFacts] = ()) -> dict[str, Any]:
    """The report: the figures for the whole (the organisations given), per kind of organisation, per organisation.

    Cases and returns of organisations not given are left out, so a report narrowed to one organisation is that
    organisation's alone."""
    ids = {org.id for org in organizations}
    cases = [c for c in cases if c.organization_id in ids]
    returns = [r for r in returns if r.organization_id in ids]
    obligations = [o for o in obligations if o.organization_id in ids]
    kind_of = {org.id: org.kind for org in organizations}
    kinds = list(dict.fromkeys(org.kind for org in organizations))
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(), "days": period.days},
        "total": figures(period, cases, returns, obligations),
        "by_kind": [{"kind": kind, "figures": figures(
            period, [c for c in cases if kind_of[c.organization_id] == kind],
            [r for r in returns if kind_of[r.organization_id] == kind],
            [o for o in obligations if kind_of[o.organization_id] == kind])} for kind in kinds],
        "by_organization": [{"organization_id": org.id, "name": org.name, "kind": org.kind, "figures": figures(
            period, [c for c in cases if c.organization_id == org.id],
            [r for r in returns if r.organization_id == org.id],
            [o for o in obligations if o.organization_id == org.id])} for org in organizations],
        "performance_by_dispute_type": [
            {"dispute_type": kind, "performance": performance(period, [o for o in obligations if o.dispute_type == kind])}
            for kind in sorted({o.dispute_type for o in obligations})],
    }



# the short Chinese names of the risk flags (review.py's rules, signals.py's cross-case signals); a code not here
# (a rule added later) is shown as it is stored
RISK_NAMES = {
    "risk.high_risk_type": "高风险案由", "risk.high_frequency": "调解组织高频申请",
    "risk.short_cycle_large_amount": "短周期大额", "risk.same_address": "双方住址相同",
    "risk.shared_phone": "不同申请人同一手机号", "risk.late_application": "超过申请期限",
    "risk.calendar_not_covered": "节假日安排未录入", "risk.repeat_party": "同一债权人多案",
    "risk.shared_phone_cases": "跨案同一手机号", "risk.shared_address_cases": "跨案同一住址",
    "risk.shared_agent_cases": "跨案同一代理人", "risk.agent_both_sides": "同一代理人代理双方",
    "risk.organization_share_jump": "调解组织占比骤升", "risk.mediator_share_jump": "调解员占比骤升",
    "risk.quick_non_performance": "确认后迅速不履行", "risk.third_party_objection": "曾遭案外人异议",
}


def risk_name(code: str) -> str:
    """The flag's short Chinese name, or its code when it has none."""
    return RISK_NAMES.get(code, code)


def share(part: int, whole: int) -> float | None:
    """part / whole rounded to four places; None when there is nothing to divide (no figure, not zero)."""
    return round(part / whole, 4) if whole else None


def chart_series(report: dict[str, Any], *, max_categories: int) -> list[dict[str, Any]]:
    """The report's charts as plain series, one value per group: per organisation, or per kind when the court has
    more organisations than a chart can show. The page (ECharts) and the PDF (reportlab) draw these same series."""
    groups = report["by_organization"]
    if len(groups) > max_categories:
        groups = report["by_kind"]
    names = [g.get("name") or g.get("kind_name") or g["kind"] for g in groups]
    figs = [g["figures"] for g in groups]
    outcomes = list(OUTCOMES)
    flags = report["total"]["risk_flags"]
    return [
        {"key": "volume", "title": "收案、裁定与退回补正", "categories": names, "stacked": False, "percent": False,
         "series": [["收到申请", [f["received"] for f in figs]], ["作出裁定", [f["decided"] for f in figs]],
                    ["退回补正（次）", [f["returned"]["count"] for f in figs]]]},
        {"key": "outcomes", "title": "裁定结果", "categories": names, "stacked": True, "percent": False,
         "series": [[o.name_zh, [f["outcomes"][o.value] for f in figs]] for o in outcomes]},
        {"key": "rates", "title": "期限、送达与履行", "categories": names, "stacked": False, "percent": True,
         "series": [
             ["3日内决定受理", [share(f["acceptance_limit"]["within"], f["acceptance_limit"]["count"]) for f in figs]],
             ["30日内审结", [share(f["review_limit"]["within"], f["review_limit"]["count"]) for f in figs]],
             ["已全部送达", [share(f["service"]["served"], f["service"]["rulings_issued"]) for f in figs]],
             ["履行率", [f["performance"]["rate"] for f in figs]]]},
        {"key": "risk_flags", "title": "风险提示及处理结果（合计）", "stacked": True, "percent": False,
         "categories": [risk_name(flag["code"]) for flag in flags],
         "series": [[name, [flag["outcomes"].get(value, 0) for flag in flags]]
                    for value, name in [*((o.value, o.name_zh) for o in outcomes), (PENDING, "尚未裁定")]]},
    ]
