"""A live service on a loopback port (real uvicorn, real HTTP), for tests that need streaming or a URL."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_settings(settings):  # type: ignore[no-untyped-def]
    """Settings whose public base URL is the live server's, so QR codes point at it."""
    from dataclasses import replace

    port = _free_port()
    return replace(settings, public_base_url=f"http://127.0.0.1:{port}"), port


@pytest.fixture
def live_server(live_settings, first_start) -> Iterator[tuple[str, object, dict[str, str]]]:  # type: ignore[no-untyped-def]
    from confirm.app import create_app
    from tests.support import started

    settings, port = live_settings
    runtime, passwords = started(settings, first_start)
    server = uvicorn.Server(uvicorn.Config(create_app(runtime=runtime), host="127.0.0.1", port=port, log_level="warning",
                                           timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.05)
    try:
        yield settings.public_base_url, runtime, passwords
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        if runtime.worker is not None:  # stopped by the app's lifespan; made sure of before the database is reused
            runtime.worker.stop()
        runtime.engine.dispose()
