"""The judge's review page for a working day (issue 14 item 2), in Chromium at 1440×900: the queue's filters and
counts, finding decided cases, the two-column page with the decision in the first screen, claiming without a
reload, 下一件 after sealing, the grounds grouped by article, and the keyboard path from the queue to a seal."""

from __future__ import annotations

import httpx

from tests.pages.conftest import SHOTS, UPDATE_SCREENSHOTS, _screenshots_are_ignored_by_git
from tests.pages.effort import Effort, click, press, tab_to
from tests.pages.test_staff_pages import wait_until
from tests.support import Staff, application_body, decided_on_review_page

DESKTOP = {"width": 1440, "height": 900}


def judge_page(browser, base, password, **context):  # type: ignore[no-untyped-def]
    """The judge signed in on a desktop window; ``context``: more of Playwright's context options."""
    ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN", **context)
    page = ctx.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", "judge")
    page.fill("#password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page


def shoot_desktop(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """SHOTS/{name}-desktop.png: the first screen at 1440×900, as the judge sees it."""
    from PIL import Image

    if not UPDATE_SCREENSHOTS:
        assert _screenshots_are_ignored_by_git()
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}-desktop.png"
    path.write_bytes(page.screenshot())
    Image.open(path).convert("RGB").quantize(colors=64).save(path, optimize=True)


def filed(base, passwords, **changes):  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=base, timeout=30) as client:
        mediator = Staff(client, "mediator", passwords["mediator"])
        return mediator.filed(application_body(**changes))


def unrelated_parties(n: int) -> list[dict[str, str]]:
    """Two people who appear in no other case of the test (their own ID numbers, phones and addresses)."""
    from tests.api.test_signals_api import resident_id

    return [{"kind": "person", "name": name, "id_number": resident_id(f"50024119900101{n}{side}1"),
             "phone": f"1350000{n}{side}00", "address": f"重庆市秀山土家族苗族自治县中和街道{n}{side}号",
             "ethnicity": "汉族"} for side, name in ((1, "张三"), (2, "李四"))]


