"""Input that reaches a document (issue 17, items 9 and 11), through the API as a client would send it.

Signature images: their size is read from the PNG header and a decompression bomb is refused with a 422 before any
pixel is decoded, so nothing is stored and no receipt job can fail for ever. Text: control characters, bidi controls
and other invisible format characters are refused in every field that reaches a document, naming the field, and
nothing is stored; ordinary Chinese text, and line breaks where a field is written in paragraphs, are kept as typed.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import pytest
from PIL import ImageFile
from sqlmodel import select

from confirm.models import Application, Decision, Document, IssuanceJob, ServiceRecord
from tests.law.png_bombs import declared_png
from tests.support import Staff, application_body, issued, now_iso, objected, party_session, verification_now

CODE = "input.control_characters"
INVISIBLE = {"NUL": "\x00", "tab": "\t", "escape": "\x1b", "RLO": "\u202e", "LRI": "\u2066", "RLM": "\u200f",
             "ALM": "\u061c", "ZWSP": "\u200b", "BOM": "\ufeff", "line separator": "\u2028"}
LINE_BREAKS = {"LF": "\n", "CR": "\r", "CRLF": "\r\n"}
# every text field of an application that is printed on the ruling, and how the error names it
APPLICATION_FIELDS = {
    ("parties", 0, "name"): "第1名申请人姓名或名称",
    ("parties", 0, "id_number"): "第1名申请人身份证号码",
    ("parties", 0, "phone"): "第1名申请人联系电话",
    ("parties", 0, "address"): "第1名申请人住所",
    ("parties", 0, "ethnicity"): "第1名申请人民族",
    ("parties", 0, "occupation"): "第1名申请人职业或工作单位",
    ("parties", 0, "agent", "name"): "第1名申请人委托诉讼代理人姓名",
    ("parties", 0, "agent", "authorization"): "第1名申请人委托诉讼代理人代理权限",
    ("parties", 0, "agent", "unit"): "第1名申请人委托诉讼代理人所在单位",
    ("parties", 0, "guardian", "name"): "第1名申请人法定代理人姓名",
    ("parties", 0, "guardian", "relation"): "第1名申请人法定代理人与当事人的关系",
    ("parties", 1, "name"): "第2名申请人姓名或名称",
    ("parties", 1, "representative"): "第2名申请人法定代表人或负责人",
    ("parties", 1, "representative_title"): "第2名申请人法定代表人或负责人职务",
    ("parties", 1, "address"): "第2名申请人住所",
    ("dispute_type",): "纠纷类型（案由）",
    ("mediation", "place"): "调解地点",
    ("mediation", "mediator_name"): "调解员姓名",
    ("agreement", "text"): "调解协议内容",
}


def path_of(keys: tuple[Any, ...]) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else (f".{k}" if i else k) for i, k in enumerate(keys))


def body_with(keys: tuple[Any, ...], junk: str) -> dict[str, Any]:
    """The test application (with an occupation and an agent) with ``junk`` in the middle of one field."""
    body = application_body()
    body["parties"][0]["occupation"] = "个体工商户"
    body["parties"][0]["agent"] = {"name": "王五", "authorization": "特别授权", "unit": "重庆某律师事务所"}
    body["parties"][0]["guardian"] = {"name": "张大山", "relation": "父亲"}
    holder: Any = body
    for key in keys[:-1]:
        holder = holder[key]
    text = holder[keys[-1]]
    holder[keys[-1]] = text[: len(text) // 2] + junk + text[len(text) // 2:]  # inside: the ends are stripped
    return body


def refused(r: Any, field: str) -> str:
    """The 422 that names ``field``; its message."""
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == CODE and field in error["fields"], error
    assert any(d["field"] == field and d["code"] == CODE for d in error["details"]), error
    return error["fields"][field]


def stored(runtime: Any, model: Any, **where: Any) -> list[Any]:
    with runtime.unit_of_work() as session:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list(session.exec(query))


# --- item 11: control and format characters -----------------------------------------------------------------------

def test_every_field_of_an_application_refuses_every_invisible_character_and_nothing_is_stored(client, passwords,
                                                                                              runtime):
    m = Staff(client, "mediator", passwords["mediator"])
    for name, junk in INVISIBLE.items():
        for keys, label in APPLICATION_FIELDS.items():
            message = refused(m.create(body_with(keys, junk)), path_of(keys))
            assert message.startswith(label), (name, message)
    assert stored(runtime, Application) == []


def test_a_line_break_is_refused_in_a_one_line_field_and_kept_in_the_agreement(client, passwords, runtime):
    m = Staff(client, "mediator", passwords["mediator"])
    for name, junk in LINE_BREAKS.items():
        for keys in APPLICATION_FIELDS:
            if keys != ("agreement", "text"):
                assert "只能填写一行" in refused(m.create(body_with(keys, junk)), path_of(keys)), name
    assert stored(runtime, Application) == []
    lone_cr = "一、秀山县武陵建材有限公司支付货款12000元。\r二、双方再无争议。"  # not a line break record and ruling share
    refused(m.create(application_body(agreement={"text": lone_cr, "amount": "12000.00"})), "agreement.text")
    for junk in ("\n", "\r\n"):
        text = f"一、秀山县武陵建材有限公司支付货款12000元。{junk}二、双方再无争议。"
        r = m.create(application_body(agreement={"text": text, "amount": "12000.00"}))
        assert r.status_code == 201 and r.json()["agreement"]["text"] == text, r.text


def test_ordinary_chinese_text_is_accepted_exactly_as_typed(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    body = application_body()
    body["parties"][0].update(name="阿依古丽·买买提", address="重庆市秀山土家族苗族自治县中和街道（渝秀大道）1号、2号",
                              occupation="个体工商户（餐饮）", agent={"name": "王五", "authorization": "“特别授权”"})
    body["mediation"]["place"] = "秀山县中和派出所驻所调解室　二楼"  # an ideographic space: a visible blank
    body["agreement"]["text"] = "一、付款：人民币12000元（壹万贰仟元整）；\r\n二、《调解协议》——双方再无争议！\n三、……"
    r = m.create(body)
    assert r.status_code == 201, r.text
    app = m.get(f"/api/v1/applications/{r.json()['id']}").json()
    person = app["parties"][0]
    assert (person["name"], person["address"], person["occupation"], person["agent"]["authorization"]) == (
        "阿依古丽·买买提", body["parties"][0]["address"], "个体工商户（餐饮）", "“特别授权”")
    assert app["mediation"]["place"] == body["mediation"]["place"] and app["agreement"] == body["agreement"]


def test_replacing_a_draft_with_an_invisible_character_changes_nothing(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.create().json()["id"]
    before = m.get(f"/api/v1/applications/{app_id}").json()
    refused(m.put(f"/api/v1/applications/{app_id}", json=body_with(("parties", 1, "name"), "\u202e")), "parties[1].name")
    assert m.get(f"/api/v1/applications/{app_id}").json() == before


def test_the_judges_reasoning_waivers_and_return_reason_refuse_invisible_characters(client, passwords, runtime):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed(confirmed=False)
    person = m.get(f"/api/v1/applications/{app_id}").json()["parties"][0]
    assert judge.post(f"/api/v1/applications/{app_id}/claim").status_code == 200
    decision = {"outcome": "confirmed", "grounds": [], "verification": verification_now()}
    url = f"/api/v1/applications/{app_id}/decision"
    refused(judge.post(url, json={**decision, "reasoning": "经审查\u202e，协议合法"}), "reasoning")
    waiver = {"party_id": person["id"], "reason": "当事人无手机，\u200b当面确认"}
    assert refused(judge.post(url, json={**decision, "waivers": [waiver]}), "waivers[0].reason").startswith(
        "第1条未本人确认记录的理由")
    message = refused(judge.post(f"/api/v1/applications/{app_id}/return", json={"reason": "请补正\x00签名页"}),
                      "reason")
    assert message.startswith("理由含有不可见的空字符")
    assert stored(runtime, Decision, application_id=app_id) == []
    assert m.get(f"/api/v1/applications/{app_id}").json()["status"] == "under_review"
    reason = "一、缺少签名页；\r\n二、金额与协议不一致。"  # a reason may keep its lines
    r = judge.post(f"/api/v1/applications/{app_id}/return", json={"reason": reason})
    assert r.status_code == 200 and r.json()["return_reason"] == reason, r.text


def test_service_place_void_and_revoke_reasons_refuse_invisible_characters(client, passwords, runtime):
    m, app_id, app = issued(client, passwords)
    person, company = app["parties"]
    judge = Staff(client, "judge", passwords["judge"])
    base = f"/api/v1/applications/{app_id}"
    service = {"served_at": now_iso(), "place": "秀山县中和派出所\u202e驻所调解室",
               "recipients": [{"party_id": person["id"], "method": "in_person"}]}
    assert refused(m.post(f"{base}/service", json=service), "place").startswith("送达地点")
    assert stored(runtime, ServiceRecord, application_id=app_id) == []
    assert m.post(f"{base}/service", json={**service, "place": "秀山县中和派出所驻所调解室"}).status_code == 200
    refused(judge.post(f"{base}/service/{person['id']}/void", json={"reason": "登记错误\u2066"}), "reason")
    assert len(stored(runtime, ServiceRecord, application_id=app_id)) == 1
    objected(client, passwords, app_id)  # revocation goes through an objection (Interp. 372)
    refused(judge.post(f"{base}/ruling/revoke", json={"reason": "裁定有误\ufeff"}), "reason")
    assert judge.get(base).json()["ruling"]["revoked"] is False


def test_a_partys_note_and_address_for_service_refuse_invisible_characters(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed(confirmed=False)
    person = m.get(f"/api/v1/applications/{app_id}").json()["parties"][0]
    headers = party_session(client, app_id, person)
    url = "/api/v1/party/me/confirmation"
    body = {"decision": "confirm", "service_address": {"address": "重庆市秀山县\u200b中和街道1号"}}
    assert refused(client.post(url, headers=headers, json=body), "service_address.address").startswith("送达地址")
    refused(client.post(url, headers=headers, json={"decision": "confirm", "note": "同意\u202e"}), "note")
    assert client.get("/api/v1/party/me", headers=headers).json()["confirmation"]["state"] == "pending"
    r = client.post(url, headers=headers, json={"decision": "confirm", "note": "同意。\n无异议。"})
    assert r.status_code == 200, r.text


# --- item 9: signature images ----------------------------------------------------------------------------------------

@pytest.fixture
def decoded(monkeypatch) -> list[tuple[int, int]]:
    """The declared sizes of the test's bombs that the service began to decode (none may be): decoding one is
    stopped here, so a regression fails the test instead of taking the machine's memory."""
    bombs = {(20000, 20000), (12000, 12000), (2001, 100), (1500, 1500)}
    began: list[tuple[int, int]] = []
    load = ImageFile.ImageFile.load

    def watched(image: Any) -> Any:
        if tuple(image.size) in bombs:
            began.append(tuple(image.size))
            raise MemoryError(f"decoding a {image.size} bomb")
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", watched)
    return began


