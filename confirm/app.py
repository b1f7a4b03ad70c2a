"""The FastAPI application: the routers of every step of the chain, error handlers, static files, and the
in-process issuance worker with the document kinds it seals."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import swagger_ui  # type: ignore[import-untyped]
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from confirm import ops, pages
from confirm.accounts import views as accounts_views
from confirm.applications import live
from confirm.applications import views as applications_views
from confirm.core.config import Settings
from confirm.core.db import is_postgresql
from confirm.core.events import NotificationListener
from confirm.core.heap import freeze_heap
from confirm.core.runtime import Runtime
from confirm.core.sealing_process import SealingProcess
from confirm.execution import views as execution_views
from confirm.follow_up import views as follow_up_views
from confirm.follow_up.schedule import FollowUpNotice
from confirm.issuance import views as issuance_views
from confirm.issuance.pipeline import JobHandler
from confirm.issuance.ruling import RulingDocument
from confirm.issuance.worker import IssuanceWorker
from confirm.law.follow_up import QUESTION, REMINDER
from confirm.messages import views as messages_views
from confirm.messages.delivery import DeliveryReportCheck, MessageDelivery
from confirm.models import JobKind
from confirm.objections import views as objections_views
from confirm.objections.document import ObjectionRulingDocument
from confirm.parties import views as parties_views
from confirm.performance import views as performance_views
from confirm.performance.document import PerformanceCertificateDocument
from confirm.reports import evaluation_views
from confirm.reports import views as reports_views
from confirm.serving import views as serving_views
from confirm.serving.documents import AddressDocument, ReceiptDocument, VoucherDocument
from confirm.verification import views as verification_views
from confirm.verification.service import PublicRecords
from confirm.web import openapi
from confirm.web.assets import STATIC_DIR, VersionedStaticFiles, static_url
from confirm.web.errors import install_error_handlers
from confirm.web.ratelimit import Limits
from confirm.web.security import BodyLimit, SecurityHeaders, redact_access_log

log = logging.getLogger("jiudi")
# Responses of 1 KB and more are gzipped, except what is compressed already (a PDF's streams are Flate, the PNGs)
# and the live events: Starlette leaves text/event-stream alone, so each event still leaves at once (it is in
# DEFAULT_EXCLUDED_CONTENT_TYPES; tests/api/test_compression_and_caching.py holds it to that).
GZIP_MINIMUM = 1024
GZIP_EXCLUDED = (*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/pdf")
DOCS_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>就地 Jiudi — API</title>
<link rel="stylesheet" href="/docs-assets/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script><script src="{docs_init}"></script></body></html>"""


def document_kinds() -> dict[JobKind, JobHandler]:
    """What the worker does with each kind of job: the sealed documents it makes and the messages it sends."""
    return {JobKind.RULING: RulingDocument(), JobKind.RECEIPT: ReceiptDocument(), JobKind.VOUCHER: VoucherDocument(),
            JobKind.ADDRESS: AddressDocument(), JobKind.MESSAGE: MessageDelivery(), JobKind.REPORT: DeliveryReportCheck(),
            JobKind.OBJECTION: ObjectionRulingDocument(), JobKind.REMINDER: FollowUpNotice(REMINDER),
            JobKind.QUESTION: FollowUpNotice(QUESTION), JobKind.PERFORMANCE: PerformanceCertificateDocument()}


def _wake(runtime: Runtime) -> None:
    runtime.bus.bump()
    if runtime.worker is not None:
        runtime.worker.wake()


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """The service. With ``settings.issuance_in_process`` the issuance worker runs as a thread of this process."""
    runtime = runtime or Runtime(settings or Settings.from_env())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if runtime.settings.dev_mode:
            log.warning("DEVELOPMENT MODE: generated keys under %s; rulings carry a DEV seal and have no legal effect",
                        runtime.settings.data_dir)
        worker = None
        if runtime.settings.issuance_in_process:
            if runtime.settings.sealing_process:  # the worker shares this process with the web server
                runtime.sealing = SealingProcess(runtime.settings)
                runtime.sealing.start()
            worker = IssuanceWorker(runtime, document_kinds())
            runtime.worker = worker
            worker.start()
        listener = None
        if is_postgresql(runtime.engine):
            listener = NotificationListener(runtime.settings.database_url, lambda _payload: _wake(runtime))
            listener.start()
        try:
            yield
        finally:
            if listener is not None:
                listener.stop()
            if worker is not None:
                worker.stop()
            if runtime.sealing is not None:
                runtime.sealing.stop()
                runtime.sealing = None

    app = FastAPI(title="就地 Jiudi — 司法确认电子签章服务", version="1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Judicial confirmation of mediation agreements with electronically sealed rulings.")
    app.state.runtime = runtime
    app.state.limits = Limits(runtime.settings, runtime.engine)
    app.state.public_records = PublicRecords()  # the verification look-ups' cache (verification.service)
    app.add_middleware(verification_views.RulingAnswers)  # innermost: its answers pass the middleware below
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM, exclude_content_types=GZIP_EXCLUDED)
    app.add_middleware(BodyLimit)  # inside SecurityHeaders: a 413 carries the headers too
    redact_access_log()
    app.add_middleware(SecurityHeaders)
    # outermost: a ruling's look-up answered as the middleware above answered it the first time (issue 18)
    app.add_middleware(verification_views.CachedLookups)
    install_error_handlers(app)
    # public verification first: its look-ups are most of the traffic, and the router tries routes in order (no
    # other router has a path of its own, so the order changes nothing else)
    for router in (verification_views.router, accounts_views.router, applications_views.router,
                   issuance_views.router, serving_views.router, parties_views.router, objections_views.router,
                   execution_views.router, performance_views.router, reports_views.router, evaluation_views.router,
                   follow_up_views.router, live.router, messages_views.router, ops.router, pages.router):
        app.include_router(router)
    openapi.install(app)  # every status and media type the routes answer (confirm/web/openapi.py)
    app.mount("/static", VersionedStaticFiles(directory=str(STATIC_DIR)), name="static")
    app.mount("/docs-assets", StaticFiles(directory=Path(swagger_ui.__file__).parent / "static"), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Interactive API docs (api.md), with Swagger UI served by the service: no script from a CDN."""
        return HTMLResponse(DOCS_PAGE.format(docs_init=static_url("docs-init.js")))

    return app


def app_from_env() -> FastAPI:
    """The application of one server process of ``jiudi serve --workers N`` (uvicorn's factory: each process builds
    its own from the environment the supervisor set, without an issuance worker of its own)."""
    app = create_app(Settings.from_env())
    freeze_heap()
    return app
