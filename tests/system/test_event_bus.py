"""The in-process event bus that wakes live streams: a stream waits in the event loop (no polling tick) and never
misses a commit made while it was getting ready to wait."""

from __future__ import annotations

import asyncio
import threading

from confirm.core.events import EventBus


def test_a_waiting_stream_is_woken_by_a_commit_in_another_thread():
    bus = EventBus()
    threading.Timer(0.05, bus.bump).start()  # a worker thread's commit
    assert asyncio.run(asyncio.wait_for(bus.changed(0, timeout=60), 10)) == 1


def test_a_commit_made_before_the_stream_waits_is_not_lost():
    """The stream read its events at generation 0; a commit lands before it waits again: it must not sleep."""
    bus = EventBus()
    bus.bump()
    assert asyncio.run(asyncio.wait_for(bus.changed(0, timeout=60), 10)) == 1


def test_with_no_commit_the_wait_ends_at_its_timeout_for_the_poll():
    bus = EventBus()
    assert asyncio.run(bus.changed(0, timeout=0.05)) == 0
