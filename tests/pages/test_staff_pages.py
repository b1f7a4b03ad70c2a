"""The whole chain through the staff pages in Chromium: file on a tablet, review live, seal, serve, verify."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx

from confirm.core.clock import CHINA, china_today
from tests.pages.conftest import PHONE, TABLET, shoot
from tests.support import a_pdf


def login(browser, base, username, password, *, keyboard=False):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport=TABLET, locale="zh-CN", accept_downloads=True)
    page = ctx.new_page()
    page.goto(f"{base}/login")
    if keyboard:  # the form works from the keyboard alone: focus starts in the user name (autofocus)
        wait_until(page, "document.activeElement && document.activeElement.id === 'username'")
        page.keyboard.type(username)
        page.keyboard.press("Tab")
        page.keyboard.type(password)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
    return page


def wait_until(page, expression: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Poll a JavaScript expression until it is true. Playwright's wait_for_function evaluates its predicate with
    eval() inside the page, which the pages' Content-Security-Policy (script-src 'self') rightly refuses; a plain
    evaluate() goes through the debugging protocol, which the policy does not govern."""
    import time

    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except Error:  # the page is navigating (a live page reloads itself): ask the next one
            pass
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.05)


ANDROID = ("Mozilla/5.0 (Linux; Android 10; Redmi 9A) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/120.0.0.0 Mobile Safari/537.36")


def confirm_on_phone(browser, base, app_id, name, id_tail, *, shots=False, electronic=False):  # type: ignore[no-untyped-def]
    """A party on their own (cheap Android) phone: opens the link from the text message (read here from the
    development outbox, as the phone would receive it), proves who they are, reads the agreement, confirms."""
    def sent(kind: str) -> str:
        items = httpx.get(f"{base}/dev/outbox").json()["items"]
        return next(m["text"] for m in items
                    if m["application_id"] == app_id and m["kind"] == kind and (name in m["text"] or kind == "party.code"))

    token = sent("party.confirm_link").split("/p/", 1)[1].split()[0]
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, user_agent=ANDROID)
    phone = ctx.new_page()
    phone.goto(f"{base}/p/{token}")
    assert "核实身份" in phone.inner_text("main")
    phone.fill("#id_tail", id_tail)
    with phone.expect_navigation():
        phone.get_by_role("button", name="获取验证码").click()
    assert "验证码已发送至您的手机" in phone.inner_text("[role=status]")
    if shots:
        shoot(phone, "20-party-verify")
    phone.fill("#code", "000000")  # a wrong code is refused in Chinese, and counted
    with phone.expect_navigation():
        phone.get_by_role("button", name="验证并查看调解协议").click()
    assert "还可尝试4次" in phone.inner_text("[role=alert]")
    phone.fill("#code", sent("party.code").split("验证码为", 1)[1][:6])
    with phone.expect_navigation():
        phone.get_by_role("button", name="验证并查看调解协议").click()
    assert "调解协议内容" in phone.inner_text("main") and "虚假诉讼罪" in phone.inner_text(".warning")
    pages = phone.locator(".pages img")
    assert pages.count() == 2  # every page of the uploaded agreement and joint application, as images
    for img in pages.all():
        img.scroll_into_view_if_needed()
    wait_until(phone, "[...document.querySelectorAll('.pages img')].every(i => i.complete && i.naturalWidth > 0)")
    if shots:
        shoot(phone, "21-party-agreement")
    phone.get_by_label("我已阅读，协议是我的真实意思，同意申请司法确认").check()
    phone.get_by_label("同意电子送达" if electronic else "不同意，请以纸质方式送达").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交").click()
    assert "确认调解协议" in phone.inner_text("#answer")
    if shots:
        shoot(phone, "22-party-confirmed")
    return phone


def sign(page, pad) -> None:  # type: ignore[no-untyped-def]
    """Draw a stroke on a signature pad with the mouse (pointer events, as a finger on the tablet)."""
    pad.scroll_into_view_if_needed()
    box = pad.locator("canvas").bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + box["height"] * 0.6)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + 30 + i * 25, y + box["height"] * (0.3 if i % 2 else 0.7))
    page.mouse.up()


