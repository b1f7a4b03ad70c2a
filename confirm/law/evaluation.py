"""调解员考评 (issue 16 item 3: 考评调解案件质量、听取群众意见): the figures of each mediator and each mediation
organisation over a period, and a score from the court's weights — pure functions, no I/O.

What counts: the applications first submitted in the period [from, to] (the court's days, both included), with
what has become of them since (their decision, returns, objections, obligations, the parties' ratings):

- cases: applications submitted in the period; decided, confirmed, and the confirmation rate (confirmed ÷ decided);
- returns (退回补正): how many times, how many applications, the reasons, the return rate (applications ÷ cases);
- objected / revoked: confirmed rulings a party or an interested person objected to (民特监), and those revoked;
- performance (履行): the obligations of confirmed cases by state; the rate is performed ÷ answered (a pending
  obligation is not counted either way);
- days to submit: from the day the mediation agreement was concluded to the submission day, median (CPL 205 gives
  30 days; the table's ``timely_days`` is the court's own, stricter target);
- the parties' rating: count, mean stars and the comments — never who gave them (anonymous to the mediator);
- score: Σ weight × component ÷ Σ weight over the components that have data, × 100, one decimal; the weights
  are returned beside it.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from confirm.law.characters import text_problem
from confirm.law.errors import DomainError
from confirm.law.report import Period
from confirm.law.review import Outcome

STARS = range(1, 6)  # 1 to 5 stars
MAX_COMMENT = 500
COMPONENTS = ("confirmation_rate", "no_returns", "no_objections", "performance_rate", "timeliness", "rating")
ANSWERED = ("performed", "partly_performed", "not_performed")  # obligations.state once the obligee answered


@dataclass(frozen=True)
class Rating:
    """One party's rating of a mediation: what the mediator may read of it (no name, no case)."""

    stars: int
    comment: str | None = None


@dataclass(frozen=True)
class MediatedCase:
    """What the evaluation needs of one application submitted in the period, as court days."""

    application_id: str
    mediator_id: int
    organization_id: int
    concluded_on: Any  # date the mediation agreement was concluded
    submitted_on: Any  # date first submitted
    outcome: str | None = None
    return_reasons: tuple[str, ...] = ()  # one per return (退回补正)
    objected: bool = False  # an objection was registered against its ruling
    revoked: bool = False  # its ruling was revoked
    obligation_states: tuple[str, ...] = ()
    ratings: tuple[Rating, ...] = ()


@dataclass(frozen=True)
class Weights:
    """The court's scoring table: a weight per component and the days within which a submission is timely."""

    weights: Mapping[str, float]
    timely_days: int

    def as_json(self) -> dict[str, Any]:
        return {"weights": dict(self.weights), "timely_days": self.timely_days}


def weights_from_table(shipped: Mapping[str, Any], court: Mapping[str, Any] | None = None) -> Weights:
    """The shipped table (tables/evaluation.yaml) with a court's ``<data_dir>/evaluation.yaml`` over it, key by key;
    an unknown component, a negative weight or weights summing to nothing are mistakes in the table."""
    merged = dict(shipped.get("weights") or {})
    timely_days = shipped.get("timely_days", 7)
    if court:
        unknown = set(court) - {"weights", "timely_days"}
        if unknown:
            raise ValueError(f"evaluation.yaml: unknown keys {sorted(unknown)}")
        merged.update(court.get("weights") or {})
        timely_days = court.get("timely_days", timely_days)
    if set(merged) - set(COMPONENTS):
        raise ValueError(f"evaluation.yaml: unknown components {sorted(set(merged) - set(COMPONENTS))} "
                         f"(known: {list(COMPONENTS)})")
    values = {name: float(merged.get(name, 0)) for name in COMPONENTS}
    if any(v < 0 for v in values.values()) or sum(values.values()) <= 0:
        raise ValueError("evaluation.yaml: weights must be 0 or more, and not all 0")
    if not isinstance(timely_days, int) or not 1 <= timely_days <= 30:
        raise ValueError("evaluation.yaml: timely_days must be a whole number of days from 1 to 30 (CPL 205)")
    return Weights({k: (int(v) if v.is_integer() else v) for k, v in values.items()}, timely_days)


