"""Two instances on one PostgreSQL database: an event caused through one reaches the other's SSE clients within
a second, woken by LISTEN/NOTIFY (the streams' own database poll is slowed down here so only NOTIFY can do it)."""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import replace

import httpx
import pytest
import uvicorn

from tests.e2e.conftest import _free_port
from tests.support import a_pdf, application_body


def serve(runtime, port: int) -> tuple[uvicorn.Server, threading.Thread]:  # type: ignore[no-untyped-def]
    from confirm.app import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(runtime=runtime), host="127.0.0.1", port=port, log_level="warning",
                                           timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return server, thread


def test_an_event_through_one_instance_reaches_the_other_within_a_second(settings, initialized, monkeypatch):
    from confirm.applications import live as views_events
    from confirm.core.runtime import Runtime

    first, passwords = initialized
    if first.engine.dialect.name != "postgresql":
        pytest.skip("cross-instance wake-up is PostgreSQL's LISTEN/NOTIFY; SQLite serves one instance")
    monkeypatch.setattr(views_events, "POLL_SECONDS", 30.0)
    # another process's view, a web-only instance (its own engine and bus, no worker): a worker of its own would
    # take the submission's message jobs by its 2-second poll and bump this bus, hiding a missing NOTIFY
    second = Runtime(replace(settings, issuance_in_process=False))
    a_port, b_port = _free_port(), _free_port()
    servers = [serve(first, a_port), serve(second, b_port)]
    try:
        a, b = f"http://127.0.0.1:{a_port}", f"http://127.0.0.1:{b_port}"
        judge_token = httpx.post(f"{b}/api/v1/auth/token",
                                 data={"username": "judge", "password": passwords["judge"]}).json()["access_token"]
        arrived: queue.Queue = queue.Queue()
        ready = threading.Event()

        def listen() -> None:
            with httpx.Client(timeout=None) as http, http.stream(
                    "GET", f"{b}/api/v1/events", headers={"Authorization": f"Bearer {judge_token}"}) as stream:
                ready.set()
                for line in stream.iter_lines():
                    if line.startswith("data: "):
                        arrived.put((time.monotonic(), json.loads(line[6:])))

        threading.Thread(target=listen, daemon=True).start()
        assert ready.wait(10)
        time.sleep(0.5)
        m = httpx.Client(base_url=a, timeout=30)
        token = m.post("/api/v1/auth/token", data={"username": "mediator", "password": passwords["mediator"]}).json()
        m.headers["Authorization"] = f"Bearer {token['access_token']}"
        app_id = m.post("/api/v1/applications", json=application_body()).json()["id"]
        for kind in ("agreement", "joint_application"):
            m.post(f"/api/v1/applications/{app_id}/documents", data={"kind": kind}, files={"file": ("a.pdf", a_pdf())})
        submitted = time.monotonic()
        assert m.post(f"/api/v1/applications/{app_id}/submit").status_code == 200
        at, data = arrived.get(timeout=5)
        assert data["application_id"] == app_id and data["status"] == "submitted"
        assert at - submitted < 1.0, f"took {at - submitted:.2f}s"
    finally:
        # Both instances' workers must be gone before the next test reuses this database: a worker left
        # polling would take that test's job and keep the ruling in this test's document store.
        for server, _thread in servers:
            server.should_exit = True
        for _server, thread in servers:
            thread.join(timeout=15)
        for instance in (first, second):
            if instance.worker is not None:
                instance.worker.stop()
        second.engine.dispose()
