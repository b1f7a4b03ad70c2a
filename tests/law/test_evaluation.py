"""调解员考评 as pure rules: the figures and the score of a small hand-computed history, the weights table and a
court's override, and the rating's scale."""

from __future__ import annotations

from datetime import date

import pytest

from confirm.law.errors import DomainError
from confirm.law.evaluation import Group, MediatedCase, Rating, evaluation, figures, require_rating, weights_from_table
from confirm.law.report import Period
from confirm.law.tables import evaluation_table

DAY = date(2026, 11, 20)
WEIGHTS = weights_from_table(evaluation_table())


def case(n: int, mediator: int = 1, org: int = 10, *, concluded: date = date(2026, 11, 18), **facts: object) -> MediatedCase:
    return MediatedCase(application_id=f"a{n}", mediator_id=mediator, organization_id=org, concluded_on=concluded,
                        submitted_on=DAY, **facts)  # type: ignore[arg-type]


# mediator 1: a confirmed case objected to, with 2 of 3 answered obligations performed and two ratings (5, 3);
# a rejected case; a case returned once and not yet decided, filed 9 days after the agreement (late for 7 days)
HISTORY = [
    case(1, outcome="confirmed", objected=True, obligation_states=("performed", "performed", "not_performed", "pending"),
         ratings=(Rating(5, "调解员很耐心"), Rating(3))),
    case(2, outcome="rejected"),
    case(3, return_reasons=("请补充付款方式",), concluded=date(2026, 11, 11)),
    case(4, mediator=2, org=20, outcome="confirmed"),  # mediator 2, organisation 20: one clean confirmation
]


def test_the_shipped_weights_sum_to_100_and_the_timely_days_are_7():
    assert sum(WEIGHTS.weights.values()) == 100 and WEIGHTS.timely_days == 7


def test_one_mediator_s_figures_and_score_by_hand():
    f = figures(HISTORY[:3], WEIGHTS)
    assert (f["cases"], f["decided"], f["confirmed"], f["confirmation_rate"]) == (3, 2, 1, 0.5)
    assert f["returns"] == {"count": 1, "applications": 1, "rate": 0.3333,
                            "reasons": [{"reason": "请补充付款方式", "count": 1}]}
    assert (f["objected"], f["revoked"]) == (1, 0)
    assert f["performance"] == {"obligations": 4, "answered": 3, "rate": 0.6667,
                                "states": {"pending": 1, "performed": 2, "partly_performed": 0, "not_performed": 1}}
    assert f["days_to_submit"] == {"count": 3, "median": 2.0, "timely_days": 7, "timely": 2}  # 2, 2, 9 days
    assert f["rating"] == {"count": 2, "average": 4.0, "comments": [{"stars": 5, "comment": "调解员很耐心"}]}
    assert f["components"] == {"confirmation_rate": 0.5, "no_returns": 0.6667, "no_objections": 0.0,
                               "performance_rate": 0.6667, "timeliness": 0.6667, "rating": 0.75}
    # 30×0.5 + 15×0.6667 + 15×0 + 20×0.6667 + 10×0.6667 + 10×0.75 = 15 + 10.0005 + 0 + 13.334 + 6.667 + 7.5 = 52.5015
    assert f["score"] == 52.5 and f["weights"] == dict(WEIGHTS.weights)


def test_components_without_data_leave_the_score_to_the_others():
    f = figures([HISTORY[3]], WEIGHTS)  # no obligations, no rating: 70 of the 100 weights count
    assert f["components"]["performance_rate"] is None and f["components"]["rating"] is None
    assert f["score"] == 100.0 and f["weights_counted"] == ["confirmation_rate", "no_objections", "no_returns",
                                                            "timeliness"]
    assert figures([], WEIGHTS)["score"] is None


def test_the_evaluation_groups_by_mediator_and_organisation_within_the_period():
    outside = MediatedCase("a9", 1, 10, date(2026, 10, 1), date(2026, 10, 2), outcome="confirmed")
    report = evaluation(Period(DAY, DAY), [Group(1, "杨调解", 10), Group(2, "田调解", 20)],
                        [Group(10, "派出所"), Group(20, "司法所")], [*HISTORY, outside], WEIGHTS)
    assert [m["figures"]["cases"] for m in report["by_mediator"]] == [3, 1]
    assert [o["figures"]["score"] for o in report["by_organization"]] == [52.5, 100.0]
    total = report["total"]
    assert total["cases"] == 4 and total["confirmation_rate"] == 0.6667
    # 30×0.6667 + 15×0.75 + 15×0.5 + 20×0.6667 + 10×0.75 + 10×0.75 = 20.001+11.25+7.5+13.334+7.5+7.5 = 67.085
    assert total["score"] == 67.1
    assert report["weights"] == {"weights": dict(WEIGHTS.weights), "timely_days": 7}


def test_a_court_s_table_replaces_weights_key_by_key():
    court = weights_from_table(evaluation_table(), {"weights": {"rating": 40}, "timely_days": 3})
    assert court.weights["rating"] == 40 and court.weights["confirmation_rate"] == 30 and court.timely_days == 3
    f = figures(HISTORY[:3], court)
    assert f["weights"]["rating"] == 40 and f["days_to_submit"]["timely"] == 2


@pytest.mark.parametrize("table", [{"weights": {"speed": 5}}, {"weights": {"rating": -1}}, {"timely_days": 31},
                                   {"extra": 1}])
def test_a_broken_court_table_is_refused(table):
    with pytest.raises(ValueError):
        weights_from_table(evaluation_table(), table)


@pytest.mark.parametrize("stars", [0, 6, -1, True, 2.5, "5"])
def test_ratings_off_the_scale_are_refused(stars):
    with pytest.raises(DomainError) as refused:
        require_rating(stars, None)
    assert refused.value.code == "rating.stars_out_of_range" and refused.value.status == 422


def test_a_rating_s_comment_is_kept_stripped_and_at_most_500_characters():
    assert require_rating(1, "  好  ") == Rating(1, "好") and require_rating(5, "   ") == Rating(5, None)
    assert require_rating(3, "字" * 500).comment == "字" * 500
    with pytest.raises(DomainError) as refused:
        require_rating(3, "字" * 501)
    assert refused.value.code == "rating.comment_too_long"
