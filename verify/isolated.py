"""Checking files from the public without letting one of them take the service down: ``BoundedChecker``.

A check runs in a worker process of its own (``python -m verify.worker``), never in the caller's: at a lower
scheduling priority than the service, with a cap on its memory, and killed when it has not answered within
``timeout`` seconds (a new worker takes its place). At most ``concurrency`` checks run at once; one more is
refused at once (``CheckerBusy``) rather than queued, because a request waiting for a slot would hold one of the
web server's threads and so stall staff requests just the same. A file with more than ``max_revisions``
revisions is refused before it reaches a worker (``verify.bounds.count_revisions``), and again, counted by pyHanko,
inside the worker before the modification analysis whose cost grows with their square.

Workers are started when first needed, serve up to ``checks_per_worker`` checks and are then replaced.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import os
import select
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .bounds import MAX_REVISIONS, count_revisions
from .check import TrustRoot, _rejected
from .report import VerificationReport
from .worker import report_from_json

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0  # seconds for one check; a ruling checks in well under one
DEFAULT_MEMORY = 1 << 30  # bytes of address space for one worker
STARTUP_TIMEOUT = 30.0  # seconds for a new worker to import pyHanko and say it is ready
_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)


class CheckerBusy(Exception):
    """Every check slot is taken; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"every verification worker is busy; retry after {retry_after} s")
        self.retry_after = retry_after


class CheckTooComplex(Exception):
    """The check did not finish within its limits (time or memory): the file is too complex to check."""


def default_concurrency() -> int:
    """One check per core, at most four (each worker may use ``DEFAULT_MEMORY``)."""
    return max(1, min(4, os.cpu_count() or 1))


class _Worker:
    """One ``python -m verify.worker`` process and the pipes to it."""

    def __init__(self, memory_bytes: int | None) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (_PROJECT_ROOT, os.environ.get("PYTHONPATH"))
                                                            if p)}
        if memory_bytes:
            env["JIUDI_VERIFY_WORKER_MEMORY"] = str(memory_bytes)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "verify.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
            close_fds=True,
        )
        self.checks = 0
        self._buffer = b""
        if self._read_line(time.monotonic() + STARTUP_TIMEOUT) != b"ready":
            self.kill()
            raise RuntimeError("the verification worker did not start")

    @property
    def pid(self) -> int:
        return self.process.pid

    def check(self, pdf: bytes, roots_der: list[bytes], max_revisions: int, deadline: float) -> dict[str, Any] | None:
        """The worker's answer, or None when it did not answer before ``deadline`` (or died)."""
        assert self.process.stdin is not None
        request = {"size": len(pdf), "max_revisions": max_revisions,
                   "trust_roots": [base64.b64encode(der).decode() for der in roots_der]}
        self.checks += 1
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.write(pdf)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        line = self._read_line(deadline)
        return json.loads(line) if line is not None else None

    def _read_line(self, deadline: float) -> bytes | None:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return None  # too late
            chunk = os.read(fd, 65536)
            if not chunk:
                return None  # the worker died (its memory cap, a crash)
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass


class BoundedChecker:
    """``check_sealed_pdf`` in separate processes, with a revision bound, a hard time limit and a concurrency cap."""

    def __init__(
        self,
        *,
        concurrency: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_revisions: int = MAX_REVISIONS,
        memory_bytes: int | None = DEFAULT_MEMORY,
        checks_per_worker: int = 200,
    ) -> None:
        self.concurrency = concurrency if concurrency is not None else default_concurrency()
        self.timeout = timeout
        self.max_revisions = max_revisions
        self.memory_bytes = memory_bytes
        self.checks_per_worker = checks_per_worker
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._in_flight = 0
        self.started_pids: deque[int] = deque(maxlen=64)  # the last workers started, for operators and tests

    @property
    def retry_after(self) -> int:
        """Seconds after which a slot is free again at the latest: the longest a running check may take."""
        return max(1, math.ceil(self.timeout))

    def check(self, pdf: bytes, trust_roots: Sequence[TrustRoot]) -> VerificationReport:
        """The report on ``pdf``. A file with too many revisions gets its ``verify.too_complex`` report at once,
        without a worker. Raises ``CheckerBusy`` when every slot is taken, ``CheckTooComplex`` when the check ran
        out of time or memory (its worker is killed)."""
        if count_revisions(pdf, self.max_revisions + 1) > self.max_revisions:
            return _rejected(hashlib.sha256(pdf).hexdigest(), "verify.too_complex")
        if not self._slots.acquire(blocking=False):
            raise CheckerBusy(self.retry_after)
        with self._lock:
            self._in_flight += 1
        try:
            return self._check_in_worker(pdf, [_der(c) for c in trust_roots])
        finally:
            with self._lock:
                self._in_flight -= 1
            self._slots.release()

    @property
    def in_flight(self) -> int:
        """How many checks are running now."""
        with self._lock:
            return self._in_flight

    def _check_in_worker(self, pdf: bytes, roots_der: list[bytes]) -> VerificationReport:
        worker = self._take_worker()
        started = time.monotonic()
        answer = worker.check(pdf, roots_der, self.max_revisions, started + self.timeout)
        if answer is None or "report" not in answer:
            died = worker.process.poll()
            worker.kill()  # late, dead or confused: never reused
            why = (answer or {}).get("error") or (
                f"no answer within {self.timeout} s" if died is None else f"the worker died (exit code {died})")
            log.warning("verification refused after %.2f s: %s", time.monotonic() - started, why)
            raise CheckTooComplex(why)
        self._give_back(worker)
        return report_from_json(answer["report"])

    def _take_worker(self) -> _Worker:
        while True:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is None:
                break
            if worker.process.poll() is None:
                return worker
            worker.kill()  # died while idle: reap it, take another
        worker = _Worker(self.memory_bytes)
        self.started_pids.append(worker.pid)
        return worker

    def _give_back(self, worker: _Worker) -> None:
        if worker.checks >= self.checks_per_worker:
            worker.kill()
            return
        with self._lock:
            self._idle.append(worker)

    def close(self) -> None:
        """Stop the idle workers (running checks finish, and their workers are then stopped too)."""
        with self._lock:
            idle, self._idle = self._idle, []
            self.checks_per_worker = 0
        for worker in idle:
            worker.kill()


def _der(cert: TrustRoot) -> bytes:
    if isinstance(cert, x509.Certificate):
        return cert.public_bytes(serialization.Encoding.DER)
    return bytes(cert.dump())
