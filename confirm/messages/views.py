"""The development outbox (api.md v1.1 "Messages"): every message Jiudi would have sent, newest first."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from confirm.law.errors import DomainError
from confirm.messages.outbox import message_json, outbox
from confirm.web.deps import RuntimeDep

router = APIRouter()


@router.get("/dev/outbox", tags=["operations"])
def dev_outbox(runtime: RuntimeDep) -> dict[str, Any]:
    """Development mode only (404 otherwise): the messages, with the links and codes as the party reads them."""
    if not runtime.settings.dev_mode:
        raise DomainError("not_found", "请求的地址不存在", 404)
    with runtime.unit_of_work() as session:
        return {"items": [message_json(m) for m in outbox(session)]}
