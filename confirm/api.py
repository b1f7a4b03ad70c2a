"""The FastAPI application: routers, error handlers, static files, and the in-process issuance worker."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from confirm import views_events, views_ops, views_public, views_staff
from confirm.config import Settings
from confirm.context import Jiudi
from confirm.db import is_postgresql
from confirm.errors_http import install_error_handlers
from confirm.events import NotificationListener
from confirm.issuance import IssuanceWorker
from confirm.ratelimit import Limits

log = logging.getLogger("jiudi")


def _wake(jiudi: Jiudi) -> None:
    jiudi.bus.bump()
    if jiudi.worker is not None:
        jiudi.worker.wake()


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
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "web" / "static")), name="static")
    return app
