"""Public verification (no login): the QR page, its JSON twin, check codes and PDF uploads (api.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from confirm.core.runtime import Runtime
from confirm.law.errors import DomainError
from confirm.law.uploads import MAX_DOCUMENT_BYTES
from confirm.models import pk
from confirm.verification import keys
from confirm.verification import service as verification
from confirm.web.deps import RuntimeDep
from confirm.web.errors import error_body
from confirm.web.html import render
from confirm.web.ratelimit import Limits, client_address, limits
from verify.isolated import CheckerBusy

router = APIRouter()


def _page(request: Request, runtime: Runtime, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return render(request, name, dev_mode=runtime.settings.dev_mode, status_code=status_code, **context)


def _limit(request: Request) -> None:
    key = request.headers.get(keys.HEADER)
    if key is None:
        limits(request).hit_address(client_address(request))
        return
    institution = keys.authenticate(request.app.state.runtime.engine, key)
    limits(request).hit_institution(pk(institution), institution.per_minute)


async def limited(request: Request) -> None:
    """Verification look-ups are rate-limited per address (429 ``request.rate_limited``), or per institution key
    at the key's own limit when the request carries one (401 for a key unknown or revoked). Counted in memory on
    the event loop; in the database, Redis, or with a key to look up, in the thread pool. Once only: a look-up
    ``CachedLookups`` counted and passed on is not counted again."""
    if request.scope.get(COUNTED):
        return
    if limits(request).shared or keys.HEADER in request.headers:
        await run_in_threadpool(_limit, request)
    else:
        _limit(request)


Limited = Depends(limited)


async def _lookup(request: Request, runtime: Runtime, token: str) -> tuple[dict[str, Any], verification.Renderings]:
    """The record behind a token: from this process's ``PublicRecords`` after one indexed query, or a ruling's
    read in one indexed query — both on the event loop (the look-ups that are most of the traffic) — else looked
    up in full in the thread pool."""
    records: verification.PublicRecords = request.app.state.public_records
    found = None if request.scope.get(NOT_A_RULING) else records.cached(runtime, token) or records.ruling(runtime,
                                                                                                          token)
    if found is None:
        return await run_in_threadpool(verification.by_token, runtime, token), {}  # not cached: no ruling's token
    return found


def _rendering(scope: Scope, runtime: Runtime, record: dict[str, Any], renderings: verification.Renderings,
               kind: str) -> bytes:
    """A ruling's record as the endpoint sends it — its JSON or its page — made once and kept with the record."""
    if kind not in renderings:
        if kind == "json":
            renderings[kind] = bytes(JSONResponse(record).body)
        else:
            renderings[kind] = bytes(_page(Request(scope), runtime, "verify.html", record=record, error=None).body)
    return renderings[kind]


_JSON_HEADERS = (b"content-type", b"application/json")
_HTML_HEADERS = (b"content-type", b"text/html; charset=utf-8")
_LOOKUPS = (("/api/v1/verify/", "json", _JSON_HEADERS), ("/v/", "html", _HTML_HEADERS))


class CachedLookups:
    """The look-ups of a ruling's token, answered in front of the whole middleware stack (pure ASGI, issue 18):
    the same limit counted, the same one indexed query (``PublicRecords.cached``, else ``PublicRecords.ruling``),
    and the answer the stack gives — status, every header, body — as the stack gave it the first time. Anything
    else — a key to check, a shared limit store, a limit reached, a token that is no ruling's, a database error —
    goes on to the stack and the endpoints, which answer it in full.

    The first look-up of a record in each variant goes through the stack: ``RulingAnswers``, innermost, sends the
    endpoint's bytes and content headers (``_rendering``), the middleware adds its headers and compresses, and the
    finished answer is kept with the record (its renderings) under the variant: the kind (JSON or page), whether
    the request came over https (``SecurityHeaders``' HSTS) and whether it accepts gzip (``GZipMiddleware``) —
    everything the middleware between reads of a GET without a query string. The next look-ups in that variant
    send it as it is, without passing the middleware again (about a fifth of a held look-up's CPU)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope["query_string"]:
            path: str = scope["path"]
            for prefix, kind, content_type in _LOOKUPS:
                if path.startswith(prefix) and "/" not in path[len(prefix):] and len(path) > len(prefix):
                    await self._look_up(scope, receive, send, path[len(prefix):], kind, content_type)
                    return
        await self.app(scope, receive, send)

    async def _look_up(self, scope: Scope, receive: Receive, send: Send, token: str, kind: str,
                       content_type: tuple[bytes, bytes]) -> None:
        gzip = _found(scope, token)
        if gzip is None:
            await self.app(scope, receive, send)
            return
        renderings = scope[FOUND][1]
        variant = (kind, scope.get("scheme") == "https", gzip)
        finished = renderings.get(variant)
        if finished is not None:
            await send({"type": "http.response.start", "status": 200, "headers": list(finished[0])})
            await send({"type": "http.response.body", "body": finished[1]})
            return
        scope[ANSWER] = kind, content_type
        sent: list[Message] = []

        async def keeping(message: Message) -> None:
            sent.append(message)
            await send(message)

        await self.app(scope, receive, keeping)
        if (len(sent) == 2 and sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
                and sent[1]["type"] == "http.response.body" and not sent[1].get("more_body", False)):
            renderings[variant] = (list(sent[0]["headers"]), bytes(sent[1]["body"]))


def _found(scope: Scope, token: str) -> bool | None:
    """Count the look-up and find the ruling's record (into the scope, ``FOUND``): whether the request accepts
    gzip, or None when the endpoints must answer it."""
    state = scope["app"].state
    lookup_limits: Limits = state.limits
    if lookup_limits.shared:
        return None
    accept_encoding = None
    for name, value in scope["headers"]:
        if name == _KEY_HEADER:
            return None
        if name == b"accept-encoding" and accept_encoding is None:
            accept_encoding = value  # the first, as GZipMiddleware reads it
    client = scope.get("client")
    try:
        lookup_limits.hit_address(client[0] if client else "unknown")
    except DomainError:
        return None  # refused (a refusal is not counted): the endpoint refuses it again and answers the 429
    scope[COUNTED] = True
    records: verification.PublicRecords = state.public_records
    try:
        found = records.cached(state.runtime, token) or records.ruling(state.runtime, token)
    except SQLAlchemyError:
        return None  # the endpoint asks again, and answers a failure as every endpoint does
    if found is None:
        scope[NOT_A_RULING] = True
        return None
    scope[FOUND] = found
    return accept_encoding is not None and b"gzip" in accept_encoding


class RulingAnswers:
    """Innermost: sends the endpoint's bytes and content headers (``Response``'s content-length and content-type)
    for a ruling's record ``CachedLookups`` found, without routing; the middleware around it adds the rest."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = scope.get(ANSWER)
        if answer is None:
            await self.app(scope, receive, send)
            return
        kind, content_type = answer
        record, renderings = scope[FOUND]
        body = _rendering(scope, scope["app"].state.runtime, record, renderings, kind)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(body)).encode()), content_type]})
        await send({"type": "http.response.body", "body": body})


