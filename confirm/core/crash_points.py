"""Crash points for the crash-recovery tests: ``JIUDI_CRASH_AT=<point>`` makes the process kill itself (SIGKILL,
as ``kill -9`` would) when it reaches that point. Unset in production; reading one environment variable is all
it costs. The points: ``during_upload``, ``during_claim``, ``after_decision_commit``, ``during_sealing``, ``after_sealing``."""

from __future__ import annotations

import os
import signal


def crash_point(point: str) -> None:
    """Die here, now, without cleanup, if the tests asked for it."""
    if os.environ.get("JIUDI_CRASH_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
