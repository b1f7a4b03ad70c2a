"""The obligations section of the mediator's form in a real browser: 识别 fills the rows from the agreement's text
(the tablet's draft does not overwrite them), the mediator corrects a row, and the chosen values are stored."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import col, select

from confirm.core.clock import china_today
from confirm.models import Obligation
from tests.pages.test_staff_pages import login


def test_the_mediator_recognises_corrects_and_stores_the_obligations(browser, live_server):  # type: ignore[no-untyped-def]
    base, runtime, passwords = live_server
    first, second = china_today() + timedelta(days=31), china_today() + timedelta(days=62)
    med = login(browser, base, "mediator", passwords["mediator"])
    med.goto(f"{base}/m/new")
    med.select_option("#dispute_type", "民间借贷纠纷")
    for i, (name, number, phone) in enumerate((("张三", "11010519491231002X", "13800000000"),
                                               ("欧阳娜娜", "110105198001010016", "13900000000"))):
        med.fill(f"#parties\\[{i}\\]\\.name", name)
        med.fill(f"#parties\\[{i}\\]\\.id_number", number)
        med.select_option(f"#parties\\[{i}\\]\\.ethnicity", "汉族")
        med.fill(f"#parties\\[{i}\\]\\.phone", phone)
        med.fill(f"#parties\\[{i}\\]\\.address", "重庆市秀山土家族苗族自治县中和街道渝秀大道1号")
    med.fill("#mediation\\.concluded_on", (china_today() - timedelta(days=2)).isoformat())
    med.fill("#mediation\\.place", "秀山县中和派出所驻所调解室")
    med.fill("#agreement\\.text", f"欧阳娜娜分两期向张三归还借款：{first:%Y年%-m月%-d日}前归还人民币壹万元，"
                                  f"{second:%Y年%-m月%-d日}前归还2000元。")
    med.get_by_role("button", name="从协议内容识别").click()
    med.wait_for_selector("#obligations-note")
    assert "识别出2项履行义务" in med.inner_text("#obligations-note")
    assert med.input_value("#obligations\\[0\\]\\.amount") == "10000.00"
    assert med.input_value("#obligations\\[0\\]\\.obligor") == "1"  # 欧阳娜娜, the second party
    assert med.input_value("#obligations\\[1\\]\\.due_on") == second.isoformat()
    assert med.input_value("#parties\\[1\\]\\.name") == "欧阳娜娜"  # what was typed is kept
    # the mediator corrects the second row to a sum the text does not hold: the server says so at the field
    med.fill("#obligations\\[1\\]\\.amount", "2500")
    med.get_by_role("button", name="保存并继续（上传材料、签名）").click()
    med.wait_for_selector(".field.invalid")
    assert "在调解协议内容中没有出现" in med.inner_text("#err-obligations\\[1\\]\\.amount")
    med.fill("#obligations\\[1\\]\\.amount", "2000")
    with med.expect_navigation(url=re.compile(r".*/m/a/.+")):  # (the corrected field's error goes as it is typed
        med.get_by_role("button", name="保存并继续（上传材料、签名）").click()  # in: the button stays under the finger)
    app_id = med.url.split("/m/a/")[1].split("?")[0]
    with runtime.unit_of_work() as session:
        stored = session.exec(select(Obligation).where(Obligation.application_id == app_id)
                              .order_by(col(Obligation.position))).all()
        rows = [(o.obligor, o.obligee, o.kind, o.amount_fen, o.due_on) for o in stored]
    assert rows == [(1, 0, "money", 1_000_000, first), (1, 0, "money", 200_000, second)]
