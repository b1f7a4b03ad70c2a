"""Rate limits that hold across instances and restarts: hits per key in fixed windows, counted in the database
(``rate_counters``) that every instance shares. Used where guessing must be bounded for the whole service, not
per process: login failures per account, per address, and per both.

A fixed window lets up to twice the limit through around a window's edge; that is the price of one row per key
and window, and the limits below are set with it in mind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from confirm.core.clock import as_utc
from confirm.law.errors import DomainError
from confirm.models import RateCounter


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` hits per key within each window of ``seconds``."""

    limit: int
    seconds: int

    def window(self, now: datetime) -> datetime:
        epoch = int(as_utc(now).timestamp())
        return datetime.fromtimestamp(epoch - epoch % self.seconds, tz=as_utc(now).tzinfo)

    def retry_after(self, now: datetime) -> int:
        return int((self.window(now) + timedelta(seconds=self.seconds) - as_utc(now)).total_seconds()) + 1


def refuse_if_over(session: Session, rules: list[tuple[str, Rule]], now: datetime) -> None:
    """429 ``request.rate_limited`` when any key is already at its limit in the current window."""
    for key, rule in rules:
        hits = session.execute(sa.select(col(RateCounter.hits)).where(
            col(RateCounter.key) == key, col(RateCounter.window_start) == rule.window(now))).scalar()
        if hits is not None and hits >= rule.limit:
            raise DomainError("request.rate_limited", f"请求过于频繁，请在{rule.retry_after(now)}秒后重试", 429)


def count(session: Session, rules: list[tuple[str, Rule]], now: datetime) -> None:
    """One hit for each key, atomically (two instances counting at once both count)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for key, rule in rules:
        statement = insert(RateCounter).values(key=key, window_start=rule.window(now), hits=1)
        session.execute(statement.on_conflict_do_update(
            index_elements=["key", "window_start"], set_={"hits": col(RateCounter.hits) + 1}))
        session.execute(sa.delete(RateCounter).where(col(RateCounter.key) == key,
                                                     col(RateCounter.window_start) < rule.window(now)))


def clear(session: Session, keys: list[str]) -> None:
    session.execute(sa.delete(RateCounter).where(col(RateCounter.key).in_(keys)))


def purge(session: Session, now: datetime, older_than: timedelta = timedelta(days=1)) -> int:
    """Forget windows long past (keys that were never hit again); the worker calls this now and then."""
    result = session.connection().execute(sa.delete(RateCounter).where(col(RateCounter.window_start) < now - older_than))
    return result.rowcount