def test_login_errors_csrf_and_timeout(browser, live_server):  # type: ignore[no-untyped-def]
    base, runtime, passwords = live_server
    page = login(browser, base, "mediator", "wrong-password-1")
    assert page.url.endswith("/login") and page.get_by_role("alert").inner_text() == "用户名或密码不正确"
    shoot(page, "01-login-error")
    page.goto(f"{base}/m")
    assert "/login" in page.url  # no session: back to the login page
    # a POST without the CSRF token changes nothing
    page = login(browser, base, "clerk", passwords["clerk"])
    assert page.url.endswith("/j")
    r = page.request.post(f"{base}/logout", form={"csrf": "forged"}, max_redirects=0)
    assert r.status == 403
    # the session times out with its token
    from sqlmodel import select

    from confirm.core.clock import utcnow
    from confirm.core.db import transaction
    from confirm.models import AuthToken, User

    with transaction(runtime.engine) as session:
        clerk = session.exec(select(User).where(User.username == "clerk")).one()
        for row in session.exec(select(AuthToken).where(AuthToken.user_id == clerk.id)):
            row.expires_at = utcnow() - timedelta(seconds=1)
            session.add(row)
    page.goto(f"{base}/j")
    assert "/login" in page.url and "登录已超时" in page.content()
    # the JSON API does not take the cookie for changes (CSRF): only bearer tokens
    page = login(browser, base, "mediator", passwords["mediator"])
    assert page.request.post(f"{base}/api/v1/applications", data="{}").status == 401


