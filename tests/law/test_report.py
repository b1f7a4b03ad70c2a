"""联席会议报表: the figures of a small history, computed by hand in the comments, and the period's rules."""

from datetime import date

import pytest

from confirm.law.errors import DomainError
from confirm.law.report import (
    CaseFacts,
    OrganizationRef,
    Period,
    ReturnFacts,
    joint_meeting_report,
    percentile,
    require_organization,
    require_period,
)

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
POLICE = OrganizationRef(1, "中和派出所驻所调解室", "police_station")
JUSTICE = OrganizationRef(2, "中和司法所", "judicial_office")
TRIBUNAL = OrganizationRef(3, "清溪驻庭调解室", "tribunal")
ORGS = [POLICE, JUSTICE, TRIBUNAL]


def d(month: int, day: int) -> date:
    return date(2026, month, day)


CASES = [
    # A: accepted the next day (3-day limit met), confirmed on 03-10 (8 days), served; flagged
    CaseFacts("A", 1, d(3, 2), d(3, 3), "confirmed", (), d(3, 10), d(3, 10), True, ("risk.high_risk_type",)),
    # B: accepted on 03-09, a day past its 3-day limit (03-08); rejected on 03-20 (15 days), not served yet
    CaseFacts("B", 1, d(3, 5), d(3, 9), "rejected", ("g1", "g2"), d(3, 20), d(3, 20), False),
    # C: submitted and accepted in February; confirmed on 03-25, past its 30-day limit (03-23): 33 days
    CaseFacts("C", 2, d(2, 20), d(2, 21), "confirmed", (), d(3, 25), d(3, 26), True),
    # D: not accepted on 03-11 (its acceptance act, within 3 days), 1 day
    CaseFacts("D", 2, d(3, 10), None, "not_accepted", ("g3",), d(3, 11), d(3, 11), False),
    # E: pending, with two flags
    CaseFacts("E", 1, d(3, 28), risk_codes=("risk.high_risk_type", "risk.same_address")),
    # F: submitted in April, G decided in February: neither counts
    CaseFacts("F", 3, d(4, 2), risk_codes=("risk.same_address",)),
    CaseFacts("G", 1, d(2, 1), d(2, 2), "confirmed", (), d(2, 10), d(2, 10), True),
    # H: returned twice in March, pending
    CaseFacts("H", 2, d(3, 12)),
]
RETURNS = [
    ReturnFacts("H", 2, d(3, 14), "缺少身份证明"),
    ReturnFacts("H", 2, d(3, 20), "缺少身份证明"),
    ReturnFacts("E", 1, d(3, 29), "协议内容不明确"),
    ReturnFacts("E", 1, d(4, 1), "协议内容不明确"),  # April: not counted
]


def test_the_totals_of_a_small_history_are_as_computed_by_hand():
    total = joint_meeting_report(MARCH, ORGS, CASES, RETURNS)["total"]
    assert total["received"] == 5  # A B D E H
    assert total["decided"] == 4  # A B C D
    assert total["outcomes"] == {"confirmed": 2, "rejected": 1, "not_accepted": 1, "withdrawal_permitted": 0,
                                 "treated_as_withdrawn": 0}
    assert total["grounds"] == {"rejected": {"g1": 1, "g2": 1}, "not_accepted": {"g3": 1}}
    # days 1 8 15 33: median (8 + 15) / 2, 90th percentile by nearest rank: the 4th of 4
    assert total["days_to_ruling"] == {"count": 4, "median": 11.5, "p90": 33}
    assert total["acceptance_limit"] == {"days": 3, "count": 3, "within": 2}  # A D within, B late; C's in February
    assert total["review_limit"] == {"days": 30, "count": 3, "within": 2}  # A B within, C late
    assert total["service"] == {"rulings_issued": 4, "served": 2}  # A C served
    assert total["returned"] == {"count": 3, "applications": 2, "reasons": [
        {"reason": "缺少身份证明", "count": 2}, {"reason": "协议内容不明确", "count": 1}]}
    assert total["risk_flags"] == [
        {"code": "risk.high_risk_type", "raised": 2, "outcomes": {"confirmed": 1, "pending": 1}},
        {"code": "risk.same_address", "raised": 1, "outcomes": {"pending": 1}},  # F's is April's
    ]
    assert total["performance"]["rate"] is None and "尚未建设" in total["performance"]["note"]


