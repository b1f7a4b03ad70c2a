"""Objections (Interp. 372) are 民特监 cases decided by a sealed ruling; a ruling is revoked only through one, and
verification names it."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from datetime import timedelta

from confirm.core.clock import china_today
from confirm.models import Objection, Ruling
from tests.support import Staff, issued, now_iso, objected, png_signature, today


def pdf_text(pdf: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is not installed: run scripts/setup (poppler-utils)"
    path = tmp_path / "o.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return "".join(out.split())


def rows(runtime, model, **match):  # type: ignore[no-untyped-def]
    from sqlmodel import select

    with runtime.unit_of_work() as session:
        query = select(model)
        for key, value in match.items():
            query = query.where(getattr(model, key) == value)
        return list(session.exec(query))


def test_a_party_s_objection_becomes_a_case_and_the_ruling_on_it_revokes_the_original(client, passwords, runtime,
                                                                                      tmp_path):
    m, app_id, app = issued(client, passwords)
    original_token = app["ruling"]["verify_url"].rsplit("/", 1)[1]
    original_pdf = m.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
    objection = objected(client, passwords, app_id)
    year = china_today().year
    assert objection["case_number"] == f"（{year}）渝0241民特监1号" and objection["state"] == "pending"
    # filing is not revoking: the original still stands until the ruling on the objection is sealed
    assert client.get(f"/api/v1/verify/{original_token}").json()["status"] == "valid"

    judge = Staff(client, "judge", passwords["judge"])
    r = judge.post(f"/api/v1/objections/{objection['id']}/decision", json={
        "outcome": "revoked", "reasoning": "申请人张三并未到场，联合申请书上的签名非其本人所签"})
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["state"] == "issued" and decided["ruling"]["sha256"]

    pdf = judge.get(f"/api/v1/objections/{objection['id']}/ruling.pdf").content
    text = pdf_text(pdf, tmp_path)
    number = objection["case_number"]
    assert number in text and f"撤销本院{app['case_number']}民事裁定。" in text
    assert "第三百七十二条" in text and "联合申请书上的签名非其本人所签" in text
    checked = client.post("/api/v1/verify", files={"file": ("o.pdf", pdf, "application/pdf")}).json()
    assert checked["genuine"] is True and checked["document"] == "objection_ruling", checked

    public = client.get(f"/api/v1/verify/{original_token}").json()
    assert public["status"] == "revoked"
    assert public["revoked_by"]["case_number"] == number and public["revoked_by"]["outcome"] == "revoked"
    assert public["revoked_by"]["decided_on"] == china_today().isoformat()
    page = client.get(f"/v/{original_token}").text
    assert number in page and "已撤销" in page
    upload = client.post("/api/v1/verify", files={"file": ("r.pdf", original_pdf, "application/pdf")}).json()
    assert upload["genuine"] is False and "verify.revoked" in [p["code"] for p in upload["problems"]]
    # the ruling on the objection is itself verifiable by its QR code
    own_token = decided["ruling"]["verify_url"].rsplit("/", 1)[1]
    own = client.get(f"/api/v1/verify/{own_token}").json()
    assert own["document"] == "objection_ruling" and own["case_number"] == number
    own_page = client.get(f"/v/{own_token}").text
    assert "异议人" in own_page and "原裁定已被撤销" in own_page and app["case_number"] in own_page
    assert app["parties"][0]["name"] not in own_page  # masked, like every public record
    assert own["original_case_number"] == app["case_number"] and own["status"] == "valid"
    assert m.get(f"/api/v1/applications/{app_id}").json()["ruling"]["revoked_by"] == number
    [row] = rows(runtime, Ruling, application_id=app_id)
    assert row.revoked_by == objection["id"]


def test_an_objection_rejected_leaves_the_original_standing(client, passwords, tmp_path):
    _m, app_id, app = issued(client, passwords)
    objection = objected(client, passwords, app_id)
    judge = Staff(client, "judge", passwords["judge"])
    r = judge.post(f"/api/v1/objections/{objection['id']}/decision",
                   json={"outcome": "rejected", "reasoning": "异议人未提供证据证明调解协议违背其真实意思"})
    assert r.status_code == 200, r.text
    text = pdf_text(judge.get(f"/api/v1/objections/{objection['id']}/ruling.pdf").content, tmp_path)
    assert "驳回" in text and "的异议。" in text and "撤销本院" not in text
    token = app["ruling"]["verify_url"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/verify/{token}").json()["status"] == "valid"
    again = judge.post(f"/api/v1/objections/{objection['id']}/decision", json={"outcome": "revoked", "reasoning": "x"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "objection.already_decided"


def test_a_change_prints_the_new_wording_and_the_original_reads_changed(client, passwords, tmp_path):
    _m, app_id, app = issued(client, passwords)
    objection = objected(client, passwords, app_id)
    judge = Staff(client, "judge", passwords["judge"])
    missing = judge.post(f"/api/v1/objections/{objection['id']}/decision",
                         json={"outcome": "changed", "reasoning": "还款期限有误"})
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "objection.change_text_required"
    r = judge.post(f"/api/v1/objections/{objection['id']}/decision", json={
        "outcome": "changed", "reasoning": "调解协议约定的还款期限记载有误",
        "change_text": "确认申请人达成的调解协议有效，还款期限为2027年1月31日前"})
    assert r.status_code == 200, r.text
    text = pdf_text(judge.get(f"/api/v1/objections/{objection['id']}/ruling.pdf").content, tmp_path)
    assert f"变更本院{app['case_number']}民事裁定为：" in text and "2027年1月31日前" in text
    public = client.get("/api/v1/verify/" + app["ruling"]["verify_url"].rsplit("/", 1)[1]).json()
    assert public["status"] == "revoked" and "新的裁定变更" in public["revoke_reason"]
    assert public["revoked_by"]["outcome"] == "changed"


def test_revoking_without_an_objection_is_refused_and_the_old_route_decides_the_pending_one(client, passwords):
    _m, app_id, _app = issued(client, passwords)
    judge = Staff(client, "judge", passwords["judge"])
    r = judge.post(f"/api/v1/applications/{app_id}/ruling/revoke", json={"reason": "经审查撤销"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "ruling.objection_required", r.text
    assert judge.get(f"/api/v1/applications/{app_id}").json()["ruling"]["revoked"] is False
    objection = objected(client, passwords, app_id)
    r = judge.post(f"/api/v1/applications/{app_id}/ruling/revoke", json={"reason": "经审查撤销"})
    assert r.status_code == 200 and r.json()["ruling"]["revoked_by"] == objection["case_number"], r.text


def test_bad_objections_are_refused_with_their_field_and_nothing_is_registered(client, passwords, runtime):
    m, app_id, app = issued(client, passwords)
    clerk = Staff(client, "clerk", passwords["clerk"])
    base = f"/api/v1/applications/{app_id}/objections"
    party = app["parties"][0]
    day = today().isoformat()
    outsider = {"objector_kind": "interested_person", "name": "王五", "filed_on": day, "request": "协议处分了我的房屋"}
    cases = [
        ({**outsider, "known_on": (today() - timedelta(days=200)).isoformat()}, "objection.out_of_time"),
        ({**outsider, "known_on": day, "id_number": party["id_number"]}, "objection.objector_is_party"),
        ({**outsider}, "objection.start_date_required"),
        ({**outsider, "known_on": day, "name": " "}, "objection.name_required"),
        ({**outsider, "known_on": day, "filed_on": (today() + timedelta(days=1)).isoformat()},
         "objection.date_in_future"),
        ({"objector_kind": "party", "party_id": 999999, "received_on": day, "filed_on": day, "request": "x"},
         "objection.unknown_party"),
        ({"objector_kind": "party", "party_id": party["id"], "received_on": day, "filed_on": day, "request": " "},
         "objection.request_required"),
    ]
    for body, code in cases:
        r = clerk.post(base, json=body)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (code, r.text)
    assert m.post(base, json={**outsider, "known_on": day}).status_code == 403  # the mediator registers none
    assert rows(runtime, Objection, application_id=app_id) == []
    # a number is taken only by a registered objection: the first one still gets 民特监1号
    ok = clerk.post(base, json={**outsider, "known_on": day})
    assert ok.status_code == 201 and ok.json()["case_number"].endswith("民特监1号"), ok.text
    second = objected(client, passwords, app_id)
    assert second["case_number"].endswith("民特监2号")


def test_an_objection_needs_an_issued_ruling(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed()
    clerk = Staff(client, "clerk", passwords["clerk"])
    r = clerk.post(f"/api/v1/applications/{app_id}/objections", json={
        "objector_kind": "interested_person", "name": "王五", "known_on": today().isoformat(),
        "filed_on": today().isoformat(), "request": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "objection.no_ruling", r.text


def test_a_party_served_through_jiudi_counts_from_the_recorded_service_not_the_form(client, passwords):
    m, app_id, app = issued(client, passwords)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    clerk = Staff(client, "clerk", passwords["clerk"])
    party = app["parties"][0]
    body = {"objector_kind": "party", "party_id": party["id"], "received_on": tomorrow, "filed_on": today().isoformat(),
            "request": "请求撤销原裁定"}
    unserved = clerk.post(f"/api/v1/applications/{app_id}/objections", json=body)
    assert unserved.status_code == 422 and unserved.json()["error"]["code"] == "objection.date_in_future"
    served = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "秀山县中和派出所驻所调解室",
        "recipients": [{"party_id": party["id"], "method": "in_person", "signature_png": png_signature()}]})
    assert served.status_code == 200, served.text
    r = clerk.post(f"/api/v1/applications/{app_id}/objections", json=body)
    assert r.status_code == 201 and r.json()["starts_on"] == today().isoformat(), r.text


def test_the_case_page_registers_an_objection_and_decides_it(client, passwords, tmp_path):
    """The judge's page of an issued case: 登记异议 (errors shown on the page, nothing preset) and 对异议作出裁定."""
    from tests.api.test_decision_page import csrf, signed_in_page

    _m, app_id, app = issued(client, passwords)
    signed_in_page(client, "judge", passwords["judge"])
    page = client.get(f"/j/a/{app_id}").text
    assert 'id="objection-form"' in page and "尚无异议" in page
    assert 'checked' not in page.split('id="objection-form"')[1].split("</form>")[0]  # nothing preset
    day = today().isoformat()
    form = {"csrf": csrf(page), "objector_kind": "interested_person", "name": "王五", "known_on": day,
            "filed_on": day, "request": ""}
    refused = client.post(f"/j/a/{app_id}/objections", data=form, follow_redirects=False)
    assert refused.status_code == 422 and "请填写异议请求及理由" in refused.text
    r = client.post(f"/j/a/{app_id}/objections", data={**form, "request": "调解协议处分了我的房屋"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(f"/j/a/{app_id}").text
    assert "民特监1号" in page and "待审查" in page and "objection-decision" in page
    oid = re.search(r'/objections/(\d+)/decision', page).group(1)  # type: ignore[union-attr]
    r = client.post(f"/j/a/{app_id}/objections/{oid}/decision", follow_redirects=False, data={
        "csrf": csrf(page), "outcome": "revoked", "reasoning": "调解协议处分了案外人王五所有的房屋"})
    assert r.status_code == 303, r.text
    judge = Staff(client, "judge", passwords["judge"])
    deadline = time.monotonic() + 30
    while judge.get(f"/api/v1/objections/{oid}").json()["state"] != "issued":
        assert time.monotonic() < deadline, "the ruling on the objection was not sealed in time"
        time.sleep(0.1)
    page = client.get(f"/j/a/{app_id}").text
    assert "已裁定：撤销原裁定" in page and "revoked-by-note" in page and 'id="objection-form"' not in page
