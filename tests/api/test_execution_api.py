"""强制执行申请书 and the execution-filing record (issue 15 item 4) through the API: the application's text as
pdftotext reads it for money, act and instalment obligations; who may have it; 409 before non-performance."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from confirm.core.db import transaction
from confirm.law.execution import last_day_to_apply, years_later
from confirm.models import AuditRecord
from tests.support import (
    FIRST,
    SECOND,
    TEXT,
    Staff,
    application_body,
    report_not_performed,
    served_confirmation,
    today,
    verification_now,
)

OBLIGATIONS = [
    {"obligor": 1, "obligee": 0, "kind": "money", "amount": "7000", "due_on": FIRST.isoformat(), "description": "货款"},
    {"obligor": 1, "obligee": 0, "kind": "money", "amount": "5000", "due_on": SECOND.isoformat(), "description": "货款"},
    {"obligor": 0, "obligee": 1, "kind": "act", "description": "返还样品一批", "due_on": SECOND.isoformat()},
]


def body() -> dict[str, Any]:
    b = application_body(obligations=OBLIGATIONS)
    b["agreement"] = {"text": TEXT, "amount": "12000.00"}
    return b


def pdf_text(pdf: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is not installed: run scripts/setup (poppler-utils)"
    out = subprocess.run([tool, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return "".join(out.split())


def ymd(d: Any) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def test_before_non_performance_the_application_is_409_with_a_chinese_message(client, runtime, passwords):
    m, app_id, app, sessions = served_confirmation(client, passwords, body())
    for url in (f"/api/v1/applications/{app_id}/execution-application.pdf",
                f"/api/v1/applications/{app_id}/execution-filing.json"):
        r = m.get(url)
        assert r.status_code == 409 and r.json()["error"]["code"] == "execution.nothing_unperformed", r.text
        assert "未履行" in r.json()["error"]["message"]
    headers = sessions[app["parties"][0]["id"]]
    r = client.get("/api/v1/party/me/execution-application.pdf", headers=headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "execution.nothing_unperformed"


def test_an_issued_but_unserved_ruling_is_409_not_served(client, runtime, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed(body())
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
    assert r.json()["status"] == "issued", r.text
    report_not_performed(runtime, r.json()["obligations"][0]["id"])
    r = m.get(f"/api/v1/applications/{app_id}/execution-application.pdf")
    assert r.status_code == 409 and r.json()["error"]["code"] == "execution.not_served"


def test_the_money_obligee_s_application_holds_only_the_unperformed_instalment_and_the_parties(
        client, runtime, passwords):
    m, app_id, app, sessions = served_confirmation(client, passwords, body())
    first, second, act = app["obligations"]
    report_not_performed(runtime, second["id"])  # the second instalment of 5000元 was not paid; the first was
    r = m.get(f"/api/v1/applications/{app_id}/execution-application.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text
    text = pdf_text(r.content)
    case_number = app["case_number"]
    assert "强制执行申请书申请执行人：张三" in text
    assert "申请执行人：张三，" in text and "11010519491231002X" in text  # the court prints full numbers by default
    assert "被执行人：秀山县武陵建材有限公司，" in text and "914403001922038216" in text
    assert "法定代表人：李四" in text
    assert f"执行依据：重庆市秀山土家族苗族自治县人民法院{case_number}民事裁定书" in text
    assert f"一、强制执行被执行人秀山县武陵建材有限公司向申请执行人给付货款人民币5000.00元（履行期限：{ymd(SECOND)}" in text
    assert "7000.00" not in text  # the instalment not reported unperformed is not asked for
    assert "返还样品" not in text  # the act is owed to the other party
    assert "二、以上金钱给付合计人民币5000.00元。" in text
    assert "三、本案执行费用由被执行人负担。" in text
    assert "事实与理由" in text and "此致重庆市秀山土家族苗族自治县人民法院申请执行人（签名或者盖章）" in text
    assert "申请执行人（签名或者盖章）：" in text
    assert "不是法院文书，未加盖法院印章" in text
    assert f"最早的一项应于{ymd(last_day_to_apply(SECOND, runtime.calendar))}前申请" in text
    assert "第二百五十条" in text and "第二百三十五条第一款" in text
    with transaction(runtime.engine) as s:
        actions = [a.action for a in s.query(AuditRecord).filter(AuditRecord.application_id == app_id)]
    assert "performance.answered" in actions and "execution.application_downloaded" in actions
    assert first["id"] and act["id"]


def test_two_obligees_each_get_their_own_and_the_act_is_described(client, runtime, passwords):
    m, app_id, app, sessions = served_confirmation(client, passwords, body())
    first, second, act = app["obligations"]
    report_not_performed(runtime, first["id"])
    report_not_performed(runtime, second["id"], "partly_performed")
    report_not_performed(runtime, act["id"])
    r = m.get(f"/api/v1/applications/{app_id}/execution-application.pdf")
    assert r.status_code == 422 and r.json()["error"]["code"] == "execution.obligee_required"
    company = app["parties"][1]["id"]
    text = pdf_text(m.get(f"/api/v1/applications/{app_id}/execution-application.pdf?party_id={company}").content)
    assert "申请执行人：秀山县武陵建材有限公司" in text and "被执行人：张三，" in text
    assert f"一、强制执行被执行人张三履行以下义务：返还样品一批（履行期限：{ymd(SECOND)}，至今未履行）" in text
    assert "人民币" not in text.split("事实与理由")[0].split("申请执行事项")[1]  # an act has no sum
    person = app["parties"][0]["id"]
    text = pdf_text(m.get(f"/api/v1/applications/{app_id}/execution-application.pdf?party_id={person}").content)
    assert "给付货款人民币7000.00元" in text
    # the partly performed instalment: no record says how much was paid, so the sum still owed is left blank
    assert "给付货款尚欠部分人民币＿＿＿＿＿＿元（应付5000.00元" in text
    assert "以上已确定金额的金钱给付合计人民币7000.00元" in text


def test_the_filing_record_lists_every_unperformed_obligation_with_fen_yuan_and_the_deadline(
        client, runtime, passwords):
    m, app_id, app, sessions = served_confirmation(client, passwords, body())
    first, second, act = app["obligations"]
    report_not_performed(runtime, second["id"])
    report_not_performed(runtime, act["id"])
    r = m.get(f"/api/v1/applications/{app_id}/execution-filing.json")
    assert r.status_code == 200, r.text
    f = r.json()
    assert f["format"] == "jiudi.execution_filing/1" and f["filed_by_jiudi"] is False
    assert f["basis"]["case_number"] == app["case_number"] and f["basis"]["court_code"] == "渝0241"
    assert f["basis"]["decided_on"] == today().isoformat() and f["basis"]["served_on"] == today().isoformat()
    assert f["basis"]["verify_url"] == app["ruling"]["verify_url"]
    assert [a["name"] for a in f["applicants"]] == ["张三", "秀山县武陵建材有限公司"]
    assert {r["name"]: (r["id_number"], r["credit_code"]) for r in f["respondents"]} == {
        "秀山县武陵建材有限公司": (None, "914403001922038216"), "张三": ("11010519491231002X", None)}
    got = [(o["obligation_id"], o["kind"], o["amount_fen"], o["amount_yuan"], o["remaining_fen"], o["due_on"],
            o["apply_by"]) for o in f["obligations"]]
    assert got[0][:6] == (second["id"], "money", 500000, "5000.00", 500000, SECOND.isoformat())
    assert got[1][:6] == (act["id"], "act", None, None, None, SECOND.isoformat())
    assert all(o["apply_by"] >= years_later(SECOND, 2).isoformat() for o in f["obligations"])
    assert f["total_remaining_fen"] == 500000 and f["total_complete"] is True
    assert f["limitation"] == {"years": 2, "citation": "《中华人民共和国民事诉讼法》第二百五十条"}
    assert first["id"] not in [o["obligation_id"] for o in f["obligations"]]


def test_other_mediators_other_parties_and_the_obligor_cannot_have_it(client, runtime, passwords):
    from confirm.accounts import admin

    with transaction(runtime.engine) as s:
        admin.add_organization(s, "渝0241", "秀山县清溪场司法所人民调解委员会", "judicial_office", actor="test")
        admin.add_user(s, "other", role="mediator", court_code="渝0241", password="another-password",
                       organization="秀山县清溪场司法所人民调解委员会", actor="test")
    m, app_id, app, sessions = served_confirmation(client, passwords, body())
    report_not_performed(runtime, app["obligations"][0]["id"])
    other = Staff(client, "other", "another-password")
    administrator = Staff(client, "admin", passwords["admin"])
    for url in (f"/api/v1/applications/{app_id}/execution-application.pdf",
                f"/api/v1/applications/{app_id}/execution-filing.json"):
        for outsider in (other, administrator):  # another organisation's mediator; the administrator sees no case
            r = outsider.get(url)
            assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        assert client.get(url).status_code == 401
    judge = Staff(client, "judge", passwords["judge"])
    assert judge.get(f"/api/v1/applications/{app_id}/execution-filing.json").status_code == 200
    # the obligor's own link: 403; the obligee's: the application
    obligor = sessions[app["parties"][1]["id"]]
    r = client.get("/api/v1/party/me/execution-application.pdf", headers=obligor)
    assert r.status_code == 403 and r.json()["error"]["code"] == "execution.not_obligee"
    obligee = sessions[app["parties"][0]["id"]]
    r = client.get("/api/v1/party/me/execution-application.pdf", headers=obligee)
    assert r.status_code == 200 and "申请执行人：张三" in pdf_text(r.content)
    # a party of another case sees only their own case: nothing owed there, so nothing to prepare
    # (other people: the same two would now carry risk.quick_non_performance from the first case)
    from tests.api.test_signals_api import other_person, resident_id

    unrelated = body()
    unrelated["parties"] = [other_person(), other_person(name="赵六", id_number=resident_id("50024119900101002"),
                                                       phone="13700000001", address="重庆市秀山土家族苗族自治县官庄街道5号")]
    _m2, other_id, other_app, other_sessions = served_confirmation(client, passwords, unrelated)
    stranger = other_sessions[other_app["parties"][0]["id"]]
    r = client.get("/api/v1/party/me/execution-application.pdf", headers=stranger)
    assert r.status_code == 409 and r.json()["error"]["code"] == "execution.nothing_unperformed"
    assert client.get("/api/v1/party/me/execution-application.pdf").status_code == 401
