"""A court's case system as Jiudi's ``http`` number source sees it (README "Case numbers from the court's case
system"): a real HTTP server on this machine that allocates from one 民特 series per court and year, shared with the
cases filed at the court's own counter, keyed by idempotency key, and that can be told to fail."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REFUSE = "refuse"  # answer 503 and allocate nothing
DROP = "drop"  # allocate, then close the connection without answering
HANG = "hang"  # allocate, then answer only after the caller's timeout


class CaseAllocator:
    """The allocator: ``given`` lists every number in the order it was given, with its key (None for a case
    filed at the court's counter); ``requests`` every request Jiudi sent."""

    def __init__(self, hang_seconds: float = 2.0) -> None:
        self.hang_seconds = hang_seconds
        self.lock = threading.Lock()
        self.last: dict[tuple[str, int, str], int] = {}
        self.by_key: dict[str, str] = {}
        self.given: list[tuple[str, str | None]] = []
        self.requests: list[dict[str, Any]] = []
        self.failures: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/case-numbers"

    def start(self) -> "CaseAllocator":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, *modes: str) -> None:
        """The next requests fail, one mode each, in order."""
        with self.lock:
            self.failures.extend(modes)

    def counter_case(self, court_code: str, year: int, type_code: str = "民特") -> str:
        """A 民特 case filed at the court (选民资格, 宣告失踪 …): it takes the next number of the same series."""
        return self._allocate(None, court_code, year, type_code)

    def jiudi_numbers(self) -> dict[str, str]:
        """Idempotency key → the number given for it."""
        with self.lock:
            return dict(self.by_key)

    def _allocate(self, key: str | None, court_code: str, year: int, type_code: str) -> str:
        with self.lock:
            if key is not None and key in self.by_key:
                return self.by_key[key]
            series = (court_code, year, type_code)
            self.last[series] = self.last.get(series, 0) + 1
            number = f"（{year}）{court_code}{type_code}{self.last[series]}号"
            self.given.append((number, key))
            if key is not None:
                self.by_key[key] = number
            return number

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        allocator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with allocator.lock:
                    allocator.requests.append(body)
                    mode = allocator.failures.pop(0) if allocator.failures else None
                if mode == REFUSE:
                    self._answer(503, {"error": "unavailable"})
                    return
                number = allocator._allocate(body["idempotency_key"], body["court_code"], body["year"],
                                             body["type_code"])
                if mode == DROP:
                    self.close_connection = True
                    self.connection.close()
                    return
                if mode == HANG:
                    time.sleep(allocator.hang_seconds)
                self._answer(200, {"case_number": number, "idempotency_key": body["idempotency_key"]})

            def _answer(self, status: int, data: dict[str, Any]) -> None:
                raw = json.dumps(data, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass  # the caller gave up (timeout)

        return Handler
