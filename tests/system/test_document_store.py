"""The document store, directory or database: content-addressed, streamed in and out a chunk at a time, and never
served once its bytes no longer hash to their name. Runs on SQLite (the directory store) and on PostgreSQL (the
database store, its default there)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from confirm.app import create_app
from confirm.core.config import Settings
from confirm.core.storage import (
    CHUNK_BYTES,
    DATABASE,
    DIRECTORY,
    CorruptDocument,
    DatabaseStore,
    DirectoryStore,
    import_directory,
    store_kind,
)
from tests.support import Staff, a_pdf, application_body


def big_pdf(megabytes: float) -> bytes:
    """A real PDF header with padding: several chunks' worth of bytes, sniffed as a PDF."""
    pdf = a_pdf("big")
    return pdf + b"%" + b"x" * (int(megabytes * 1024 * 1024) - len(pdf) - 2) + b"\n"


def corrupt(runtime, sha256: str) -> None:  # type: ignore[no-untyped-def]
    """Change one byte of the stored document behind the service's back (a disk fault, a hand edit)."""
    store = runtime.store
    if isinstance(store, DirectoryStore):
        path = store._path(sha256)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    else:
        with runtime.engine.begin() as conn:
            conn.execute(sa.text("UPDATE stored_chunks SET data = overlay(data placing '\\x00'::bytea from 10 for 1)"
                                 " WHERE sha256 = :s AND chunk_no = 0"), {"s": sha256})


def test_the_default_store_is_the_database_on_postgresql_and_the_directory_on_sqlite(runtime, settings):
    expected = DIRECTORY if settings.database_url.startswith("sqlite") else DATABASE
    assert store_kind(settings) == expected and runtime.store.kind == expected


def test_the_database_store_is_refused_on_sqlite(tmp_path):
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        Settings.from_env({"JIUDI_DATA_DIR": str(tmp_path), "JIUDI_DOCUMENT_STORE": "database"})
    with pytest.raises(ValueError, match="directory or database"):
        Settings.from_env({"JIUDI_DATA_DIR": str(tmp_path), "JIUDI_DOCUMENT_STORE": "s3"})


def test_a_document_of_several_chunks_goes_in_and_comes_out_whole(runtime, passwords):
    content = big_pdf(3.5)
    with TestClient(create_app(runtime=runtime)) as client:
        m = Staff(client, "mediator", passwords["mediator"])
        app_id = m.create(application_body()).json()["id"]
        r = m.upload(app_id, "evidence", content)
        assert r.status_code == 201, r.text
        doc = r.json()
        assert doc["size"] == len(content)
        got = m.get(f"/api/v1/applications/{app_id}/documents/{doc['id']}")
        assert got.status_code == 200 and got.headers["content-length"] == str(len(content))
        assert got.content == content
    chunks = list(runtime.store.chunks(doc["sha256"]))
    assert b"".join(chunks) == content and max(len(c) for c in chunks) <= CHUNK_BYTES
    if runtime.store.kind == DATABASE:
        with runtime.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT count(*) FROM stored_chunks WHERE sha256 = :s"),
                                {"s": doc["sha256"]}).scalar_one()
        assert rows == 4  # 3.5 MiB in chunks of 1 MiB


def test_the_same_bytes_are_stored_once(runtime):
    first = runtime.store.put_file(io.BytesIO(b"%PDF-1.4 same"))
    assert runtime.store.put(b"%PDF-1.4 same") == first[0]
    assert list(runtime.store.names()).count(first[0]) == 1


def test_a_corrupt_document_is_refused_not_served(runtime, passwords):
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as client:
        m = Staff(client, "mediator", passwords["mediator"])
        app_id = m.create(application_body()).json()["id"]
        doc = m.upload(app_id, "agreement", a_pdf("one chunk")).json()
        corrupt(runtime, doc["sha256"])
        r = m.get(f"/api/v1/applications/{app_id}/documents/{doc['id']}")
        assert r.status_code == 500 and r.json()["error"]["code"] == "document.corrupt"
    with pytest.raises(CorruptDocument):
        runtime.store.get(doc["sha256"])


def test_a_corrupt_document_of_several_chunks_is_never_delivered_whole(runtime):
    content = big_pdf(2.5)
    sha256 = runtime.store.put(content)
    corrupt(runtime, sha256)
    received = 0
    with pytest.raises(CorruptDocument):
        for chunk in runtime.store.open(sha256).chunks:
            received += len(chunk)
    assert received < len(content)


def test_the_database_store_reads_documents_left_in_the_directory_and_imports_them(runtime, settings):
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("the database document store is PostgreSQL's; SQLite keeps documents in the directory")
    directory = DirectoryStore(settings.store_dir)
    old = directory.put(b"%PDF-1.4 stored before the database store")
    store = runtime.store
    assert isinstance(store, DatabaseStore)
    assert store.get(old) == b"%PDF-1.4 stored before the database store"  # read from the directory
    assert import_directory(directory, store) == 1 and import_directory(directory, store) == 0
    directory._path(old).unlink()
    assert store.get(old) == b"%PDF-1.4 stored before the database store"  # now from the database


def test_a_directory_store_configured_on_postgresql_keeps_documents_on_disk(settings):
    from confirm.core.runtime import Runtime

    if settings.database_url.startswith("sqlite"):
        pytest.skip("on SQLite the directory is the only store")
    local = Runtime(replace(settings, document_store=DIRECTORY))
    try:
        sha256 = local.store.put(b"%PDF-1.4 on disk")
        assert (settings.store_dir / sha256[:2] / sha256[2:4] / sha256).is_file()
    finally:
        local.engine.dispose()


def test_jiudi_store_check_finds_a_corrupt_document_and_import_copies_the_directory(runtime, settings):
    from tests.system.test_schema_and_cli import run_cli

    sha256 = runtime.store.put(b"%PDF-1.4 checked")
    r = run_cli(settings, "store", "check")
    assert r.returncode == 0 and "0 corrupt" in r.stdout, r.stderr
    corrupt(runtime, sha256)
    r = run_cli(settings, "store", "check")
    assert r.returncode == 1 and f"corrupt: {sha256}" in r.stderr
    r = run_cli(settings, "store", "import")
    if runtime.store.kind == DATABASE:
        assert r.returncode == 0 and "copied into the database store" in r.stdout, r.stderr
    else:
        assert r.returncode == 2
