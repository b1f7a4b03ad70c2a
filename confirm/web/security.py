"""Security headers on every response (OWASP ASVS 5.0 V3.4): the pages cannot be framed (the review page decides,
revokes and voids), content types are not sniffed, no address with a verification or party token leaks through
the Referer header, and personal data is never cached — staff JSON, the parties' pages, the public record."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# object-src 'self': the review page shows the filed PDFs and the ruling in <embed>
CSP = "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'self'"
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
