"""限期补正 and 按撤回申请处理 (Interp. 354 ¶2, 356 ¶2, 357 ¶2): pure rules."""

from __future__ import annotations

from datetime import date

import pytest

from confirm.law.errors import DomainError
from confirm.law.supplement import deadline_passed, outcomes_open, require_decidable, require_supplement_deadline

TODAY = date(2026, 11, 30)


def test_the_deadline_is_after_today_and_within_thirty_days():
    assert require_supplement_deadline(date(2026, 12, 7), today=TODAY) == date(2026, 12, 7)
    for bad, code in ((None, "application.supplement_deadline_required"),
                      (TODAY, "application.supplement_deadline_invalid"),
                      (date(2027, 1, 1), "application.supplement_deadline_invalid")):
        with pytest.raises(DomainError) as caught:
            require_supplement_deadline(bad, today=TODAY)
        assert caught.value.code == code


def test_a_returned_case_is_treated_as_withdrawn_only_after_its_deadline():
    require_decidable("returned", "treated_as_withdrawn", supplement_deadline=date(2026, 11, 29), today=TODAY)
    for deadline, code in ((TODAY, "decision.supplement_deadline_not_passed"),
                           (None, "decision.no_supplement_deadline")):
        with pytest.raises(DomainError) as caught:
            require_decidable("returned", "treated_as_withdrawn", supplement_deadline=deadline, today=TODAY)
        assert caught.value.code == code and caught.value.status == 409


def test_a_returned_case_takes_no_other_decision_and_under_review_cannot_be_treated_as_withdrawn():
    with pytest.raises(DomainError) as caught:
        require_decidable("returned", "confirmed", supplement_deadline=date(2026, 11, 1), today=TODAY)
    assert caught.value.code == "decision.case_returned"
    with pytest.raises(DomainError) as caught:
        require_decidable("under_review", "treated_as_withdrawn", supplement_deadline=None, today=TODAY)
    assert caught.value.code == "decision.no_supplement_deadline"
    require_decidable("under_review", "confirmed", supplement_deadline=None, today=TODAY)


def test_the_day_itself_still_belongs_to_the_parties_and_only_a_returned_case_has_a_deadline_to_pass():
    assert not deadline_passed("returned", TODAY, today=TODAY)
    assert deadline_passed("returned", date(2026, 11, 29), today=TODAY)
    assert not deadline_passed("returned", None, today=TODAY)
    assert not deadline_passed("under_review", date(2026, 11, 1), today=TODAY)


def test_the_outcomes_open_to_a_returned_case_and_to_one_under_review():
    assert outcomes_open("returned") == ["treated_as_withdrawn"]
    assert "treated_as_withdrawn" not in outcomes_open("under_review") and len(outcomes_open("under_review")) == 4