def require_rating(stars: object, comment: str | None) -> Rating:
    """A party's rating as given, or the rule it breaks: 1 to 5 whole stars, a comment of at most 500 characters."""
    if isinstance(stars, bool) or not isinstance(stars, int) or stars not in STARS:
        raise DomainError.for_field("stars", "rating.stars_out_of_range", "评分应为1到5颗星")
    text = (comment or "").strip() or None
    if text is not None:
        if len(text) > MAX_COMMENT:
            raise DomainError.for_field("comment", "rating.comment_too_long", f"意见最多{MAX_COMMENT}字")
        if (bad := text_problem(text, field="comment", paragraphs=True)) is not None:
            raise DomainError.for_field("comment", *bad)
    return Rating(stars, text)


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def figures(cases: Sequence[MediatedCase], weights: Weights) -> dict[str, Any]:
    """The figures and the score of one group of applications (a mediator's, an organisation's, the court's)."""
    decided = [c for c in cases if c.outcome is not None]
    confirmed = [c for c in decided if c.outcome == Outcome.CONFIRMED]
    returned = [c for c in cases if c.return_reasons]
    reasons = Counter(r for c in cases for r in c.return_reasons)
    troubled = [c for c in confirmed if c.objected or c.revoked]
    states = Counter(s for c in confirmed for s in c.obligation_states)
    answered = sum(states[s] for s in ANSWERED)
    days = [(c.submitted_on - c.concluded_on).days for c in cases]
    timely = [d for d in days if d <= weights.timely_days]
    ratings = [r for c in cases for r in c.ratings]
    mean_stars = round(statistics.fmean(r.stars for r in ratings), 2) if ratings else None

    components: dict[str, float | None] = {
        "confirmation_rate": _share(len(confirmed), len(decided)),
        "no_returns": None if not cases else round(1 - len(returned) / len(cases), 4),
        "no_objections": None if not confirmed else round(1 - len(troubled) / len(confirmed), 4),
        "performance_rate": _share(states["performed"], answered),
        "timeliness": _share(len(timely), len(days)),
        "rating": None if mean_stars is None else round((mean_stars - 1) / 4, 4),
    }
    return {
        "cases": len(cases),
        "decided": len(decided),
        "confirmed": len(confirmed),
        "confirmation_rate": components["confirmation_rate"],
        "returns": {"count": sum(reasons.values()), "applications": len(returned),
                    "rate": _share(len(returned), len(cases)),
                    "reasons": [{"reason": r, "count": n} for r, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0]))]},
        "objected": sum(1 for c in confirmed if c.objected),
        "revoked": sum(1 for c in confirmed if c.revoked),
        "performance": {"obligations": sum(states.values()), "answered": answered,
                        "states": {s: states[s] for s in ("pending", *ANSWERED)},
                        "rate": components["performance_rate"]},
        "days_to_submit": {"count": len(days), "median": float(statistics.median(days)) if days else None,
                           "timely_days": weights.timely_days, "timely": len(timely)},
        # anonymous: the stars and words only, in an order that says nothing of which case or party gave them
        "rating": {"count": len(ratings), "average": mean_stars,
                   "comments": [{"stars": r.stars, "comment": r.comment}
                                for r in sorted(ratings, key=lambda r: (-r.stars, r.comment or ""))
                                if r.comment]},
        **score(components, weights),
    }


def score(components: Mapping[str, float | None], weights: Weights) -> dict[str, Any]:
    """The weighted mean of the components that have data, × 100 (None when none has), with what went into it."""
    counted = {k: v for k, v in components.items() if v is not None and weights.weights.get(k, 0) > 0}
    total = sum(weights.weights[k] for k in counted)
    value = None if total == 0 else round(100 * sum(weights.weights[k] * v for k, v in counted.items()) / total, 1)
    return {"score": value, "components": dict(components), "weights": dict(weights.weights),
            "weights_counted": sorted(counted)}


@dataclass(frozen=True)
class Group:
    """Someone the evaluation is grouped by: a mediator or an organisation."""

    id: int
    name: str
    organization_id: int | None = None  # a mediator's organisation


def evaluation(period: Period, mediators: Sequence[Group], organizations: Sequence[Group],
               cases: Sequence[MediatedCase], weights: Weights) -> dict[str, Any]:
    """The period's figures for each mediator and each organisation given, and for all of them together."""
    inside = [c for c in cases if c.submitted_on in period]
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "weights": weights.as_json(),
        "total": figures(inside, weights),
        "by_organization": [{"organization_id": o.id, "name": o.name,
                             "figures": figures([c for c in inside if c.organization_id == o.id], weights)}
                            for o in organizations],
        "by_mediator": [{"mediator_id": m.id, "name": m.name, "organization_id": m.organization_id,
                         "figures": figures([c for c in inside if c.mediator_id == m.id], weights)}
                        for m in mediators],
    }
