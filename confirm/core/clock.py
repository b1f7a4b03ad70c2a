"""Time in one place: UTC in the database, Asia/Shanghai for people and for the law's day counting."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes; they were stored as UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def china_time(value: datetime) -> datetime:
    return as_utc(value).astimezone(CHINA)


def china_today() -> date:
    """The court's calendar day: deadlines are counted in China's days, not UTC's."""
    return datetime.now(CHINA).date()


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
