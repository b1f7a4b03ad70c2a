"""The audit log is append-only at the database, and jiudi audit verify finds an edited, a deleted and a
reordered record (done as an attacker with the database's own rights would: triggers disabled first)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from confirm.core import audit
from confirm.core.db import transaction
from tests.system.test_schema_and_cli import run_cli


def some_records(runtime, n: int = 5) -> None:  # type: ignore[no-untyped-def]
    with transaction(runtime.engine) as s:
        for i in range(n):
            audit.append(s, actor="test", action=f"test.{i}", data={"i": i})


def tamper(runtime, *statements: str) -> None:  # type: ignore[no-untyped-def]
    """Change the log behind the application's back, switching off the append-only triggers first."""
    with runtime.engine.begin() as conn:
        if runtime.engine.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            conn.execute(sa.text("DROP TRIGGER audit_log_no_update"))
            conn.execute(sa.text("DROP TRIGGER audit_log_no_delete"))
        for statement in statements:
            conn.execute(sa.text(statement))
        if runtime.engine.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


def problems(runtime) -> list[str]:  # type: ignore[no-untyped-def]
    with transaction(runtime.engine) as s:
        return audit.verify_log(s, runtime.audit_key.public_key())


def test_the_application_cannot_update_or_delete_audit_records(runtime):
    some_records(runtime)
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with runtime.engine.begin() as conn:
                conn.execute(sa.text(statement))
    assert problems(runtime) == []


def test_an_intact_log_verifies_from_the_command_line(settings, runtime):
    some_records(runtime)
    r = run_cli(settings, "audit", "checkpoint")
    assert r.returncode == 0 and "checkpoint at record" in r.stdout
    r = run_cli(settings, "audit", "verify")
    assert r.returncode == 0 and "audit log intact" in r.stdout


def test_detects_an_edited_record(settings, runtime):
    some_records(runtime)
    tamper(runtime, "UPDATE audit_log SET actor = 'mallory' WHERE action = 'test.2'")
    assert any("edited" in p for p in problems(runtime))
    r = run_cli(settings, "audit", "verify")
    assert r.returncode == 1 and "audit log damaged" in r.stdout


def test_detects_a_deleted_record(runtime):
    some_records(runtime)
    tamper(runtime, "DELETE FROM audit_log WHERE action = 'test.2'")
    assert any("deleted or reordered" in p for p in problems(runtime))


def test_detects_reordered_records(runtime):
    some_records(runtime)
    columns = "at, actor, action, application_id, data, prev_hash, hash"
    tamper(runtime,
           "CREATE TEMPORARY TABLE swap AS SELECT * FROM audit_log WHERE action IN ('test.1', 'test.2')",
           "DELETE FROM audit_log WHERE action IN ('test.1', 'test.2')",
           f"INSERT INTO audit_log (id, {columns}) SELECT (SELECT MIN(id) FROM swap) + (SELECT MAX(id) FROM swap) - id,"
           f" {columns} FROM swap")
    assert any("deleted or reordered" in p for p in problems(runtime))


def test_a_checkpoint_catches_records_cut_from_the_end(runtime):
    some_records(runtime)
    with transaction(runtime.engine) as s:
        assert audit.checkpoint(s, runtime.audit_key) is not None
    tamper(runtime, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    assert any("missing (deleted)" in p for p in problems(runtime))