def serve_with_signature(m: Staff, app_id: str, party_id: int, png: bytes) -> Any:
    return m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "秀山县中和派出所驻所调解室",
        "recipients": [{"party_id": party_id, "method": "in_person",
                        "signature_png": "data:image/png;base64," + base64.b64encode(png).decode()}]})


def in_store(runtime: Any, content: bytes) -> bool:
    return bool(runtime.store.has(hashlib.sha256(content).hexdigest()))  # whichever store this database uses


def test_a_decompression_bomb_signature_is_refused_before_decoding_and_nothing_is_stored(client, passwords, runtime,
                                                                                       decoded):
    m, app_id, app = issued(client, passwords)
    assert len(declared_png(20000, 20000)) < 100_000  # 400 million pixels in about 50 KB
    for size in ((20000, 20000), (12000, 12000), (2001, 100), (1500, 1500)):
        bomb = declared_png(*size)
        r = serve_with_signature(m, app_id, app["parties"][0]["id"], bomb)
        assert r.status_code == 422, (size, r.text)
        error = r.json()["error"]
        assert error["code"] == "service.signature_dimensions" and "recipients[0].signature_png" in error["fields"]
        assert f"{size[0]}×{size[1]}" in error["message"] and "签名图片" in error["message"]
        assert not in_store(runtime, bomb), size
    assert decoded == []  # each size came from the header: not one pixel was decoded
    assert stored(runtime, ServiceRecord, application_id=app_id) == []
    assert [j.kind for j in stored(runtime, IssuanceJob, application_id=app_id) if j.kind == "receipt"] == []
    assert m.get(f"/api/v1/applications/{app_id}").json()["status"] == "issued"


