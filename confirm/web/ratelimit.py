"""Rate limits for what the public can call: verification look-ups (so check codes cannot be enumerated), with the
``limits`` library. Where they are counted is ``JIUDI_RATE_LIMIT_STORAGE`` (core.limits.storage_for): in this
process's memory by default (a moving window; with ``jiudi serve --workers N`` each process allows its share of
the limit, so the machine's total holds), in the database every instance shares, or in Redis for a cluster.
A bulk verifier (a bank) sends its institution key and is counted under that key, at its own limit. Login
failures are limited in the database for every instance together (``accounts.auth``)."""

from __future__ import annotations

import math

from fastapi import Request
from limits import RateLimitItemPerMinute
from sqlalchemy.engine import Engine

from confirm.core import limits as core_limits
from confirm.core.config import Settings

VERIFY_PER_MINUTE = 60  # look-ups per address per minute, over every instance


class Limits:
    """One application's limiters (kept on ``app.state``)."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        storage = core_limits.storage_for(settings.rate_limit_storage, engine)
        self.shared = not isinstance(storage, core_limits.MemoryStorage)
        self.strategy = core_limits.limiter(storage)
        # in memory, each of the machine's server processes counts alone: each allows its share
        self.share = 1 if self.shared else settings.server_processes
        self.verify = RateLimitItemPerMinute(self.portion(VERIFY_PER_MINUTE))

    def portion(self, per_minute: int) -> int:
        return max(1, math.ceil(per_minute / self.share))

    def hit_address(self, address: str) -> None:
        core_limits.hit(self.strategy, self.verify, "verify-address", address)

    def hit_institution(self, key_id: int, per_minute: int) -> None:
        core_limits.hit(self.strategy, RateLimitItemPerMinute(self.portion(per_minute)), "verify-institution",
                        str(key_id))


def client_address(request: Request) -> str:
    """The caller's address as the socket sees it (put a trusted proxy's X-Forwarded-For handling in front)."""
    return request.client.host if request.client else "unknown"


def limits(request: Request) -> Limits:
    return request.app.state.limits
