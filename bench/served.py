"""``jiudi serve --workers N`` as the benchmarks start it: the real command in a process of its own, on the
environment's configuration (data directory, database), until stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path


class Server:
    """``jiudi serve --workers N --port PORT`` with the environment plus ``env``, ready once ``/healthz`` answers."""

    def __init__(self, workers: int, port: int, env: Mapping[str, str] | None = None) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}"
        root = Path(__file__).resolve().parents[1]
        self.proc = subprocess.Popen([sys.executable, "-m", "confirm.cli", "serve", "--port", str(self.port),
                                      "--workers", str(workers)], cwd=root, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     env={**os.environ, **(env or {}), "PYTHONPATH": str(root)})
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"jiudi serve --workers {workers} did not start") from None
                time.sleep(0.3)
        time.sleep(1.0 if workers > 1 else 0.2)  # every server process up, not only the first

    def cpu_seconds(self) -> float:
        """CPU time used so far by the supervisor and its server processes (from /proc): the service's cost per
        request, whatever else shares the machine."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat.parent.name) == self.proc.pid or int(fields[1]) == self.proc.pid:
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
