"""强制执行 after non-performance (issue 15 item 4), the pure rules: when an application can be prepared, what it
asks for, and the last day to apply (CPL 250 with CPL 85 ¶2–3 and 民法典 202)."""

from __future__ import annotations

from datetime import date

import pytest

from confirm.law.calendar import RestDayCalendar
from confirm.law.errors import DomainError
from confirm.law.execution import (
    LIMITATION_CITATION,
    CaseFacts,
    ObligationRecord,
    choose_obligee,
    last_day_to_apply,
    obligees,
    plan,
    remaining_fen,
    require_executable,
    years_later,
)

SERVED = CaseFacts(outcome="confirmed", revoked=False, served=True, decided_on=date(2026, 12, 1))
NO_HOLIDAYS = RestDayCalendar()
PERSON, COMPANY = 10, 11


def obligation(n: int, state: str, *, kind: str = "money", amount: int | None = 700000, obligor: int = COMPANY,
               obligee: int | None = PERSON, due: date | None = date(2027, 1, 15),
               performed: int | None = None) -> ObligationRecord:
    return ObligationRecord(id=n, position=n, obligor_party_id=obligor, obligee_party_id=obligee, kind=kind,
                            amount_fen=amount if kind == "money" else None,
                            description="货款" if kind == "money" else "返还样品一批", due_on=due, state=state,
                            performed_fen=performed)


@pytest.mark.parametrize(("case", "code"), [
    (CaseFacts(None, False, False, None), "execution.not_confirmed"),
    (CaseFacts("rejected", False, True, date(2026, 12, 1)), "execution.not_confirmed"),
    (CaseFacts("confirmed", True, True, date(2026, 12, 1)), "execution.ruling_revoked"),
    (CaseFacts("confirmed", False, False, date(2026, 12, 1)), "execution.not_served"),
])
def test_only_a_standing_confirmation_served_on_everyone_opens_execution(case, code):
    with pytest.raises(DomainError) as refused:
        require_executable(case)
    assert refused.value.code == code and refused.value.status == 409
    with pytest.raises(DomainError):
        plan(case, [obligation(1, "not_performed")], PERSON, NO_HOLIDAYS)


def test_nothing_reported_unperformed_is_409_and_performed_or_pending_obligations_never_enter():
    obligations = [obligation(1, "pending"), obligation(2, "performed")]
    with pytest.raises(DomainError) as refused:
        plan(SERVED, obligations, PERSON, NO_HOLIDAYS)
    assert refused.value.code == "execution.nothing_unperformed" and refused.value.status == 409
    assert obligees(obligations) == []
    got = plan(SERVED, obligations + [obligation(3, "not_performed", amount=500000)], PERSON, NO_HOLIDAYS)
    assert [i.obligation.id for i in got.items] == [3] and got.money_total_fen == 500000


def test_only_the_obligee_s_own_obligations_and_their_obligors():
    act = obligation(2, "not_performed", kind="act", obligor=PERSON, obligee=COMPANY)
    money = obligation(1, "not_performed")
    assert obligees([act, money]) == [PERSON, COMPANY]  # by position
    mine = plan(SERVED, [money, act], PERSON, NO_HOLIDAYS)
    assert [i.obligation.id for i in mine.items] == [1] and mine.respondent_party_ids == (COMPANY,)
    theirs = plan(SERVED, [money, act], COMPANY, NO_HOLIDAYS)
    assert [i.obligation.id for i in theirs.items] == [2] and theirs.respondent_party_ids == (PERSON,)
    assert theirs.items[0].remaining_fen is None and theirs.money_total_fen == 0


def test_the_obligee_is_chosen_or_must_be_named():
    money, act = obligation(1, "not_performed"), obligation(2, "partly_performed", kind="act", obligor=PERSON,
                                                              obligee=COMPANY)
    assert choose_obligee([money], None) == PERSON
    with pytest.raises(DomainError) as several:
        choose_obligee([money, act], None)
    assert several.value.code == "execution.obligee_required" and several.value.status == 422
    assert choose_obligee([money, act], COMPANY) == COMPANY
    with pytest.raises(DomainError) as not_owed:
        choose_obligee([money], COMPANY)  # the obligor asks for an application against themself
    assert not_owed.value.code == "execution.not_obligee" and not_owed.value.status == 403
    with pytest.raises(DomainError) as nobody:
        choose_obligee([obligation(1, "pending")], PERSON)
    assert nobody.value.code == "execution.nothing_unperformed"
    assert obligees([obligation(1, "not_performed", obligee=None)]) == []  # an obligation naming no obligee


def test_remaining_sums_come_from_the_records_only():
    assert remaining_fen(obligation(1, "not_performed", amount=1200000)) == 1200000
    assert remaining_fen(obligation(1, "partly_performed", amount=1200000)) is None  # nothing says how much
    assert remaining_fen(obligation(1, "partly_performed", amount=1200000, performed=200000)) == 1000000
    assert remaining_fen(obligation(1, "partly_performed", amount=1200000, performed=1200000)) is None
    assert remaining_fen(obligation(1, "not_performed", kind="act")) is None
    partly = plan(SERVED, [obligation(1, "not_performed", amount=700000),
                           obligation(2, "partly_performed", amount=500000)], PERSON, NO_HOLIDAYS)
    assert partly.money_total_fen == 700000 and partly.complete_total is False


@pytest.mark.parametrize(("starts", "last", "why"), [
    (date(2027, 1, 15), date(2029, 1, 15), "two years after the due day, the due day not counted"),
    (date(2028, 2, 29), date(2030, 2, 28), "no 29 February: the month's last day (民法典 202)"),
    (date(2027, 3, 10), date(2029, 3, 12), "10 March 2029 is a Saturday: the next Monday (CPL 85 ¶3)"),
])
def test_last_day_to_apply_is_two_years_from_the_last_day_of_performance(starts, last, why):
    assert last_day_to_apply(starts, NO_HOLIDAYS) == last, why


def test_each_instalment_counts_from_its_own_day_and_no_day_counts_from_the_ruling():
    holiday = RestDayCalendar(holidays=frozenset({date(2029, 1, 15)}), years=frozenset({2029}))
    got = plan(SERVED, [obligation(1, "not_performed", due=date(2027, 1, 15)),
                        obligation(2, "not_performed", due=date(2027, 2, 15)),
                        obligation(3, "not_performed", due=None)], PERSON, holiday)
    assert [i.apply_by for i in got.items] == [date(2029, 1, 16), date(2029, 2, 15), date(2028, 12, 1)]
    assert [i.period_starts for i in got.items] == [date(2027, 1, 15), date(2027, 2, 15), date(2026, 12, 1)]
    assert got.apply_by == date(2028, 12, 1)  # the earliest: what the applicant must not miss
    assert years_later(date(2026, 12, 1), 2) == date(2028, 12, 1)
    assert LIMITATION_CITATION == "《中华人民共和国民事诉讼法》第二百五十条"
