"""The rules of performance after the ruling (confirm.law.performance), tested directly."""

from __future__ import annotations

import pytest

from confirm.law import performance as rules
from confirm.law.errors import DomainError
from confirm.law.performance import PerformanceState


def code(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_only_the_three_answers_are_states_an_answer_may_set():
    assert [rules.answer_state(s) for s in ("performed", "partly_performed", "not_performed")] == list(rules.ANSWERS)
    for bad in ("pending", "done", "", "PERFORMED"):
        assert code(lambda bad=bad: rules.answer_state(bad)) == "performance.state_unknown"


def test_only_the_obligee_answers_and_only_the_obligor_brings_proof():
    rules.require_obligee(7, 7)
    assert code(lambda: rules.require_obligee(8, 7)) == "performance.not_obligee"
    rules.require_obligor(8, 8)
    assert code(lambda: rules.require_obligor(7, 8)) == "performance.not_obligor"


def test_a_performed_obligation_is_closed_and_the_others_stay_open():
    assert code(lambda: rules.require_open("performed")) == "performance.obligation_closed"
    for state in ("pending", "partly_performed", "not_performed"):
        rules.require_open(state)  # a partial or missing performance may still be completed


def test_answers_only_under_a_confirming_ruling_that_stands():
    rules.require_ruling_in_force("confirmed", revoked=False)
    assert code(lambda: rules.require_ruling_in_force(None, revoked=False)) == "performance.no_ruling"
    assert code(lambda: rules.require_ruling_in_force("rejected", revoked=False)) == "performance.no_ruling"
    assert code(lambda: rules.require_ruling_in_force("confirmed", revoked=True)) == "performance.ruling_revoked"


def test_the_mediator_marks_performed_only_with_a_proof():
    assert code(lambda: rules.require_proof_for_witnessed(PerformanceState.PERFORMED, False)) == \
        "performance.proof_required"
    rules.require_proof_for_witnessed(PerformanceState.PERFORMED, True)
    rules.require_proof_for_witnessed(PerformanceState.NOT_PERFORMED, False)  # nothing to prove


@pytest.mark.parametrize(("states", "done"), [
    ([], False),  # nothing owed: no certificate of performing it
    (["performed"], True),
    (["performed", "performed", "performed"], True),
    (["performed", "partly_performed"], False),
    (["performed", "pending"], False),
    (["not_performed"], False),
])
def test_every_obligation_performed_and_at_least_one(states, done):
    assert rules.all_performed(states) is done


def test_states_have_chinese_names():
    assert [s.name_zh for s in PerformanceState] == ["待履行", "已履行", "部分履行", "未履行"]
