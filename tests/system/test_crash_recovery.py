"""Crash recovery: the service and the worker are killed with SIGKILL at chosen points and restarted.

Proves that nothing acknowledged is lost, case numbers stay gapless, every decided application ends issued with
exactly one ruling, no job stays stuck, and retries with the same idempotency key return the original result.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import select

from confirm.core.db import transaction
from confirm.models import IssuanceJob, Ruling
from tests.support import a_pdf, application_body, confirm_parties, verification_now


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """``jiudi serve`` and ``jiudi worker`` as real processes on the test's data directory and database."""

    def __init__(self, settings) -> None:  # type: ignore[no-untyped-def]
        self.env = {**os.environ, "JIUDI_DATA_DIR": str(settings.data_dir),
                    "JIUDI_DATABASE_URL": settings.database_url, "JIUDI_ISSUANCE_IN_PROCESS": "0",
                    "JIUDI_ISSUANCE_LEASE_SECONDS": "2"}
        self.running: list[subprocess.Popen] = []

    def start(self, command: str, crash_at: str | None = None, port: int | None = None) -> subprocess.Popen:
        env = dict(self.env)
        if crash_at:
            env["JIUDI_CRASH_AT"] = crash_at
        args = [sys.executable, "-m", "confirm.cli", command]
        if port:
            args += ["--port", str(port)]
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.running.append(proc)
        if port:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "service did not start"
                time.sleep(0.2)
        return proc

    def stop_all(self) -> None:
        for proc in self.running:
            stop(proc, timeout=15)


