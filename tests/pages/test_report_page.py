"""联席会议报表 in Chromium (issue 16 item 2): the charts drawn by the ECharts the service itself serves (no request
leaves it, nothing refused by the Content-Security-Policy), the same figures as the table; without JavaScript the
table alone; the sealed PDF downloaded from the page's button."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import httpx

from confirm.core.clock import china_today
from tests.api.test_report_api import history
from tests.pages.conftest import SHOTS, UPDATE_SCREENSHOTS, _screenshots_are_ignored_by_git
from tests.pages.test_review_page import judge_page
from tests.pages.test_staff_pages import wait_until

CHART = "echarts.getInstanceByDom(document.querySelector('[data-chart={key}] .report-chart-canvas'))"


def judge_on_report(browser, base, password, *, javascript=True):  # type: ignore[no-untyped-def]
    return judge_page(browser, base, password, java_script_enabled=javascript, accept_downloads=True)


def shoot_whole(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """SHOTS/{name}-desktop.png: the whole page at 1440 wide, table and charts."""
    from PIL import Image

    if not UPDATE_SCREENSHOTS:
        assert _screenshots_are_ignored_by_git()
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}-desktop.png"
    image = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
    image.quantize(colors=64).save(path, optimize=True)


def test_the_report_page_draws_its_charts_from_the_service_itself(browser, live_server):  # type: ignore[no-untyped-def]
    base, runtime, passwords = live_server
    with httpx.Client(base_url=base, timeout=60) as client:
        history(client, runtime, passwords)
    page = judge_on_report(browser, base, passwords["judge"])
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/j/report")
    wait_until(page, "document.getElementById('report-charts').dataset.drawn === '4'")
    assert outside == [] and refused == []
    assert page.locator("#report-charts").is_visible()
    assert page.locator(".report-chart canvas").count() == 4
    titles = page.locator(".report-chart figcaption").all_inner_texts()
    assert titles == ["收案、裁定与退回补正", "裁定结果", "期限、送达与履行", "风险提示及处理结果（合计）"]
    # the bars are the table's figures: five received and three decided by the police room, none by the office
    volume = page.evaluate(f"{CHART.format(key='volume')}.getOption()")
    assert volume["xAxis"][0]["data"] == ["秀山县中和派出所驻所调解室", "秀山县中和司法所"]
    assert [s["data"] for s in volume["series"]][:2] == [[5, 0], [3, 0]]
    total = page.locator("#report-table tr.total td").all_inner_texts()
    assert total[:2] == ["5", "3"]
    rates = page.evaluate(f"{CHART.format(key='rates')}.getOption()")
    assert rates["series"][0]["data"] == [1, "-"]  # 3 of 3 within the 3 days; nothing to count for the office
    shoot_whole(page, "40-judge-report")

    # the download button gives the court-sealed PDF of the same period
    with page.expect_download() as download:
        page.click("#report-pdf")
    pdf = open(download.value.path(), "rb").read()
    from verify import check_sealed_pdf

    with ThreadPoolExecutor(1) as thread:  # pyHanko runs its own event loop: not in Playwright's thread
        checked = thread.submit(check_sealed_pdf, pdf, runtime.seals.trust_roots()).result()
    assert pdf.startswith(b"%PDF") and checked.genuine, checked.problems
    page.context.close()


def test_without_javascript_the_report_is_its_table(browser, live_server):  # type: ignore[no-untyped-def]
    base, _runtime, passwords = live_server
    page = judge_on_report(browser, base, passwords["judge"], javascript=False)
    page.goto(f"{base}/j/report")
    assert page.locator("#report-table").is_visible()
    assert not page.locator("#report-charts").is_visible()  # hidden until the script draws it
    assert page.locator("#report-pdf").get_attribute("href").startswith("/api/v1/reports/joint-meeting.pdf?from=")
    with page.expect_navigation():
        page.click("#report-periods a:has-text('本年度')")
    today = china_today()
    assert f"{today.year}-01-01 至 {today.isoformat()}" in page.inner_text("#report-period")
    assert page.locator("#report-periods a[aria-current]").inner_text() == "本年度"
    page.context.close()
