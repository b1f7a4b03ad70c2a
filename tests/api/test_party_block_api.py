"""The party block (issue 13 item 6) and identity documents beyond the ID card (item 9) through the API: what intake
refuses with a stable code, what the sealed ruling prints, who withdrew and when, and the court's setting for
printing identity numbers in full."""

from __future__ import annotations

import subprocess
from typing import Any

from sqlmodel import select

from confirm.core.clock import china_today
from confirm.core.db import transaction
from confirm.models import Court
from tests.e2e.test_whole_chain import require_tool
from tests.support import Staff, application_body, verification_now, withdrawal_by_first_party

COMPATRIOT = {"kind": "person", "name": "陈小明", "id_type": "hk_macao_permit", "id_number": "H12345678",
              "sex": "男", "birth_date": "1990-01-01", "ethnicity": "汉族", "occupation": "教师",
              "phone": "13700000000", "address": "香港特别行政区九龙某道1号",
              "agent": {"name": "赵律", "kind": "lawyer", "unit": "重庆某某律师事务所"}}


def ruling_text(staff: Staff, app_id: str) -> str:
    pdf = staff.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
    out = subprocess.run([require_tool("pdftotext"), "-", "-"], input=pdf, capture_output=True).stdout.decode()
    return "".join(out.split())


def decide(client: Any, passwords: dict[str, str], body: dict[str, Any], decision: dict[str, Any]) -> tuple[Staff, str]:
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed(body)
    judge.post(f"/api/v1/applications/{app_id}/claim")
    if decision.get("withdrawal") == "first":
        decision = {**decision, "withdrawal": withdrawal_by_first_party(judge, app_id)}
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json=decision)
    assert r.json()["status"] == "issued", r.text
    return m, app_id


def test_an_older_client_without_ethnicity_gets_a_chinese_422_with_a_stable_code(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    body = application_body()
    del body["parties"][0]["ethnicity"]
    r = m.create(body)
    assert r.status_code == 422
    details = {d["field"]: d["code"] for d in r.json()["error"]["details"]}
    assert details["parties[0].ethnicity"] == "party.ethnicity_required"
    assert "民族" in r.json()["error"]["fields"]["parties[0].ethnicity"]


def test_a_hong_kong_party_is_printed_with_the_permit_and_the_organisation_with_its_representatives_title(
        client, passwords):
    body = application_body()
    body["parties"][0] = COMPATRIOT
    m, app_id = decide(client, passwords, body,
                       {"outcome": "confirmed", "grounds": [], "verification": verification_now()})
    text = ruling_text(m, app_id)
    assert ("申请人：陈小明，男，1990年1月1日出生，汉族，教师，住香港特别行政区九龙某道1号，"
            "港澳居民来往内地通行证号码H12345678。委托诉讼代理人：赵律，重庆某某律师事务所律师。") in text
    assert "。法定代表人：李四，总经理。" in text
    assert text.count("本裁定书自即日起发生法律效力。") == 1
    shown = m.get(f"/api/v1/applications/{app_id}").json()["parties"][0]
    assert shown["id_type"] == "hk_macao_permit" and shown["birth_date"] == "1990-01-01" and shown["sex"] == "男"


def test_withdrawal_needs_who_and_when_and_the_ruling_states_them(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={"outcome": "withdrawal_permitted"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["code"] == "decision.withdrawal_required"
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={
        "outcome": "withdrawal_permitted", "withdrawal": {"party_ids": [999999], "on": china_today().isoformat()}})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["code"] == "decision.withdrawal_unknown_party"
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={
        "outcome": "withdrawal_permitted", "withdrawal": withdrawal_by_first_party(judge, app_id)})
    assert r.json()["status"] == "issued", r.text
    today = china_today()
    text = ruling_text(m, app_id)
    assert f"申请人张三于{today.year}年{today.month}月{today.day}日向本院申请撤回司法确认申请。" in text
    assert "准许申请人张三撤回司法确认申请。" in text
    assert "本裁定书自即日起发生法律效力。" in text


def test_the_court_may_have_identity_numbers_printed_masked(client, passwords, runtime):
    with transaction(runtime.engine) as s:
        court = s.exec(select(Court).where(Court.code == "渝0241")).one()
        assert court.print_full_id  # the default: as before
        court.print_full_id = False
        s.add(court)
    m, app_id = decide(client, passwords, application_body(),
                       {"outcome": "confirmed", "grounds": [], "verification": verification_now()})
    text = ruling_text(m, app_id)
    assert "公民身份号码110105********002X。" in text and "11010519491231002X" not in text
