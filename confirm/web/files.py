"""Stored documents sent as streaming responses: read from the store a chunk at a time, checked against their
SHA-256 as they go (core.storage), so a 20 MB document is never whole in the service's memory."""

from __future__ import annotations

from fastapi.responses import StreamingResponse

from confirm.core.storage import DocumentStore


def stored_document(store: DocumentStore, sha256: str, media_type: str,
                    headers: dict[str, str] | None = None) -> StreamingResponse:
    """The document named ``sha256`` as the response body. A corrupt document of one chunk (most of them) answers
    500 ``document.corrupt`` before anything is sent; a longer one is cut off before its last chunk, so the client
    never receives it whole (its Content-Length is not reached)."""
    opened = store.open(sha256)
    return StreamingResponse(opened.chunks, media_type=media_type,
                             headers={**(headers or {}), "Content-Length": str(opened.size)})
