"""Interp. 372: who may object and until when; how an objection is decided."""

from __future__ import annotations

from datetime import date

import pytest

from confirm.law.calendar import RestDayCalendar
from confirm.law.errors import DomainError
from confirm.law.objections import (
    ObjectionDates,
    ObjectionOutcome,
    ObjectorKind,
    add_months,
    date_problems,
    last_day_to_object,
    require_decidable,
)

PARTY, OUTSIDER = ObjectorKind.PARTY, ObjectorKind.INTERESTED_PERSON
NO_HOLIDAYS = RestDayCalendar()
# 2026: 国庆节 1–7 October (State Council arrangement as shipped)
NATIONAL_DAY = RestDayCalendar(holidays=frozenset(date(2026, 10, d) for d in range(1, 8)), years=frozenset({2026}))


def codes(d: ObjectionDates, calendar: RestDayCalendar = NO_HOLIDAYS) -> list[str]:
    return [p.code for p in date_problems(d, calendar)]


def dates(kind: ObjectorKind, starts: date, filed: date, *, issued: date = date(2026, 11, 2),
          today: date = date(2026, 11, 30)) -> ObjectionDates:
    return ObjectionDates(kind=kind, starts_on=starts, filed_on=filed, ruling_issued_on=issued, today=today)


def test_a_party_has_fifteen_days_from_receipt_not_counting_the_first():
    # received Tuesday 3 Nov → the 15th day is Wednesday 18 Nov
    assert last_day_to_object(PARTY, date(2026, 11, 3), NO_HOLIDAYS) == date(2026, 11, 18)
    assert codes(dates(PARTY, date(2026, 11, 3), date(2026, 11, 18))) == []
    late = date_problems(dates(PARTY, date(2026, 11, 3), date(2026, 11, 19)), NO_HOLIDAYS)
    assert [p.code for p in late] == ["objection.out_of_time"]
    assert "2026年11月18日" in late[0].message and "第三百七十二条" in late[0].message


def test_a_last_day_on_a_rest_day_moves_to_the_next_working_day():
    # received 16 Sep → 1 Oct, inside 国庆 → 8 Oct
    assert last_day_to_object(PARTY, date(2026, 9, 16), NATIONAL_DAY) == date(2026, 10, 8)
    # received 7 Nov → 22 Nov is a Sunday → Monday 23 Nov
    assert last_day_to_object(PARTY, date(2026, 11, 7), NO_HOLIDAYS) == date(2026, 11, 23)


def test_an_interested_person_has_six_months_from_knowing():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert last_day_to_object(OUTSIDER, date(2026, 5, 20), NO_HOLIDAYS) == date(2026, 11, 20)
    # knowing of the harm before the ruling is possible for an outsider (the agreement harmed them earlier)
    assert codes(dates(OUTSIDER, date(2026, 5, 20), date(2026, 11, 20))) == []
    assert codes(dates(OUTSIDER, date(2026, 5, 20), date(2026, 11, 23))) == ["objection.out_of_time"]


def test_impossible_dates_are_refused_each_with_its_field():
    future = dates(PARTY, date(2026, 11, 3), date(2026, 12, 1))
    assert [(p.field, p.code) for p in date_problems(future, NO_HOLIDAYS)] == [
        ("filed_on", "objection.date_in_future")]
    before = dates(PARTY, date(2026, 11, 1), date(2026, 11, 1))
    assert {(p.field, p.code) for p in date_problems(before, NO_HOLIDAYS)} == {
        ("filed_on", "objection.before_ruling"), ("received_on", "objection.before_ruling")}
    reversed_ = dates(OUTSIDER, date(2026, 11, 20), date(2026, 11, 10))
    assert [(p.field, p.code) for p in date_problems(reversed_, NO_HOLIDAYS)] == [
        ("known_on", "objection.dates_reversed")]


def test_a_change_needs_its_new_wording_and_only_a_change_carries_one():
    assert require_decidable("revoked", change_text=None) is ObjectionOutcome.REVOKED
    assert require_decidable("changed", change_text="第二项变更为……") is ObjectionOutcome.CHANGED
    for outcome, text, code in (("changed", " ", "objection.change_text_required"),
                                ("rejected", "变更为……", "objection.change_text_unexpected"),
                                ("annulled", None, "objection.outcome_unknown")):
        with pytest.raises(DomainError) as e:
            require_decidable(outcome, change_text=text)
        assert e.value.code == code


def test_only_a_ruling_that_revokes_or_changes_ends_the_original():
    assert [o.ends_original for o in ObjectionOutcome] == [True, True, False]
    assert ObjectionOutcome.REJECTED.public_reason is None
    assert ObjectionOutcome.CHANGED.public_reason == "changed_by_new_ruling"
