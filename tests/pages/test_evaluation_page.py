"""调解员考评 in Chromium (issue 16 item 3): the court's evaluation page with the weights beside the scores, as a
judge sees it on a desktop, and the party's rating form on a phone after the ruling was served on them."""

from __future__ import annotations

import httpx

from confirm.parties.views import PARTY_COOKIE
from tests.api.test_evaluation_api import decide, filed, history, period, serve_all
from tests.pages.conftest import PHONE, shoot
from tests.pages.test_review_page import judge_page, shoot_desktop
from tests.support import Staff, party_link_token


def test_the_court_s_evaluation_page_and_a_party_s_rating_form(browser, live_server):
    base, runtime, passwords = live_server
    with httpx.Client(base_url=base, timeout=60) as client:
        history(client, runtime, passwords)
        m = Staff(client, "mediator", passwords["mediator"])
        e, parties, sessions = filed(m)
        decide(Staff(client, "judge", passwords["judge"]), e, "confirmed", [])
        serve_all(m, e, parties)
        link = party_link_token(client, e, parties[0]["id"])
    page = judge_page(browser, base, passwords["judge"])
    page.click("#evaluation-link")
    page.goto(f"{base}/j/evaluation?from={period()['from']}&to={period()['to']}")
    rows = page.locator("#evaluation-table tbody tr")
    assert rows.count() == 5  # two organisations, a mediator under each, the court's total
    total = page.locator("#evaluation-table tr.total")
    # the history's 69.6 with the fifth case, confirmed and served: 30×0.75 + 15×0.8 + 15×0.6667 + 20×0.6667 + 10×1
    # + 10×0.75 = 22.5 + 12 + 10.0005 + 13.334 + 10 + 7.5 = 75.3345
    assert total.locator(".score").inner_text() == "75.3"
    weights = page.locator("#evaluation-weights")
    assert weights.is_visible() and "确认率" in weights.inner_text() and "30" in weights.inner_text()
    assert "调解员很耐心" in page.locator("#evaluation-comments").inner_text()
    shoot_desktop(page, "40-court-evaluation")
    page.context.close()

    ctx = browser.new_context(viewport=PHONE, locale="zh-CN")
    ctx.add_cookies([{"name": PARTY_COOKIE, "value": sessions[0]["Authorization"].split()[1], "url": base}])
    phone = ctx.new_page()
    phone.goto(f"{base}/p/{link}")
    assert phone.locator("#rating").is_visible()
    phone.check("input[name=stars][value='4']")
    phone.fill("#comment", "调解员把协议内容讲得很清楚")
    shoot(phone, "41-party-rating")
    with phone.expect_navigation():
        phone.click("#rating-submit")
    assert "★★★★☆" in phone.locator("#rating-given").inner_text()
    ctx.close()
