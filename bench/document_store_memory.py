"""Memory of a 20 MB upload and download, through the document store, directory against database, in one run.

Each case runs in a fresh process (so its peak RSS is its own): the upload is a 20 MB file on disk, as Starlette
spools a multipart upload, stored with ``put_file``; the download is read back with ``chunks`` (each byte checked
against the SHA-256) and dropped, as a streaming response sends it. "whole" is how the service did it before: the
upload read into one ``bytes`` and the download returned as one. Figures: tracemalloc's peak of Python allocations,
and the growth of the process's peak RSS over its size before the case (libpq's buffers count there).

    .venv/bin/python bench/document_store_memory.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = 20 * 1024 * 1024
MB = 1024 * 1024


def _rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def run_case(store_kind: str, mode: str, database_url: str | None) -> dict[str, float]:
    import sqlalchemy as sa

    from confirm.core.storage import DatabaseStore, DirectoryStore
    from confirm.models import StoredChunk, StoredDocument

    with tempfile.TemporaryDirectory() as tmp:
        upload = Path(tmp) / "upload"
        with upload.open("wb") as out:  # 20 MB, written in pieces: the test data is never whole in memory either
            for _ in range(SIZE // MB):
                out.write(os.urandom(MB))
        engine = None
        if store_kind == "directory":
            store: DirectoryStore | DatabaseStore = DirectoryStore(Path(tmp) / "store")
        else:
            assert database_url
            engine = sa.create_engine(database_url)
            tables = [StoredDocument.__table__, StoredChunk.__table__]  # type: ignore[attr-defined]
            StoredDocument.metadata.create_all(engine, tables=tables)
            store = DatabaseStore(engine)
        baseline = _rss_peak_mb()
        tracemalloc.start()
        started = time.perf_counter()
        if mode == "streamed":
            with upload.open("rb") as file:
                sha256, _size = store.put_file(file)
        else:
            sha256 = store.put(upload.read_bytes())
        stored = time.perf_counter()
        up_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        if mode == "streamed":
            received = sum(len(chunk) for chunk in store.open(sha256).chunks)
        else:
            received = len(store.get(sha256))
        assert received == SIZE
        done = time.perf_counter()
        down_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if engine is not None:
            engine.dispose()
        return {"upload_peak_mb": up_peak / MB, "download_peak_mb": down_peak / MB,
                "rss_growth_mb": _rss_peak_mb() - baseline, "upload_s": stored - started, "download_s": done - stored}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a PostgreSQL server (a scratch database is made and dropped)")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        store_kind, mode = args.case.split(":")
        print(json.dumps(run_case(store_kind, mode, args.database_url)))
        return
    scratch_url, admin = None, None
    if args.database_url:
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url

        name = f"bench_docstore_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(args.database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        scratch_url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    cases = [("directory", "whole"), ("directory", "streamed")]
    if scratch_url:
        cases += [("database", "whole"), ("database", "streamed")]
    print(f"a {SIZE // MB} MB document, stored then read back (each case in its own process)")
    print(f"{'store':<10} {'how':<9} {'upload peak':>12} {'download peak':>14} {'peak RSS growth':>16}"
          f" {'upload':>8} {'download':>9}")
    try:
        for store_kind, mode in cases:
            command = [sys.executable, __file__, "--case", f"{store_kind}:{mode}"]
            if scratch_url:
                command += ["--database-url", scratch_url]
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"{store_kind:<10} {mode:<9} {r['upload_peak_mb']:>9.1f} MB {r['download_peak_mb']:>11.1f} MB"
                  f" {r['rss_growth_mb']:>13.1f} MB {r['upload_s']:>7.2f}s {r['download_s']:>8.2f}s")
    finally:
        if admin is not None:
            import sqlalchemy as sa

            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
