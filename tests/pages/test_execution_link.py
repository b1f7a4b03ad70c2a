"""The obligee's page on a cheap phone offers the filled-in 强制执行申请书 once the obligation is reported unperformed,
and the link opens it; the obligor's page does not offer it (issue 15 item 4)."""

from __future__ import annotations

import shutil
import subprocess

import httpx

from tests.api.test_execution_api import body
from tests.pages.conftest import PHONE, shoot
from tests.pages.test_staff_pages import ANDROID, login
from tests.support import party_link_token, report_not_performed, served_confirmation


def test_the_obligee_s_page_links_the_application_and_the_obligor_s_does_not(browser, live_server):  # type: ignore[no-untyped-def]
    base, runtime, passwords = live_server
    with httpx.Client(base_url=base, timeout=60) as client:
        _m, app_id, app, sessions = served_confirmation(client, passwords, body())
        person, company = app["parties"]
        links = {p["id"]: party_link_token(client, app_id, p["id"]) for p in (person, company)}

    def phone_for(party_id: int):  # type: ignore[no-untyped-def]
        ctx = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, user_agent=ANDROID)
        bearer = sessions[party_id]["Authorization"].split(" ", 1)[1]
        ctx.add_cookies([{"name": "jiudi_party", "value": bearer, "url": base}])
        page = ctx.new_page()
        page.goto(f"{base}/p/{links[party_id]}")
        return page

    before = phone_for(person["id"])
    assert "裁定书" in before.inner_text("main") and before.locator("#execution-link").count() == 0
    report_not_performed(runtime, app["obligations"][1]["id"])  # the second instalment, owed to 张三
    obligee = phone_for(person["id"])
    assert "申请强制执行" in obligee.inner_text("#execution")
    shoot(obligee, "46-party-execution-link")
    pdf = obligee.request.get(base + obligee.get_attribute("#execution-link", "href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is not installed"
    text = "".join(subprocess.run([tool, "-", "-"], input=pdf.body(), capture_output=True, check=True)
                   .stdout.decode().split())
    assert "申请执行人：张三" in text and "人民币5000.00元" in text
    obligor = phone_for(company["id"])
    assert obligor.locator("#execution-link").count() == 0

    # the mediator's case page (tablet) offers the same application for the obligee, named
    tablet = login(browser, base, "mediator", passwords["mediator"])
    tablet.goto(f"{base}/m/a/{app_id}")
    links = tablet.locator(".execution-link")
    assert links.count() == 1 and links.inner_text() == "强制执行申请书（张三）"
    shoot(tablet, "47-mediator-execution-link")
    staff_pdf = tablet.request.get(base + (links.get_attribute("href") or ""))
    assert staff_pdf.status == 200 and staff_pdf.headers["content-type"] == "application/pdf"
