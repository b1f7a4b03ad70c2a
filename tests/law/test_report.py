"""联席会议报表: the figures of a small history, computed by hand in the comments, and the period's rules."""

import dataclasses
from datetime import date

import pytest

from confirm.law.errors import DomainError
from confirm.law.report import (
    CaseFacts,
    ObligationFacts,
    OrganizationRef,
    Period,
    ReturnFacts,
    chart_series,
    joint_meeting_report,
    named_period,
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
    assert total["performance"]["rate"] is None and total["performance"]["due"] == 0  # nothing fell due


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


OBLIGATIONS = [
    # A (police): due 03-15 performed, due 03-20 not performed, due 04-05 (April: not counted)
    ObligationFacts("A", 1, d(3, 15), "performed"),
    ObligationFacts("A", 1, d(3, 20), "not_performed"),
    ObligationFacts("A", 1, d(4, 5), "performed"),
    # C (justice office): due 03-31 performed, due 03-01 partly, due 03-31 nobody answered yet
    ObligationFacts("C", 2, d(3, 31), "performed"),
    ObligationFacts("C", 2, d(3, 1), "partly_performed"),
    ObligationFacts("C", 2, d(3, 31), "pending"),
]


def test_the_performance_rate_is_performed_over_due_per_group():
    report = joint_meeting_report(MARCH, ORGS, CASES, RETURNS, OBLIGATIONS)
    total = report["total"]["performance"]
    # five fell due in March, two of them performed: 2 / 5
    assert {k: total[k] for k in ("due", "performed", "partly_performed", "not_performed", "pending", "rate")} == {
        "due": 5, "performed": 2, "partly_performed": 1, "not_performed": 1, "pending": 1, "rate": 0.4}
    orgs = {o["organization_id"]: o["figures"]["performance"] for o in report["by_organization"]}
    assert (orgs[1]["due"], orgs[1]["rate"]) == (2, 0.5)  # 1 of 2
    assert (orgs[2]["due"], orgs[2]["rate"]) == (3, 0.3333)  # 1 of 3
    assert (orgs[3]["due"], orgs[3]["rate"]) == (0, None)  # nothing due: no rate, not 0 %
    kinds = {k["kind"]: k["figures"]["performance"]["rate"] for k in report["by_kind"]}
    assert kinds == {"police_station": 0.5, "judicial_office": 0.3333, "tribunal": None}


def test_the_performance_rate_is_also_given_per_dispute_type():
    """Issue 15 item 5: the court gets the rate per dispute type as well (here A's cases are loans, C's sales)."""
    typed = [dataclasses.replace(o, dispute_type="民间借贷纠纷" if o.application_id == "A" else "买卖合同纠纷")
             for o in OBLIGATIONS]
    by_type = {t["dispute_type"]: t["performance"] for t in
               joint_meeting_report(MARCH, ORGS, CASES, RETURNS, typed)["performance_by_dispute_type"]}
    assert (by_type["民间借贷纠纷"]["due"], by_type["民间借贷纠纷"]["rate"]) == (2, 0.5)  # the April one is not due
    assert (by_type["买卖合同纠纷"]["due"], by_type["买卖合同纠纷"]["rate"]) == (3, 0.3333)


@pytest.mark.parametrize(("name", "start", "end"), [
    ("2026-02", d(2, 1), d(2, 28)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2026-Q1", d(1, 1), d(3, 31)),
    ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31)),
    ("2025", date(2025, 1, 1), date(2025, 12, 31)),
    ("2026-06", d(6, 1), d(6, 10)),  # under way: so far
    ("2026-Q2", d(4, 1), d(6, 10)),
    ("2026", d(1, 1), d(6, 10)),
])
def test_a_month_a_quarter_or_a_year_is_a_period(name, start, end):
    assert named_period(name, today=d(6, 10)) == Period(start, end)


@pytest.mark.parametrize(("name", "code"), [
    ("2026-07", "report.period_in_future"), ("2026-Q3", "report.period_in_future"), ("2027", "report.period_in_future"),
    ("2026-13", "report.period_unknown"), ("2026-Q5", "report.period_unknown"), ("26-03", "report.period_unknown"),
    ("2026-3", "report.period_unknown"), ("1999", "report.period_unknown"), ("本月", "report.period_unknown"),
])
def test_a_named_period_not_begun_or_misspelt_is_refused(name, code):
    with pytest.raises(DomainError) as caught:
        named_period(name, today=d(6, 10))
    assert caught.value.code == code and caught.value.status == 422


def test_the_charts_are_the_reports_own_figures():
    report = joint_meeting_report(MARCH, ORGS, CASES, RETURNS, OBLIGATIONS)
    for group in report["by_organization"]:
        group["kind_name"] = group["kind"]
    charts = {c["key"]: c for c in chart_series(report, max_categories=12)}
    assert charts["volume"]["categories"] == ["中和派出所驻所调解室", "中和司法所", "清溪驻庭调解室"]
    assert dict(charts["volume"]["series"])["收到申请"] == [3, 2, 0]  # A B E; D H; none
    assert dict(charts["outcomes"]["series"])["确认调解协议有效"] == [1, 1, 0]  # A; C
    rates = dict(charts["rates"]["series"])
    assert rates["3日内决定受理"] == [0.5, 1.0, None]  # A within, B late; D within; nothing to count
    assert rates["30日内审结"] == [1.0, 0.0, None]  # A B within; C late
    assert rates["已全部送达"] == [0.5, 0.5, None]  # A of A B; C of C D
    assert rates["履行率"] == [0.5, 0.3333, None]
    flags = charts["risk_flags"]
    assert flags["categories"] == ["高风险案由", "双方住址相同"]
    assert dict(flags["series"])["尚未裁定"] == [1, 1] and dict(flags["series"])["确认调解协议有效"] == [1, 0]


def test_a_court_with_more_organisations_than_a_chart_shows_is_charted_per_kind():
    report = joint_meeting_report(MARCH, ORGS, CASES, RETURNS)
    for group in (*report["by_kind"], *report["by_organization"]):
        group["kind_name"] = "名" + group["kind"]
    charts = chart_series(report, max_categories=2)
    assert charts[0]["categories"] == ["名police_station", "名judicial_office", "名tribunal"]
