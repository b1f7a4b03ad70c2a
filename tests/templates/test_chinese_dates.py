"""Dates in Chinese numerals (the ruling's closing) and in Arabic numerals (the body)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from templates import chinese_date
from templates.dates import arabic_date, arabic_datetime


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 28), "二〇二六年十一月二十八日"),
        (date(2020, 1, 1), "二〇二〇年一月一日"),
        (date(2019, 10, 10), "二〇一九年十月十日"),
        (date(2031, 12, 31), "二〇三一年十二月三十一日"),
        (date(2000, 2, 29), "二〇〇〇年二月二十九日"),
        (date(2026, 3, 20), "二〇二六年三月二十日"),
        (date(2026, 6, 15), "二〇二六年六月十五日"),
    ],
)
def test_chinese_date_writes_the_year_digit_by_digit_and_month_and_day_as_numbers(day: date, expected: str):
    assert chinese_date(day) == expected


def test_chinese_date_uses_the_ling_circle_not_the_digit_zero_or_the_character_ling():
    assert "〇" in chinese_date(date(2026, 1, 1))
    assert "零" not in chinese_date(date(2026, 1, 1)) and "0" not in chinese_date(date(2026, 1, 1))


def test_body_dates_use_arabic_numerals_without_padding():
    assert arabic_date(date(2026, 1, 5)) == "2026年1月5日"
    assert arabic_datetime(datetime(2026, 11, 28, 9, 5)) == "2026年11月28日9时05分"
