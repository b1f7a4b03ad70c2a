"""案号: （收案年度）法院代字 + 类型代字 + 编号 + 号 (domain.md §5; 最高人民法院《关于人民法院案件案号的若干规定》)."""

from __future__ import annotations

import re
from dataclasses import dataclass

SPECIAL_PROCEDURE = "民特"  # 司法确认 is a special-procedure case
_PATTERN = re.compile(r"^（(\d{4})）(.+?)(民特|民初|民终|执)([1-9]\d*)号$")


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