def stop(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM (a graceful stop), then killed if it has not stopped within ``timeout`` seconds."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def procs(initialized, settings) -> Iterator[tuple[Processes, dict[str, str]]]:  # type: ignore[no-untyped-def]
    p = Processes(settings)
    try:
        yield p, initialized[1]
    finally:
        p.stop_all()


def login(base: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = client.post("/api/v1/auth/token", data={"username": username, "password": password}).json()
    client.headers["Authorization"] = f"Bearer {token['access_token']}"
    return client


def file(base: str, passwords: dict[str, str], key: str) -> str:
    """A submitted application, confirmed by its parties, not yet claimed."""
    m = login(base, "mediator", passwords["mediator"])
    app_id = m.post("/api/v1/applications", json=application_body(), headers={"Idempotency-Key": key}).json()["id"]
    for kind in ("agreement", "joint_application"):
        assert m.post(f"/api/v1/applications/{app_id}/documents", data={"kind": kind},
                      files={"file": ("a.pdf", a_pdf(), "application/pdf")}).status_code == 201
    assert m.post(f"/api/v1/applications/{app_id}/submit").status_code == 200
    confirm_parties(m, m, app_id)
    return app_id


def file_and_claim(base: str, passwords: dict[str, str], key: str) -> str:
    app_id = file(base, passwords, key)
    assert login(base, "judge", passwords["judge"]).post(f"/api/v1/applications/{app_id}/claim").status_code == 200
    return app_id


def decide(base: str, passwords: dict[str, str], app_id: str) -> httpx.Response:
    judge = login(base, "judge", passwords["judge"])
    return judge.post(f"/api/v1/applications/{app_id}/decision",
                      json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})


def wait_issued(runtime, app_id: str, timeout: float = 40) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        with transaction(runtime.engine) as s:
            if s.exec(select(Ruling).where(Ruling.application_id == app_id)).first() is not None:
                return
        assert time.monotonic() < deadline, "not issued"
        time.sleep(0.2)


@pytest.mark.parametrize("crash_at", ["during_sealing", "after_sealing"])
def test_worker_killed_while_issuing_is_replaced_and_issues_exactly_one_ruling(procs, runtime, crash_at):
    p, passwords = procs
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    p.start("serve", port=port)
    app_id = file_and_claim(base, passwords, "crash-worker")
    assert decide(base, passwords, app_id).status_code == 202  # no worker yet: queued

    doomed = p.start("worker", crash_at=crash_at)
    assert doomed.wait(timeout=60) == -signal.SIGKILL
    with transaction(runtime.engine) as s:
        assert s.exec(select(Ruling)).all() == []  # nothing recorded by the killed worker
    p.start("worker")  # the replacement takes the job once its lease has run out
    wait_issued(runtime, app_id)
    with transaction(runtime.engine) as s:
        assert len(s.exec(select(Ruling).where(Ruling.application_id == app_id)).all()) == 1
        job = s.exec(select(IssuanceJob).where(IssuanceJob.application_id == app_id, IssuanceJob.kind == "ruling")).one()
        assert job.state == "done"
    m = login(base, "mediator", passwords["mediator"])
    pdf = m.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
    assert httpx.post(f"{base}/api/v1/verify", files={"file": ("r.pdf", pdf)}).json()["genuine"] is True


def test_service_killed_right_after_the_decision_commits_loses_nothing(procs, runtime):
    p, passwords = procs
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    p.start("serve", port=port, crash_at="after_decision_commit")
    app_id = file_and_claim(base, passwords, "crash-decision")
    with pytest.raises(httpx.HTTPError):
        decide(base, passwords, app_id)  # the connection dies with the process
    port2 = free_port()
    base2 = f"http://127.0.0.1:{port2}"
    p.start("serve", port=port2)
    p.start("worker")
    wait_issued(runtime, app_id)
    again = decide(base2, passwords, app_id)  # the judge's retry finds the decision made
    assert again.status_code == 409 and again.json()["error"]["code"] == "application.already_decided"
    # the mediator's retry of the very first request returns the original application
    m = login(base2, "mediator", passwords["mediator"])
    replay = m.post("/api/v1/applications", json=application_body(), headers={"Idempotency-Key": "crash-decision"})
    assert replay.status_code == 201 and replay.json()["id"] == app_id
    assert replay.json()["case_number"] is None  # the replay is the first answer, as it was then
    assert m.get(f"/api/v1/applications/{app_id}").json()["case_number"].endswith("民特1号")


def test_service_killed_during_a_claim_gives_its_case_number_back(procs, runtime):
    """The claim took 民特1号 and died before committing: the number is not lost (gapless), the next claim gets it."""
    p, passwords = procs
    port = free_port()
    p.start("serve", port=port, crash_at="during_claim")
    base = f"http://127.0.0.1:{port}"
    first, second = file(base, passwords, "claim-1"), file(base, passwords, "claim-2")
    with pytest.raises(httpx.HTTPError):
        login(base, "judge", passwords["judge"]).post(f"/api/v1/applications/{first}/claim")
    port2 = free_port()
    p.start("serve", port=port2)
    judge = login(f"http://127.0.0.1:{port2}", "judge", passwords["judge"])
    assert judge.get(f"/api/v1/applications/{first}").json()["status"] == "submitted"  # the claim left nothing
    numbers = [judge.post(f"/api/v1/applications/{app_id}/claim").json()["case_number"] for app_id in (second, first)]
    assert [n.rsplit("民特", 1)[1] for n in numbers] == ["1号", "2号"]


def test_service_killed_during_an_upload_keeps_the_application_and_accepts_the_retry(procs, runtime):
    p, passwords = procs
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    p.start("serve", port=port, crash_at="during_upload")
    m = login(base, "mediator", passwords["mediator"])
    app_id = m.post("/api/v1/applications", json=application_body(), headers={"Idempotency-Key": "u1"}).json()["id"]
    with pytest.raises(httpx.HTTPError):
        m.post(f"/api/v1/applications/{app_id}/documents", data={"kind": "agreement"},
               files={"file": ("a.pdf", a_pdf(), "application/pdf")})
    port2 = free_port()
    p.start("serve", port=port2)
    m2 = login(f"http://127.0.0.1:{port2}", "mediator", passwords["mediator"])
    app = m2.get(f"/api/v1/applications/{app_id}").json()
    assert app["status"] == "draft" and app["documents"] == []  # the unacknowledged upload left no row
    retry = m2.post(f"/api/v1/applications/{app_id}/documents", data={"kind": "agreement"},
                    files={"file": ("a.pdf", a_pdf(), "application/pdf")})
    assert retry.status_code == 201
