"""Two machines behind one load balancer: two server processes, two data directories (each with the court's keys,
as a deployment copies them, and a document store directory of its own), one PostgreSQL. A ruling sealed by the
first is downloaded, verified by its token and verified by upload through the second — its documents are in the
database store, which both reach. With documents in each machine's directory the second could serve none of it."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import _free_port
from tests.support import Staff, a_pdf, verification_now


def start(data_dir: Path, database_url: str, port: int, *, seals: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "JIUDI_DATA_DIR": str(data_dir), "JIUDI_DATABASE_URL": database_url,
           "JIUDI_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "JIUDI_ISSUANCE_IN_PROCESS": "1" if seals else "0"}
    env.pop("JIUDI_DOCUMENT_STORE", None)  # the default on PostgreSQL is what is proved
    process = subprocess.Popen([sys.executable, "-m", "confirm.cli", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"instance on {port} did not start: {process.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)


def test_a_ruling_sealed_by_one_instance_is_downloaded_and_verified_through_the_other(settings, initialized, tmp_path):
    first_runtime, passwords = initialized
    if first_runtime.engine.dialect.name != "postgresql":
        pytest.skip("instances on several machines share one PostgreSQL; SQLite serves one instance from one directory")
    first_runtime.engine.dispose()
    second_dir = tmp_path / "second-machine"
    second_dir.mkdir()
    shutil.copytree(settings.data_dir / "keys", second_dir / "keys")  # the court's keys, as deployed to each machine
    a_port, b_port = _free_port(), _free_port()
    processes = [start(settings.data_dir, settings.database_url, a_port, seals=True)]
    try:
        processes.append(start(second_dir, settings.database_url, b_port, seals=False))  # web only: it seals nothing
        a = httpx.Client(base_url=f"http://127.0.0.1:{a_port}", timeout=60)
        b = httpx.Client(base_url=f"http://127.0.0.1:{b_port}", timeout=60)
        m, judge = Staff(a, "mediator", passwords["mediator"]), Staff(a, "judge", passwords["judge"])
        app_id = m.filed()
        judge.post(f"/api/v1/applications/{app_id}/claim")
        r = judge.post(f"/api/v1/applications/{app_id}/decision",
                       json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
        assert r.status_code == 200, r.text
        deadline = time.monotonic() + 60
        while (ruling := judge.get(f"/api/v1/applications/{app_id}").json()["ruling"]) is None:
            assert time.monotonic() < deadline, "the first instance sealed no ruling"
            time.sleep(0.3)

        judge_b = Staff(b, "judge", passwords["judge"])
        pdf = judge_b.get(f"/api/v1/applications/{app_id}/ruling.pdf")
        assert pdf.status_code == 200, pdf.text
        assert hashlib.sha256(pdf.content).hexdigest() == ruling["sha256"]
        token = ruling["verify_url"].rsplit("/", 1)[1]
        by_token = b.get(f"/api/v1/verify/{token}")
        assert by_token.status_code == 200 and by_token.json()["status"] == "valid"
        assert by_token.json()["document_sha256"] == ruling["sha256"]
        by_upload = b.post("/api/v1/verify", files={"file": ("ruling.pdf", pdf.content, "application/pdf")})
        assert by_upload.status_code == 200 and by_upload.json()["genuine"] is True, by_upload.text

        # a mediator's upload through the second is read through the first, too
        m_b = Staff(b, "mediator", passwords["mediator"])
        draft = m_b.create().json()["id"]
        evidence = a_pdf("filed on the second machine")
        doc = m_b.upload(draft, "evidence", evidence)
        assert doc.status_code == 201, doc.text
        got = m.get(f"/api/v1/applications/{draft}/documents/{doc.json()['id']}")
        assert got.status_code == 200 and got.content == evidence
        # and nothing reached the second machine's disk: what it served came from the database
        assert not any(p.is_file() for p in (second_dir / "store").rglob("*"))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
