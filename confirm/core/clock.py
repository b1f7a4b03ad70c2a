"""Time in one place: UTC in the database, Asia/Shanghai for people and for the law's day counting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
_offset = timedelta(0)  # how far this process's clock is moved (``moved_to``); zero outside tests


def utcnow() -> datetime:
    return datetime.now(timezone.utc) + _offset


@contextmanager
def moved_to(moment: datetime) -> Iterator[None]:
    """Run this process as if it were ``moment`` (and time went on from there): the scheduled follow-up of a due
    date months away is tested, and rehearsed, without waiting for it. Every ``utcnow`` and ``china_today`` moves."""
    global _offset
    before = _offset
    _offset = as_utc(moment) - datetime.now(timezone.utc)
    try:
        yield
    finally:
        _offset = before


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes; they were stored as UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def china_time(value: datetime) -> datetime:
    return as_utc(value).astimezone(CHINA)


def china_today() -> date:
    """The court's calendar day: deadlines are counted in China's days, not UTC's."""
    return utcnow().astimezone(CHINA).date()


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the +08:00 offset, as the contract asks."""
    return None if value is None else china_time(value).isoformat(timespec="seconds")


def iso_text(value: str | None) -> str | None:
    """An ISO 8601 time from another component (any offset), restated in China's offset."""
    return None if value is None else iso(datetime.fromisoformat(value))


def chinese_datetime_text(value: datetime | None) -> str | None:
    """2026年11月28日 22:09, in China's time, for people."""
    if value is None:
        return None
    t = china_time(value)
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"
