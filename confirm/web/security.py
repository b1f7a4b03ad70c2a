"""Security headers on every response (OWASP ASVS 5.0 V3.4): the pages cannot be framed (the review page decides,
revokes and voids), content types are not sniffed, no address with a verification or party token leaks through
the Referer header, and personal data is never cached — staff JSON, the parties' pages, the public record."""

from __future__ import annotations

import json
import logging
import re

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# object-src 'self': the review page shows the filed PDFs and the ruling in <embed>; script-src 'self': no inline
# script or handler anywhere (staff.js, docs-init.js and Swagger UI are files of the service's own)
CSP = "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'self'; script-src 'self'"
NOT_CACHED = ("/api/", "/p/", "/v", "/m", "/j", "/admin", "/login", "/dev/")


class SecurityHeaders:
    """A pure ASGI middleware (it leaves streamed responses, the live events among them, streaming)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("Referrer-Policy", "no-referrer")
                if path.startswith(NOT_CACHED) and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
                if https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


# Bodies are bounded before anything reads them, and before authentication (item 3 of issue 17): a 200 MB JSON
# body once grew the server by 600 MB before its 401. Uploads of files may be as large as a filed document
# (law.uploads.MAX_DOCUMENT_BYTES) and the multipart framing around it; a service record carries the parties'
# signature images (2 MB each); everything else is small JSON or a form.
MAX_BODY = 1024 * 1024
UPLOAD_BODY = 20 * 1024 * 1024 + 256 * 1024
SERVICE_BODY = 16 * 1024 * 1024
_LIMITS = (
    (re.compile(r"^(/api/v1/applications/[^/]+/documents|/m/a/[^/]+/documents|/api/v1/verify|/v/upload)$"),
     UPLOAD_BODY),
    # 履行凭证: the obligor's from their link, the mediator's with performance witnessed (confirm.performance)
    (re.compile(r"^(/api/v1/party/me/performance-proofs|/p/[^/]+/proof|/api/v1/applications/[^/]+/obligations/\d+/"
                r"performance|/m/a/[^/]+/performance)$"), UPLOAD_BODY),
    (re.compile(r"^(/api/v1/applications/[^/]+/service|/m/a/[^/]+/service)$"), SERVICE_BODY),
)
_TOO_LARGE = json.dumps({"error": {"code": "request.too_large", "message": "请求内容过大"}},
                        ensure_ascii=False).encode()


def body_limit(path: str) -> int:
    return next((limit for pattern, limit in _LIMITS if pattern.match(path)), MAX_BODY)


class BodyLimit:
    """413 ``request.too_large`` for a body over its path's limit: at once when Content-Length says so, else as
    soon as the bytes received pass it (the application then sees the client gone and stops reading)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send)
            return
        received = 0
        refused = False

        async def bounded_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await _refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:  # once refused, whatever the application answers is dropped
                await send(message)

        await self.app(scope, bounded_receive, guarded_send)


async def _refuse(send: Send) -> None:
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(_TOO_LARGE)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": _TOO_LARGE})


# Tokens in addresses are secrets (a QR code's verification token, a party's link, a check code): the access log
# keeps the request, never them (item 14 of issue 17).
_SECRET_IN_PATH = re.compile(r"(/v/|/p/|/api/v1/verify/|/api/v1/party/)(?!me(?:[/?]|$))[^/?\s\"]+")
# a check code; and the court's case search (/j/cases?q=), whose words may be a party's name or ID number
_SECRET_IN_QUERY = re.compile(r"((?:^|[?&])(?:check_code|q)=)[^&\s\"]+")


def redact(text: str) -> str:
    return _SECRET_IN_QUERY.sub(r"\1…", _SECRET_IN_PATH.sub(r"\1…", text))


class RedactTokens(logging.Filter):
    """For uvicorn's access log, whose record arguments are (client, method, path with query, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


_LOOKUP = re.compile(r"/(?:v|api/v1/verify)/[^/?]+$")


class QuietLookups(logging.Filter):
    """Public verification look-ups by token answered 2xx/3xx leave no access-log line: they are most of the
    traffic (a thousand a second, issue 18), and a line each — formatted, redacted and written on the event loop —
    cost a fifth of a look-up's CPU. What an operator looks for stays: every refused look-up (404 of a token
    guessed, 429 over the limit, 401 of a bad institution key) and every other request."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[4], int) and args[4] < 400:
            return not (args[1] in ("GET", "HEAD") and isinstance(args[2], str) and _LOOKUP.match(args[2]))
        return True


def redact_access_log() -> None:
    """The access log's filters: successful look-ups left out (first: they are not redacted for nothing), then
    secrets out of every line kept."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QuietLookups) for f in access.filters):
        access.filters.insert(0, QuietLookups())
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())
