"""The FastAPI application: routers, error handlers, static files, and the in-process issuance worker."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from confirm import pages, views_events, views_ops, views_public, views_staff
from confirm.config import Settings
from confirm.context import Jiudi
from confirm.db import is_postgresql
from confirm.error_codes import ERROR_CODES
from confirm.errors_http import install_error_handlers
from confirm.events import NotificationListener
from confirm.issuance import IssuanceWorker
from confirm.ratelimit import Limits

log = logging.getLogger("jiudi")


def _wake(jiudi: Jiudi) -> None:
    jiudi.bus.bump()
    if jiudi.worker is not None:
        jiudi.worker.wake()


def _openapi_with_error_codes(app: FastAPI) -> dict[str, Any]:
    """The generated schema plus the error body and every stable error code (api.md "Errors")."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
            "type": "object",
            "description": "Every error response: {\"error\": {\"code\", \"message\", \"fields\"}}. The codes are "
                           "stable; x-error-codes lists each with its HTTP status and meaning.",
            "properties": {"error": {"type": "object", "required": ["code", "message", "fields"], "properties": {
                "code": {"type": "string", "enum": sorted(ERROR_CODES)},
                "message": {"type": "string", "description": "Chinese, for the person who must act"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                "details": {"type": "array", "items": {"type": "object", "properties": {
                    "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}},
            }}},
            "x-error-codes": {code: {"status": status, "description": text}
                              for code, (status, text) in sorted(ERROR_CODES.items())},
        }
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(settings: Settings | None = None, *, jiudi: Jiudi | None = None) -> FastAPI:
    """The service. With ``settings.issuance_in_process`` the issuance worker runs as a thread of this process."""
    jiudi = jiudi or Jiudi(settings or Settings.from_env())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if jiudi.settings.dev_mode:
            log.warning("DEVELOPMENT MODE: generated keys under %s; rulings carry a DEV seal and have no legal effect",
                        jiudi.settings.data_dir)
        worker = None
        if jiudi.settings.issuance_in_process:
            worker = IssuanceWorker(jiudi)
            jiudi.worker = worker
            worker.start()
        listener = None
        if is_postgresql(jiudi.engine):
            listener = NotificationListener(jiudi.settings.database_url, lambda _payload: _wake(jiudi))
            listener.start()
        try:
            yield
        finally:
            if listener is not None:
                listener.stop()
            if worker is not None:
                worker.stop()

    app = FastAPI(title="就地 Jiudi — 司法确认电子签章服务", version="1.0", lifespan=lifespan,
                  description="Judicial confirmation of mediation agreements with electronically sealed rulings.")
    app.state.jiudi = jiudi
    app.state.limits = Limits()
    install_error_handlers(app)
    app.include_router(views_staff.router)
    app.include_router(views_events.router)
    app.include_router(views_public.router)
    app.include_router(views_ops.router)
    app.include_router(pages.router)
    app.openapi = lambda: _openapi_with_error_codes(app)  # type: ignore[method-assign]
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "web" / "static")), name="static")
    return app
