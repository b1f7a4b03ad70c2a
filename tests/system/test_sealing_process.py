"""The in-process worker renders and seals in a process of its own (confirm.core.sealing_process, issue 18 item 5):
the ruling it makes there is the genuine sealed ruling, the web server's process never loads a seal key, a child
that dies is replaced and its job sealed by the next one, a failure inside the child comes back with its cause, and the
child's heap is left out of garbage collection once it is ready."""

from __future__ import annotations

import gc
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from confirm.core.sealing_process import SealingProcess, SealingProcessError
from keys import load_trust_roots
from tests.support import Staff, issued_ruling_text, verification_now
from verify import check_sealed_pdf


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    return replace(settings, sealing_process=True)  # as jiudi serve runs (the tests' default seals in the thread)


def decided(client, passwords) -> tuple[Staff, str]:  # type: ignore[no-untyped-def]
    mediator, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
    app_id = mediator.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
    assert r.status_code in (200, 202), r.text  # 202: decided, the ruling still being sealed (api.md)
    return mediator, app_id


def child_pid(runtime, seconds: float = 60) -> int:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while runtime.sealing.pid is None:
        assert time.monotonic() < deadline, "the sealing process did not start"
        time.sleep(0.05)
    return int(runtime.sealing.pid)


def test_the_ruling_is_sealed_in_the_sealing_process_and_is_genuine(client, runtime, passwords, tmp_path: Path):  # type: ignore[no-untyped-def]
    assert child_pid(runtime) != os.getpid()
    mediator, app_id = decided(client, passwords)
    assert "民事裁定书" in issued_ruling_text(mediator, app_id, timeout=60)
    # the web server's process sealed nothing: it never read a seal key (the runtime makes its seals on first use)
    assert "seals" not in vars(runtime)
    pdf = mediator.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
    report = check_sealed_pdf(pdf, load_trust_roots(runtime.settings.data_dir))
    assert report.genuine and report.intact, report.problem_codes
    assert report.level == "B-LTA"  # development mode's level, reached in the child with its own TSA and revocation data
    path = tmp_path / "ruling.pdf"
    path.write_bytes(pdf)
    exe = shutil.which("pdfsig")
    assert exe, "pdfsig (poppler-utils) must be installed"
    assert "Signature is Valid" in subprocess.run([exe, str(path)], capture_output=True, text=True).stdout


def test_a_sealing_process_that_dies_is_replaced_and_the_ruling_still_issued(client, runtime, passwords):  # type: ignore[no-untyped-def]
    first = child_pid(runtime)
    os.kill(first, signal.SIGKILL)
    mediator, app_id = decided(client, passwords)
    # the seal fails with the child gone, the worker retries the job after its backoff (2 s) in a fresh child
    assert "民事裁定书" in issued_ruling_text(mediator, app_id, timeout=90)
    assert child_pid(runtime) not in (first, os.getpid())


def not_a_document() -> None:
    raise ValueError("模板缺少字段")


def test_a_failure_in_the_sealing_process_comes_back_with_its_type_and_message(settings):  # type: ignore[no-untyped-def]
    sealing = SealingProcess(settings)
    sealing.start()
    try:
        with pytest.raises(SealingProcessError, match="ValueError: 模板缺少字段"):
            sealing.seal(partial(not_a_document), "1001", "测试法院", "test")
        assert sealing.pid is not None and sealing.pid != os.getpid()  # the child is still there for the next one
    finally:
        sealing.stop()


def test_the_sealing_process_freezes_its_heap_once_it_is_ready(settings):  # type: ignore[no-untyped-def]
    sealing = SealingProcess(settings)
    sealing.start()
    try:  # asked in the child itself, after its start (the pool runs a call only once its initializer is done)
        assert sealing._pool is not None
        frozen = sealing._pool.submit(gc.get_freeze_count).result(timeout=60)
        assert frozen > 50_000, frozen  # pyHanko and reportlab alone are far more objects than that
    finally:
        sealing.stop()


def test_a_server_killed_outright_leaves_no_sealing_process_behind(initialized, settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.system.test_crash_recovery import free_port, stop

    log = tmp_path / "serve.log"
    env = {**os.environ, "JIUDI_DATA_DIR": str(settings.data_dir), "JIUDI_DATABASE_URL": settings.database_url}
    with log.open("w+") as out:
        server = subprocess.Popen([sys.executable, "-m", "confirm.cli", "serve", "--port", str(free_port())],
                                  env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while not (ready := re.search(r"sealing process ready \(pid (\d+)\)", log.read_text())):
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            child = int(ready.group(1))
            assert _parent_of(child) == server.pid
            server.kill()  # SIGKILL: no lifespan, no pool shutdown
            server.wait()
            deadline = time.monotonic() + 15
            while _parent_of(child) is not None:  # gone (not adopted by init and left running)
                assert time.monotonic() < deadline, f"the sealing process {child} outlived its server"
                time.sleep(0.2)
        finally:
            stop(server, timeout=10)


def _parent_of(pid: int) -> int | None:
    """A running process's parent, None once it has exited (a zombie counts as exited)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else int(fields[1])
