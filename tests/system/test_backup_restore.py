"""Backup and restore through the command line: after losing the database, the store and the keys, a restore
brings everything back and every ruling still verifies."""

from __future__ import annotations

import json
import shutil

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import select

from confirm.app import create_app
from confirm.core import audit
from confirm.core.db import transaction
from confirm.core.runtime import Runtime
from confirm.core.storage import DATABASE, DatabaseStore
from confirm.models import Ruling
from confirm.verification.service import check_upload
from tests.support import Staff, verification_now
from tests.system.test_schema_and_cli import run_cli


def test_every_ruling_verifies_after_backup_loss_and_restore(settings, runtime, passwords, tmp_path):
    with TestClient(create_app(runtime=runtime)) as client:
        m, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
        for _ in range(2):
            app_id = m.filed()
            judge.post(f"/api/v1/applications/{app_id}/claim")
            r = judge.post(f"/api/v1/applications/{app_id}/decision",
                           json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
            assert r.json()["status"] == "issued"
    runtime.engine.dispose()
    dest = tmp_path / "backup"
    r = run_cli(settings, "backup", str(dest))
    assert r.returncode == 0, r.stderr
    assert (dest / "manifest.json").exists() and oct(dest.stat().st_mode)[-3:] == "700"
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["document_store"] == runtime.store.kind
    if runtime.store.kind == DATABASE:  # the documents are in the dump, none in the directory copy
        assert manifest["store_database_documents"] >= 6 and manifest["store_files"] == 0
    else:
        assert manifest["store_files"] >= 6  # two rulings, four filed documents (the same bytes once)

    # disaster: the database, the store and the keys are gone
    shutil.rmtree(settings.data_dir / "store")
    shutil.rmtree(settings.data_dir / "keys")
    if settings.database_url.startswith("sqlite"):
        from confirm.core.backup import _sqlite_path

        _sqlite_path(settings.database_url).unlink()
    else:
        engine = sa.create_engine(settings.database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()

    r = run_cli(settings, "restore", str(dest))
    assert r.returncode == 0, r.stderr
    restored = Runtime(settings)
    try:
        with transaction(restored.engine) as s:
            rulings = s.exec(select(Ruling)).all()
            assert audit.verify_log(s, restored.audit_key.public_key(), restored.audit_keys) == []
        assert len(rulings) == 2
        assert restored.store.kind == runtime.store.kind
        for ruling in rulings:
            if isinstance(restored.store, DatabaseStore):
                restored.store.legacy = None  # read from the restored database alone
            report = check_upload(restored, restored.store.get(ruling.sha256))
            assert report["genuine"] is True, report["problems"]
    finally:
        restored.engine.dispose()