def test_the_whole_chain_in_the_browser(browser, live_server):  # type: ignore[no-untyped-def]
    base, runtime, passwords = live_server

    # the judge's queue is open (signed in with the keyboard alone) before the mediator files
    judge = login(browser, base, "judge", passwords["judge"], keyboard=True)
    assert judge.url.endswith("/j")
    judge.click("#sound-toggle")  # the audible cue, remembered on this computer for the next visit
    judge.reload()
    assert judge.get_attribute("#sound-toggle", "aria-pressed") == "true"
    assert judge.inner_text("#sound-toggle") == "关闭提示音"
    wait_until(judge, "document.querySelector('[data-events]').dataset.connected === '1'")
    judge.evaluate("window.__sameDocument = true")
    shoot(judge, "10-judge-queue-empty")

    # 1. the mediator files on the tablet
    med = login(browser, base, "mediator", passwords["mediator"])
    assert med.url.endswith("/m")
    shoot(med, "02-mediator-dashboard-empty")
    med.get_by_role("link", name="＋ 新建申请").click()
    med.wait_for_url("**/m/new")
    # live validation as you type, with the server's rules
    med.fill("#parties\\[0\\]\\.id_number", "110105194912310021")
    assert "校验位不正确" in med.inner_text("#err-parties\\[0\\]\\.id_number")
    med.fill("#parties\\[0\\]\\.id_number", "11010519491231002X")
    assert med.inner_text("#err-parties\\[0\\]\\.id_number") == ""
    med.select_option("#dispute_type", "其他")  # Interp. 355 (3): a listed name is told at once, as the server says it
    med.fill("#dispute_type_other", "离婚纠纷")
    assert "身份关系" in med.inner_text("#err-dispute_type_other")
    assert med.locator("#dispute_type option", has_text="买卖合同纠纷").count() == 1  # the pick-list
    med.fill("#dispute_type_other", "")
    assert med.inner_text("#err-dispute_type_other") == ""
    med.fill("#mediation\\.concluded_on", (china_today() - timedelta(days=40)).isoformat())
    # the court flags late applications (the default): the hint warns but does not mark the field invalid
    assert "第八十六条" in med.inner_text("#err-mediation\\.concluded_on")
    assert med.get_attribute("#mediation\\.concluded_on", "aria-invalid") == "false"
    # a third party can be added and removed
    med.get_by_role("button", name="＋ 添加申请人").click()
    assert med.locator("fieldset.party").count() == 3
    med.locator("fieldset.party").nth(2).get_by_role("button", name="删除此申请人").click()
    assert med.locator("fieldset.party").count() == 2
    med.select_option("#dispute_type", "买卖合同纠纷")
    med.fill("#parties\\[0\\]\\.name", "张三")
    med.select_option("#parties\\[0\\]\\.ethnicity", "土家族")  # one of the 56, from a list
    med.fill("#parties\\[0\\]\\.occupation", "个体工商户")
    assert med.locator("#parties\\[0\\]\\.guardian_name").is_visible()  # a person's 法定代理人
    assert not med.locator("#parties\\[0\\]\\.representative_title").is_visible()
    med.fill("#parties\\[0\\]\\.phone", "13800000000")
    med.fill("#parties\\[0\\]\\.address", "重庆市秀山土家族苗族自治县中和街道渝秀大道1号")
    second = med.locator("fieldset.party").nth(1)
    second.get_by_label("单位", exact=True).check()
    med.fill("#parties\\[1\\]\\.name", "秀山县武陵建材有限公司")
    med.fill("#parties\\[1\\]\\.credit_code", "914403001922038217")
    assert "校验位不正确" in med.inner_text("#err-parties\\[1\\]\\.credit_code")
    med.fill("#parties\\[1\\]\\.credit_code", "914403001922038216")
    med.fill("#parties\\[1\\]\\.representative", "李四")
    # an organisation: 法定代表人 or 负责人 with 职务; no 民族 or identity document
    assert not second.locator("#parties\\[1\\]\\.ethnicity").is_visible()
    med.select_option("#parties\\[1\\]\\.representative_role", "legal_representative")
    med.fill("#parties\\[1\\]\\.representative_title", "总经理")
    med.fill("#parties\\[1\\]\\.phone", "1390000000")  # one digit short: the server must say so too
    med.fill("#parties\\[1\\]\\.address", "重庆市秀山土家族苗族自治县工业园区2号")
    med.fill("#mediation\\.concluded_on", (china_today() - timedelta(days=2)).isoformat())
    med.fill("#mediation\\.place", "秀山县中和派出所驻所调解室")
    med.fill("#agreement\\.text", "一、秀山县武陵建材有限公司于2026年12月31日前向张三支付货款人民币12000元。\n二、双方就本纠纷再无其他争议。")
    med.fill("#agreement\\.amount", "12000.00")
    # the draft is kept on the tablet
    draft = med.evaluate("localStorage.getItem('jiudi-draft:mediator:new-application')")
    assert "张三" in draft and "idempotency_key" in draft
    shoot(med, "03-mediator-new-application")
    # the server's 422 is the truth, shown next to the field; the tablet posts to the form's own address
    posted: list[str] = []
    med.on("request", lambda req: posted.append(req.url) if req.method == "POST" else None)
    med.get_by_role("button", name="保存并继续（上传材料、签名）").click()
    med.wait_for_selector(".field.invalid")
    assert "手机号码应为以1开头的11位数字" in med.inner_text("#err-parties\\[1\\]\\.phone")
    # the first field in error has the focus (once the deferred script has run)
    wait_until(med, "document.activeElement && document.activeElement.id === 'parties[1].phone'")
    shoot(med, "04-mediator-new-application-errors")
    assert posted and all(url.endswith("/m/new") for url in posted), posted  # never /m/[object RadioNodeList]
    med.fill("#parties\\[1\\]\\.phone", "13900000000")
    with med.expect_navigation(url=re.compile(r".*/m/a/.+")):
        med.get_by_role("button", name="保存并继续（上传材料、签名）").click()
    app_id = med.url.split("/m/a/")[1].split("?")[0]
    assert med.evaluate("localStorage.getItem('jiudi-draft:mediator:new-application')") is None

    # documents: the agreement scanned (file input), the joint application signed on the pads
    file_input = med.locator("#file")
    assert file_input.get_attribute("accept") == "image/*,application/pdf"
    assert file_input.get_attribute("capture") is None  # capture would force the camera on Android: no scans
    file_input.set_input_files({"name": "调解协议.pdf", "mimeType": "application/pdf", "buffer": a_pdf("agreement")})
    med.locator("#upload-list select").select_option("agreement")  # a type per file (tests/pages/test_tablet_uploads.py)
    with med.expect_navigation(url=re.compile(r".*done=uploaded")):
        med.get_by_role("button", name="上传", exact=True).click()
    # what is still missing before the court will take it is said where the mediator submits
    assert "调解协议：已上传" in med.inner_text("#required-documents")
    assert "联合申请书（签名）：尚未上传" in med.inner_text("#required-documents .missing")
    med.get_by_role("button", name="生成签名页并上传").click()
    assert "请张三在签名区签名" in med.get_by_role("alert").inner_text()
    for pad in med.locator("#joint-form .pad").all():
        sign(med, pad)
    shoot(med, "05-mediator-application-signing")
    with med.expect_navigation():
        med.get_by_role("button", name="生成签名页并上传").click()
    assert med.get_by_role("link", name="联合申请书签名页.png").count() == 1
    assert med.locator("#required-documents .missing").count() == 0
    with med.expect_navigation():
        med.get_by_role("button", name="提交司法确认申请").click()
    assert "已提交待审查" in med.inner_text("#status")
    assert med.locator("#party-confirmations .party-qr img").count() == 2  # a QR code per party on the tablet
    shoot(med, "06-mediator-application-submitted")

    # 1b. each party confirms the agreement on their own phone, and the mediator's page follows live
    person_phone = confirm_on_phone(browser, base, app_id, "张三", "31002X", shots=True)
    confirm_on_phone(browser, base, app_id, "秀山县武陵建材有限公司", "038216", electronic=True)
    wait_until(med, "document.querySelectorAll('#party-confirmations .pc-confirmed').length === 2")
    assert med.locator("#party-confirmations .party-qr").count() == 0

    # 2. it arrives in the judge's queue without a reload, with a visible cue
    judge.wait_for_selector(f"tr[data-id='{app_id}'].arrived", timeout=10_000)
    assert judge.evaluate("window.__sameDocument") is True
    assert "新到 1 件申请" in judge.inner_text("#live-state")
    assert "3日受理期限" in judge.inner_text(f"tr[data-id='{app_id}']")
    wait_until(judge,   # the parties' own confirmations reached the queue live
        f"document.querySelector(\"tr[data-id='{app_id}'] .confirm-count\").textContent.trim().startsWith('2/2')")
    shoot(judge, "11-judge-queue-arrived")
    judge.click(f"tr[data-id='{app_id}'] a")
    judge.wait_for_url(f"**/j/a/{app_id}")
    shoot(judge, "12-judge-review-unclaimed")
    judge.get_by_role("button", name="领取审查（收案，编定案号）").click()
    judge.wait_for_selector("#decision-form")  # the page after the claim's redirect
    assert re.search(r"（\d{4}）渝0241民特1号", judge.inner_text("body"))
    assert judge.locator("img[alt='联合申请书（签名）']").count() == 1
    assert judge.locator("embed[type='application/pdf']").count() == 1
    # the decision form: five outcomes, their grounds from the legal texts
    assert judge.locator("input[name=outcome]").count() == 4  # 按撤回申请处理 only after a deadline to supplement
    assert judge.locator("#clerk option:checked").inner_text() == "吴书记"  # the clerk named on the ruling
    assert judge.locator("#party-confirmations .pc-confirmed").count() == 2  # the parties' own confirmations
    assert judge.locator("#waivers").count() == 0  # nobody to account for
    shoot(judge, "13-judge-review-decision-form")
    # nothing is preset: no outcome, no verification method, no time
    assert judge.locator("input[name=outcome]:checked").count() == 0
    assert judge.input_value("#verification_method") == "" and judge.input_value("#verification_at") == ""
    assert not judge.locator("#verification").is_visible()  # shown once an outcome that states it is chosen
    judge.get_by_label("确认调解协议有效").check()
    assert judge.locator("#verification").is_visible()
    judge.select_option("#verification_method", "video")
    judge.fill("#verification_at", datetime.now(CHINA).strftime("%Y-%m-%dT%H:%M"))
    with judge.expect_navigation():
        judge.get_by_role("button", name="作出裁定（下一步核对后盖章）").click()
    summary = judge.inner_text("#decision-summary")  # the last look: what will be sealed, in the judge's words
    assert "经视频核实" in summary and re.search(r"以“确认调解协议有效”出具（\d{4}）渝0241民特1号民事裁定书", summary)
    assert "盖章后不可撤回" in summary and "书记员：吴书记" in summary
    shoot(judge, "13b-judge-decision-summary")
    judge.get_by_role("button", name="确认无误，盖章出具").click()
    judge.wait_for_selector("#ruling-link", timeout=30_000)
    shoot(judge, "14-judge-ruling-issued")

    # 3. the mediator's page shows the notice (live), downloads the ruling, serves the parties
    med.wait_for_selector("#ruling-link", timeout=30_000)
    assert "法院已出具裁定书：确认调解协议有效" in med.inner_text(".notice-ruling")
    pdf = med.request.get(base + med.get_attribute("#ruling-link", "href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    ruling = pdf.body()
    assert ruling.startswith(b"%PDF")
    shoot(med, "07-mediator-ruling-notice")
    # the party's own page now shows the ruling, and how to check it
    person_phone.reload()
    assert "确认调解协议有效" in person_phone.inner_text("#outcome")
    assert person_phone.request.get(base + person_phone.get_attribute("#ruling-link", "href")).body() == ruling
    shoot(person_phone, "23-party-ruling-ready")
    # the person signs on the tablet; the company, which agreed to electronic service, is served by text message
    person, company = med.locator("#service-form fieldset.recipient").all()
    sign(med, person.locator(".pad"))
    company.locator("select[data-method]").select_option("electronic")
    assert not company.locator(".pad").is_visible()
    address = company.get_by_label("受送达人确认的电子送达地址（手机号码或电子邮箱）")
    assert address.is_visible() and address.input_value() == "13900000000"  # the phone on the application
    consent = company.get_by_label("同意电子送达的依据（《人民法院在线诉讼规则》第二十九条第二款）")
    assert consent.is_visible() and consent.input_value() == ""  # the phone on the application needs no other basis
    # nothing preset on the receipt: the place and the time are the mediator's own entries
    assert med.input_value("#place") == "" and med.input_value("#served_at") == ""
    # the page was opened a minute ago (its max is that minute): 现在 must still be a time the form accepts
    earlier = (datetime.now(CHINA) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    med.locator("#served_at").evaluate("(input, earlier) => { input.max = earlier; }", earlier)
    med.click("#place-as-mediation")
    med.click("#served-now")
    assert med.input_value("#place") == "秀山县中和派出所驻所调解室" and med.input_value("#served_at") != ""
    shoot(med, "07b-mediator-service-electronic")
    med.get_by_role("button", name="确认送达").click()
    med.wait_for_selector("#receipt-link", timeout=15_000)
    assert "已送达" in med.inner_text("#status")
    assert "电子送达至 13900000000" in med.inner_text("main")
    receipt = med.request.get(base + med.get_attribute("#receipt-link", "href"), timeout=30_000)
    assert receipt.status == 200 and receipt.body().startswith(b"%PDF")
    voucher = med.request.get(base + med.get_attribute(".voucher-link", "href"), timeout=30_000)
    assert voucher.status == 200 and voucher.body().startswith(b"%PDF")
    shoot(med, "08-mediator-served")
    med.goto(f"{base}/m")
    assert "已送达" in med.inner_text("table.list")
    shoot(med, "09-mediator-dashboard")

    # 4. the public page shows the verdict; an altered PDF is not genuine
    public = browser.new_context(viewport=TABLET, locale="zh-CN").new_page()
    verify_href = med.goto(f"{base}/m/a/{app_id}") and med.get_attribute("#verify-link", "href")
    public.goto(base + verify_href)
    assert "文书真实，本院出具" in public.content()
    shoot(public, "30-public-verify-token")
    public.goto(f"{base}/v")
    shoot(public, "31-public-verify-home")
    public.set_input_files("#file", {"name": "ruling.pdf", "mimeType": "application/pdf", "buffer": ruling})
    public.get_by_role("button", name="核验文件").click()
    public.wait_for_url("**/v/upload")
    assert "文书真实，本院出具" in public.inner_text(".verdict")
    altered = ruling.replace(b"12000", b"92000", 1) if b"12000" in ruling else ruling[:2000] + b"X" + ruling[2001:]
    public.goto(f"{base}/v")
    public.set_input_files("#file", {"name": "ruling.pdf", "mimeType": "application/pdf", "buffer": altered})
    public.get_by_role("button", name="核验文件").click()
    public.wait_for_url("**/v/upload")
    assert "不能确认为真实文书" in public.inner_text(".verdict")
    shoot(public, "32-public-verify-altered")

    # 5. the court voids the company's service (say the number was wrong); the voucher then verifies as voided
    judge.goto(f"{base}/j/a/{app_id}")
    record = judge.locator("#service-record")
    assert "电子送达至 13900000000" in record.inner_text()
    company_form = record.locator("form.void-service").nth(1)
    company_form.get_by_label("作废秀山县武陵建材有限公司的送达记录的理由（如地址填错、签收人不是本人）").fill("手机号码填错")
    button = company_form.get_by_role("button", name="作废此送达记录")
    button.scroll_into_view_if_needed()  # Playwright's own scrolling misplaces clicks below the embedded PDF
    button.click()
    judge.wait_for_selector("li.voided-service")
    assert "手机号码填错" in judge.inner_text("li.voided-service") and "裁定书已出具" in judge.inner_text("main")
    shoot(judge, "15-judge-service-voided")
    public.goto(f"{base}/v")
    public.set_input_files("#file", {"name": "voucher.pdf", "mimeType": "application/pdf", "buffer": voucher.body()})
    public.get_by_role("button", name="核验文件").click()
    public.wait_for_url("**/v/upload")
    assert "已被法院作废" in public.inner_text(".verdict")
    med.goto(f"{base}/m/a/{app_id}")
    assert "请重新送达" in med.inner_text("main")  # the mediator sees it and can serve the company again

    # a page being typed into is not reloaded under the typist's hands: it says there is news instead
    judge.locator("#void_reason_1").fill("签收人不是张三本人")
    token = httpx.post(f"{base}/api/v1/auth/token",
                       data={"username": "clerk", "password": passwords["clerk"]}).json()["access_token"]
    voided = httpx.post(f"{base}/api/v1/applications/{app_id}/service/1/void", json={"reason": "签收人不是本人"},
                        headers={"Authorization": f"Bearer {token}"})
    assert voided.status_code == 200, voided.text
    judge.wait_for_selector("#news")
    assert judge.locator("#void_reason_1").input_value() == "签收人不是张三本人"  # still there
    again = judge.get_by_role("button", name="刷新查看（未提交的内容将丢失）")
    again.scroll_into_view_if_needed()
    again.click()
    wait_until(judge, "document.querySelectorAll('li.voided-service').length === 2")


def test_admin_disables_and_resets(browser, live_server):  # type: ignore[no-untyped-def]
    base, _jiudi, passwords = live_server
    judge2 = login(browser, base, "judge2", passwords["judge2"])
    assert judge2.url.endswith("/j")
    admin = login(browser, base, "admin", passwords["admin"])
    assert admin.url.endswith("/admin")
    shoot(admin, "20-admin")
    courts = admin.locator("form[action='/admin/courts']")
    courts.get_by_label("名称").fill("重庆市酉阳土家族苗族自治县人民法院")
    courts.get_by_label("代字").fill("渝0242")
    admin.get_by_role("button", name="添加法院").click()
    assert "法院已添加" in admin.get_by_role("status").first.inner_text()
    form = admin.locator("form[action='/admin/users']")
    form.get_by_label("用户名").fill("zhou")
    form.get_by_label("姓名").fill("周法官")
    form.get_by_label("角色").select_option("judge")
    form.get_by_label("法院代字").fill("渝0241")
    form.get_by_role("button", name="创建用户").click()
    new_password = admin.inner_text("#new-password")
    assert len(new_password) >= 10
    with httpx.Client(base_url=base) as http:
        assert http.post("/api/v1/auth/token", data={"username": "zhou", "password": new_password}).status_code == 200
    # disabling judge2: the open session stops working at once
    admin.get_by_role("button", name="停用 judge2").click()
    assert "已停用" in admin.get_by_role("status").first.inner_text()
    judge2.reload()
    assert "/login" in judge2.url
    admin.get_by_role("button", name="重置 mediator 的密码").click()
    reset = admin.inner_text("#new-password")
    shoot(admin, "21-admin-password-reset")
    with httpx.Client(base_url=base) as http:
        assert http.post("/api/v1/auth/token", data={"username": "mediator", "password": reset}).status_code == 200
        assert http.post("/api/v1/auth/token",
                         data={"username": "mediator", "password": passwords["mediator"]}).status_code == 401
