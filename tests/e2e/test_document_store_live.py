"""A stored document through a real server: a corrupt one of several chunks is cut off before its end."""

from __future__ import annotations

import httpx
import pytest

from tests.support import application_body
from tests.system.test_document_store import big_pdf, corrupt


def test_a_large_corrupt_download_is_cut_off_before_its_end(live_server):
    """Through a real server: the headers promised the whole length, the body stops short, the client sees an
    incomplete response rather than a document."""
    base, runtime, passwords = live_server
    content = big_pdf(2.5)
    with httpx.Client(base_url=base, timeout=30) as http:
        token = http.post("/api/v1/auth/token", data={"username": "mediator", "password": passwords["mediator"]})
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        app_id = http.post("/api/v1/applications", json=application_body()).json()["id"]
        doc = http.post(f"/api/v1/applications/{app_id}/documents", data={"kind": "evidence"},
                        files={"file": ("big.pdf", content)}).json()
        corrupt(runtime, doc["sha256"])
        with pytest.raises(httpx.RemoteProtocolError):
            http.get(f"/api/v1/applications/{app_id}/documents/{doc['id']}")
