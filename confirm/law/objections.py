"""异议 (Interp. 372): an objection to a confirmation ruling is a case of its own (民特监, 代字标准 0323), decided by a
new ruling that revokes or changes the original, or rejects the objection. Pure rules, no I/O.

Interp. 372: a party objects within fifteen days of receiving the ruling; an interested person (利害关系人) within
six months of the day they knew or should have known that their civil rights were harmed. CPL 85 counts the period
from the next day and moves a last day on a statutory rest day to the first working day after it.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from confirm.law.calendar import RestDayCalendar
from confirm.law.errors import DomainError, FieldProblem

PARTY_DAYS = 15  # 当事人：自收到裁定之日起十五日内
INTERESTED_MONTHS = 6  # 利害关系人：自知道或者应当知道其民事权益受到侵害之日起六个月内
INTERP_372 = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百七十二条"


class ObjectorKind(StrEnum):
    PARTY = "party"  # 当事人
    INTERESTED_PERSON = "interested_person"  # 利害关系人

    @property
    def name_zh(self) -> str:
        return {"party": "当事人", "interested_person": "利害关系人"}[self.value]


class ObjectionOutcome(StrEnum):
    """How the court decides an objection (Interp. 372): by a new ruling that revokes or changes the original when
    the objection holds (wholly or in part), or that rejects the objection."""

    REVOKED = "revoked"  # 撤销原裁定
    CHANGED = "changed"  # 变更原裁定
    REJECTED = "rejected"  # 驳回异议

    @property
    def name_zh(self) -> str:
        return {"revoked": "撤销原裁定", "changed": "变更原裁定", "rejected": "驳回异议"}[self.value]

    @property
    def meaning_zh(self) -> str:
        """What the result means for someone holding the original ruling (the public verification page)."""
        return {"revoked": "异议成立，原裁定已被撤销，不能再作为执行依据",
                "changed": "异议成立，原裁定已按本裁定变更",
                "rejected": "异议不成立，原裁定继续有效"}[self.value]

    @property
    def ends_original(self) -> bool:
        """Whether the original ruling no longer stands as issued once this ruling is sealed."""
        return self is not ObjectionOutcome.REJECTED

    @property
    def public_reason(self) -> str | None:
        """What verification of the original says (``law.revocation.PUBLIC_REASONS``), when it no longer stands."""
        return {"revoked": "objection_upheld", "changed": "changed_by_new_ruling"}.get(self.value)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where that month is shorter (31 Aug + 6 → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def last_day_to_object(kind: ObjectorKind, starts_on: date, calendar: RestDayCalendar) -> date:
    """The last day an objection may be filed: ``starts_on`` is the day the party received the ruling, or the day
    the interested person knew (or should have known) of the harm. CPL 85: the first day is not counted; a last day
    on a statutory rest day moves to the first day after it."""
    day = starts_on + timedelta(days=PARTY_DAYS) if kind is ObjectorKind.PARTY else add_months(starts_on, INTERESTED_MONTHS)
    while calendar.is_rest_day(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class ObjectionDates:
    """The dates an objection is registered with, as recorded."""

    kind: ObjectorKind
    starts_on: date  # received the ruling (a party) / knew of the harm (an interested person)
    filed_on: date  # the day the objection reached the court
    ruling_issued_on: date  # the day the original ruling was sealed
    today: date


def date_problems(d: ObjectionDates, calendar: RestDayCalendar) -> list[FieldProblem]:
    """Why these dates cannot register an objection, in Chinese; empty when they can."""
    start_field = "received_on" if d.kind is ObjectorKind.PARTY else "known_on"
    problems: list[FieldProblem] = []
    if d.filed_on > d.today:
        problems.append(FieldProblem("filed_on", "objection.date_in_future", "提出异议的日期不能晚于今天"))
    if d.filed_on < d.ruling_issued_on:
        problems.append(FieldProblem("filed_on", "objection.before_ruling", "提出异议的日期不能早于原裁定作出之日"))
    if d.starts_on > d.today:
        problems.append(FieldProblem(start_field, "objection.date_in_future", "该日期不能晚于今天"))
    if d.kind is ObjectorKind.PARTY and d.starts_on < d.ruling_issued_on:
        problems.append(FieldProblem(start_field, "objection.before_ruling", "收到裁定的日期不能早于裁定作出之日"))
    if d.starts_on > d.filed_on:
        problems.append(FieldProblem(start_field, "objection.dates_reversed",
                                     "收到裁定（或知道权益受侵害）的日期不能晚于提出异议的日期"))
    if problems:
        return problems
    last = last_day_to_object(d.kind, d.starts_on, calendar)
    if d.filed_on > last:
        period = f"自收到裁定之日起{PARTY_DAYS}日内" if d.kind is ObjectorKind.PARTY else \
            f"自知道或者应当知道其民事权益受到侵害之日起{INTERESTED_MONTHS}个月内"
        problems.append(FieldProblem(
            "filed_on", "objection.out_of_time",
            f"{d.kind.name_zh}应当{period}提出异议（{INTERP_372}），最后一日为{last:%Y年%m月%d日}，"
            f"{d.filed_on:%Y年%m月%d日}提出已超过期限"))
    return problems


def require_timely(d: ObjectionDates, calendar: RestDayCalendar) -> None:
    problems = date_problems(d, calendar)
    if problems:
        raise DomainError.from_problems(problems)


def require_decidable(outcome: str, *, change_text: str | None) -> ObjectionOutcome:
    """The outcome of an objection ruling, and the new wording a change needs (and only a change may carry)."""
    try:
        chosen = ObjectionOutcome(outcome)
    except ValueError:
        raise DomainError.for_field("outcome", "objection.outcome_unknown",
                                    "处理结果应为：撤销原裁定（revoked）、变更原裁定（changed）或驳回异议（rejected）") from None
    if chosen is ObjectionOutcome.CHANGED and not (change_text or "").strip():
        raise DomainError.for_field("change_text", "objection.change_text_required", "变更原裁定须写明变更后的内容")
    if chosen is not ObjectionOutcome.CHANGED and (change_text or "").strip():
        raise DomainError.for_field("change_text", "objection.change_text_unexpected", "只有变更原裁定时才写明变更内容")
    return chosen
