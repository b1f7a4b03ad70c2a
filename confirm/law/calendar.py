"""法定休假日: the calendar that moves the last day of a period (CPL 85 ¶3), and the filing deadline it moves.

CPL 205 gives thirty days from the agreement taking effect; CPL 85 ¶2 does not count the first day; CPL 85 ¶3
moves a last day that falls on a statutory rest day (a weekend or public holiday, but not a weekend day the State
Council declares a working day, 调休上班) to the first day after it. Pure functions; the calendar is a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

APPLICATION_WINDOW_DAYS = 30  # CPL 205: 自调解协议生效之日起三十日内


@dataclass(frozen=True)
class RestDayCalendar:
    """The State Council's holiday arrangements for the years it covers (国务院办公厅节假日安排)."""

    holidays: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()  # weekend days declared working days (调休上班)
    years: frozenset[int] = frozenset()

    def covers(self, day: date) -> bool:
        """Whether the arrangement for the day's year is known; otherwise only weekends count as rest days."""
        return day.year in self.years

    def is_rest_day(self, day: date) -> bool:
        """CPL 85 ¶3 法定休假日: a public holiday, or a weekend day not declared a working day."""
        if day in self.holidays:
            return True
        return day.weekday() >= 5 and day not in self.working_days


@dataclass(frozen=True)
class FilingDeadline:
    """The last day to apply, and whether every day it was moved across lies in a covered year."""

    last_day: date
    covered: bool


def filing_deadline(concluded_on: date, calendar: RestDayCalendar) -> date:
    """Last day to apply for judicial confirmation (CPL 205, 85 ¶2 and ¶3)."""
    return filing_window(concluded_on, calendar).last_day


def filing_window(concluded_on: date, calendar: RestDayCalendar) -> FilingDeadline:
    """The last day (CPL 85 ¶2: first day not counted; ¶3: moved past rest days) and whether the calendar knew it."""
    day = concluded_on + timedelta(days=APPLICATION_WINDOW_DAYS)
    covered = calendar.covers(day)
    while calendar.is_rest_day(day):
        day += timedelta(days=1)
        covered = covered and calendar.covers(day)
    return FilingDeadline(last_day=day, covered=covered)


def _days(year: int, entries: list[str]) -> set[date]:
    days: set[date] = set()
    for entry in entries:
        first, _, last = str(entry).partition("..")
        start = date.fromisoformat(f"{year}-{first.strip()}")
        end = date.fromisoformat(f"{year}-{last.strip()}") if last else start
        if end < start:
            raise ValueError(f"holidays {year}: {entry} ends before it begins")
        while start <= end:
            days.add(start)
            start += timedelta(days=1)
    return days


def calendar_from_table(*tables: Mapping[Any, Any] | None) -> RestDayCalendar:
    """The calendar of one or more tables of the holidays.yaml format; a later table's year replaces an earlier's."""
    years: dict[int, Mapping[str, Any]] = {}
    for table in tables:
        for year, entry in (table or {}).items():
            years[int(year)] = entry or {}
    holidays: set[date] = set()
    working: set[date] = set()
    for year, entry in years.items():
        holidays |= _days(year, list(entry.get("holidays") or []))
        working |= _days(year, list(entry.get("working_days") or []))
        if bad := sorted(d.isoformat() for d in working if d.year == year and d.weekday() < 5):
            raise ValueError(f"holidays {year}: working_days must be weekend days: {bad}")
    return RestDayCalendar(frozenset(holidays), frozenset(working), frozenset(years))
