"""The mediator's pages without JavaScript (issue 14 item 5): several files in one plain multipart post, the
dispute type from the pick-list or as 其他 in one's own words, the required fields marked as intake requires them."""

from __future__ import annotations

import re

from tests.api.test_decision_page import csrf, signed_in_page
from tests.api.test_edit_page import form_fields
from tests.support import Staff, a_pdf


def test_two_files_in_one_plain_post_are_both_filed_with_the_type_chosen(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.create().json()["id"]
    signed_in_page(client, "mediator", passwords["mediator"])
    page = client.get(f"/m/a/{app_id}").text
    assert re.search(r'<input id="file" name="file" type="file" multiple accept="image/\*,application/pdf">', page)
    assert "capture" not in page  # the camera and the files both stay open on Android
    r = client.post(f"/m/a/{app_id}/documents", data={"csrf": csrf(page), "kind": "evidence"},
                    files=[("file", ("一.pdf", a_pdf("一"), "application/pdf")),
                           ("file", ("二.pdf", a_pdf("二"), "application/pdf"))], follow_redirects=False)
    assert r.status_code == 303
    docs = m.get(f"/api/v1/applications/{app_id}").json()["documents"]
    assert [(d["kind"], d["filename"]) for d in docs] == [("evidence", "一.pdf"), ("evidence", "二.pdf")]


def test_one_refused_file_of_several_files_nothing_and_names_the_file(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.create().json()["id"]
    signed_in_page(client, "mediator", passwords["mediator"])
    page = client.get(f"/m/a/{app_id}").text
    r = client.post(f"/m/a/{app_id}/documents", data={"csrf": csrf(page), "kind": "agreement"},
                    files=[("file", ("协议.pdf", a_pdf("协议"), "application/pdf")),
                           ("file", ("笔记.txt", "不是扫描件".encode(), "text/plain"))])
    assert r.status_code == 415 and "“笔记.txt”" in r.text and "均未上传" in r.text
    assert m.get(f"/api/v1/applications/{app_id}").json()["documents"] == []


def test_a_filed_joint_application_replaces_the_signing_pads(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.create().json()["id"]
    signed_in_page(client, "mediator", passwords["mediator"])
    assert 'id="joint-form"' in client.get(f"/m/a/{app_id}").text
    m.upload(app_id, "joint_application", a_pdf("联合申请书"))
    page = client.get(f"/m/a/{app_id}").text
    assert 'id="joint-form"' not in page and "data-pad" not in page and "已上传签名的联合申请书" in page


def new_application_fields(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The new-application form filled in as a mediator would, the dispute type left to the test."""
    from confirm.core.clock import china_today

    form = client.get("/m/new").text
    return {**form_fields(form), "csrf": csrf(form), "action": "save",
            "parties[0].kind": "person", "parties[0].name": "张三", "parties[0].id_number": "11010519491231002X",
            "parties[0].phone": "13800000000", "parties[0].address": "秀山县中和街道渝秀大道1号",
            "parties[0].ethnicity": "汉族",
            "parties[1].kind": "organization", "parties[1].name": "秀山县武陵建材有限公司",
            "parties[1].credit_code": "914403001922038216", "parties[1].representative": "李四",
            "parties[1].representative_title": "经理",
            "parties[1].phone": "13900000000", "parties[1].address": "秀山县工业园区2号",
            "mediation.concluded_on": china_today().isoformat(), "mediation.place": "调解室",
            "mediation.mediator_name": "杨调解", "agreement.text": "一、李四还款一万元。"}


def test_the_dispute_type_is_picked_from_the_list_or_written_as_other_and_checked_by_meaning(client, passwords):
    signed_in_page(client, "mediator", passwords["mediator"])
    form = client.get("/m/new").text
    assert '<select id="dispute_type" name="dispute_type"' in form and "<option>民间借贷纠纷</option>" in form
    assert '<option value="其他">其他（自行填写）</option>' in form
    fields = new_application_fields(client)
    refused = client.post("/m/new", data={**fields, "dispute_type": "其他", "dispute_type_other": "解除婚姻关系"})
    assert refused.status_code == 422
    assert re.search(r'id="err-dispute_type_other"[^>]*>[^<]*婚姻关系[^<]*依法不能申请司法确认', refused.text)
    assert '<option value="其他" selected>' in refused.text and 'value="解除婚姻关系"' in refused.text
    picked = client.post("/m/new", data={**fields, "dispute_type": "离婚后财产纠纷", "dispute_type_other": "离婚"},
                         follow_redirects=False)
    assert picked.status_code == 303, picked.text  # a listed type is admitted; the other words are not read


def test_the_fields_intake_requires_are_marked_and_only_those(client, passwords):
    signed_in_page(client, "mediator", passwords["mediator"])
    form = client.get("/m/new").text

    def marked(path: str) -> bool:
        label = re.search(r'<label for="' + re.escape(path) + r'">(.*?)</label>', form)
        assert label, path
        return '<abbr title="必填">*</abbr>' in label.group(1)

    for path in ("dispute_type", "parties[0].name", "parties[0].id_number", "parties[0].credit_code",
                 "parties[0].representative", "parties[0].phone", "parties[0].address", "mediation.concluded_on",
                 "mediation.place", "mediation.mediator_name", "agreement.text"):
        assert marked(path), path
    for path in ("parties[0].ethnicity", "parties[0].email", "agreement.amount", "dispute_type_other"):
        assert not marked(path), path
