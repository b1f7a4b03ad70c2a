"""Crash points for the crash-recovery tests: ``JIUDI_CRASH_AT=<point>`` makes the process kill itself (SIGKILL,
as ``kill -9`` would) when it reaches that point. Unset in production; reading one environment variable is all
it costs."""

from __future__ import annotations

import os
import signal

POINTS = ("after_decision_commit", "during_sealing", "after_sealing", "during_upload")


def crash_point(point: str) -> None:
    """Die here, now, without cleanup, if the tests asked for it."""
    if os.environ.get("JIUDI_CRASH_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
