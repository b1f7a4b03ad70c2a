"""Rendering and sealing in a process of its own, beside the web server that runs the issuance worker.

``jiudi serve`` (one process) runs the issuance worker as a thread of the web server. Python runs one thread at a
time, so a ruling's render and seal (~40 ms of CPU alone) waited for the judge's next page, the mediator's page and
every other request of the moment, and took 140–200 ms in the judge's decision-to-print time (issue 18 item 5,
docs/performance.md). Here they run in a child process that holds the seal keys and has read the fonts before its
first job: the worker thread hands it what the document says (``Prepared.render``, a picklable
``functools.partial`` of a template function and its content) and gets the sealed bytes back; the database,
the store and the job stay with the worker, so nothing else changes — the sealed bytes are the same function's
(``CourtSeals.seal``), only computed in another process.

The child is started with ``spawn`` (a fork of a process with threads and open database connections is unsafe)
and warmed at once, in the background: the first ruling after a start does not pay for importing pyHanko or
parsing the fonts. If it dies (killed, out of memory, a crashed HSM library), the job's seal fails like any seal,
the worker retries it with its backoff, and the next seal starts a fresh child. An exception inside the child
comes back as ``SealingProcessError`` carrying its type and message (an arbitrary exception may not survive the
trip back).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from confirm.core.config import Settings
from confirm.core.heap import freeze_heap
from confirm.core.seals import CourtSeals, SealedDocument
from templates.model import RenderedDocument

log = logging.getLogger("jiudi.issuance")


# What CourtSeals reads of the settings: all the child is given (no database, no mail or SMS secrets). A setting
# CourtSeals comes to read must be added here, or the child silently has its default.
SEALING_SETTINGS = ("data_dir", "public_base_url", "tsa_url", "signer", "seal_level", "revocation_max_age")


def sealing_settings(settings: Settings) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in SEALING_SETTINGS}


class SealingProcessError(Exception):
    """A seal that failed in the sealing process (its type and message), or the process lost during a seal."""


class SealingProcess:
    """One child process that renders and seals the worker's documents, one at a time (the worker runs one job at a
    time)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._warm: Future[int] | None = None

    def start(self) -> None:
        """Start the child and warm it in the background (the keys, the fonts); the first seal waits for it."""
        with self._lock:
            self._start()

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_child_start, initargs=(sealing_settings(self.settings), os.getpid()))
        self._pool, self._warm = pool, pool.submit(os.getpid)
        self._warm.add_done_callback(_announce)
        return pool

    @property
    def pid(self) -> int | None:
        """The child's process id once it has started (None before, or when it could not start)."""
        warm = self._warm
        if warm is None or not warm.done() or warm.exception() is not None:
            return None
        return warm.result()

    def seal(self, render: Callable[[], RenderedDocument], court_code: str, court_name: str,
             reason: str) -> SealedDocument:
        """Render and seal in the child (``CourtSeals.seal``), blocking the calling (worker) thread until done."""
        with self._lock:
            pool = self._pool or self._start()
        try:
            return pool.submit(_child_seal, render, court_code, court_name, reason).result()
        except BrokenProcessPool as exc:
            with self._lock:
                if self._pool is pool:  # the next seal starts a fresh child
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise SealingProcessError(f"the sealing process stopped during the seal: {exc}") from exc

    def stop(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _announce(warm: Future[int]) -> None:
    if warm.exception() is None:
        log.info("sealing process ready (pid %d)", warm.result())
    else:
        log.error("ALERT the sealing process could not start: %s", warm.exception())


# In the child: the court seals, made once.
_seals: CourtSeals | None = None


def _child_start(fields: dict[str, Any], parent: int) -> None:
    """The child's start: its own seals (keys read here; an HSM session opened here, never inherited) and fonts.
    Ctrl-C at the terminal reaches the whole process group: the parent stops the child, not the signal. A parent
    killed outright (``kill -9``, out of memory) cannot stop it: the child then sees itself adopted and exits."""
    global _seals
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), name="jiudi-sealing-parent", daemon=True).start()
    from templates.fonts import FontUnavailableError, ensure_fonts

    _seals = CourtSeals(Settings(database_url="", **fields))
    try:
        ensure_fonts()
    except FontUnavailableError:  # each seal reports it, with the worker's retries
        log.exception("ALERT the documents' fonts are missing: every document will fail until they are installed")
    # pyHanko, reportlab, the keys and the fonts out of every collection: without it a full collection now and
    # then held a seal up by 40-60 ms (150 seals through this process: slowest 84 and 95 ms, with it 55 and 57 ms)
    freeze_heap()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)  # the pool's own call queue never ends while this process holds its write end too


PARENT_CHECK_SECONDS = 1.0


def _child_seal(render: Callable[[], RenderedDocument], court_code: str, court_name: str,
                reason: str) -> SealedDocument:
    assert _seals is not None
    try:
        return _seals.seal(court_code, court_name, render(), reason)
    except Exception as exc:  # its own class may not pickle back: its type and message do
        raise SealingProcessError(f"{type(exc).__name__}: {exc}") from None
