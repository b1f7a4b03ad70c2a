"""The audit log is append-only at the database, and jiudi audit verify finds an edited, a deleted and a
reordered record, a chain recomputed after an edit, and records cut from its end — done as an attacker with the
database's own rights would (triggers disabled first), who does not hold the data directory's audit MAC key."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from confirm.core import audit
from confirm.core.db import transaction
from confirm.models import AuditRecord
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
            conn.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        for statement in statements:
            conn.execute(sa.text(statement))
        if runtime.engine.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


def problems(runtime) -> list[str]:  # type: ignore[no-untyped-def]
    with transaction(runtime.engine) as s:
        return audit.verify_log(s, runtime.audit_key.public_key(), runtime.audit_keys)


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
    runtime.audit_keys.head_path.unlink()  # the checkpoint alone (as on another instance, whose head this is not)
    tamper(runtime, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    assert any("missing (deleted)" in p for p in problems(runtime))


def rechain(runtime, from_id: int) -> None:  # type: ignore[no-untyped-def]
    """What an editor without the key can do best: recompute every hash from ``from_id`` on, as the unkeyed
    SHA-256 chain of old (which the verifier still reads for records a signed checkpoint covers)."""
    with transaction(runtime.engine) as s:
        rows = s.exec(select(AuditRecord).order_by(AuditRecord.id)).all()
    prev = audit.GENESIS
    updates = []
    for rec in rows:
        if rec.id >= from_id:
            fields = (prev, rec.at, rec.actor, rec.action, rec.application_id, rec.data)
            new = audit.legacy_record_hash(*fields)
            updates.append(f"UPDATE audit_log SET prev_hash = '{prev}', hash = '{new}' WHERE id = {rec.id}")
            prev = new
        else:
            prev = rec.hash
    tamper(runtime, *updates)


def test_an_edit_with_the_chain_recomputed_after_it_is_detected_without_a_checkpoint(runtime):
    some_records(runtime)
    runtime.audit_keys.head_path.unlink()  # and no head either: only the MAC key stands in the attacker's way
    tamper(runtime, "UPDATE audit_log SET actor = 'mallory' WHERE action = 'test.2'")
    with transaction(runtime.engine) as s:
        edited = s.exec(select(AuditRecord).where(AuditRecord.action == "test.2")).one().id
    rechain(runtime, edited)
    found = problems(runtime)
    assert found and all("re-chained without the key" in p for p in found), found


def test_the_whole_log_rewritten_as_an_unkeyed_chain_is_detected(runtime):
    """From the first record on: no keyed record precedes the edit, and no signed checkpoint covers it."""
    some_records(runtime)
    runtime.audit_keys.head_path.unlink()
    tamper(runtime, "UPDATE audit_log SET actor = 'mallory' WHERE id = (SELECT MIN(id) FROM audit_log)")
    rechain(runtime, 1)
    assert any("re-chained without the key" in p for p in problems(runtime))


def test_records_from_before_the_keyed_chain_verify_once_a_checkpoint_covers_them(runtime):
    """A log begun by an earlier version (unkeyed SHA-256): accepted up to the first signed checkpoint, which the
    worker makes on its first round after the upgrade."""
    some_records(runtime)
    rechain(runtime, 1)  # as the earlier version wrote them
    runtime.audit_keys.head_path.unlink()
    assert problems(runtime)  # not yet covered
    with transaction(runtime.engine) as s:
        assert audit.checkpoint(s, runtime.audit_key) is not None
        assert audit.legacy_records(s, runtime.audit_keys.mac_key) == len(s.exec(select(AuditRecord)).all())
    some_records(runtime, 2)  # the upgraded version goes on keyed
    assert problems(runtime) == []


def test_the_newest_records_cut_from_the_end_are_detected_without_a_checkpoint(runtime):
    some_records(runtime)
    tamper(runtime, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    assert any("the newest records were deleted" in p for p in problems(runtime))


def test_the_head_moves_only_when_the_records_commit(runtime):
    some_records(runtime, 2)
    before = audit.read_head(runtime.audit_keys.head_path)
    class Failed(Exception):
        pass

    with pytest.raises(Failed):
        with transaction(runtime.engine) as s:
            audit.append(s, actor="test", action="test.rolled_back")
            raise Failed
    assert audit.read_head(runtime.audit_keys.head_path) == before
    some_records(runtime, 1)
    with transaction(runtime.engine) as s:
        newest = s.exec(select(AuditRecord).order_by(AuditRecord.id.desc())).first()  # type: ignore[union-attr]
    assert audit.read_head(runtime.audit_keys.head_path) == (newest.id, newest.hash)
    assert problems(runtime) == []


def test_postgresql_refuses_to_truncate_the_log(runtime):
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's (SQLite's DELETE is refused in the test above)")
    some_records(runtime)
    with pytest.raises(DBAPIError, match="append-only"):
        with runtime.engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE audit_log"))
