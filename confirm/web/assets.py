"""The service's own static files (stylesheets, scripts, icons, the web app manifest) under versioned addresses.

``static_url("site.css")`` is ``/static/site.css?v=<hash of its content>``: a browser may keep a versioned file for
a year without asking again (RFC 8246 ``immutable``), because a changed file gets a new address when the service
starts. An address without the current version is answered but revalidated every time.
"""

from __future__ import annotations

import hashlib
import mimetypes
from functools import cache
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PREFIX = "/static/"
LONG_LIVED = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
mimetypes.add_type("application/manifest+json", ".webmanifest")  # not in every system's mime.types


@cache
def versions() -> dict[str, str]:
    """Each file of static/ and the first 12 hex digits of its content's SHA-256, read once per process (a fixed
    table: a request's path never makes the service read or remember anything else)."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            for path in STATIC_DIR.iterdir() if path.is_file()}


def static_url(name: str) -> str:
    """The versioned address of static/<name>, for templates (a Jinja global); an unknown name is an error."""
    return f"{STATIC_PREFIX}{name}?v={versions()[name]}"


class VersionedStaticFiles(StaticFiles):
    """Static files with Cache-Control by address: long-lived when the ``v`` query names the file's current
    version, ``no-cache`` otherwise (a stale version must not be pinned for a year under the new content)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        version = versions().get(self.get_path(scope))
        query = scope.get("query_string", b"").decode("latin-1")
        policy = LONG_LIVED if version is not None and query == f"v={version}" else REVALIDATE

        async def send_with_cache_control(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                MutableHeaders(scope=message)["Cache-Control"] = policy
            await send(message)

        await super().__call__(scope, receive, send_with_cache_control)
