"""The process's heap, left out of garbage collection once it is built."""

from __future__ import annotations

import gc


def freeze_heap() -> None:
    """Leave what a server process has built before serving — the imported libraries, the keys, the templates —
    out of every garbage collection from now on (``gc.freeze``). A full collection walks every container object
    the process holds; with pyHanko, SQLAlchemy and the rest loaded that is ~230,000, and each walk held the
    interpreter for 100–350 ms while look-ups waited (issue 18: measured in the server processes under the
    verification load; on PostgreSQL one process answering 1,000 look-ups a second fell seconds behind without
    it, p99 3.8 s against 12 ms with it). The cost, where rulings are sealed in the same process: CPython then
    starts a full collection more often (its trigger compares the young survivors with the long-lived objects,
    which the frozen ones no longer are), and the bare render and B-LTA seal in bench/click_to_print.py took 73 ms
    instead of 46 — while the click-to-print figures themselves did not get worse (docs/performance.md). Called
    by ``jiudi serve`` once the application is built, and by the sealing process once its keys and fonts are
    read (``core.sealing_process``); never by the tests' apps."""
    gc.collect()
    gc.freeze()
