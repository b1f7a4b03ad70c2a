"""Reading an agreement beside its signed scan: the facts a judge compares (money, dates, the parties' names) are
marked in the typed text, and what the application records but the text does not say is listed.

Pure functions: no I/O. The typed text stays the legal text; the marks only help the eye find, on the scan, what
the ruling will quote."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Literal, NamedTuple

Mark = Literal["", "money", "date", "name"]

# 人民币12000元 · 12,000.50元 · 壹万贰仟元整 · 1.2万元 ; 2026年12月31日 · 2026-12-31 · 12月31日
_DIGITS = r"\d[\d,，]*(?:\.\d+)?"
_UPPER = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿"
_MONEY = rf"(?:人民币)?(?:{_DIGITS}\s*(?:万元|万|元)|[{_UPPER}]+元整?)"
_DATE = r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\s*月\s*\d{1,2}\s*日)"


class Segment(NamedTuple):
    text: str
    mark: Mark


def marked(text: str, names: Iterable[str]) -> list[Segment]:
    """The text cut into segments, each marked as money, a date, a party's name, or plain (""). Longer names win
    over names they contain (秀山县武陵建材有限公司 before 武陵)."""
    name_list = sorted({n for n in names if n}, key=len, reverse=True)
    patterns = [("money", _MONEY), ("date", _DATE)]
    if name_list:
        patterns.append(("name", "|".join(re.escape(n) for n in name_list)))
    combined = re.compile("|".join(f"(?P<{kind}>{p})" for kind, p in patterns))
    segments: list[Segment] = []
    at = 0
    for m in combined.finditer(text):
        if m.start() > at:
            segments.append(Segment(text[at:m.start()], ""))
        kind = m.lastgroup
        segments.append(Segment(m.group(), kind if kind in ("money", "date", "name") else ""))  # type: ignore[arg-type]
        at = m.end()
    if at < len(text):
        segments.append(Segment(text[at:], ""))
    return segments


def _amounts(text: str) -> set[Decimal]:
    found: set[Decimal] = set()
    for m in re.finditer(rf"({_DIGITS})\s*(万)?", text):
        try:
            value = Decimal(m.group(1).replace(",", "").replace("，", ""))
        except InvalidOperation:
            continue
        found.add(value * 10000 if m.group(2) else value)
    return found


def unstated(text: str, names: Sequence[str], amount: str | None) -> list[str]:
    """What the application records that the typed agreement does not state, in Chinese, for the judge: a party
    not named in it, an amount (标的金额) that appears nowhere in it."""
    problems = [f"协议文本中未出现申请人“{n}”" for n in names if n and n not in text]
    if amount:
        try:
            recorded = Decimal(amount)
        except InvalidOperation:
            recorded = None
        if recorded is not None and recorded not in _amounts(text):
            problems.append(f"录入的标的金额 {amount} 元未出现在协议文本中")
    return problems
