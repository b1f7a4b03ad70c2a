"""The audit log is append-only at the database, and jiudi audit verify finds an edited, a deleted and a
reordered record (done as an attacker with the database's own rights would: triggers disabled first)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from confirm import audit
from confirm.db import transaction
from tests.service.test_schema_and_cli import run_cli


def some_records(jiudi, n: int = 5) -> None:  # type: ignore[no-untyped-def]
    with transaction(jiudi.engine) as s:
        for i in range(n):
            audit.append(s, actor="test", action=f"test.{i}", data={"i": i})


def tamper(jiudi, *statements: str) -> None:  # type: ignore[no-untyped-def]
    """Change the log behind the application's back, switching off the append-only triggers first."""
    with jiudi.engine.begin() as conn:
        if jiudi.engine.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            conn.execute(sa.text("DROP TRIGGER audit_log_no_update"))
            conn.execute(sa.text("DROP TRIGGER audit_log_no_delete"))
        for statement in statements:
            conn.execute(sa.text(statement))
        if jiudi.engine.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


def problems(jiudi) -> list[str]:  # type: ignore[no-untyped-def]
    with transaction(jiudi.engine) as s:
        return audit.verify_log(s, jiudi.audit_key.public_key())


def test_the_application_cannot_update_or_delete_audit_records(jiudi):
    some_records(jiudi)
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with jiudi.engine.begin() as conn:
                conn.execute(sa.text(statement))
    assert problems(jiudi) == []


def test_an_intact_log_verifies_from_the_command_line(settings, jiudi):
    some_records(jiudi)
    r = run_cli(settings, "audit", "checkpoint")
    assert r.returncode == 0 and "checkpoint at record" in r.stdout
    r = run_cli(settings, "audit", "verify")
    assert r.returncode == 0 and "audit log intact" in r.stdout


def test_detects_an_edited_record(settings, jiudi):
    some_records(jiudi)
    tamper(jiudi, "UPDATE audit_log SET actor = 'mallory' WHERE action = 'test.2'")
    assert any("edited" in p for p in problems(jiudi))
    r = run_cli(settings, "audit", "verify")
    assert r.returncode == 1 and "audit log damaged" in r.stdout


def test_detects_a_deleted_record(jiudi):
    some_records(jiudi)
    tamper(jiudi, "DELETE FROM audit_log WHERE action = 'test.2'")
    assert any("deleted or reordered" in p for p in problems(jiudi))


def test_detects_reordered_records(jiudi):
    some_records(jiudi)
    columns = "at, actor, action, application_id, data, prev_hash, hash"
    tamper(jiudi,
           "CREATE TEMPORARY TABLE swap AS SELECT * FROM audit_log WHERE action IN ('test.1', 'test.2')",
           "DELETE FROM audit_log WHERE action IN ('test.1', 'test.2')",
           f"INSERT INTO audit_log (id, {columns}) SELECT (SELECT MIN(id) FROM swap) + (SELECT MAX(id) FROM swap) - id,"
           f" {columns} FROM swap")
    assert any("deleted or reordered" in p for p in problems(jiudi))


def test_a_checkpoint_catches_records_cut_from_the_end(jiudi):
    some_records(jiudi)
    with transaction(jiudi.engine) as s:
        assert audit.checkpoint(s, jiudi.audit_key) is not None
    tamper(jiudi, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    assert any("missing (deleted)" in p for p in problems(jiudi))
