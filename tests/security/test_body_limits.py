"""Issue 17 item 3: a body is bounded before anything reads it, and before authentication. Sent over real HTTP
(uvicorn), so that what the server holds is what a client can make it hold."""

from __future__ import annotations

import resource
import socket
from urllib.parse import urlparse

import httpx

from confirm.web.security import MAX_BODY, UPLOAD_BODY


def _raw(base: str, head: str, body_chunks, read: bool = True) -> bytes:  # type: ignore[no-untyped-def]
    """Send a request by hand (a declared length the body never reaches, or chunked), return the answer."""
    url = urlparse(base)
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall(head.encode())
        try:
            for chunk in body_chunks:
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: what a limit does
        answer = b""
        while read and b"}}" not in answer:  # the whole error body, however the server's writes were split
            part = s.recv(4096)
            if not part:
                break
            answer += part
        return answer


def test_a_declared_length_over_the_limit_is_refused_before_the_body_and_before_authentication(live_server):
    base, _runtime, _passwords = live_server
    big = 200 * 1024 * 1024
    answer = _raw(base, f"POST /api/v1/applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {big}\r\n\r\n", [b"{" * 1024])
    assert answer.startswith(b"HTTP/1.1 413") and b"request.too_large" in answer  # not 401: nothing was read


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(live_server):
    base, _runtime, _passwords = live_server
    chunk = b"x" * 65536
    frames = (f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" for _ in range(4 * MAX_BODY // len(chunk)))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    answer = _raw(base, "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
                        "\r\nTransfer-Encoding: chunked\r\n\r\n", frames)
    assert answer.startswith(b"HTTP/1.1 413") and b"request.too_large" in answer
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 64 * 1024  # KiB: nothing piled up


def test_an_upload_may_be_as_large_as_a_filed_document_but_no_larger(live_server):
    base, _runtime, _passwords = live_server
    r = httpx.post(f"{base}/api/v1/verify", files={"file": ("r.pdf", b"%PDF-1.7\n" + b"0" * (UPLOAD_BODY + 1))},
                   timeout=60)
    assert r.status_code == 413 and r.json()["error"]["code"] == "request.too_large"
    r = httpx.post(f"{base}/api/v1/verify", files={"file": ("r.pdf", b"%PDF-1.7\n" + b"0" * (2 * MAX_BODY))},
                   timeout=60)  # judged, which takes a while on a busy machine
    assert r.status_code != 413  # a 2 MB file is read and judged (not a ruling), not refused for its size
    assert r.headers["X-Frame-Options"] == "DENY"
