"""限期补正 and 按撤回申请处理 (Interp. 354 ¶2, 356 ¶2, 357 ¶2): pure rules."""

from __future__ import annotations

from datetime import date

import pytest

from confirm.law.errors import DomainError
from confirm.law.supplement import require_decidable, require_supplement_deadline

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
