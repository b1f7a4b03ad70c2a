"""The database engine and sessions, for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session


def read(engine: Engine, statement: sa.Executable, parameters: dict[str, object]) -> Sequence[sa.Row[Any]]:
    """The rows of one read-only statement through the engine's reader. A connection the database dropped (a
    restart) is found by the statement that fails on it, not by a ping before every statement: the reader's pool
    is then invalidated and the statement, which changes nothing, is run once more on a fresh connection. It takes
    no lock and begins no transaction; the statement reads one snapshot of its own."""
    try:
        with reader(engine).connect() as connection:
            return connection.execute(statement, parameters).all()
    except sa.exc.DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    with reader(engine).connect() as connection:
        return connection.execute(statement, parameters).all()


_READERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_READERS_LOCK = threading.Lock()


def reader(engine: Engine) -> Engine:
    """The engine's twin for the public look-ups' reads (issue 18): a pool of its own in autocommit — no BEGIN,
    no ROLLBACK, and on SQLite no write lock (every other transaction takes it at its start) — and without the
    ping ``pool_pre_ping`` sends before each checkout; ``read`` retries a statement that met a dropped connection
    instead. Per statement: 150 → 80 µs on SQLite, 330 → 210 µs on PostgreSQL (docs/performance.md). An
    in-memory SQLite database is the engine's own: a second pool would see another database."""
    found = _READERS.get(engine)
    if found is not None:
        return found
    with _READERS_LOCK:
        found = _READERS.get(engine)
        if found is None:
            if engine.dialect.name == "sqlite":
                database = engine.url.database
                if not database or database == ":memory:":
                    return engine
                found = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT",
                                         connect_args={"check_same_thread": False, "timeout": 30})
            else:
                found = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_size=4, max_overflow=16)
            sa.event.listen(engine, "engine_disposed", lambda _engine, twin=found: twin.dispose())
            _READERS[engine] = found
    return found


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
            # Take the write lock at the start: read-then-write transactions cannot deadlock or lose updates. The
            # public look-ups read through ``reader``'s own pool in autocommit: they neither wait for nor hold it.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

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