def test_a_signature_pads_image_is_accepted_and_drawn_on_the_sealed_receipt(client, passwords, runtime, decoded):
    m, app_id, app = issued(client, passwords)
    person, company = app["parties"]
    largest = declared_png(2000, 1000)
    assert serve_with_signature(m, app_id, person["id"], largest).status_code == 200
    assert serve_with_signature(m, app_id, company["id"], declared_png(600, 200)).status_code == 200
    assert in_store(runtime, largest)
    r = m.get(f"/api/v1/applications/{app_id}/service-receipt.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-"), r.text
    assert decoded == []


def test_a_corrupt_signature_is_refused_so_no_receipt_job_can_fail_for_ever(client, passwords, runtime):
    m, app_id, app = issued(client, passwords)
    whole = declared_png(600, 200)
    cut = whole[:40] + whole[-12:]  # the header and the end, the pixel data gone
    r = serve_with_signature(m, app_id, app["parties"][0]["id"], cut)
    assert r.status_code == 422 and r.json()["error"]["code"] == "service.signature_unreadable", r.text
    assert not in_store(runtime, cut) and stored(runtime, ServiceRecord, application_id=app_id) == []


def test_an_image_document_of_too_many_pixels_is_refused_before_decoding(client, passwords, runtime, decoded):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.create(key=uuid.uuid4().hex).json()["id"]
    bomb = declared_png(20000, 20000)
    r = m.upload(app_id, "identity", bomb, name="身份证.png")
    assert r.status_code == 422 and r.json()["error"]["code"] == "document.image_too_large", r.text
    assert decoded == [] and not in_store(runtime, bomb)
    assert stored(runtime, Document, application_id=app_id) == []