def first_screen(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether the element is within the first screen (no scrolling)."""
    box = page.evaluate("s => { const r = document.querySelector(s).getBoundingClientRect(); "
                        "return [r.top, r.bottom, r.left, r.right]; }", selector)
    return box[0] >= 0 and box[0] < DESKTOP["height"] and box[2] >= 0 and box[3] <= DESKTOP["width"]


def test_keyboard_and_mouse_path_from_the_queue_to_a_sealed_ruling(browser, live_server):  # type: ignore[no-untyped-def]
    """The judge's common path, counted: with the shortcuts, with Tab alone, and with the mouse alone. Before
    this page (e610cb0): 28 Tab + 6 other keys, 9 clicks (including back to the queue for the next case)."""
    base, _runtime, passwords = live_server
    # three unrelated cases: the common path is an unflagged case's (one party in three cases would be flagged,
    # its links to the other cases one more stop on the Tab path: tests/api/test_signals_api.py)
    cases = [filed(base, passwords, parties=unrelated_parties(i)) for i in range(3)]
    judge = judge_page(browser, base, passwords["judge"])

    # 1. the shortcuts: N opens the next case, L claims it, 1 chooses 确认, ↓ the method, T now, Ctrl+Enter, Enter
    keys = Effort()
    with judge.expect_navigation():
        press(judge, "n", keys)
    assert judge.url.endswith(f"/j/a/{cases[0]}")
    judge.evaluate("window.__samePage = true")
    embed = judge.evaluate("document.querySelector('.scans embed, .scans img').getAttribute('src')")
    press(judge, "l", keys)  # claimed without a reload: the documents stay as they are
    judge.wait_for_selector("#decision-form input[name=outcome]")
    assert judge.evaluate("window.__samePage") is True
    assert judge.evaluate("document.querySelector('.scans embed, .scans img').getAttribute('src')") == embed
    assert "民特" in judge.inner_text("#review-head")
    wait_until(judge, "document.activeElement && document.activeElement.name === 'outcome'")
    # the whole decision is in the first screen at 1440×900, to the right of the documents
    shoot_desktop(judge, "13c-judge-review")
    assert first_screen(judge, "#decision-form") and first_screen(judge, "#decide")
    doc_right = judge.evaluate("document.querySelector('.review-docs').getBoundingClientRect().right")
    assert doc_right <= judge.evaluate("document.querySelector('#decision-form').getBoundingClientRect().left")
    press(judge, "1", keys)
    assert judge.evaluate("document.querySelector('input[name=outcome]:checked').value") == "confirmed"
    assert judge.evaluate("document.activeElement.id") == "verification_method"
    press(judge, "ArrowDown", keys)  # （未核实，不填） → 当面核实
    tab_to(judge, "#verification-now", keys)
    press(judge, "Enter", keys)  # 现在: the judge records that the joint verification is now
    assert judge.input_value("#verification_at") != ""
    with judge.expect_navigation():
        press(judge, "Control+Enter", keys)
    wait_until(judge, "document.activeElement && document.activeElement.id === 'seal'")
    assert "当面核实" in judge.inner_text("#decision-summary")
    judge.evaluate("window.__samePage = true")
    press(judge, "Enter", keys)  # 盖章出具, without a reload: the documents stay open
    wait_until(judge, "!document.getElementById('decision-summary')")
    assert judge.evaluate("window.__samePage") is True
    wait_until(judge, "document.activeElement && document.activeElement.id === 'next-case'")  # 下一件 awaits
    print(f"\nshortcuts, queue → sealed ruling: {keys}")

    # 2. Tab alone (and Enter, Space, arrows), from 下一件
    tabs = Effort()
    with judge.expect_navigation():
        press(judge, "Enter", tabs)  # 下一件
    assert judge.url.endswith(f"/j/a/{cases[1]}")
    tab_to(judge, "#claim", tabs)
    press(judge, "Enter", tabs)
    judge.wait_for_selector("#decision-form input[name=outcome]")
    wait_until(judge, "document.activeElement && document.activeElement.name === 'outcome'")
    press(judge, "Space", tabs)  # the first outcome is 确认调解协议有效
    tab_to(judge, "#verification_method", tabs)
    press(judge, "ArrowDown", tabs)
    tab_to(judge, "#verification-now", tabs)
    press(judge, "Enter", tabs)
    tab_to(judge, "#decide", tabs)
    with judge.expect_navigation():
        press(judge, "Enter", tabs)
    wait_until(judge, "document.activeElement && document.activeElement.id === 'seal'")
    press(judge, "Enter", tabs)
    wait_until(judge, "!document.getElementById('decision-summary')")
    print(f"Tab alone, 下一件 → sealed ruling: {tabs}\n  {tabs.path}")

    # 3. the mouse alone, from the queue
    mouse = Effort()
    judge.goto(f"{base}/j")
    with judge.expect_navigation():
        click(judge, "#open-next", mouse)
    assert judge.url.endswith(f"/j/a/{cases[2]}")
    click(judge, "#claim", mouse)
    judge.wait_for_selector("#decision-form input[name=outcome]")
    click(judge, "input[name=outcome][value=confirmed]", mouse)
    judge.select_option("#verification_method", "video")
    mouse.clicks += 2  # open the list, pick
    click(judge, "#verification-now", mouse)
    with judge.expect_navigation():
        click(judge, "#decide", mouse)
    click(judge, "#seal", mouse)
    print(f"mouse, one case from the queue: {mouse}")
    judge.wait_for_selector("#ruling-link", timeout=30_000)
    shoot_desktop(judge, "14b-judge-ruling")
    assert (keys.tabs, keys.keys) == (1, 7) and tabs.tabs <= 21 and mouse.clicks <= 8
    judge.goto(f"{base}/j/cases")
    assert judge.locator("table.cases tr[data-id]").count() == 3  # today's rulings, court-wide
    shoot_desktop(judge, "17-judge-cases-today")


def test_a_rejection_decided_with_the_keyboard_states_nothing_unrecorded_and_reads_as_a_rejection_everywhere(
        browser, live_server):  # type: ignore[no-untyped-def]
    """The judge rejects without ever touching the verification fields: the last look and the sealed ruling say
    nothing of a verification; the mediator's page and the public page lead with what it is — a rejection."""
    import subprocess

    from tests.pages.conftest import PHONE, TABLET, shoot
    from tests.pages.test_staff_pages import login

    base, _runtime, passwords = live_server
    app_id = filed(base, passwords)
    judge = judge_page(browser, base, passwords["judge"])
    judge.goto(f"{base}/j/a/{app_id}")
    judge.keyboard.press("l")
    judge.wait_for_selector("#decision-form input[name=outcome]")
    wait_until(judge, "document.activeElement && document.activeElement.name === 'outcome'")
    judge.keyboard.press("2")  # 驳回司法确认申请: on to its first ground
    assert judge.evaluate("document.activeElement.name") == "grounds_rejected"
    assert not judge.locator("#verification_method").is_visible() or judge.input_value("#verification_method") == ""
    judge.keyboard.press("Space")  # 第一项 违反法律强制性规定
    judge.fill("#reasoning", "协议约定的利息超过法律保护的上限。")
    with judge.expect_navigation():
        judge.keyboard.press("Control+Enter")
    summary = judge.inner_text("#decision-summary")
    assert "未记录共同核实" in summary and "以“驳回司法确认申请”出具" in summary
    judge.keyboard.press("Enter")
    judge.wait_for_selector("#ruling-link", timeout=30_000)
    with httpx.Client(base_url=base, timeout=30) as client:
        mediator = Staff(client, "mediator", passwords["mediator"])
        record = mediator.get(f"/api/v1/applications/{app_id}").json()
        pdf = mediator.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
    text = "".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode().split())
    assert "驳回" in text and "核实" not in text  # nobody recorded a verification: the ruling states none

    med = login(browser, base, "mediator", passwords["mediator"])
    med.goto(f"{base}/m/a/{app_id}")
    notice = med.inner_text(".notice-ruling")
    assert "驳回司法确认申请" in notice and "违反法律强制性规定" in notice and "利息超过" in notice
    assert "向人民法院提起诉讼" in notice  # what the parties can do next (CPL 206)
    shoot(med, "07c-mediator-ruling-rejected")

    public = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    public.goto(record["ruling"]["verify_url"].replace("http://testserver", base)
                if record["ruling"]["verify_url"].startswith("http://testserver") else
                base + "/v/" + record["ruling"]["verify_url"].rsplit("/", 1)[1])
    assert "文书真实，本院出具" in public.inner_text(".verdict")
    outcome = public.inner_text("#outcome")
    assert "驳回司法确认申请" in outcome and "不能据此申请强制执行" in outcome
    assert "outcome-rejected" in public.get_attribute("#outcome", "class")
    shoot(public, "33-public-verify-rejected")
    public.set_viewport_size(TABLET)


