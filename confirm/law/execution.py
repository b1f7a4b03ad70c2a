"""强制执行 after non-performance: whether a confirmed agreement's obligee may be handed a filled-in 强制执行申请书,
what it asks for, and by when it must be filed.

A confirmation ruling that is not performed may be executed on the other party's application (CPL 206, 247), to
the court that made it or the court of the same level where the property is (CPL 235 ¶1). The period to apply is
two years (CPL 250 ¶1), counted from the last day of the period of performance the document sets, for instalments
from the last day of each one, and from the day the document took effect when it sets none (CPL 250 ¶2). The first
day is not counted (CPL 85 ¶2); a period in years ends on the corresponding day, or the month's last day when there
is none (民法典 202); a last day on a rest day moves to the next working day (CPL 85 ¶3).

Pure functions: the application's records come in as values, the answer goes out as values. Amounts are integer
fen, exactly as recorded; nothing here defaults a sum or a date.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from confirm.law.calendar import RestDayCalendar
from confirm.law.errors import DomainError

UNPERFORMED = ("not_performed", "partly_performed")  # the obligee's answers that open execution (api.md v1.1)
LIMITATION_YEARS = 2  # CPL 250 ¶1: 申请执行的期间为二年
LIMITATION_CITATION = "《中华人民共和国民事诉讼法》第二百五十条"
VENUE_CITATION = "《中华人民共和国民事诉讼法》第二百三十五条第一款"


@dataclass(frozen=True)
class CaseFacts:
    """What the case's records say of the ruling."""

    outcome: str | None  # the ruling's outcome; None before a ruling
    revoked: bool
    served: bool  # every party served (status ``served``)
    decided_on: date | None  # the ruling's date (the day it was made)


@dataclass(frozen=True)
class ObligationRecord:
    """One obligation as recorded (confirm.models.Obligation); ``performed_fen`` is the part of a sum the obligee
    recorded as received, None when no record says how much."""

    id: int
    position: int
    obligor_party_id: int
    obligee_party_id: int | None
    kind: str  # money | act
    amount_fen: int | None
    description: str | None
    due_on: date | None
    state: str
    performed_fen: int | None = None


@dataclass(frozen=True)
class ExecutionItem:
    """One obligation the application asks the court to enforce."""

    obligation: ObligationRecord
    remaining_fen: int | None  # money still owed; None for an act, or a partly performed sum no record quantifies
    apply_by: date  # the last day to apply for this obligation (CPL 250, 85)
    period_starts: date  # the day the two years are counted from (not itself counted)


@dataclass(frozen=True)
class ExecutionPlan:
    """What the obligee's application holds: the obligee, those who owe, the items, and the earliest last day."""

    obligee_party_id: int
    respondent_party_ids: tuple[int, ...]
    items: tuple[ExecutionItem, ...]
    apply_by: date

    @property
    def money_total_fen(self) -> int:
        """The sum of the money items whose remaining amount is recorded."""
        return sum(i.remaining_fen or 0 for i in self.items)

    @property
    def complete_total(self) -> bool:
        """Whether every money item's remaining amount is recorded (else the total is only what is known)."""
        return all(i.remaining_fen is not None for i in self.items if i.obligation.kind == "money")


def years_later(day: date, years: int) -> date:
    """The corresponding day ``years`` later; 29 February goes to the 28th (民法典 202: the month's last day)."""
    year = day.year + years
    return date(year, day.month, min(day.day, _calendar.monthrange(year, day.month)[1]))


def last_day_to_apply(starts: date, calendar: RestDayCalendar) -> date:
    """CPL 250 with CPL 85 ¶2–3: two years after ``starts`` (not counted), moved past rest days."""
    day = years_later(starts, LIMITATION_YEARS)
    while calendar.is_rest_day(day):
        day += timedelta(days=1)
    return day


def remaining_fen(o: ObligationRecord) -> int | None:
    """Money still owed by the records: the whole sum when not performed, the sum less what was recorded as
    received when partly performed (None when nothing records how much); None for an act."""
    if o.kind != "money" or o.amount_fen is None:
        return None
    if o.state == "not_performed":
        return o.amount_fen
    if o.performed_fen is None or not 0 < o.performed_fen < o.amount_fen:
        return None
    return o.amount_fen - o.performed_fen


def obligees(obligations: Sequence[ObligationRecord]) -> list[int]:
    """The parties owed an unperformed obligation, in the order their first one stands."""
    out: list[int] = []
    for o in sorted(obligations, key=lambda o: o.position):
        if o.state in UNPERFORMED and o.obligee_party_id is not None and o.obligee_party_id not in out:
            out.append(o.obligee_party_id)
    return out


def require_executable(case: CaseFacts) -> None:
    """409 unless the case ended in a standing confirmation served on every party."""
    if case.outcome != "confirmed" or case.decided_on is None:
        raise DomainError("execution.not_confirmed", "只有确认调解协议有效的裁定才能申请强制执行", 409)
    if case.revoked:
        raise DomainError("execution.ruling_revoked", "确认裁定已被撤销，不能据以申请强制执行", 409)
    if not case.served:
        raise DomainError("execution.not_served", "裁定书尚未向全部当事人送达，暂不能准备强制执行申请书", 409)


def plan(case: CaseFacts, obligations: Sequence[ObligationRecord], obligee_party_id: int,
         calendar: RestDayCalendar) -> ExecutionPlan:
    """The obligee's application: only obligations owed to them and reported not (fully) performed, each with the
    sum still owed and its last day to apply; 409 ``execution.nothing_unperformed`` when there is none."""
    require_executable(case)
    assert case.decided_on is not None
    items = []
    for o in sorted(obligations, key=lambda o: o.position):
        if o.obligee_party_id != obligee_party_id or o.state not in UNPERFORMED:
            continue
        # CPL 250 ¶2: from the last day of the obligation's own period (each instalment its own); without one, from
        # the ruling taking effect, counted from the day it was made (never later than service, so never too late)
        starts = o.due_on or case.decided_on
        items.append(ExecutionItem(o, remaining_fen(o), last_day_to_apply(starts, calendar), starts))
    if not items:
        raise DomainError("execution.nothing_unperformed",
                          "尚无权利人报告未履行或未全部履行的义务，不能准备强制执行申请书", 409)
    respondents: list[int] = []
    for item in items:
        if item.obligation.obligor_party_id not in respondents:
            respondents.append(item.obligation.obligor_party_id)
    return ExecutionPlan(obligee_party_id, tuple(respondents), tuple(items), min(i.apply_by for i in items))


def choose_obligee(obligations: Sequence[ObligationRecord], wanted: int | None) -> int:
    """The obligee whose application is asked for: ``wanted`` if given and owed something unperformed, else the only
    one; 409 when nobody is owed, 403 ``execution.not_obligee`` for a party owed nothing unperformed, 422 ``execution.obligee_required`` when several are and none was named."""
    owed = obligees(obligations)
    if not owed:
        raise DomainError("execution.nothing_unperformed",
                          "尚无权利人报告未履行或未全部履行的义务，不能准备强制执行申请书", 409)
    if wanted is not None:
        if wanted not in owed:
            raise DomainError("execution.not_obligee", "该当事人不是未履行义务的权利人，不能作为申请执行人", 403)
        return wanted
    if len(owed) > 1:
        raise DomainError("execution.obligee_required",
                          "本案有多个权利人报告未履行，请用 party_id 指明申请执行人", 422)
    return owed[0]
