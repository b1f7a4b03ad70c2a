"""Following the obligations' dates (issue 15 item 2): when each message is due, which are skipped, what is due or
overdue, and the due list's filters."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from confirm.law.errors import DomainError
from confirm.law.follow_up import (
    Notice,
    is_due_within,
    is_overdue,
    notices,
    parse_within,
    require_known_filters,
    require_reminder_days,
    send_moment,
    skip_reason,
)

DUE = date(2026, 12, 31)


def test_the_obligor_is_reminded_days_before_and_the_obligee_asked_the_day_after():
    assert notices(DUE, days_before=3, today=date(2026, 12, 1)) == [
        Notice("reminder", date(2026, 12, 28)), Notice("question", date(2027, 1, 1))]


def test_a_reminder_of_zero_days_is_sent_on_the_due_date_itself():
    assert notices(DUE, days_before=0, today=date(2026, 12, 1))[0] == Notice("reminder", DUE)


def test_served_after_the_reminder_day_the_reminder_goes_out_at_once():
    assert notices(DUE, days_before=3, today=date(2026, 12, 30)) == [
        Notice("reminder", date(2026, 12, 30)), Notice("question", date(2027, 1, 1))]


def test_served_on_the_due_date_the_obligor_is_still_reminded_that_day():
    assert notices(DUE, days_before=3, today=DUE)[0] == Notice("reminder", DUE)


def test_served_after_the_due_date_there_is_no_reminder_and_the_question_goes_out_at_once():
    assert notices(DUE, days_before=3, today=date(2027, 1, 5)) == [Notice("question", date(2027, 1, 5))]


def test_an_obligation_without_a_due_date_is_not_followed():
    assert notices(None, days_before=3, today=date(2026, 12, 1)) == []


def test_messages_go_out_at_nine_in_the_morning_china_time():
    moment = send_moment(date(2026, 12, 28))
    assert moment.astimezone(timezone.utc) == datetime(2026, 12, 28, 1, 0, tzinfo=timezone.utc)


def test_nothing_is_sent_about_a_performed_obligation():
    assert skip_reason("reminder", due_on=DUE, state="performed", today=date(2026, 12, 28)) == "performed"
    assert skip_reason("question", due_on=DUE, state="performed", today=date(2027, 1, 1)) == "performed"


@pytest.mark.parametrize("state", ["pending", "partly_performed", "not_performed"])
def test_an_obligation_not_wholly_performed_is_followed(state):
    assert skip_reason("reminder", due_on=DUE, state=state, today=date(2026, 12, 28)) is None
    assert skip_reason("question", due_on=DUE, state=state, today=date(2027, 1, 1)) is None


def test_a_reminder_that_comes_due_after_the_due_date_is_not_sent_late():
    assert skip_reason("reminder", due_on=DUE, state="pending", today=date(2027, 1, 2)) == "past_due"
    assert skip_reason("reminder", due_on=DUE, state="pending", today=DUE) is None
    assert skip_reason("question", due_on=DUE, state="pending", today=date(2027, 3, 1)) is None


def test_overdue_means_the_due_date_passed_and_not_performed():
    assert is_overdue(DUE, "pending", today=date(2027, 1, 1))
    assert is_overdue(DUE, "partly_performed", today=date(2027, 1, 1))
    assert is_overdue(DUE, "not_performed", today=date(2027, 1, 1))
    assert not is_overdue(DUE, "pending", today=DUE)  # the due date itself is still in time
    assert not is_overdue(DUE, "performed", today=date(2027, 1, 1))
    assert not is_overdue(None, "pending", today=date(2027, 1, 1))


def test_due_within_counts_today_and_the_last_day_of_the_horizon():
    assert is_due_within(DUE, "pending", today=DUE, within=0)
    assert is_due_within(DUE, "pending", today=date(2026, 12, 24), within=7)
    assert not is_due_within(DUE, "pending", today=date(2026, 12, 23), within=7)
    assert not is_due_within(DUE, "performed", today=date(2026, 12, 24), within=7)
    assert not is_due_within(DUE, "pending", today=date(2027, 1, 1), within=7)  # overdue, not due


@pytest.mark.parametrize(("raw", "days"), [(None, 7), ("", 7), ("0", 0), ("14", 14), ("366", 366)])
def test_within_is_a_whole_number_of_days(raw, days):
    assert parse_within(raw) == days


@pytest.mark.parametrize("raw", ["-1", "367", "100000", "7.5", "abc", "１４", "1e3", " ", "0x10"])
def test_a_negative_or_absurd_within_is_refused_in_chinese_with_a_stable_code(raw):
    with pytest.raises(DomainError) as caught:
        parse_within(raw)
    assert caught.value.code == "obligation.within_invalid" and caught.value.status == 422
    assert "整数天数" in caught.value.message and caught.value.problems[0].field == "within"


def test_an_unknown_filter_is_refused_not_ignored():
    require_known_filters(["within"])
    with pytest.raises(DomainError) as caught:
        require_known_filters(["within", "state"])
    assert caught.value.code == "obligation.unknown_filter" and "state" in caught.value.message


def test_the_reminder_lead_is_zero_to_thirty_days():
    assert require_reminder_days(0) == 0 and require_reminder_days(30) == 30
    for bad in (-1, 31):
        with pytest.raises(ValueError):
            require_reminder_days(bad)