def test_a_returned_application_is_corrected_on_the_same_form_and_offers_no_withdrawal(
        browser, live_server):  # type: ignore[no-untyped-def]
    from tests.pages.conftest import shoot
    from tests.pages.test_staff_pages import login

    base, _runtime, passwords = live_server
    app_id = filed(base, passwords)
    judge = judge_page(browser, base, passwords["judge"])
    judge.goto(f"{base}/j/a/{app_id}")
    judge.click("#claim")
    judge.wait_for_selector("#other-actions")
    judge.click("#other-actions summary")
    judge.fill("#reason", "请补充协议第一条的付款方式")
    from datetime import timedelta

    from confirm.core.clock import china_today
    judge.fill("#deadline", (china_today() + timedelta(days=7)).isoformat())
    with judge.expect_navigation():
        judge.get_by_role("button", name="退回补正").click()

    med = login(browser, base, "mediator", passwords["mediator"])
    med.goto(f"{base}/m/a/{app_id}")
    assert "法院退回补正：请补充协议第一条的付款方式" in med.inner_text("main")
    assert "补正期限" in med.inner_text("#returned")
    assert med.get_by_role("button", name="撤回申请").count() == 0  # a case number exists: withdrawal is refused
    with med.expect_navigation():
        med.click("#edit-link")
    text = med.input_value("#agreement\\.text")
    med.fill("#agreement\\.text", text + "\n三、付款方式为银行转账。")
    shoot(med, "06b-mediator-correcting-application")
    with med.expect_navigation():
        med.get_by_role("button", name="保存修改").click()
    assert "付款方式为银行转账" in med.text_content("main")  # (in the folded 申请内容)
    assert "申请已修改" in med.inner_text("[role=status]")


