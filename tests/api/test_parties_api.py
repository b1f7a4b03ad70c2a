"""The parties in the loop (api.md v1.1): each party confirms the agreement from their own phone before the court
rules; wrong codes lock a link and tell the court; the judge sees it all; confirming needs every party's own
confirmation, or the judge's record of why a party could not give it."""

from __future__ import annotations

import logging
import re
import subprocess
from datetime import timedelta

from sqlmodel import select

from confirm.accounts.admin import set_party_confirmation
from confirm.core.clock import utcnow
from confirm.core.db import transaction
from confirm.models import AddressConfirmation, Application, AuditRecord, Event, PartyLink, PartyView
from tests.e2e.test_whole_chain import require_tool
from tests.support import (
    Staff,
    a_pdf,
    application_body,
    id_tail,
    outbox,
    party_code,
    party_link_token,
    party_session,
    verification_now,
)
from verify import check_sealed_pdf


def submitted(client, passwords, body=None):  # type: ignore[no-untyped-def]
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed(body, confirmed=False)
    return m, app_id, m.get(f"/api/v1/applications/{app_id}").json()


def test_each_party_gets_its_own_link_to_its_own_phone_at_submission(client, passwords):
    m, app_id, app = submitted(client, passwords)
    person, company = app["parties"]
    assert [p["confirmation"] for p in app["parties"]] == [{"state": "pending", "at": None}] * 2
    links = {p["id"]: outbox(client, application_id=app_id, party_id=p["id"], kind="party.confirm_link")
             for p in app["parties"]}
    assert [len(v) for v in links.values()] == [1, 1]
    assert links[person["id"]][0]["to"] == "13800000000" and links[company["id"]][0]["to"] == "13900000000"
    assert "张三" in links[person["id"]][0]["text"] and "/p/" in links[person["id"]][0]["text"]
    assert party_link_token(client, app_id, person["id"]) != party_link_token(client, app_id, company["id"])
    # the code goes to the party's own phone, never to the mediator
    token = party_link_token(client, app_id, person["id"])
    r = client.post(f"/api/v1/party/{token}/code")
    assert r.status_code == 202 and r.json() == {"channel": "sms", "sent_to": "138****0000"}
    assert outbox(client, kind="party.code")[0]["to"] == "13800000000"


