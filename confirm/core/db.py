"""The database engine and sessions, for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import threading
import weakref
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session


def read(engine: Engine, statement: sa.Select[Any], parameters: dict[str, object]) -> list[Any]:
    """The rows of one read-only statement through the engine's reader, as named tuples whose values are what the
    ORM would give (the columns' result processors applied: UTC datetimes, enums). Run on a DB-API cursor of the
    reader's pooled connection, not through a SQLAlchemy ``Connection`` — its execution context, result object
    and checkout events were half the CPU of a look-up's one indexed query (issue 18) — and on PostgreSQL as a
    server-side prepared statement (psycopg ``prepare=True``: parsed and planned once a connection). A connection
    the database dropped (a restart) is found by the statement that fails on it, not by a ping before every
    statement: the reader's pool is then emptied and the statement, which changes nothing, is run once more on a
    fresh connection. It takes no lock and begins no transaction; the statement reads one snapshot of its own.
    Any other failure is raised as SQLAlchemy raises it (``sa.exc.DBAPIError``)."""
    pool = reader(engine)
    compiled = _compiled(statement, pool.dialect)
    try:
        return _run(pool, compiled, parameters)
    except sa.exc.DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    return _run(pool, compiled, parameters)


@dataclass(frozen=True)
class _Compiled:
    """A statement as its dialect's DB-API runs it: the SQL, how its parameters are passed, what its rows are."""

    sql: str
    positions: tuple[str, ...] | None  # the parameters' order for a positional paramstyle (SQLite's ``?``)
    processors: tuple[Callable[[Any], Any] | None, ...]
    row: type
    prepare: bool  # psycopg: a server-side prepared statement


_COMPILED: dict[tuple[sa.Select[Any], str], _Compiled] = {}


def _compiled(statement: sa.Select[Any], dialect: sa.Dialect) -> _Compiled:
    key = (statement, dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        compiled = statement.compile(dialect=dialect)
        for bind in compiled.binds.values():
            if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
                raise ValueError(f"read: parameter {bind.key} needs a bind processor; pass it through a Session")
        columns = statement.selected_columns
        found = _Compiled(
            sql=compiled.string, positions=tuple(compiled.positiontup or ()) if compiled.positional else None,
            processors=tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns),
            row=namedtuple("Row", [c.key for c in columns]),  # type: ignore[misc]
            prepare=dialect.driver == "psycopg")
        _COMPILED[key] = found
    return found


def _run(pool: Engine, compiled: _Compiled, parameters: dict[str, object]) -> list[Any]:
    connection = pool.raw_connection()
    cursor = None
    try:
        cursor = connection.driver_connection.cursor()  # type: ignore[union-attr]
        if compiled.positions is not None:
            cursor.execute(compiled.sql, [parameters[name] for name in compiled.positions])
        elif compiled.prepare:
            cursor.execute(compiled.sql, parameters, prepare=True)
        else:
            cursor.execute(compiled.sql, parameters)
        raw = cursor.fetchall()
    except pool.dialect.loaded_dbapi.Error as exc:
        dropped = pool.dialect.is_disconnect(exc, connection.dbapi_connection, cursor)
        if dropped:
            connection.invalidate(exc)
            pool.dispose()  # the pool's other connections are as dead: none is handed to the retry
        raise sa.exc.DBAPIError.instance(compiled.sql, parameters, exc, pool.dialect.loaded_dbapi.Error,
                                         connection_invalidated=dropped, dialect=pool.dialect) from exc
    finally:
        if cursor is not None:
            cursor.close()
        connection.close()
    row, processors = compiled.row, compiled.processors
    return [row(*(value if process is None else process(value) for process, value in zip(processors, values)))
            for values in raw]


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
