"""The mediator's pages in Chromium after a rejection (issue 14 item 4): the ruling's notice and the list's chip
in the rejection's own colour, never the green of a confirmation, with the grounds, the reasoning and the next
steps in words. Screenshots: 07d-mediator-ruling-rejected-grounds-*.png and 09b-mediator-list-outcomes-*.png."""

from __future__ import annotations

import httpx

from tests.pages.conftest import TABLET, shoot
from tests.pages.test_staff_pages import login
from tests.support import decided

REASONING = "协议第二条约定的付款期限前后矛盾，无法确定履行时间。"



def background(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).backgroundColor")


def test_a_rejection_looks_like_a_rejection_on_the_mediators_page_and_list(browser, live_server):  # type: ignore[no-untyped-def]
    base, _runtime, passwords = live_server
    with httpx.Client(base_url=base, timeout=30) as api:
        confirmed = decided(api, passwords, "confirmed", [])
        rejected = decided(api, passwords, "rejected", ["unclear_content", "other"], REASONING)
    page = login(browser, base, "mediator", passwords["mediator"])
    page.goto(f"{base}/m/a/{rejected}")
    notice = page.locator(".notice-ruling")
    assert "outcome-rejected" in (notice.get_attribute("class") or "")
    text = notice.inner_text()
    assert "驳回司法确认申请" in text and "内容不明确" in text and "其他不能进行司法确认" in text
    assert REASONING in text and "也可以向人民法院提起诉讼" in text
    assert background(page, ".notice-ruling") == "rgb(255, 241, 232)"  # the rejection's light orange
    assert background(page, "#status") == "rgb(255, 224, 204)"
    ink = page.evaluate("[getComputedStyle(document.querySelector('.notice-ruling h2')).color,"
                        " getComputedStyle(document.querySelector('.notice-ruling')).borderTopColor]")
    assert ink == ["rgb(163, 58, 0)", "rgb(163, 58, 0)"]  # no green of a confirmation left on a rejection
    shoot(page, "07d-mediator-ruling-rejected-grounds")

    page.set_viewport_size(TABLET)
    page.goto(f"{base}/m")
    chips = {app_id: page.locator(f'tr:has(a[href="/m/a/{app_id}"]) .status') for app_id in (confirmed, rejected)}
    assert chips[rejected].inner_text() == "裁定书已出具 · 驳回司法确认申请"
    assert chips[confirmed].inner_text() == "裁定书已出具 · 确认调解协议有效"
    colours = {app_id: chip.evaluate("e => getComputedStyle(e).backgroundColor") for app_id, chip in chips.items()}
    assert colours[confirmed] == "rgb(215, 240, 222)" and colours[rejected] == "rgb(255, 224, 204)"
    shoot(page, "09b-mediator-list-outcomes")
    page.context.close()
