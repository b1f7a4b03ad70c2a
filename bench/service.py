"""The real service in-process for a benchmark: development keys, the in-process worker, SQLite in a temporary
directory or an empty PostgreSQL database (``--postgres URL``), and the demo users' passwords."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient  # noqa: E402

from confirm.app import create_app  # noqa: E402
from confirm.bootstrap import initialize  # noqa: E402
from confirm.core.config import Settings  # noqa: E402
from confirm.core.runtime import Runtime  # noqa: E402


def arguments(default_n: int = 20, *, sealing: bool = False) -> argparse.Namespace:
    """``N`` (how many measured runs after two warm-ups) and ``--postgres URL`` (and, with ``sealing``,
    ``--sealing-thread``: the worker seals in its own thread instead of the sealing process)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=default_n)
    parser.add_argument("--postgres", help="a PostgreSQL URL to an empty database instead of SQLite")
    if sealing:
        parser.add_argument("--sealing-thread", action="store_true",
                            help="seal in the worker's thread of the web server's process (JIUDI_SEALING_PROCESS=0)")
        parser.add_argument("--workers", type=int, default=1,
                            help="`jiudi serve --workers N`: above 1, N server processes and the issuance worker in "
                                 "their supervisor")
    return parser.parse_args()


@contextmanager
def running_service(postgres: str | None) -> Iterator[tuple[TestClient, Runtime, dict[str, str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        url = postgres or f"sqlite:///{tmp}/bench.sqlite3"
        settings = Settings(data_dir=Path(tmp) / "data", database_url=url, public_base_url="http://127.0.0.1:8000",
                            tsa_url=None, signer=None)
        runtime, result = initialize(settings, say=lambda _t: None)
        with TestClient(create_app(runtime=runtime)) as client:
            yield client, runtime, {u: p for u, _r, p in result.credentials}


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def bare_seal_ms(runtime: Runtime, application_id: str, n: int) -> list[float]:
    """The baseline of the service benches: the issued ruling of ``application_id`` rendered and sealed by the bare
    pipeline (render_ruling + the court's sealer at the configured level), ``n`` times after two warm-ups."""
    import time

    from confirm.issuance.ruling import ruling_content
    from confirm.models import Application, Court
    from templates import render_ruling

    with runtime.unit_of_work() as session:
        content = ruling_content(runtime, session, application_id, "0" * 32)
        court = session.get(Court, session.get(Application, application_id).court_id)
    times: list[float] = []
    for i in range(n + 2):
        start = time.perf_counter()
        runtime.seals.seal(court.code, court.name, render_ruling(content), reason="bench")
        if i >= 2:
            times.append((time.perf_counter() - start) * 1000)
    return times
