"""Following the obligations' dates after the ruling (自动履行 follow-up): when the obligor is reminded before a due
date, when the obligee is asked afterwards whether it was performed, whether a message that has come due is still
worth sending, and which obligations are due soon or overdue.

Days are the court's (China time, UTC+8, like every deadline here); a message goes out in the morning of its day,
never at midnight. Pure functions with no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Final, Literal

from confirm.law.errors import DomainError

NoticeKind = Literal["reminder", "question"]
REMINDER: Final = "reminder"  # 履行提醒, to the obligor, before the due date
QUESTION: Final = "question"  # 履行情况询问, to the obligee, the day after it
PERFORMED = "performed"  # the one state that ends the follow-up (law.obligations.STATES)
DEFAULT_REMINDER_DAYS = 3
MAX_REMINDER_DAYS = 30
CHINA_TIME = timezone(timedelta(hours=8), "CST")  # China keeps no summer time
SEND_AT = time(9, 0)  # the morning of the message's day: a text at midnight wakes people
DEFAULT_WITHIN = 7  # the mediator's dashboard: due this week
MAX_WITHIN = 366
DUE_FILTERS = ("within",)


@dataclass(frozen=True)
class Notice:
    """One message planned about one obligation: which, and on which of the court's days it goes out."""

    kind: NoticeKind
    send_on: date


def reminder_day(due_on: date, days_before: int) -> date:
    """The day the obligor is reminded: ``days_before`` days before the due date (0: on the day itself)."""
    return due_on - timedelta(days=days_before)


def question_day(due_on: date) -> date:
    """The day the obligee is asked: the first day after the due date (the due date itself still counts as in time)."""
    return due_on + timedelta(days=1)


def notices(due_on: date | None, *, days_before: int, today: date) -> list[Notice]:
    """The messages an obligation gets when they are planned on ``today`` (the day the case is served): a reminder on
    its reminder day, or today when that day has passed but the due date has not; the question the day after the
    due date, or today when that has passed too. An obligation without a due date gets none (nothing to follow)."""
    if due_on is None:
        return []
    planned = []
    if today <= due_on:
        planned.append(Notice(REMINDER, max(reminder_day(due_on, days_before), today)))
    planned.append(Notice(QUESTION, max(question_day(due_on), today)))
    return planned


def send_moment(day: date) -> datetime:
    """When a message of ``day`` goes out: 09:00 China time that day (an aware datetime)."""
    return datetime.combine(day, SEND_AT, tzinfo=CHINA_TIME)


def skip_reason(kind: str, *, due_on: date, state: str, today: date) -> str | None:
    """Why a message that has come due is not sent (None: send it): the obligation is performed already
    (``performed``), or a reminder whose due date has passed while the service was down (``past_due``; the question
    follows instead)."""
    if state == PERFORMED:
        return "performed"
    if kind == REMINDER and today > due_on:
        return "past_due"
    return None


def is_overdue(due_on: date | None, state: str, *, today: date) -> bool:
    """逾期未履行: the due date has passed and the obligation is not (wholly) performed."""
    return due_on is not None and due_on < today and state != PERFORMED


def is_due_within(due_on: date | None, state: str, *, today: date, within: int) -> bool:
    """Due from today to ``within`` days from today (both included), and not performed yet."""
    return due_on is not None and today <= due_on <= today + timedelta(days=within) and state != PERFORMED


def require_reminder_days(value: int) -> int:
    """The configured reminder lead (``JIUDI_PERFORMANCE_REMINDER_DAYS``): 0 to 30 days."""
    if not 0 <= value <= MAX_REMINDER_DAYS:
        raise ValueError(f"JIUDI_PERFORMANCE_REMINDER_DAYS must be 0 to {MAX_REMINDER_DAYS} (days), not {value}")
    return value


def parse_within(raw: str | None) -> int:
    """The due list's horizon in days (``within``): a whole number from 0 to 366; 7 when absent."""
    if raw is None or raw == "":
        return DEFAULT_WITHIN
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 3 or int(text) > MAX_WITHIN:
        raise DomainError.for_field("within", "obligation.within_invalid",
                                    f"“within”应为0到{MAX_WITHIN}之间的整数天数（例如 within=7 表示今后7天内到期）")
    return int(text)


def require_known_filters(names: Iterable[str]) -> None:
    """A filter the due list does not know is refused rather than ignored (a typo would silently widen the list)."""
    unknown = sorted(set(names) - set(DUE_FILTERS))
    if unknown:
        raise DomainError.for_field(unknown[0], "obligation.unknown_filter",
                                    f"不支持的筛选条件“{unknown[0][:40]}”；到期清单只接受 within（天数）")
