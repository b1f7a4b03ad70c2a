"""Dates as court documents print them.

The closing date of a ruling is written in Chinese numerals (二〇二六年十一月二十八日); dates in the body are
written with Arabic numerals (2026年11月20日), as the 2016 rules for civil judgment documents prescribe.
"""

from __future__ import annotations

from datetime import date, datetime

_DIGITS = "〇一二三四五六七八九"
CHINESE_DATE_CHARACTERS = _DIGITS + "十年月日"  # every character chinese_date may print


def _chinese_number(n: int) -> str:
    """1–99 in Chinese numerals: 十, 十一, 二十, 二十八."""
    if not 1 <= n <= 99:
        raise ValueError(f"{n} is outside 1–99")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def chinese_date(d: date) -> str:
    """The date in Chinese numerals, as in a ruling's closing: 2026-11-28 → 二〇二六年十一月二十八日."""
    year = "".join(_DIGITS[int(c)] for c in f"{d.year:04d}")
    return f"{year}年{_chinese_number(d.month)}月{_chinese_number(d.day)}日"


def arabic_date(d: date) -> str:
    """The date as the body text prints it: 2026-11-20 → 2026年11月20日 (no zero padding)."""
    return f"{d.year}年{d.month}月{d.day}日"


def arabic_time(t: datetime) -> str:
    """The time of day: 9:05 → 9时05分."""
    return f"{t.hour}时{t.minute:02d}分"


def arabic_datetime(t: datetime) -> str:
    """Date and time of day: 2026-11-28 9:05 → 2026年11月28日9时05分."""
    return f"{arabic_date(t.date())}{arabic_time(t)}"
