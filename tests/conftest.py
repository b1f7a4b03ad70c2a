"""Shared fixtures: a real database (SQLite, or PostgreSQL when JIUDI_TEST_DATABASE_URL is set), a development
PKI made by code once per session, and the real service with its in-process issuance worker."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

DB_DIRS = ("api", "e2e", "system", "pages", "security")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/api, tests/e2e, tests/system, tests/pages and tests/security touch the database: mark them
    ``db``."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        if any(d in parts for d in DB_DIRS):
            item.add_marker(pytest.mark.db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: uses the database (run again on PostgreSQL in CI)")


@pytest.fixture(scope="session")
def keys_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding only the development PKI and the demo court's seal, generated once."""
    from confirm.bootstrap import DEMO_COURT_CODE, DEMO_COURT_NAME
    from keys import ensure_court_seal, ensure_dev_pki

    root = tmp_path_factory.mktemp("keys-template")
    pki = ensure_dev_pki(root)
    ensure_court_seal(pki, DEMO_COURT_CODE, DEMO_COURT_NAME)
    return root


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this test session, dropped at the end; None on SQLite."""
    base = os.environ.get("JIUDI_TEST_DATABASE_URL")
    if not base:
        yield None
        return
    import sqlalchemy as sa

    name = f"jiudi_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path, postgres_database: str | None) -> str:
    if postgres_database is None:
        return f"sqlite:///{tmp_path / 'jiudi.sqlite3'}"
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_database, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return postgres_database


@pytest.fixture
def settings(tmp_path: Path, database_url: str, keys_template: Path):  # type: ignore[no-untyped-def]
    from confirm.core.config import Settings

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copytree(keys_template / "keys", data_dir / "keys")
    # the worker seals in its own thread: a sealing process per test app would cost each test ~1 s of start;
    # the sealing process has tests of its own (tests/system/test_sealing_process.py), and every test that
    # starts `jiudi serve` (tests/e2e) runs with it, as the service does
    return Settings(data_dir=data_dir, database_url=database_url, public_base_url="http://testserver",
                    tsa_url=None, signer=None, sealing_process=False)


@pytest.fixture(scope="session")
def first_start(tmp_path_factory: pytest.TempPathFactory, keys_template: Path,
                postgres_database: str | None) -> Iterator[tuple[Path, dict[str, str], str]]:
    """The service after its first start, made once per test session: a data directory and a database (a SQLite
    file, or a PostgreSQL template database) holding the demo court and its users, with their passwords. Each test
    starts from a copy (``started``): the first start's five Argon2 hashes, migrations and key checks cost seconds
    a test, and the first start itself is tested on its own (tests/system/test_schema_and_cli.py)."""
    import sqlalchemy as sa

    from confirm.bootstrap import initialize
    from confirm.core.config import Settings

    root = tmp_path_factory.mktemp("first-start")
    data = root / "data"
    data.mkdir()
    shutil.copytree(keys_template / "keys", data / "keys")
    template = ""
    if postgres_database is None:
        url = f"sqlite:///{root / 'jiudi.sqlite3'}"
    else:
        template = f"jiudi_first_start_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(postgres_database, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{template}"'))
        admin.dispose()
        url = postgres_database.rsplit("/", 1)[0] + f"/{template}"
    runtime, result = initialize(Settings(data_dir=data, database_url=url, public_base_url="http://testserver",
                                          tsa_url=None, signer=None), say=lambda _text: None)
    runtime.engine.dispose()
    try:
        yield data, {u: p for u, _r, p in result.credentials}, template or url
    finally:
        if template:
            admin = sa.create_engine(postgres_database, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture
def initialized(settings, first_start):  # type: ignore[no-untyped-def]
    """The service's context after first start, with the demo users' generated passwords."""
    from tests.support import started

    runtime, passwords = started(settings, first_start)
    yield runtime, passwords
    runtime.engine.dispose()


@pytest.fixture
def runtime(initialized):  # type: ignore[no-untyped-def]
    return initialized[0]


@pytest.fixture
def passwords(initialized) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return initialized[1]


@pytest.fixture
def client(runtime):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from confirm.app import create_app
    from tests.support import LOOPBACK

    with TestClient(create_app(runtime=runtime), client=LOOPBACK) as c:
        yield c