def test_the_figures_are_grouped_per_kind_and_per_organisation():
    report = joint_meeting_report(MARCH, ORGS, CASES, RETURNS)
    assert report["period"] == {"from": "2026-03-01", "to": "2026-03-31", "days": 31}
    kinds = {k["kind"]: k["figures"] for k in report["by_kind"]}
    assert kinds["police_station"]["received"] == 3  # A B E
    assert kinds["police_station"]["days_to_ruling"] == {"count": 2, "median": 11.5, "p90": 15}
    assert kinds["judicial_office"]["received"] == 2  # D H
    assert kinds["judicial_office"]["days_to_ruling"] == {"count": 2, "median": 17.0, "p90": 33}
    assert kinds["judicial_office"]["returned"]["count"] == 2
    assert kinds["tribunal"]["received"] == 0 and kinds["tribunal"]["days_to_ruling"]["median"] is None
    orgs = {o["organization_id"]: o for o in report["by_organization"]}
    assert orgs[1]["name"] == "中和派出所驻所调解室" and orgs[1]["figures"]["service"] == {"rulings_issued": 2,
                                                                                         "served": 1}
    assert orgs[2]["figures"]["review_limit"] == {"days": 30, "count": 1, "within": 0}


def test_a_report_narrowed_to_one_organisation_is_that_organisations_alone():
    report = joint_meeting_report(MARCH, [JUSTICE], CASES, RETURNS)
    assert report["total"]["received"] == 2 and report["total"]["decided"] == 2
    assert [k["kind"] for k in report["by_kind"]] == ["judicial_office"]


def test_the_last_day_of_the_period_counts_and_the_day_after_does_not():
    cases = [CaseFacts("X", 1, d(3, 31)), CaseFacts("Y", 1, d(4, 1)), CaseFacts("Z", 1, d(3, 1))]
    assert joint_meeting_report(MARCH, ORGS, cases, [])["total"]["received"] == 2


def test_the_90th_percentile_is_the_nearest_rank():
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([5], 0.9) == 5
    assert percentile([], 0.9) is None


@pytest.mark.parametrize(("start", "end", "code"), [
    (d(3, 31), d(3, 1), "report.period_reversed"),
    (d(3, 1), d(6, 2), "report.period_in_future"),
    (date(2025, 1, 1), date(2026, 1, 2), "report.period_too_long"),
])
def test_a_period_reversed_in_the_future_or_too_long_is_refused(start, end, code):
    with pytest.raises(DomainError) as caught:
        require_period(start, end, today=d(6, 1))
    assert caught.value.code == code and caught.value.status == 422


def test_a_whole_year_and_a_single_day_are_periods():
    assert require_period(date(2024, 1, 1), date(2024, 12, 31), today=d(6, 1)).days == 366
    assert require_period(d(6, 1), d(6, 1), today=d(6, 1)).days == 1


def test_an_organisation_not_under_the_court_is_unknown():
    assert require_organization(None, ORGS) is None
    assert require_organization(2, ORGS) == JUSTICE
    with pytest.raises(DomainError) as caught:
        require_organization(9, ORGS)
    assert caught.value.code == "report.unknown_organization"


def test_the_limits_count_their_last_day_as_within():
    cases = [
        # submitted 03-01: accepted on 03-04, the 3-day limit's last day; decided on 04-03, the 30-day limit's
        CaseFacts("X", 1, d(3, 1), d(3, 4), "confirmed", (), d(4, 3), d(4, 3), True),
        # a day later each: late
        CaseFacts("Y", 1, d(3, 1), d(3, 5), "confirmed", (), d(4, 5), d(4, 5), True),
    ]
    total = joint_meeting_report(Period(d(3, 1), d(4, 30)), ORGS, cases, [])["total"]
    assert total["acceptance_limit"] == {"days": 3, "count": 2, "within": 1}
    assert total["review_limit"] == {"days": 30, "count": 2, "within": 1}
