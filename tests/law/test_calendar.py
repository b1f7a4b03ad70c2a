"""CPL 205 and 85: the last day to apply moves past statutory rest days (confirm/law/calendar.py)."""

from datetime import date

import pytest

from confirm.law.calendar import RestDayCalendar, calendar_from_table, filing_deadline, filing_window
from confirm.law.tables import holiday_table

SHIPPED = calendar_from_table(holiday_table())


CASES = [
    (date(2026, 11, 1), date(2026, 12, 1), "day 30 is a Tuesday: nothing moves"),
    (date(2026, 9, 1), date(2026, 10, 8), "day 30 is National Day; 10-07 is the last holiday, 10-08 a Thursday"),
    (date(2026, 10, 4), date(2026, 11, 3), "day 30 is a plain Tuesday"),
    (date(2026, 10, 8), date(2026, 11, 9), "day 30 is a plain Saturday 11-07: moves to Monday"),
    (date(2026, 1, 29), date(2026, 2, 28), "day 30 is Saturday 02-28, an adjusted working day: does not move"),
    (date(2026, 1, 16), date(2026, 2, 24), "day 30 is 02-15 in the Spring Festival (to 02-23): moves to Tuesday"),
    (date(2026, 9, 10), date(2026, 10, 10), "day 30 is Saturday 10-10, a working day after National Day"),
    (date(2025, 9, 1), date(2025, 10, 9), "2025: National Day runs to 10-08"),
    (date(2025, 12, 2), date(2026, 1, 4), "day 30 is 2026-01-01; holidays to 01-03; Sunday 01-04 is a working day"),
]


@pytest.mark.parametrize(("concluded_on", "last_day", "why"), CASES)
def test_last_day_moves_past_statutory_rest_days(concluded_on, last_day, why):
    assert filing_deadline(concluded_on, SHIPPED) == last_day, why
    assert filing_window(concluded_on, SHIPPED).covered


def test_a_year_not_covered_is_counted_by_weekends_only_and_says_so():
    window = filing_window(date(2026, 12, 3), SHIPPED)  # day 30 is Saturday 2027-01-02; 2027 is not shipped
    assert window.last_day == date(2027, 1, 4) and not window.covered


def test_a_covered_day_30_moved_into_an_uncovered_year_is_not_covered():
    window = filing_window(date(2026, 12, 1), SHIPPED)  # day 30 is Thursday 2026-12-31, a working day
    assert window.last_day == date(2026, 12, 31) and window.covered
    assert not filing_window(date(2026, 12, 3), SHIPPED).covered


def test_without_a_calendar_weekends_still_move_the_last_day():
    assert filing_deadline(date(2026, 1, 16), RestDayCalendar()) == date(2026, 2, 16)  # 02-15 is a Sunday


def test_a_courts_year_replaces_the_shipped_year():
    court = {2026: {"holidays": ["12-31"], "working_days": []}}
    calendar = calendar_from_table(holiday_table(), court)
    assert filing_deadline(date(2026, 12, 1), calendar) == date(2027, 1, 1)  # 12-31 now a holiday; 2027 by weekday
    assert filing_deadline(date(2026, 9, 1), calendar) == date(2026, 10, 1)  # the shipped 2026 is gone
    assert calendar.years == {2025, 2026}


def test_a_court_may_add_a_year():
    calendar = calendar_from_table(holiday_table(), {2027: {"holidays": ["01-01"], "working_days": []}})
    assert filing_window(date(2026, 12, 2), calendar).covered  # day 30 is 2027-01-01 → Monday 01-04 (covered)
    assert filing_deadline(date(2026, 12, 2), calendar) == date(2027, 1, 4)


def test_a_working_day_that_is_not_a_weekend_day_is_a_mistake_in_the_table():
    with pytest.raises(ValueError, match="weekend"):
        calendar_from_table({2026: {"holidays": [], "working_days": ["03-02"]}})


def test_the_shipped_table_holds_the_published_arrangements():
    assert SHIPPED.years == {2025, 2026}
    assert len([d for d in SHIPPED.holidays if d.year == 2026]) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert len(SHIPPED.working_days) == 5 + 6


def test_a_late_application_is_flagged_for_the_judge_with_the_last_day_and_cpl_86():
    from confirm.law.review import filing_window_flags

    flags = filing_window_flags(concluded_on=date(2026, 9, 1), submitted_on=date(2026, 10, 9), calendar=SHIPPED)
    assert [f.code for f in flags] == ["risk.late_application"]
    assert "2026-10-08" in flags[0].message and "第八十六条" in flags[0].message
    assert filing_window_flags(concluded_on=date(2026, 9, 1), submitted_on=date(2026, 10, 8), calendar=SHIPPED) == []


def test_a_last_day_in_a_year_not_covered_is_flagged_as_unsure():
    from confirm.law.review import filing_window_flags

    flags = filing_window_flags(concluded_on=date(2026, 12, 3), submitted_on=date(2026, 12, 20), calendar=SHIPPED)
    assert [f.code for f in flags] == ["risk.calendar_not_covered"]
    assert "法定节假日安排未录入" in flags[0].message