def test_news_about_the_case_does_not_cancel_the_judge_leaving_for_the_next_one(browser, live_server):  # type: ignore[no-untyped-def]
    """下一件 pressed while the case's own event arrives (its ruling issued, its acceptance): the page must go where
    the judge asked, not reload the case it is leaving (the landing CI once saw the navigation aborted). The page
    takes news by swapping in its fresh parts; here its fresh copy fails (502), so it would fall back to the reload."""
    base, _runtime, passwords = live_server
    first, second = filed(base, passwords), filed(base, passwords)
    with httpx.Client(base_url=base, timeout=30) as client:
        api = Staff(client, "judge", passwords["judge"])
        assert api.post(f"/api/v1/applications/{first}/claim").status_code == 200
        judge = judge_page(browser, base, passwords["judge"])
        judge.goto(f"{base}/j/a/{first}")
        wait_until(judge, "document.getElementById('live').dataset.connected === '1'")
        held = []
        judge.route("**/j/next*", lambda route: held.append(route))  # the next case is slow to answer
        judge.route(f"**/j/a/{first}", lambda route: route.fulfill(status=502, body="bad gateway"))
        judge.click("#next-case", no_wait_after=True)
        for _ in range(100):
            if held:
                break
            judge.wait_for_timeout(50)
        assert held, "下一件 was not requested"
        assert api.post(f"/api/v1/applications/{first}/accept").status_code == 200  # news about this case
        judge.wait_for_timeout(1500)  # the live stream delivers it (a reload would go out now)
        with judge.expect_navigation():
            held[0].continue_()
        assert judge.url.endswith(f"/j/a/{second}")


def test_the_sealed_ruling_comes_into_the_judge_s_page_without_a_reload(browser, live_server, monkeypatch):  # type: ignore[no-untyped-def]
    """The judge reads the second scan, seals and reads on while the seal is being made: neither the seal nor the
    ruling's arrival reloads the page; the ruling comes into the right-hand side, the scan stays open as it was (the
    same element, the same tab), and 下一件 has the focus as after a load, after each."""
    import threading

    base, runtime, passwords = live_server
    first, _second = (filed(base, passwords, parties=unrelated_parties(i)) for i in (7, 8))  # 下一件 has a case
    gate, real_seal = threading.Event(), runtime.seal
    monkeypatch.setattr(runtime, "seal", lambda *a, **kw: (gate.wait(60), real_seal(*a, **kw))[1])  # held, then real
    judge = judge_page(browser, base, passwords["judge"])
    decided_on_review_page(judge, base, first)
    judge.keyboard.press("]")  # the second scan, read through the seal
    judge.evaluate("window.__samePage = true; document.querySelector('#doc-2 embed').__kept = true")
    judge.click("#seal")  # 盖章出具: the decision is recorded without a reload
    wait_until(judge, "!document.getElementById('decision-summary') && !!document.querySelector('[data-poll]')")
    assert judge.locator("#ruling-link").count() == 0  # held
    assert judge.evaluate("window.__samePage") is True
    assert judge.url == f"{base}/j/a/{first}"  # the case's page (a reload here is this page, not the POST's address)
    wait_until(judge, "document.activeElement && document.activeElement.id === 'next-case'")
    wait_until(judge, "document.getElementById('live').dataset.connected === '1'")
    gate.set()
    judge.wait_for_selector("#ruling-link", timeout=30_000)
    assert judge.evaluate("window.__samePage") is True
    assert judge.evaluate("document.querySelector('#doc-2 embed').__kept") is True
    assert judge.get_attribute("#doc-tab-2", "aria-selected") == "true" and judge.is_hidden("#doc-1")
    assert "裁定书已出具" in judge.inner_text("#review-side") and "民特" in judge.inner_text("#review-head")
    wait_until(judge, "document.activeElement && document.activeElement.id === 'next-case'")



