"""Rate limits for what the public can call: verification look-ups (so check codes cannot be enumerated). In-process
sliding windows: each instance limits on its own, which bounds the total by the number of instances. Login
failures are limited in the database for every instance together (``core.limits``, ``accounts.auth``)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from fastapi import Request

from confirm.law.errors import DomainError


class RateLimiter:
    """At most ``limit`` hits per key within ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one hit for ``key``; raise 429 ``request.rate_limited`` when over the limit."""
        self._admit(key, count=True)

    def check(self, key: str) -> None:
        """Raise 429 if ``key`` is already at the limit, without counting this call."""
        self._admit(key, count=False)

    def _admit(self, key: str, *, count: bool) -> None:
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                retry = int(hits[0] + self.window - now) + 1
                raise DomainError("request.rate_limited", f"请求过于频繁，请在{retry}秒后重试", 429)
            if count:
                hits.append(now)
            if len(self._hits) > 100_000:  # forget idle keys rather than grow without bound
                for stale in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
                    del self._hits[stale]

    def reset(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)


def client_address(request: Request) -> str:
    """The caller's address as the socket sees it (put a trusted proxy's X-Forwarded-For handling in front)."""
    return request.client.host if request.client else "unknown"


class Limits:
    """One application's limiters (kept on ``app.state``)."""

    def __init__(self) -> None:
        self.verify = RateLimiter(limit=60, window=60.0)  # look-ups per address per minute


def limits(request: Request) -> Limits:
    return request.app.state.limits
