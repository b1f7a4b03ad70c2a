"""Performance after the ruling in Chromium (issue 15 items 2 and 3): on their own phones the obligor uploads a
transfer receipt and the obligee answers 已履行 / 部分履行 / 未履行; on the tablet the mediator records an act they
witnessed, with a proof; then both phones and the tablet offer the sealed 自动履行证明书. Screenshots:
24-party-performance-*.png, 25-party-certificate-*.png, 07f-mediator-performance-*.png and
26-performance-certificate.png (the certificate's first page)."""

from __future__ import annotations

import io
import subprocess

import httpx
from PIL import Image

from tests.api.test_performance_api import OBLIGATIONS, TEXT
from tests.pages.conftest import PHONE, SHOTS, shoot
from tests.pages.test_staff_pages import ANDROID, login
from tests.support import Staff, application_body, party_link_token, party_session, verification_now


def a_receipt_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (300, 500), (240, 240, 240)).save(buf, "PNG")
    return buf.getvalue()


def on_phone(browser, base, token, bearer):  # type: ignore[no-untyped-def]
    """The party's phone with the session its verification set (the cookie of /p/{token}/session)."""
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, user_agent=ANDROID)
    ctx.add_cookies([{"name": "jiudi_party", "value": bearer, "url": base}])
    page = ctx.new_page()
    page.goto(f"{base}/p/{token}")
    return page


def test_the_parties_answer_and_prove_on_their_phones_and_the_mediator_records_what_they_witnessed(
        browser, live_server, tmp_path):  # type: ignore[no-untyped-def]
    base, _runtime, passwords = live_server
    with httpx.Client(base_url=base, timeout=60) as api:
        m = Staff(api, "mediator", passwords["mediator"])
        body = application_body(obligations=OBLIGATIONS)
        body["agreement"] = {"text": TEXT, "amount": "12000.00"}
        app_id = m.filed(body, confirmed=False)
        person, company = m.get(f"/api/v1/applications/{app_id}").json()["parties"]
        bearers = {}
        for party in (person, company):
            headers = party_session(api, app_id, party)
            bearers[party["id"]] = headers["Authorization"].split()[1]
            assert api.post("/api/v1/party/me/confirmation", headers=headers,
                            json={"decision": "confirm"}).status_code == 200
        judge = Staff(api, "judge", passwords["judge"])
        judge.post(f"/api/v1/applications/{app_id}/claim")
        r = judge.post(f"/api/v1/applications/{app_id}/decision",
                       json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
        assert r.json()["status"] == "issued", r.text
        first, second, act = [o["id"] for o in r.json()["obligations"]]
        tokens = {p["id"]: party_link_token(api, app_id, p["id"]) for p in (person, company)}

    # the company (obligor of the sums) uploads its transfer receipt; a file that is not one is refused in Chinese
    payer = on_phone(browser, base, tokens[company["id"]], bearers[company["id"]])
    item = payer.locator(f"#obligation-{first}")
    assert "您是履行人" in item.inner_text() and item.locator("button", has_text="已履行").count() == 0
    (tmp_path / "凭证.png").write_bytes(b"this is not an image")
    item.locator("input[type=file]").set_input_files(str(tmp_path / "凭证.png"))
    with payer.expect_navigation():
        item.get_by_role("button", name="上传凭证").click()
    assert "只能上传PDF、JPEG或PNG文件" in payer.inner_text("#form-error")
    (tmp_path / "转账凭证.png").write_bytes(a_receipt_png())
    payer.locator(f"#obligation-{first} input[type=file]").set_input_files(str(tmp_path / "转账凭证.png"))
    with payer.expect_navigation():
        payer.locator(f"#obligation-{first}").get_by_role("button", name="上传凭证").click()
    assert "履行凭证已上传" in payer.inner_text("#form-notice")
    assert "履行凭证：转账凭证.png" in payer.inner_text(f"#obligation-{first}")

    # 张三 (obligee of the sums) answers from his phone: the second instalment only partly, with a note
    payee = on_phone(browser, base, tokens[person["id"]], bearers[person["id"]])
    assert "履行凭证：转账凭证.png" in payee.inner_text(f"#obligation-{first}")
    with payee.expect_navigation():
        payee.locator(f"#obligation-{first}").get_by_role("button", name="已履行").click()
    assert "已登记履行情况" in payee.inner_text("#form-notice")
    assert payee.inner_text(f"#obligation-{first} .state") == "已履行"
    assert payee.locator(f"#obligation-{first} form").count() == 0  # closed: no second answer offered
    payee.locator(f"#obligation-{second} input[name=note]").fill("只收到3000元")
    with payee.expect_navigation():
        payee.locator(f"#obligation-{second}").get_by_role("button", name="部分履行").click()
    assert payee.inner_text(f"#obligation-{second} .state") == "部分履行"
    # 张三 owes the act: not his to answer, his to prove
    assert payee.locator(f"#obligation-{act} .answer-form").count() == 0
    assert payee.locator(f"#obligation-{act} .proof-form").count() == 1
    shoot(payee, "24-party-performance")

    # the mediator witnessed the samples returned: 已履行 needs a proof, then is recorded with one
    med = login(browser, base, "mediator", passwords["mediator"])
    med.goto(f"{base}/m/a/{app_id}")
    form = med.locator(f"#obligation-{act} form")
    with med.expect_navigation():
        form.get_by_role("button", name="登记见证的履行情况").click()
    assert "须附履行凭证" in med.inner_text("main")
    (tmp_path / "交接照片.png").write_bytes(a_receipt_png())
    med.locator(f"#obligation-{act} input[type=file]").set_input_files(str(tmp_path / "交接照片.png"))
    med.locator(f"#obligation-{act} input[name=note]").fill("样品已当面点交")
    with med.expect_navigation():
        med.locator(f"#obligation-{act}").get_by_role("button", name="登记见证的履行情况").click()
    assert "调解员登记：已履行（样品已当面点交）" in med.inner_text(f"#obligation-{act}")
    assert med.locator("#certificate-link").count() == 0  # the second instalment is not yet performed

    # the rest arrives; 张三 says so and the certificate is sealed for both parties
    payee.reload()
    with payee.expect_navigation():
        payee.locator(f"#obligation-{second}").get_by_role("button", name="已履行").click()
    for _ in range(40):
        payee.reload()
        if payee.locator("#certificate-link").count():
            break
        payee.wait_for_timeout(500)
    assert payee.locator("#certificate-link").count() == 1
    shoot(payee, "25-party-certificate")
    with httpx.Client(base_url=base, timeout=60) as api:
        cookies = {"jiudi_party": bearers[company["id"]]}
        pdf = api.get("/api/v1/party/me/performance-certificate.pdf", cookies=cookies)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    med.reload()
    assert med.locator("#certificate-link").count() == 1
    shoot(med, "07f-mediator-performance")

    SHOTS.mkdir(parents=True, exist_ok=True)
    (tmp_path / "cert.pdf").write_bytes(pdf.content)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "cert.pdf"),
                    str(SHOTS / "26-performance-certificate")], check=True)
    for ctx in (payer.context, payee.context, med.context):
        ctx.close()
