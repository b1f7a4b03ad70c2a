"""收案 apart from 受理 (issue 13 item 2; Interp. 355 ¶1–2): the rules, without I/O."""

from __future__ import annotations

from datetime import date

from confirm.law.acceptance import (
    accepted_by_decision,
    check_acceptance,
    ground_groups_open,
    outcomes_before_or_after,
)
from confirm.law.review import OUTCOMES, Outcome
from templates.texts import load_texts

GROUPS = {g.code: g.group for g in load_texts().grounds.values()}
ACCEPTED = date(2026, 11, 30)


def codes(outcome: str, grounds: list[str], accepted_on: date | None) -> list[str]:
    return [p.code for p in check_acceptance(outcome, grounds, accepted_on=accepted_on, ground_groups=GROUPS)]


def test_not_accepted_only_before_acceptance():
    assert codes("not_accepted", ["outside_jurisdiction"], None) == []
    assert codes("not_accepted", ["outside_jurisdiction"], ACCEPTED) == ["decision.already_accepted"]
    problem = check_acceptance("not_accepted", ["outside_jurisdiction"], accepted_on=ACCEPTED, ground_groups=GROUPS)[0]
    assert problem.field == "outcome" and "2026-11-30受理" in problem.message and "第三百五十五条第二款" in problem.message


def test_a_355_defect_is_rejected_only_after_acceptance_and_on_its_own():
    assert codes("rejected", ["outside_jurisdiction"], ACCEPTED) == []
    assert codes("rejected", ["outside_jurisdiction"], None) == ["decision.not_yet_accepted"]
    assert codes("rejected", ["outside_jurisdiction", "unclear_content"], ACCEPTED) == ["decision.grounds_mixed"]
    # the agreement's content (Interp. 358) is reviewed whether or not the acceptance came first
    assert codes("rejected", ["unclear_content"], None) == [] and codes("rejected", ["unclear_content"], ACCEPTED) == []


def test_every_decision_but_not_accepted_accepts_a_case_not_yet_accepted():
    assert [o for o in OUTCOMES if accepted_by_decision(o, accepted=False)] == [
        o for o in OUTCOMES if o != Outcome.NOT_ACCEPTED]
    assert not any(accepted_by_decision(o, accepted=True) for o in OUTCOMES)


def test_what_the_form_offers_before_and_after_acceptance():
    assert Outcome.NOT_ACCEPTED in outcomes_before_or_after(OUTCOMES, accepted=False)
    assert Outcome.NOT_ACCEPTED not in outcomes_before_or_after(OUTCOMES, accepted=True)
    assert ground_groups_open("rejected", accepted=False) == frozenset({"interp_358"})
    assert ground_groups_open("rejected", accepted=True) is None
    assert ground_groups_open("not_accepted", accepted=False) is None