def test_a_party_reads_the_whole_agreement_and_confirms_with_the_evidence_recorded(client, runtime, passwords):
    m, app_id, app = submitted(client, passwords)
    person = app["parties"][0]
    headers = party_session(client, app_id, person)
    me = client.get("/api/v1/party/me", headers=headers).json()
    assert me["application_id"] == app_id and me["agreement"]["text"] == app["agreement"]["text"]
    assert "虚假诉讼罪" in "".join(me["warning"]) and me["confirmation"]["state"] == "pending"
    for doc in me["agreement"]["documents"]:  # every page of the uploaded agreement, as an image
        assert client.get(doc["url"], headers=headers).content.startswith(b"%PDF")  # the file as filed
        pages = client.get(f"{doc['url']}/pages", headers=headers).json()["pages"]
        assert len(pages) == 1
        image = client.get(pages[0], headers=headers)
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    r = client.post("/api/v1/party/me/confirmation", headers={**headers, "User-Agent": "Redmi 9A"},
                    json={"decision": "confirm", "note": "协议是我本人的意思",
                          "service_address": {"address": "秀山县中和街道渝秀大道1号", "phone": "13800000000"},
                          "electronic_service": True})
    assert r.status_code == 200 and r.json()["confirmation"]["state"] == "confirmed"
    again = client.post("/api/v1/party/me/confirmation", headers=headers, json={"decision": "decline"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "party.already_decided"
    with transaction(runtime.engine) as s:
        link = s.exec(select(PartyLink).where(PartyLink.party_id == person["id"])).one()
        views = s.exec(select(PartyView).where(PartyView.link_id == link.id)).all()
    assert link.evidence["agreement_sha256_seen"] == link.agreement_sha256 == me["agreement"]["sha256"]
    assert link.evidence["user_agent"] == "Redmi 9A" and link.evidence["code_channel"] == "sms"
    assert len(link.evidence["pages_viewed"]) == 5 and len(views) >= 5  # the typed text, two files, their pages
    staff_view = m.get(f"/api/v1/applications/{app_id}").json()["parties"][0]["confirmation"]
    assert staff_view["state"] == "confirmed" and staff_view["at"]


def test_the_party_s_confirmed_address_is_sealed_as_a_confirmation_of_the_address_for_service(
        client, runtime, passwords):
    m, app_id, app = submitted(client, passwords)
    headers = party_session(client, app_id, app["parties"][0])
    client.post("/api/v1/party/me/confirmation", headers=headers, json={
        "decision": "confirm", "service_address": {"address": "秀山县中和街道渝秀大道1号", "phone": "13800000000"},
        "electronic_service": True})
    m.get(f"/api/v1/applications/{app_id}")  # the worker seals it (in-process, woken by the job)
    import time
    deadline = time.monotonic() + 20
    while True:
        with transaction(runtime.engine) as s:
            row = s.exec(select(AddressConfirmation).where(AddressConfirmation.application_id == app_id)).first()
        if row is not None:
            break
        assert time.monotonic() < deadline, "the 送达地址确认书 was not sealed"
        time.sleep(0.1)
    pdf = runtime.store.get(row.sha256)
    assert check_sealed_pdf(pdf, runtime.seals.trust_roots()).genuine
    text = subprocess.run([require_tool("pdftotext"), "-", "-"], input=pdf, capture_output=True).stdout.decode()
    flat = "".join(text.split())  # the title is letter-spaced
    assert "送达地址确认书" in flat and "秀山县中和街道渝秀大道1号" in flat and "138****0000" in flat
    verified = client.post("/api/v1/verify", files={"file": ("a.pdf", pdf, "application/pdf")}).json()
    assert verified["genuine"] and verified["document"] == "address_confirmation"


def test_wrong_codes_are_refused_in_chinese_and_five_lock_the_link_and_tell_the_court(client, runtime, passwords):
    m, app_id, app = submitted(client, passwords)
    person = app["parties"][0]
    token = party_link_token(client, app_id, person["id"])
    code = party_code(client, token, app_id, person["id"])
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        r = client.post(f"/api/v1/party/{token}/session", json={"id_tail": id_tail(person), "code": wrong})
        assert r.status_code == 401 and r.json()["error"]["code"] == "party.bad_code"
        assert f"还可尝试{left}次" in r.json()["error"]["message"]
    r = client.post(f"/api/v1/party/{token}/session", json={"id_tail": "999999", "code": code})  # wrong ID digits
    assert r.status_code == 423 and r.json()["error"]["code"] == "party.locked"
    r = client.post(f"/api/v1/party/{token}/session", json={"id_tail": id_tail(person), "code": code})
    assert r.status_code == 423  # even the right code now
    assert client.post(f"/api/v1/party/{token}/code").status_code == 423
    seen = m.get(f"/api/v1/applications/{app_id}").json()
    assert seen["status"] == "submitted" and seen["parties"][0]["confirmation"]["state"] == "locked"
    assert "risk.party_locked" in [f["code"] for f in seen["risk_flags"]]
    with transaction(runtime.engine) as s:
        assert s.exec(select(Event).where(Event.application_id == app_id, Event.type == "party.locked")).first()
        assert s.exec(select(AuditRecord).where(AuditRecord.application_id == app_id,
                                                AuditRecord.action == "party.locked")).first()


def test_codes_are_never_logged(client, passwords, caplog):
    caplog.set_level(logging.DEBUG)
    m, app_id, app = submitted(client, passwords)
    person = app["parties"][0]
    token = party_link_token(client, app_id, person["id"])
    code = party_code(client, token, app_id, person["id"])
    client.post(f"/api/v1/party/{token}/session", json={"id_tail": id_tail(person), "code": code})
    m.get(f"/api/v1/applications/{app_id}")
    server_side = [r for r in caplog.records if not r.name.startswith("httpx")]  # (httpx: this test's own client)
    assert not [r.getMessage() for r in server_side if code in r.getMessage()]


def test_a_code_is_not_sent_again_within_a_minute(client, passwords):
    _m, app_id, app = submitted(client, passwords)
    token = party_link_token(client, app_id, app["parties"][0]["id"])
    assert client.post(f"/api/v1/party/{token}/code").status_code == 202
    r = client.post(f"/api/v1/party/{token}/code")
    assert r.status_code == 429 and r.json()["error"]["code"] == "party.code_rate_limited"
    assert len(outbox(client, kind="party.code")) == 1


def test_links_expire_and_unknown_tokens_are_not_found(client, runtime, passwords):
    _m, app_id, app = submitted(client, passwords)
    token = party_link_token(client, app_id, app["parties"][0]["id"])
    with transaction(runtime.engine) as s:
        for link in s.exec(select(PartyLink).where(PartyLink.application_id == app_id)):
            link.expires_at = utcnow() - timedelta(seconds=1)
            s.add(link)
    r = client.post(f"/api/v1/party/{token}/code")
    assert r.status_code == 410 and r.json()["error"]["code"] == "party.link_expired"
    r = client.post("/api/v1/party/not-a-token/code")
    assert r.status_code == 404 and r.json()["error"]["code"] == "party.link_not_found"


def test_a_party_sees_its_own_case_only_and_staff_tokens_open_nothing_of_it(client, passwords):
    m, app_a, a = submitted(client, passwords)
    _m, app_b, b = submitted(client, passwords, application_body(dispute_type="民间借贷纠纷"))
    headers = party_session(client, app_a, a["parties"][0])
    assert client.get("/api/v1/party/me", headers=headers).json()["application_id"] == app_a
    doc_b = b["documents"][0]["id"]
    assert client.get(f"/api/v1/party/me/documents/{doc_b}/pages/1.png", headers=headers).status_code == 404
    assert client.get(f"/api/v1/applications/{app_a}", headers=headers).status_code == 401  # not a staff token
    assert client.get("/api/v1/party/me", headers=m.headers).status_code == 401
    assert client.get("/api/v1/party/me").status_code == 401


def test_editing_a_returned_application_voids_the_confirmations_and_asks_again(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()  # both parties confirmed
    old_token = party_link_token(client, app_id, m.get(f"/api/v1/applications/{app_id}").json()["parties"][0]["id"])
    judge.post(f"/api/v1/applications/{app_id}/claim")
    judge.post(f"/api/v1/applications/{app_id}/return", json={"reason": "金额与协议不一致"})
    body = application_body()
    body["agreement"]["text"] = body["agreement"]["text"].replace("12000", "13000")
    body["agreement"]["amount"] = "13000.00"
    assert m.put(f"/api/v1/applications/{app_id}", json=body).status_code == 200
    edited = m.get(f"/api/v1/applications/{app_id}").json()
    assert [p["confirmation"]["state"] for p in edited["parties"]] == ["pending", "pending"]
    r = client.post(f"/api/v1/party/{old_token}/code")
    assert r.status_code == 410 and r.json()["error"]["code"] == "party.link_voided"
    before = max(msg["id"] for msg in outbox(client))
    assert m.post(f"/api/v1/applications/{app_id}/submit").status_code == 200
    person = edited["parties"][0]
    asked = [msg for msg in outbox(client, application_id=app_id, kind="party.confirm_link") if msg["id"] > before]
    assert sorted(msg["party_id"] for msg in asked) == sorted(p["id"] for p in edited["parties"])
    new_token = party_link_token(client, app_id, person["id"])
    assert new_token != old_token
    headers = party_session(client, app_id, person)
    assert "13000" in client.get("/api/v1/party/me", headers=headers).json()["agreement"]["text"]


def claimed_with_one_confirmation(client, passwords):  # type: ignore[no-untyped-def]
    """A submitted application whose first party confirmed and whose second did not answer, claimed by the judge."""
    m, app_id, app = submitted(client, passwords)
    person, company = app["parties"]
    headers = party_session(client, app_id, person)
    client.post("/api/v1/party/me/confirmation", headers=headers, json={"decision": "confirm"})
    judge = Staff(client, "judge", passwords["judge"])
    judge.post(f"/api/v1/applications/{app_id}/claim")
    return m, app_id, person, company, judge


def test_confirming_needs_every_party_unless_the_judge_records_why(client, runtime, passwords, tmp_path):
    m, app_id, person, company, judge = claimed_with_one_confirmation(client, passwords)
    body = {"outcome": "confirmed", "grounds": [], "verification": verification_now()}
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json=body)
    assert r.status_code == 409 and r.json()["error"]["code"] == "decision.party_confirmation_missing"
    assert "秀山县武陵建材有限公司" in r.json()["error"]["message"]
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={**body, "waivers": [
        {"party_id": company["id"], "reason": ""}]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "decision.waiver_reason_required"
    assert judge.get(f"/api/v1/applications/{app_id}").json()["status"] == "under_review"  # nothing changed
    reason = "法定代表人无智能手机，已在视频核实时当面确认"
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={**body, "waivers": [
        {"party_id": company["id"], "reason": reason}]})
    assert r.status_code == 200 and r.json()["status"] == "issued", r.text
    assert [p["confirmation"]["state"] for p in r.json()["parties"]] == ["confirmed", "waived"]
    pdf = m.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
    text = subprocess.run([require_tool("pdftotext"), "-", "-"], input=pdf, capture_output=True).stdout.decode()
    flat = re.sub(r"开发测试文书DEV—无法律效力|第\d+页共\d+页", "", "".join(text.split()))  # page furniture
    assert "申请人张三于" in flat and "通过本院在线平台本人确认了调解协议内容" in flat
    assert f"申请人秀山县武陵建材有限公司未能在线本人确认（{reason}）" in flat


def test_a_court_may_make_the_parties_confirmation_optional(client, runtime, passwords):
    with transaction(runtime.engine) as s:
        set_party_confirmation(s, "渝0241", "optional", actor="test")
    m, app_id, _app = submitted(client, passwords)
    judge = Staff(client, "judge", passwords["judge"])
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
    assert r.status_code == 200 and r.json()["status"] == "issued"


def test_a_decline_and_a_shared_phone_raise_risk_flags_at_once(client, passwords):
    body = application_body()
    body["parties"][1]["phone"] = body["parties"][0]["phone"]  # two "different" parties, one phone
    m, app_id, app = submitted(client, passwords, body)
    assert "risk.shared_phone" in [f["code"] for f in app["risk_flags"]]
    headers = party_session(client, app_id, app["parties"][1])
    r = client.post("/api/v1/party/me/confirmation", headers=headers,
                    json={"decision": "decline", "note": "我公司没有参加调解"})
    assert r.status_code == 200 and r.json()["confirmation"]["state"] == "declined"
    flags = m.get(f"/api/v1/applications/{app_id}").json()["risk_flags"]
    declined = [f for f in flags if f["code"] == "risk.party_declined"]
    assert declined and "我公司没有参加调解" in declined[0]["message"]


def test_a_refused_confirmation_changes_nothing(client, runtime, passwords):
    m, app_id, app = submitted(client, passwords)
    headers = party_session(client, app_id, app["parties"][0])
    r = client.post("/api/v1/party/me/confirmation", headers=headers, json={
        "decision": "confirm", "service_address": {"phone": "1380000"}, "electronic_service": True})
    assert r.status_code == 422 and r.json()["error"]["fields"]["service_address.phone"]
    assert client.get("/api/v1/party/me", headers=headers).json()["confirmation"]["state"] == "pending"
    with transaction(runtime.engine) as s:
        assert s.get(Application, app_id).risk_flags == app["risk_flags"]


def test_the_agreement_changed_under_a_pending_link_cannot_be_confirmed(client, runtime, passwords):
    m, app_id, app = submitted(client, passwords)
    headers = party_session(client, app_id, app["parties"][0])
    assert m.upload(app_id, "agreement", a_pdf("a second scan")).status_code == 409  # submitted: no new documents
    with transaction(runtime.engine) as s:
        application = s.get(Application, app_id)
        application.agreement_text += "三、补充条款。"  # as a direct edit in the database would
        s.add(application)
    r = client.post("/api/v1/party/me/confirmation", headers=headers, json={"decision": "confirm"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "party.agreement_changed"


def test_the_court_serves_a_party_who_accepted_electronic_service_and_the_mediator_delivers_to_the_other(
        client, passwords):
    m, app_id, app = submitted(client, passwords)
    person, company = app["parties"]
    sessions = {}
    for party, electronic in ((person, True), (company, False)):
        headers = sessions[party["id"]] = party_session(client, app_id, party)
        client.post("/api/v1/party/me/confirmation", headers=headers, json={
            "decision": "confirm", "electronic_service": electronic,
            "service_address": {"address": party["address"], "phone": party["phone"]}})
    judge = Staff(client, "judge", passwords["judge"])
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
    assert r.json()["status"] == "issued"
    served = outbox(client, application_id=app_id, kind="ruling.served")
    assert [(x["party_id"], x["to"], x["channel"]) for x in served] == [(person["id"], "13800000000", "sms")]
    assert app["case_number"] is None and r.json()["case_number"] in served[0]["text"]

    # the person opens the court's message (on the phone it confirmed with): the opening is the court's record
    headers = sessions[person["id"]]
    ruling = client.get("/api/v1/party/me/ruling.pdf", headers=headers)
    assert ruling.status_code == 200 and ruling.content == m.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
    client.get("/api/v1/party/me/ruling.pdf", headers=headers)  # a second opening records nothing more
    seen = m.get(f"/api/v1/applications/{app_id}").json()
    assert seen["status"] == "issued" and len(seen["service"]["recipients"]) == 1
    record = seen["service"]["recipients"][0]
    assert (record["party_id"], record["method"], record["channel"], record["consent_basis"]) == (
        person["id"], "electronic", "sms", "express")
    assert record["sent_at"] == record["served_at"] == served[0]["sent_at"]  # the system's times, typed by nobody
    voucher = m.get(f"/api/v1/applications/{app_id}/service-vouchers/{person['id']}.pdf")
    assert voucher.status_code == 200
    text = "".join(subprocess.run([require_tool("pdftotext"), "-", "-"], input=voucher.content,
                                  capture_output=True).stdout.decode().split())
    assert "吴书记（重庆市秀山土家族苗族自治县人民法院）" in text and "查阅时间" in text

    # the company did not accept electronic service: opening its copy serves nothing; the mediator delivers it
    assert client.get("/api/v1/party/me/ruling.pdf", headers=sessions[company["id"]]).status_code == 200
    assert len(m.get(f"/api/v1/applications/{app_id}").json()["service"]["recipients"]) == 1
    from tests.support import now_iso, png_signature
    r = m.post(f"/api/v1/applications/{app_id}/service", json={"served_at": now_iso(), "place": "调解室", "recipients": [
        {"party_id": company["id"], "method": "in_person", "signature_png": png_signature()}]})
    assert r.status_code == 200 and r.json()["status"] == "served", r.text
    receipt = m.get(f"/api/v1/applications/{app_id}/service-receipt.pdf")
    # -layout keeps each ruled row on its line (the plain reading order mixes a tall row's label with the next)
    lines = [" ".join(line.split()) for line in subprocess.run(
        [require_tool("pdftotext"), "-layout", "-", "-"], input=receipt.content, capture_output=True).stdout.decode()
        .splitlines()]
    assert "代为送达人 杨调解（秀山县中和派出所驻所调解室）" in lines
    assert any(re.search(r"^填发人 吴书记、杨调解 送达人 吴书记", line) for line in lines), lines  # 送达人: the clerk


def test_after_a_rejection_the_party_s_page_says_what_the_parties_can_do(client, passwords):
    m, app_id, app = submitted(client, passwords)
    person = app["parties"][0]
    token = party_link_token(client, app_id, person["id"])
    code = party_code(client, token, app_id, person["id"])
    r = client.post(f"/p/{token}/session", data={"id_tail": id_tail(person), "code": code}, follow_redirects=False)
    assert r.status_code == 303 and "jiudi_party" in r.headers["set-cookie"]
    judge = Staff(client, "judge", passwords["judge"])
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "rejected", "grounds": ["violates_mandatory_law"]})
    assert r.status_code == 200 and r.json()["ruling"]["outcome"] == "rejected", r.text
    page = client.get(f"/p/{token}")
    assert page.status_code == 200
    assert "驳回司法确认申请" in page.text and "也可以向人民法院提起诉讼" in page.text and 'id="confirm-form"' not in page.text
    late = client.post("/api/v1/party/me/confirmation", headers={"Cookie": ""},
                       json={"decision": "confirm"})
    assert late.status_code == 401  # a POST never rides on the page's cookie


def test_an_unchanged_resubmission_keeps_the_answers_and_replaces_only_an_expired_link(client, runtime, passwords):
    m, app_id, person, company, judge = claimed_with_one_confirmation(client, passwords)
    judge.post(f"/api/v1/applications/{app_id}/return", json={"reason": "请补充身份证明"})
    with transaction(runtime.engine) as s:  # the company never answered, and its link has expired meanwhile
        link = s.exec(select(PartyLink).where(PartyLink.party_id == company["id"],
                                              PartyLink.application_id == app_id)).one()
        link.expires_at = utcnow() - timedelta(seconds=1)
        s.add(link)
    before = max(msg["id"] for msg in outbox(client))
    assert m.post(f"/api/v1/applications/{app_id}/submit").status_code == 200
    asked = [msg["party_id"] for msg in outbox(client, application_id=app_id, kind="party.confirm_link")
             if msg["id"] > before]
    assert asked == [company["id"]]
    states = [p["confirmation"]["state"] for p in m.get(f"/api/v1/applications/{app_id}").json()["parties"]]
    assert states == ["confirmed", "pending"]
