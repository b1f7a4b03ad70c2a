"""Backup and restore: the database (SQLite's online backup API, or pg_dump/pg_restore), the document store
and the key material, into one directory. After a restore every ruling still verifies.

Both document stores are covered: the database store's documents are tables of the database, so the dump holds
them (consistent with the rows that name them); the directory store, and any documents left in the directory from
before the database store, are copied as files.

The backup directory holds private keys: it is created 0700 and must be kept like the keys themselves.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from confirm.core.audit import HEAD_FILE
from confirm.core.clock import iso, utcnow
from confirm.core.config import Settings
from confirm.core.db import make_engine
from confirm.core.storage import DATABASE, DatabaseStore, store_kind
from confirm.law.errors import DomainError
from keys.files import ensure_private_dir

SQLITE_FILE = "jiudi.sqlite3"
PG_FILE = "jiudi.pgdump"


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database:
        raise DomainError("backup.sqlite_path", "SQLite 数据库路径无效", 2)
    return Path(database)


def _pg_conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(settings: Settings, dest: Path) -> dict[str, object]:
    """Write a consistent copy of the database, the store and the keys to ``dest`` (which must be empty)."""
    if dest.exists() and any(dest.iterdir()):
        raise DomainError("backup.not_empty", f"备份目录 {dest} 不是空目录", 2)
    ensure_private_dir(dest)
    if settings.database_url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(settings.database_url))
        target = sqlite3.connect(dest / SQLITE_FILE)
        with target:
            source.backup(target)  # a consistent snapshot even while the service writes
        source.close()
        target.close()
        database = SQLITE_FILE
    else:
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dest / PG_FILE}",
                        _pg_conninfo(settings.database_url)], check=True)
        database = PG_FILE
    for part in ("store", "keys"):
        if (settings.data_dir / part).exists():
            shutil.copytree(settings.data_dir / part, dest / part)
    manifest: dict[str, object] = {"made_at": iso(utcnow()), "database": database,
                "document_store": store_kind(settings), "store_files": sum(
                    1 for p in (dest / "store").rglob("*") if p.is_file()) if (dest / "store").exists() else 0}
    if store_kind(settings) == DATABASE:
        engine = make_engine(settings.database_url)
        try:
            manifest["store_database_documents"] = DatabaseStore(engine).count()
        finally:
            engine.dispose()
    (dest / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def restore(settings: Settings, src: Path) -> dict[str, object]:
    """Put a backup back: the database replaced, the store and keys copied over what is there."""
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    ensure_private_dir(settings.data_dir)
    if manifest["database"] == SQLITE_FILE:
        if not settings.database_url.startswith("sqlite"):
            raise DomainError("restore.kind", "这是 SQLite 备份，当前配置的是 PostgreSQL", 2)
        target = _sqlite_path(settings.database_url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copy2(src / SQLITE_FILE, target)
    else:
        if settings.database_url.startswith("sqlite"):
            raise DomainError("restore.kind", "这是 PostgreSQL 备份，当前配置的是 SQLite", 2)
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        f"--dbname={_pg_conninfo(settings.database_url)}", str(src / PG_FILE)], check=True)
    for part in ("store", "keys"):
        if (src / part).exists():
            shutil.copytree(src / part, settings.data_dir / part, dirs_exist_ok=True)
    # The audit head named the newest record of the log that was replaced: the restored log starts a new one.
    (settings.data_dir / HEAD_FILE).unlink(missing_ok=True)
    return manifest
