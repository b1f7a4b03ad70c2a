"""Issue 17 item 6: no inline script anywhere (CSP script-src 'self'), /docs served without a CDN, and the one
confirmation that was an inline onclick still asks before withdrawing."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.pages.test_staff_pages import login
from tests.support import application_body

TEMPLATES = Path(__file__).resolve().parents[2] / "confirm" / "web" / "templates"


def test_no_template_has_an_inline_handler_or_script():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text), path  # onclick=, onsubmit= …
        for script in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in script or 'type="application/json"' in script, (path, script)


def test_the_api_docs_load_from_the_service_itself_under_the_policy(browser, live_server):  # type: ignore[no-untyped-def]
    base, _runtime, _passwords = live_server
    page = browser.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    page.goto(f"{base}/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() > 20
    assert "script-src 'self'" in httpx.get(f"{base}/docs").headers["Content-Security-Policy"]
    assert refused == [] and outside == []
    page.close()


def test_withdrawing_asks_first(browser, live_server):  # type: ignore[no-untyped-def]
    base, _runtime, passwords = live_server
    token = httpx.post(f"{base}/api/v1/auth/token", data={"username": "mediator", "password": passwords["mediator"]}
                       ).json()["access_token"]
    app_id = httpx.post(f"{base}/api/v1/applications", json=application_body(),
                        headers={"Authorization": f"Bearer {token}"}).json()["id"]
    page = login(browser, base, "mediator", passwords["mediator"])
    page.goto(f"{base}/m/a/{app_id}")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_role("button", name="撤回申请").click()
    page.wait_for_timeout(500)
    assert asked == ["确定撤回这件申请吗？撤回后不能恢复。"]
    status = httpx.get(f"{base}/api/v1/applications/{app_id}", headers={"Authorization": f"Bearer {token}"}).json()
    assert status["status"] == "draft"  # dismissed: nothing happened
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="撤回申请").click()
    status = httpx.get(f"{base}/api/v1/applications/{app_id}", headers={"Authorization": f"Bearer {token}"}).json()
    assert status["status"] == "withdrawn"