def test_a_prompt_seal_answers_with_the_ruling_itself(browser, live_server, monkeypatch):  # type: ignore[no-untyped-def]
    """盖章出具 waits a moment for the seal: the button says so meanwhile, and the answer is the case's page with
    the sealed ruling, fetched once. No notice comes first, to be followed at once by a second fetch of the page
    (in the moment the ruling is made, the server would render the judge's page twice)."""
    import threading

    base, runtime, passwords = live_server
    monkeypatch.setattr("confirm.pages.review.SEAL_WAIT_SECONDS", 30.0)  # the held seal is released well within it
    app_id = filed(base, passwords, parties=unrelated_parties(6))
    gate, real_seal = threading.Event(), runtime.seal
    monkeypatch.setattr(runtime, "seal", lambda *a, **kw: (gate.wait(60), real_seal(*a, **kw))[1])  # held, then real
    judge = judge_page(browser, base, passwords["judge"])
    decided_on_review_page(judge, base, app_id)
    judge.evaluate("""window.__samePage = true; window.__notice = false;
        new MutationObserver(() => { if (document.querySelector('[data-poll]')) window.__notice = true; })
          .observe(document.body, { childList: true, subtree: true });""")
    fetched: list[str] = []
    judge.on("request", lambda r: fetched.append(r.url) if r.method == "GET" and r.url == f"{base}/j/a/{app_id}" else None)
    judge.click("#seal", no_wait_after=True)
    wait_until(judge, "document.getElementById('seal').disabled")
    assert judge.inner_text("#seal") == "正在盖章……"
    gate.set()  # sealed within the wait
    judge.wait_for_selector("#ruling-link", timeout=30_000)
    assert judge.evaluate("window.__samePage") is True
    assert judge.evaluate("window.__notice") is False  # the notice never showed
    judge.wait_for_timeout(500)  # (a second fetch, were the live stream to bring the ruling as news, goes out now)
    assert fetched == [f"{base}/j/a/{app_id}"], fetched  # the seal's answer, once
    assert "裁定书已出具" in judge.inner_text("#review-side")


def test_a_seal_answered_with_another_page_is_not_posted_again(browser, live_server):  # type: ignore[no-untyped-def]
    """The seal's post is answered with a redirect to a page that is not this case's (the sign-in page, once the
    session has ended): the page goes there instead of posting the seal a second time."""
    base, _runtime, passwords = live_server
    app_id = filed(base, passwords, parties=unrelated_parties(9))
    judge = judge_page(browser, base, passwords["judge"])
    decided_on_review_page(judge, base, app_id)
    posts: list[str] = []
    judge.on("request", lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith("/decision") else None)
    judge.route(f"{base}/j/a/{app_id}/decision",
                lambda route: route.fulfill(status=303, headers={"Location": f"{base}/login"}))
    with judge.expect_navigation(url=f"{base}/login"):
        judge.click("#seal")
    judge.wait_for_selector("#username")
    assert len(posts) == 1, posts  # posted once; a second post would be a second seal
