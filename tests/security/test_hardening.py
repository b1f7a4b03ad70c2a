"""Security hardening (issue 17, first items): headers on every response, an API logout, and a production start
that creates no demo accounts."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import select

from confirm.bootstrap import DEMO_COURT_NAME, initialize
from confirm.core.db import transaction
from confirm.models import Court, User
from keys import ensure_court_seal, ensure_dev_pki
from tests.support import Staff


def test_every_response_carries_the_security_headers(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    for path, headers in (("/v", {}), ("/login", {}), ("/api/v1/me", m.headers), ("/api/v1/me", {}),
                          ("/static/site.css", {}), ("/healthz", {}), ("/p/not-a-link", {}), ("/nowhere", {})):
        r = client.get(path, headers=headers)
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert r.headers["X-Frame-Options"] == "DENY", path  # the review page decides, revokes, voids
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"], path
        assert r.headers["Referrer-Policy"] == "no-referrer", path  # /v/{token}, /p/{token} never leak
    for path, headers in (("/api/v1/me", m.headers), ("/v", {}), ("/p/not-a-link", {})):
        assert client.get(path, headers=headers).headers["Cache-Control"] == "no-store", path
    assert "no-store" not in client.get("/static/site.css").headers.get("Cache-Control", "")


def test_an_api_logout_ends_the_token_at_once(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    assert m.get("/api/v1/me").status_code == 200
    r = m.post("/api/v1/auth/logout")
    assert r.status_code == 204
    r = m.get("/api/v1/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth.invalid_token"


def test_production_starts_with_no_demo_accounts_and_prints_no_password(settings, monkeypatch):
    pki = ensure_dev_pki(settings.data_dir)
    seal = ensure_court_seal(pki, "渝0241", DEMO_COURT_NAME)
    monkeypatch.setenv("TEST_SEAL_PASS", seal.passphrase.decode())
    production = replace(settings, signer=f"pkcs12:path={seal.p12_path};pass-env=TEST_SEAL_PASS",
                         tsa_url="http://127.0.0.1:9/tsa")
    said: list[str] = []
    runtime, result = initialize(production, say=said.append)
    assert not result.created_demo and result.credentials == () and said == []
    with transaction(runtime.engine) as session:
        assert session.exec(select(User)).first() is None and session.exec(select(Court)).first() is None
    assert not (production.data_dir / "dev-credentials.txt").exists()
    runtime.engine.dispose()