_KEY_HEADER = keys.HEADER.lower().encode("latin-1")
COUNTED = "jiudi.lookup_counted"  # in the ASGI scope: this look-up's hit is counted already
NOT_A_RULING = "jiudi.not_a_ruling"  # in the ASGI scope: no ruling has this token (read already)
FOUND = "jiudi.ruling_found"  # in the ASGI scope: the ruling's record and renderings, read for this look-up
ANSWER = "jiudi.ruling_answer"  # in the ASGI scope: RulingAnswers sends it (the kind and its content type)


@router.get("/api/v1/verify/{token}", tags=["verify"], dependencies=[Limited], response_model=dict[str, Any])
async def verify_token_json(request: Request, runtime: RuntimeDep, token: str) -> Response:
    """The public record behind a QR code; 404 ``verify.not_found`` for an unknown token."""
    record, renderings = await _lookup(request, runtime, token)
    return Response(_rendering(request.scope, runtime, record, renderings, "json"), media_type="application/json")


@router.get("/api/v1/verify", tags=["verify"], dependencies=[Limited])
def verify_check_code_json(runtime: RuntimeDep, check_code: str) -> dict[str, Any]:
    """The public record behind a check code typed from a paper copy."""
    return verification.by_check_code(runtime, check_code)


def _read_upload(file: UploadFile) -> bytes:
    content = file.file.read(MAX_DOCUMENT_BYTES + 1)
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DomainError("verify.too_large", "文件超过20MB，不是本院出具的裁定书", 413)
    return content


BUSY_STATUS = 503  # the service's capacity, not the caller's rate: every check slot is taken


@router.post("/api/v1/verify", tags=["verify"], dependencies=[Limited])
def verify_upload_json(runtime: RuntimeDep, file: Annotated[UploadFile, File()], response: Response) -> dict[str, Any]:
    """Check an uploaded ruling PDF: seal intact, whole file, trusted court root, registered, not revoked.

    Checked in a separate process within bounds: 413 ``verify.too_large`` over 20 MB, 422 ``verify.too_complex``
    for more revisions than a ruling has or a check out of time, 503 ``verify.busy`` with ``Retry-After`` while
    every check slot is taken."""
    try:
        return verification.check_public_upload(runtime, _read_upload(file))
    except CheckerBusy as busy:
        response.status_code = BUSY_STATUS
        response.headers["Retry-After"] = str(busy.retry_after)
        return error_body("verify.busy", verification.busy_message(busy.retry_after))


@router.get("/v/{token}", response_class=HTMLResponse, include_in_schema=False, dependencies=[Limited])
async def verify_page(request: Request, runtime: RuntimeDep, token: str) -> HTMLResponse:
    try:
        record, renderings = await _lookup(request, runtime, token)
    except DomainError as exc:
        return _page(request, runtime, "verify.html", status_code=exc.status, record=None, error=exc.message)
    return HTMLResponse(_rendering(request.scope, runtime, record, renderings, "html"))


@router.get("/v", response_class=HTMLResponse, include_in_schema=False, dependencies=[Limited])
def verify_home(request: Request, runtime: RuntimeDep, check_code: str | None = None) -> HTMLResponse:
    """The verification start page: type a check code or upload a PDF. Works without JavaScript."""
    if check_code:
        try:
            record = verification.by_check_code(runtime, check_code)
        except DomainError as exc:
            return _page(request, runtime, "verify.html", status_code=exc.status, record=None, error=exc.message,
                         check_code=check_code)
        return _page(request, runtime, "verify.html", record=record, error=None)
    return _page(request, runtime, "verify_home.html")


@router.post("/v/upload", response_class=HTMLResponse, include_in_schema=False, dependencies=[Limited])
def verify_upload_page(request: Request, runtime: RuntimeDep, file: Annotated[UploadFile, File()]) -> HTMLResponse:
    try:
        result = verification.check_public_upload(runtime, _read_upload(file))
    except DomainError as exc:
        return _page(request, runtime, "verify_upload.html", status_code=exc.status, result=None, error=exc.message)
    except CheckerBusy as busy:
        page = _page(request, runtime, "verify_upload.html", status_code=BUSY_STATUS, result=None,
                     error=verification.busy_message(busy.retry_after))
        page.headers["Retry-After"] = str(busy.retry_after)
        return page
    return _page(request, runtime, "verify_upload.html", result=result, error=None)


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/v", status_code=303)
