"""The mediator's service form in Chromium (issue 13 item 7): 留置送达 when the recipient refuses to sign (CPL 89),
with its fields shown only for that method, the photo read from the file chosen; 代收 (CPL 88) and 备考 in person.
Screenshot: 07e-mediator-service-refusal-*.png."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess

import httpx
from PIL import Image

from tests.pages.conftest import shoot
from tests.pages.test_staff_pages import login, sign, wait_until
from tests.support import Staff, decided


def jpeg_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (150, 120, 90)).save(out, format="JPEG")
    return out.getvalue()


def test_a_refusing_party_is_served_by_leaving_the_ruling_with_a_witness_and_a_photo(browser, live_server):  # type: ignore[no-untyped-def]
    base, runtime, passwords = live_server
    with httpx.Client(base_url=base, timeout=30) as api:
        app_id = decided(api, passwords, "confirmed", [])
    med = login(browser, base, "mediator", passwords["mediator"])
    med.goto(f"{base}/m/a/{app_id}")
    person, company = med.locator("#service-form fieldset.recipient").all()
    refusal = person.get_by_label("拒收情况（受送达人如何拒绝签收）")
    assert not refusal.is_visible()  # in person by default: the pad and the receiver, not the refusal
    assert person.get_by_label("代收人姓名（受送达人本人签收的不填）").is_visible()
    person.locator("select[data-method]").select_option("left_at_residence")
    assert refusal.is_visible() and not person.locator(".pad").is_visible()
    assert not person.get_by_label("代收人姓名（受送达人本人签收的不填）").is_visible()
    refusal.fill("受送达人称不认可调解协议，拒绝接收并拒绝签名")
    person.get_by_label("见证人姓名（无见证人的须拍照）").fill("赵居委")
    person.get_by_label("见证人单位（基层组织或受送达人所在单位）").fill("中和街道凤凰社区居民委员会")
    photo = jpeg_photo()
    person.get_by_label("留置过程照片（JPEG或PNG，不超过8MB）").set_input_files(
        {"name": "door.jpg", "mimeType": "image/jpeg", "buffer": photo})
    wait_until(med, "document.querySelector(\"[name^='photo_']\").value.startsWith('data:image/jpeg;base64,')")
    # the company's office manager signs for it
    sign(med, company.locator(".pad"))
    company.get_by_label("代收人姓名（受送达人本人签收的不填）").fill("李四")
    company.get_by_label("代收理由（如：受送达人的同住成年家属、诉讼代理人、单位负责收件的人）").fill(
        "该公司负责收件的人（办公室主任）")
    med.fill("#place", "重庆市秀山县中和街道凤凰路8号")
    med.click("#served-now")
    med.fill("#remarks", "留置时受送达人之子在场。")
    shoot(med, "07e-mediator-service-refusal")
    med.get_by_role("button", name="确认送达").click()
    med.wait_for_selector("#receipt-link", timeout=15_000)
    assert "留置送达（受送达人拒绝签收）" in med.inner_text("main")

    with httpx.Client(base_url=base, timeout=30) as api:
        detail = Staff(api, "mediator", passwords["mediator"]).get(f"/api/v1/applications/{app_id}").json()
    left, received = detail["service"]["recipients"]
    assert left["method"] == "left_at_residence" and left["signed"] is False
    assert left["photo_sha256"] == hashlib.sha256(photo).hexdigest() and left["witness_name"] == "赵居委"
    assert received["signed"] is True and received["receiver_name"] == "李四"
    pdf = med.request.get(base + med.get_attribute("#receipt-link", "href"), timeout=30_000).body()
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                                             check=True).stdout.decode())
    assert "拒绝签收，拒收情况：受送达人称不认可调解协议，拒绝接收并拒绝签名。" in text
    assert "见证人赵居委（中和街道凤凰社区居民委员会）到场见证。" in text
    assert hashlib.sha256(photo).hexdigest() in text and "留置时受送达人之子在场。" in text
    med.context.close()

