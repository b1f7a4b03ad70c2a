"""The mediator's form offers the obligations read from the agreement's text, for the mediator to correct; the
chosen values are stored, a mismatch with the text is shown at its field, and an agreement without one files."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.api.test_decision_page import csrf, signed_in_page
from tests.api.test_edit_page import form_fields
from tests.api.test_upload_page import new_application_fields
from tests.support import Staff, today

DUE = today() + timedelta(days=40)
TEXT = (f"一、秀山县武陵建材有限公司于{DUE:%Y年%-m月%-d日}前向张三支付货款人民币12000元（大写：壹万贰仟元整）。\n"
        f"二、张三于{DUE:%Y年%-m月%-d日}前向秀山县武陵建材有限公司返还样品一批。")


def with_form(html: str, fields: dict[str, str]) -> dict[str, str]:
    """What the browser sends back: the page's fields, with the mediator's own entries kept."""
    return {**fields, **{k: v for k, v in form_fields(html).items() if k.startswith("obligations[")},
            "csrf": csrf(html)}


def test_the_form_offers_the_recognised_obligations_and_stores_those_chosen(client, passwords):
    signed_in_page(client, "mediator", passwords["mediator"])
    fields = {**new_application_fields(client), "dispute_type": "买卖合同纠纷", "agreement.text": TEXT}
    offered = client.post("/m/new", data={**fields, "action": "recognise_obligations"})
    assert offered.status_code == 200 and "已从协议内容中识别出2项履行义务" in offered.text
    shown = form_fields(offered.text)
    assert shown["obligations[0].obligor"] == "1" and shown["obligations[0].obligee"] == "0"
    assert shown["obligations[0].amount"] == "12000.00" and shown["obligations[0].due_on"] == DUE.isoformat()
    assert shown["obligations[1].kind"] == "act" and shown["obligations[1].description"] == "返还样品一批"
    assert not Staff(client, "mediator", passwords["mediator"]).get("/api/v1/applications").json()["items"]

    # the mediator corrects a sum to one the text does not hold: refused at that field, nothing stored
    wrong = {**with_form(offered.text, fields), "obligations[0].amount": "12500", "action": "save"}
    refused = client.post("/m/new", data=wrong)
    assert refused.status_code == 422
    assert re.search(r'id="err-obligations\[0\]\.amount"[^>]*>第1项履行义务的金额（12500.00元）在调解协议内容中没有出现',
                     refused.text)
    assert not Staff(client, "mediator", passwords["mediator"]).get("/api/v1/applications").json()["items"]

    # one more row, left blank, is no obligation; the sum written as the text writes it is kept by value
    added = client.post("/m/new", data={**with_form(refused.text, fields), "obligations[0].amount": "12,000元",
                                        "action": "add_obligation"})
    assert 'name="obligations[2].amount"' in added.text
    saved = client.post("/m/new", data={**with_form(added.text, fields), "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    app_id = saved.headers["location"].split("/")[3].split("?")[0]
    app = Staff(client, "mediator", passwords["mediator"]).get(f"/api/v1/applications/{app_id}").json()
    assert [(o["obligor"], o["obligee"], o["kind"], o["amount"], o["due_on"], o["description"])
            for o in app["obligations"]] == [
        (1, 0, "money", "12000.00", DUE.isoformat(), "支付货款"), (0, 1, "act", None, DUE.isoformat(), "返还样品一批")]

    shown = client.get(f"/m/a/{app_id}").text  # the application page lists them
    assert f"秀山县武陵建材有限公司于{DUE.isoformat()}前向张三支付货款 12000.00元" in shown
    assert f"张三于{DUE.isoformat()}前向秀山县武陵建材有限公司返还样品一批" in shown
    # the edit form shows them; one removed and saved
    form = client.get(f"/m/a/{app_id}/edit").text
    assert form_fields(form)["obligations[1].description"] == "返还样品一批"
    edit = {**form_fields(form), "csrf": csrf(form), "parties[0].kind": "person", "parties[1].kind": "organization"}
    removed = client.post(f"/m/a/{app_id}/edit", data={**edit, "action": "remove_obligation:1"})
    assert 'name="obligations[1].amount"' not in removed.text
    again = {**form_fields(removed.text), "csrf": csrf(removed.text), "parties[0].kind": "person",
             "parties[1].kind": "organization", "action": "save"}
    assert client.post(f"/m/a/{app_id}/edit", data=again, follow_redirects=False).status_code == 303
    app = Staff(client, "mediator", passwords["mediator"]).get(f"/api/v1/applications/{app_id}").json()
    assert [o["kind"] for o in app["obligations"]] == ["money"]


def test_an_agreement_without_a_recognisable_obligation_still_files(client, passwords):
    signed_in_page(client, "mediator", passwords["mediator"])
    fields = {**new_application_fields(client), "dispute_type": "邻里纠纷", "agreement.text": "双方互谅互让，和睦相处。"}
    offered = client.post("/m/new", data={**fields, "action": "recognise_obligations"})
    assert "未能从协议内容中识别出履行义务" in offered.text
    saved = client.post("/m/new", data={**fields, "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
