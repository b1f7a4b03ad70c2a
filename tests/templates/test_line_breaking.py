"""Chinese line breaking (禁则): which characters may begin and end a line, and how long runs break."""

from __future__ import annotations

import random

import pytest

from templates.layout import NO_LINE_END, NO_LINE_START, break_lines
from templates.page import ADVANCE, BODY_SIZE, TEXT_WIDTH, TRACKING

SIZE = 16.0


def lines_of(text: str, chars: float, *, indent: float = 0.0) -> list[str]:
    return [line.text for line in break_lines(text, chars * SIZE, SIZE, first_indent=indent * SIZE)]


def test_a_full_stop_that_would_begin_a_line_pulls_the_character_before_it_along():
    # ten characters per line: the eleventh is "。", which may not begin the next line
    assert lines_of("一二三四五六七八九十。一二三", 10) == ["一二三四五六七八九", "十。一二三"]


@pytest.mark.parametrize("mark", list("，。；：、）》”！？"))
def test_no_line_begins_with_a_closing_or_pausing_mark(mark: str):
    lines = lines_of("甲乙丙丁戊己庚辛壬癸" + mark + "子丑寅卯", 10)
    assert all(line[0] not in NO_LINE_START for line in lines)
    assert "".join(lines) == "甲乙丙丁戊己庚辛壬癸" + mark + "子丑寅卯"


@pytest.mark.parametrize("mark", list("（《“"))
def test_no_line_ends_with_an_opening_mark(mark: str):
    lines = lines_of("甲乙丙丁戊己庚辛壬" + mark + "癸子丑寅", 10)
    assert all(line[-1] not in NO_LINE_END for line in lines)
    assert lines[1].startswith(mark)


def test_consecutive_closing_marks_move_together_with_the_character_before_them():
    lines = lines_of("甲乙丙丁戊己庚辛壬说：“好。”子丑", 12)
    assert all(line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END for line in lines)
    assert "".join(lines) == "甲乙丙丁戊己庚辛壬说：“好。”子丑"


def test_two_em_dash_and_ellipsis_are_never_split():
    for text in ("甲乙丙丁戊己庚辛壬——子丑", "甲乙丙丁戊己庚辛壬……子丑"):
        lines = lines_of(text, 10)
        assert all(not line.endswith(("—", "…")) or line.endswith(("——", "……")) for line in lines)


def test_short_numbers_stay_whole_and_long_ones_break_leaving_four_characters_each_side():
    assert lines_of("甲乙丙丁戊己庚辛壬2026年", 10) == ["甲乙丙丁戊己庚辛壬", "2026年"]
    lines = lines_of("公民身份号码11010519491231002X。", 12)
    digits = [line.strip("公民身份号码。") for line in lines]
    assert "".join(lines) == "公民身份号码11010519491231002X。"
    assert all(len(d) >= 4 for d in digits if d)


def test_first_line_indent_of_two_characters():
    text = "本院经审查认为，申请人达成的调解协议，符合司法确认调解协议的法定条件。"
    lines = break_lines(text, TEXT_WIDTH, BODY_SIZE, first_indent=2 * ADVANCE, tracking=TRACKING)
    assert len(lines[0].text) == 26  # 28 characters a line, less the indent
    assert lines[0].indent == pytest.approx(2 * ADVANCE) and lines[1].indent == 0


def test_body_lines_hold_28_characters_as_gb_t_9704_prescribes():
    lines = break_lines("中" * 100, TEXT_WIDTH, BODY_SIZE, tracking=TRACKING)
    assert [len(line.text) for line in lines] == [28, 28, 28, 16]


def test_random_text_never_breaks_against_the_rules_and_never_overflows():
    rng = random.Random(20261128)
    alphabet = "申请人调解协议本院认为" * 4 + "，。；：、（）《》“”" + "0123456789"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 120)))
        width = rng.randint(6, 28)
        lines = break_lines(text, width * SIZE, SIZE)
        assert "".join(line.text for line in lines) == text.replace(" ", "")
        for i, line in enumerate(lines):
            assert line.text, text
            assert line.natural_width <= width * SIZE + 1e-6, (text, width)
            if i > 0:
                assert line.text[0] not in NO_LINE_START, (text, width)
            if i < len(lines) - 1:
                assert line.text[-1] not in NO_LINE_END, (text, width)


def test_a_run_of_marks_longer_than_the_line_still_breaks():
    text = "甲" + "。" * 30
    lines = lines_of(text, 10)
    assert "".join(lines) == text and len(lines) >= 3
