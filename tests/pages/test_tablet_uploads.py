"""Uploads on a tablet (issue 14 item 5) in Chromium: several files at once, a preview and a type each, a wrong
upload taken back, the signing pads gone once a signed joint application is filed, and the dispute type from a
searchable pick-list, with 其他 in one's own words refused by meaning in Chinese."""

from __future__ import annotations

import io
import re

from confirm.core.clock import china_today
from tests.pages.conftest import shoot
from tests.pages.test_staff_pages import login, wait_until
from tests.support import a_pdf


def a_photo(colour: str) -> bytes:
    """A photo as the tablet's camera gives it (a real PNG, 640×480)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 480), colour)
    ImageDraw.Draw(img).rectangle((80, 60, 560, 420), outline="black", width=12)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def fill_application(page) -> None:  # type: ignore[no-untyped-def]
    """Every field but the dispute type, valid."""
    page.fill("#parties\\[0\\]\\.name", "张三")
    page.fill("#parties\\[0\\]\\.id_number", "11010519491231002X")
    page.select_option("#parties\\[0\\]\\.ethnicity", "汉族")
    page.fill("#parties\\[0\\]\\.phone", "13800000000")
    page.fill("#parties\\[0\\]\\.address", "重庆市秀山土家族苗族自治县中和街道渝秀大道1号")
    page.locator("fieldset.party").nth(1).get_by_label("单位", exact=True).check()
    page.fill("#parties\\[1\\]\\.name", "秀山县武陵建材有限公司")
    page.fill("#parties\\[1\\]\\.credit_code", "914403001922038216")
    page.fill("#parties\\[1\\]\\.representative", "李四")
    page.fill("#parties\\[1\\]\\.representative_title", "经理")
    page.fill("#parties\\[1\\]\\.phone", "13900000000")
    page.fill("#parties\\[1\\]\\.address", "重庆市秀山土家族苗族自治县工业园区2号")
    page.fill("#mediation\\.concluded_on", china_today().isoformat())
    page.fill("#mediation\\.place", "秀山县中和派出所驻所调解室")
    page.fill("#agreement\\.text", "一、秀山县武陵建材有限公司于2026年12月31日前向张三支付货款人民币12000元。")


def test_uploads_on_a_tablet(browser, live_server):  # type: ignore[no-untyped-def]
    base, _runtime, passwords = live_server
    med = login(browser, base, "mediator", passwords["mediator"])
    med.on("dialog", lambda dialog: dialog.accept())  # 确定删除…？

    # the dispute type: a pick-list with a search box; nothing found means 其他, in the words typed
    med.goto(f"{base}/m/new")
    assert not med.is_visible("#dispute_type_other")
    fill_application(med)
    med.fill("#dispute-search", "借贷")
    assert med.input_value("#dispute_type") == "民间借贷纠纷"
    assert med.locator("#dispute_type option").all_inner_texts() == ["请选择纠纷类型", "民间借贷纠纷", "其他（自行填写）"]
    med.fill("#dispute-search", "解除婚姻关系")
    assert med.input_value("#dispute_type") == "其他" and med.is_visible("#dispute_type_other")
    assert med.input_value("#dispute_type_other") == "解除婚姻关系"
    med.get_by_role("button", name="保存并继续（上传材料、签名）").click()
    med.wait_for_selector(".field.invalid #dispute_type_other")
    assert "婚姻关系" in med.inner_text("#err-dispute_type_other")  # refused by meaning, in Chinese
    assert "依法不能申请司法确认" in med.inner_text("[role=alert]")
    shoot(med, "03b-mediator-dispute-type-other-refused")
    med.fill("#dispute-search", "")  # every listed type is offered again
    assert med.locator("#dispute_type option", has_text="买卖合同纠纷").count() == 1
    med.select_option("#dispute_type", "买卖合同纠纷")
    assert not med.is_visible("#dispute_type_other")
    with med.expect_navigation(url=re.compile(r".*/m/a/.+")):
        med.get_by_role("button", name="保存并继续（上传材料、签名）").click()

    # two files at once: a photo and a scanned PDF, each previewed, each with its own type
    file_input = med.locator("#file")
    assert file_input.get_attribute("accept") == "image/*,application/pdf"
    assert file_input.get_attribute("capture") is None and file_input.get_attribute("multiple") is not None
    assert not med.is_visible("#kind")  # one type per file instead
    file_input.set_input_files([
        {"name": "身份证照片.png", "mimeType": "image/png", "buffer": a_photo("#d9e8f5")},
        {"name": "调解协议.pdf", "mimeType": "application/pdf", "buffer": a_pdf("agreement")},
    ])
    items = med.locator("#upload-list .upload-item")
    assert items.count() == 2
    wait_until(med, "document.querySelector('#upload-list img.preview').naturalWidth === 640")
    assert med.get_attribute("#upload-list img.preview", "src").startswith("blob:")  # shown before any upload
    assert items.nth(1).locator(".preview.pdf").count() == 1
    med.get_by_role("button", name="上传", exact=True).click()
    assert "请为“身份证照片.png”选择材料类型" in med.inner_text("#upload-status")
    items.nth(0).locator("select").select_option("evidence")  # wrong: it is an identity document
    items.nth(1).locator("select").select_option("agreement")
    med.locator("#uploads").scroll_into_view_if_needed()
    shoot(med, "05b-mediator-uploads-selected")
    with med.expect_navigation(url=re.compile(r".*done=uploaded")):
        med.get_by_role("button", name="上传", exact=True).click()
    assert "材料已上传" in med.inner_text("[role=status]")
    docs = med.inner_text("#documents")
    assert "其他证据材料：身份证照片.png" in docs and "调解协议：调解协议.pdf" in docs

    # the wrong one is taken back, then filed again with the right type
    with med.expect_navigation(url=re.compile(r".*done=removed")):
        med.locator("#documents li", has_text="身份证照片.png").get_by_role("button", name="删除").click()
    assert "身份证照片.png" not in med.inner_text("#documents") and "调解协议.pdf" in med.inner_text("#documents")

    # a refused file is named and kept in the list; the others go through
    file_input.set_input_files([
        {"name": "身份证照片.png", "mimeType": "image/png", "buffer": a_photo("#f5e6d9")},
        {"name": "笔记.txt", "mimeType": "text/plain", "buffer": "不是扫描件".encode()},
    ])
    items.nth(0).locator("select").select_option("identity")
    items.nth(1).locator("select").select_option("evidence")
    med.get_by_role("button", name="上传", exact=True).click()
    wait_until(med, "document.querySelectorAll('#upload-list .upload-item.failed').length === 1")
    assert items.count() == 1 and "笔记.txt" in items.nth(0).inner_text()
    assert "PDF" in items.nth(0).locator(".upload-state").inner_text()  # the server's Chinese reason
    assert "1个文件未上传" in med.inner_text("#upload-status")
    items.nth(0).get_by_role("button", name="不上传").click()
    assert items.count() == 0

    # the signed joint application, uploaded as a scan, replaces the signing pads
    med.reload()
    assert "身份证明：身份证照片.png" in med.inner_text("#documents")
    assert med.locator("#joint-form .pad").count() == 2
    file_input.set_input_files({"name": "联合申请书.pdf", "mimeType": "application/pdf", "buffer": a_pdf("joint")})
    items.nth(0).locator("select").select_option("joint_application")
    with med.expect_navigation(url=re.compile(r".*done=uploaded")):
        med.get_by_role("button", name="上传", exact=True).click()
    assert med.locator("#joint-form").count() == 0 and med.locator(".pad").count() == 0
    assert "已上传签名的联合申请书" in med.inner_text("#joint-filed")
    assert med.locator("#required-documents .missing").count() == 0
    shoot(med, "05c-mediator-uploads-filed")
