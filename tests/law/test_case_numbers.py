"""Case numbers (案号, domain.md §5): full-width brackets, no padding, and back again; where the numbers come from."""

import pytest

from confirm.law.case_numbers import (
    SPECIAL_SUPERVISION,
    CaseNumber,
    NumberBlock,
    block_problem,
    counter_start_problem,
    next_from_blocks,
)


def test_case_number_has_full_width_brackets_and_no_padding():
    assert str(CaseNumber(2026, "渝0241", 1)) == "（2026）渝0241民特1号"
    assert str(CaseNumber(2026, "渝0241", 123)) == "（2026）渝0241民特123号"


def test_case_number_round_trips():
    assert CaseNumber.parse("（2026）渝0241民特45号") == CaseNumber(2026, "渝0241", 45)
    with pytest.raises(ValueError):
        CaseNumber.parse("(2026)渝0241民特045号")


def test_objections_have_their_own_type_code_min_te_jian():
    """民特监 (代字标准 0323) is its own series: printed and parsed as such, not as 民特 with a stray 监."""
    number = CaseNumber(2026, "渝0241", 3, SPECIAL_SUPERVISION)
    assert str(number) == "（2026）渝0241民特监3号"
    assert CaseNumber.parse("（2026）渝0241民特监3号") == number


def test_blocks_are_taken_lowest_first_and_used_up_ones_skipped():
    blocks = [NumberBlock(301, 400, 301), NumberBlock(101, 200, 201), NumberBlock(201, 300, 250)]
    assert next_from_blocks(blocks) == NumberBlock(201, 300, 250)
    assert next_from_blocks([NumberBlock(101, 200, 201)]) is None


def test_a_block_that_overlaps_one_already_entered_is_refused():
    existing = [NumberBlock(101, 200, 101)]
    assert "重叠" in (block_problem(200, 250, 2026, existing, this_year=2026) or "")
    assert block_problem(201, 250, 2026, existing, this_year=2026) is None
    assert block_problem(50, 10, 2026, [], this_year=2026) is not None
    assert block_problem(1, 10, 2020, [], this_year=2026) is not None


def test_a_counter_never_moves_back_over_numbers_it_has_given():
    assert counter_start_problem(500, 0) is None
    assert counter_start_problem(500, 499) is None
    assert counter_start_problem(12, 12) is not None
    assert counter_start_problem(0, 0) is not None
