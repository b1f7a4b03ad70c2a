"""The database engine and sessions, for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

READ_ONLY = "jiudi_read_only"


def reading(engine: Engine) -> sa.Connection:
    """A connection for reads alone (use it in ``with``): on SQLite its transaction does not take the write lock
    that every other transaction takes at its start, so look-ups neither queue behind writers nor each other; on
    PostgreSQL each statement is its own transaction (autocommit: no BEGIN and ROLLBACK round trips — a single
    statement still reads one snapshot)."""
    if is_postgresql(engine):
        return engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    return engine.connect().execution_options(**{READ_ONLY: True})


def make_engine(url: str) -> Engine:
    """An engine tuned for the backend: SQLite in WAL mode with a busy timeout so writers queue, not fail."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below control transactions
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
            # Take the write lock at the start: read-then-write transactions cannot deadlock or lose updates. A
            # connection that only reads (``reading``) begins deferred: it neither waits for nor holds the lock.
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error (``Runtime.unit_of_work`` adds the wake-ups)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@dataclass
class AfterCommit:
    """What a transaction asks to happen once it has committed."""

    bump_events: bool = False  # live streams should read the new events now, not at their next poll
    wake_worker: bool = False  # an issuance job was queued: the worker should take it now
    callbacks: list[Callable[[], None]] = field(default_factory=list)


_AFTER_COMMIT = "jiudi.after_commit"


def after_commit(session: Session, *, bump_events: bool = False, wake_worker: bool = False,
                 call: Callable[[], None] | None = None) -> None:
    """Ask the unit of work to bump the live-event bus, wake the worker, or call ``call`` once ``session`` has
    committed; nothing happens on a rollback."""
    todo = session.info.setdefault(_AFTER_COMMIT, AfterCommit())
    todo.bump_events |= bump_events
    todo.wake_worker |= wake_worker
    if call is not None:
        todo.callbacks.append(call)


def pending_after_commit(session: Session) -> AfterCommit:
    """What ``after_commit`` collected on this session (read once it has committed)."""
    return session.info.get(_AFTER_COMMIT) or AfterCommit()
