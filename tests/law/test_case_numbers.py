"""Case numbers (案号, domain.md §5): full-width brackets, no padding, and back again."""

import pytest

from confirm.law.case_numbers import CaseNumber


def test_case_number_has_full_width_brackets_and_no_padding():
    assert str(CaseNumber(2026, "渝0241", 1)) == "（2026）渝0241民特1号"
    assert str(CaseNumber(2026, "渝0241", 123)) == "（2026）渝0241民特123号"


def test_case_number_round_trips():
    assert CaseNumber.parse("（2026）渝0241民特45号") == CaseNumber(2026, "渝0241", 45)
    with pytest.raises(ValueError):
        CaseNumber.parse("(2026)渝0241民特045号")

