"""Rate limits that hold across processes, instances and restarts, with the maintained ``limits`` library: its
strategies (fixed and moving windows) and its storages (in memory; Redis, Memcached, MongoDB for a cluster), plus
one storage of our own, ``DatabaseStorage``, that keeps fixed-window counters in the ``rate_counters`` table every
instance on one database shares. ``limits`` has no SQL storage, and a court that runs two machines on one
PostgreSQL should not need a Redis to share its limits.

A fixed window lets up to twice the limit through around a window's edge; that is the price of one row per key
and window, and the limits are set with it in mind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from limits import RateLimitItem
from limits.limits import GRANULARITIES
from limits.storage import MemoryStorage as LimitsMemoryStorage
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, RateLimiter
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from confirm.core.clock import utcnow
from confirm.core.db import transaction
from confirm.law.errors import DomainError
from confirm.models import RateCounter


def _expiry_of(key: str) -> int:
    """A ``limits`` key ends with the item's amount, multiples and granularity: its window in seconds."""
    *_, multiples, granularity = key.rsplit("/", 2)
    return int(multiples) * GRANULARITIES[granularity].GRANULARITY.seconds


def _window(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


class DatabaseStorage(Storage):
    """A ``limits`` storage in the database: hits per key in fixed windows aligned on the epoch, one row per key
    and window (``rate_counters``), counted atomically (two instances counting at once both count)."""

    STORAGE_SCHEME = ["jiudi+database"]  # made with an engine (``storage_for``), never from a URI

    def __init__(self, engine: Engine, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.engine, self._clock = engine, clock

    def clock(self) -> datetime:
        return self._clock() if self._clock is not None else utcnow()

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        start = _window(self.clock(), int(expiry))
        with transaction(self.engine) as session:
            insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
            statement = insert(RateCounter).values(key=key, window_start=start, hits=amount)
            hits = session.execute(statement.on_conflict_do_update(
                index_elements=["key", "window_start"], set_={"hits": col(RateCounter.hits) + amount},
            ).returning(col(RateCounter.hits))).scalar_one()
            session.execute(sa.delete(RateCounter).where(col(RateCounter.key) == key,
                                                         col(RateCounter.window_start) < start))
        return int(hits)

    def get(self, key: str) -> int:
        start = _window(self.clock(), _expiry_of(key))
        with transaction(self.engine) as session:
            hits = session.execute(sa.select(col(RateCounter.hits)).where(
                col(RateCounter.key) == key, col(RateCounter.window_start) == start)).scalar()
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        seconds = _expiry_of(key)
        return (_window(self.clock(), seconds) + timedelta(seconds=seconds)).timestamp()

    def check(self) -> bool:
        with transaction(self.engine) as session:
            session.execute(sa.text("SELECT 1"))
        return True

    def reset(self) -> int | None:
        with transaction(self.engine) as session:
            return session.connection().execute(sa.delete(RateCounter)).rowcount

    def clear(self, key: str) -> None:
        with transaction(self.engine) as session:
            session.execute(sa.delete(RateCounter).where(col(RateCounter.key) == key))


class MemoryStorage(LimitsMemoryStorage):
    """``limits``' storage in this process's memory, swept of expired windows once a second instead of every
    10 ms. The library starts a timer thread 10 ms after a hit that walks every key it holds; with an address per
    visitor that walk held the interpreter for ~7 % of a busy server process's time, in slices that delayed every
    request waiting behind them (issue 18: the tail of the verification look-ups). Sweeping only frees memory:
    the windows are checked at each hit whatever the sweep, so what is limited is the same."""

    SWEEP_SECONDS = 1.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # the library's private hook (checked by a test)
        if not self.timer.is_alive():
            self.timer = threading.Timer(self.SWEEP_SECONDS, self._MemoryStorage__expire_events)  # type: ignore[attr-defined]
            self.timer.daemon = True
            self.timer.start()


MEMORY, DATABASE = "memory", "database"


def storage_for(setting: str | None, engine: Engine) -> Storage:
    """``JIUDI_RATE_LIMIT_STORAGE``: ``memory`` (the default: this process alone), ``database`` (every instance on
    this database), or a ``limits`` storage URI — ``redis://host:6379/0`` and the like — for a cluster."""
    if not setting or setting == MEMORY:
        return MemoryStorage()
    if setting == DATABASE:
        return DatabaseStorage(engine)
    storage = storage_from_string(setting)
    if not isinstance(storage, Storage):  # an async+… URI: the service's limiters are synchronous
        raise ValueError(f"JIUDI_RATE_LIMIT_STORAGE: {setting} is an asynchronous storage")
    return storage


def limiter(storage: Storage) -> RateLimiter:
    """A moving window where the storage keeps one (memory, Redis: exact), a fixed window otherwise (database)."""
    if isinstance(storage, DatabaseStorage):
        return FixedWindowRateLimiter(storage)
    return MovingWindowRateLimiter(storage)


def rate_limited(strategy: RateLimiter, item: RateLimitItem, *identifiers: str) -> DomainError:
    stats = strategy.get_window_stats(item, *identifiers)
    retry = max(1, int(stats.reset_time - utcnow().timestamp()) + 1)
    return DomainError("request.rate_limited", f"请求过于频繁，请在{retry}秒后重试", 429)


def hit(strategy: RateLimiter, item: RateLimitItem, *identifiers: str) -> None:
    """Count one hit; 429 ``request.rate_limited`` (with the seconds to wait) when it is over the limit."""
    if not strategy.hit(item, *identifiers):
        raise rate_limited(strategy, item, *identifiers)


def refuse_if_over(strategy: RateLimiter, rules: list[tuple[RateLimitItem, str]]) -> None:
    """429 when any key is already at its limit, without counting this call."""
    for item, key in rules:
        if not strategy.test(item, key):
            raise rate_limited(strategy, item, key)


def purge(session: Session, now: datetime, older_than: timedelta = timedelta(days=1)) -> int:
    """Forget database windows long past (keys that were never hit again); the worker calls this now and then."""
    result = session.connection().execute(sa.delete(RateCounter).where(col(RateCounter.window_start) < now - older_than))
    return result.rowcount
