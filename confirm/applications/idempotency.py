"""Idempotent creation: a tablet on a weak network retries ``POST /api/v1/applications`` with the same
``Idempotency-Key``, and gets the first answer again instead of a second application (api.md)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from confirm.core.runtime import Runtime
from confirm.law.errors import DomainError
from confirm.models import IdempotencyRecord


def request_digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def idempotent(
    runtime: Runtime, user_id: int, key: str | None, payload: Any,
    run: Callable[[Session], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    """Run ``run`` once per (user, key): a retry with the same body replays the first answer; another body is 409."""
    if key is None:
        with runtime.unit_of_work() as session:
            return run(session)
    if not key or len(key) > 255:
        raise DomainError("request.bad_idempotency_key", "Idempotency-Key 长度应为1到255个字符", 400)
    digest = request_digest(payload)
    for _attempt in range(2):
        try:
            with runtime.unit_of_work() as session:
                seen = session.get(IdempotencyRecord, (user_id, key))
                if seen is not None:
                    if seen.request_sha256 != digest:
                        raise DomainError("request.idempotency_conflict",
                                          "该幂等键已用于另一份不同的请求内容，请使用新的 Idempotency-Key", 409)
                    return seen.status_code, seen.response
                status, body = run(session)
                session.add(IdempotencyRecord(user_id=user_id, key=key, request_sha256=digest,
                                              status_code=status, response=body))
                session.flush()
                return status, body
        except IntegrityError:
            continue  # a concurrent request with the same key won: replay its answer
    raise DomainError("request.idempotency_conflict", "同一请求正在处理，请稍后重试", 409)
