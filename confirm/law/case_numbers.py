"""案号: （收案年度）法院代字 + 类型代字 + 编号 + 号 (domain.md §5; 最高人民法院《关于人民法院案件案号的若干规定》),
and the rules for where a court's numbers come from. Pure rules, no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

SPECIAL_PROCEDURE = "民特"  # 司法确认 is a special-procedure case (代字标准 0318)
SPECIAL_SUPERVISION = "民特监"  # 民事特别程序监督案件 (代字标准 0323): objections to a special-procedure ruling
TYPE_CODES = (SPECIAL_PROCEDURE, SPECIAL_SUPERVISION)
# 民特监 before 民特: the longer type code wins
_PATTERN = re.compile(r"^（(\d{4})）(.+?)(民特监|民特|民初|民终|执)([1-9]\d*)号$")

# where a court's 民特 numbers come from: every 民特 case of a court shares one series per year (案号规定 arts. 3, 9,
# 10), so Jiudi may count on its own only when the court lets it own the series
COUNTER, BLOCKS, HTTP = "counter", "blocks", "http"
NUMBER_SOURCES = (COUNTER, BLOCKS, HTTP)


@dataclass(frozen=True)
class CaseNumber:
    """A case number; ``sequence`` runs from 1 per court, year and type, without gaps or zero padding."""

    year: int
    court_code: str
    sequence: int
    type_code: str = SPECIAL_PROCEDURE

    def __str__(self) -> str:
        return f"（{self.year}）{self.court_code}{self.type_code}{self.sequence}号"

    @classmethod
    def parse(cls, text: str) -> "CaseNumber":
        match = _PATTERN.match(text.strip())
        if match is None:
            raise ValueError(f"not a case number: {text!r}")
        year, court, type_code, seq = match.groups()
        return cls(int(year), court, int(seq), type_code)


@dataclass(frozen=True)
class NumberBlock:
    """号段: numbers ``first``–``last`` of one year's series that the court reserved for Jiudi; ``next`` is the next
    one Jiudi gives (``last + 1`` once used up)."""

    first: int
    last: int
    next: int

    @property
    def remaining(self) -> int:
        return self.last - self.next + 1


def block_problem(first: int, last: int, year: int, existing: Iterable[NumberBlock], *, this_year: int) -> str | None:
    """Why the range ``first``–``last`` cannot be added to a year's blocks, in Chinese; None when it can."""
    if first < 1 or last < first:
        return "号段应为从小到大的正整数，例如 101-200"
    if not this_year - 1 <= year <= this_year + 1:
        return f"号段的年度应为收案年度（{this_year - 1}–{this_year + 1}年）"
    for block in existing:
        if first <= block.last and block.first <= last:
            return f"号段 {first}-{last} 与已录入的号段 {block.first}-{block.last} 重叠，同一编号不能使用两次（案号规定第三条）"
    return None


def next_from_blocks(blocks: Iterable[NumberBlock]) -> NumberBlock | None:
    """The block the next number comes from: the lowest range with numbers left (the series runs in order)."""
    open_blocks = sorted((b for b in blocks if b.remaining > 0), key=lambda b: b.first)
    return open_blocks[0] if open_blocks else None


def counter_start_problem(start: int, last_given: int) -> str | None:
    """Why a year's counter cannot start at ``start``, in Chinese; None when it can. A counter only moves forward: a
    number it has given is never given again (案号规定第三条)."""
    if start < 1:
        return "起始编号应为正整数"
    if start <= last_given:
        return f"本年度已给出至第{last_given}号，起始编号应大于{last_given}（已用编号不能再用）"
    return None
