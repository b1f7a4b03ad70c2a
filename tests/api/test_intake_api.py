"""就地申请 through the API: errors in the contract's shape, idempotency, documents, submission."""

from __future__ import annotations

from datetime import timedelta

from confirm.accounts.admin import set_late_applications
from confirm.core.clock import china_today
from confirm.core.db import transaction
from tests.support import Staff, a_pdf, application_body


def test_no_token_is_401_in_the_contract_shape(client):
    r = client.get("/api/v1/applications")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "auth.required" and r.json()["error"]["message"]


def test_wrong_password_is_401(client):
    r = client.post("/api/v1/auth/token", data={"username": "mediator", "password": "wrong-password"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth.invalid_credentials"


def test_me_tells_role_court_and_organisation(client, passwords):
    me = Staff(client, "mediator", passwords["mediator"]).get("/api/v1/me").json()
    assert me == {"username": "mediator", "name": "杨调解", "role": "mediator", "court_code": "渝0241",
                  "court_name": "重庆市秀山土家族苗族自治县人民法院", "organization": "秀山县中和派出所驻所调解室"}


def test_same_idempotency_key_and_body_returns_the_first_application(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    first = m.create(key="k-1")
    second = m.create(key="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert len(m.get("/api/v1/applications").json()["items"]) == 1


def test_same_idempotency_key_with_another_body_is_409(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    assert m.create(key="k-2").status_code == 201
    r = m.create(application_body(dispute_type="借款合同纠纷"), key="k-2")
    assert r.status_code == 409 and r.json()["error"]["code"] == "request.idempotency_conflict"


def test_late_application_is_refused_where_the_court_blocks_them_with_the_field_named_and_nothing_stored(
        client, runtime, passwords):
    with transaction(runtime.engine) as s:
        set_late_applications(s, "渝0241", "block", actor="test")
    m = Staff(client, "mediator", passwords["mediator"])
    late = (china_today() - timedelta(days=40)).isoformat()
    body = application_body(mediation={"concluded_on": late, "place": "调解室", "mediator_name": "杨调解"})
    r = m.create(body)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "application.deadline_passed"
    assert "mediation.concluded_on" in err["fields"] and "申请期限" in err["fields"]["mediation.concluded_on"]
    assert m.get("/api/v1/applications").json()["items"] == []


def test_bad_id_number_is_422_naming_the_party(client, passwords):
    body = application_body()
    body["parties"][0]["id_number"] = "110105194912310021"
    r = Staff(client, "mediator", passwords["mediator"]).create(body)
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"parties[0].id_number": "公民身份号码校验位不正确，请核对号码"}


def test_malformed_body_gets_chinese_field_messages(client, passwords):
    body = application_body()
    del body["mediation"]["concluded_on"]
    body["parties"][0]["kind"] = "robot"
    r = Staff(client, "mediator", passwords["mediator"]).create(body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "request.invalid"
    fields = r.json()["error"]["fields"]
    assert fields["mediation.concluded_on"] == "缺少必填项" and fields["parties[0].kind"] == "取值不在允许范围内"


def test_inadmissible_dispute_type_is_refused_at_intake(client, passwords):
    r = Staff(client, "mediator", passwords["mediator"]).create(application_body(dispute_type="离婚纠纷"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "application.inadmissible.identity_relation"


def test_an_inadmissible_dispute_type_in_other_words_is_refused_by_meaning(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    r = m.create(application_body(dispute_type="解除婚姻关系"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "application.inadmissible.identity_relation"
    assert "婚姻关系" in r.json()["error"]["fields"]["dispute_type"]
    assert m.create(application_body(dispute_type="离婚后财产纠纷")).status_code == 201


def test_documents_are_checked_by_content_and_size(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.create().json()["id"]
    scan = a_pdf()
    ok = m.upload(app_id, "agreement", scan)
    assert ok.status_code == 201 and ok.json()["kind"] == "agreement" and len(ok.json()["sha256"]) == 64
    disguised = m.upload(app_id, "agreement", b"PK\x03\x04 a word file", name="agreement.pdf")
    assert disguised.status_code == 415 and disguised.json()["error"]["code"] == "document.unsupported_type"
    huge = m.upload(app_id, "evidence", b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024))
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "document.too_large"
    wrong_kind = m.upload(app_id, "photo", a_pdf())
    assert wrong_kind.status_code == 422
    docs = m.get(f"/api/v1/applications/{app_id}").json()["documents"]
    assert [d["kind"] for d in docs] == ["agreement"]
    assert m.get(docs[0]["url"].replace("http://testserver", "")).content == scan


def test_submission_needs_both_required_documents(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.create().json()["id"]
    m.upload(app_id, "agreement", a_pdf())
    r = m.post(f"/api/v1/applications/{app_id}/submit")
    assert r.status_code == 422 and r.json()["error"]["code"] == "application.missing_document.joint_application"
    assert m.get(f"/api/v1/applications/{app_id}").json()["status"] == "draft"


def test_submitted_application_cannot_be_edited(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed()
    r = m.put(f"/api/v1/applications/{app_id}", json=application_body())
    assert r.status_code == 409 and r.json()["error"]["code"] == "application.invalid_state"


def test_draft_can_be_replaced(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.create().json()["id"]
    r = m.put(f"/api/v1/applications/{app_id}", json=application_body(dispute_type="借款合同纠纷"))
    assert r.status_code == 200 and r.json()["dispute_type"] == "借款合同纠纷"
    person = r.json()["parties"][0]
    assert person["sex"] == "女" and person["birth_date"] == "1949-12-31"


def test_risk_flags_come_with_reasons(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed(application_body(dispute_type="民间借贷纠纷"))
    flags = m.get(f"/api/v1/applications/{app_id}").json()["risk_flags"]
    assert [f["code"] for f in flags] == ["risk.high_risk_type"] and flags[0]["message"]


def test_password_guessing_is_stopped_after_ten_failures_even_for_the_right_password(client, passwords):
    for _ in range(10):
        r = client.post("/api/v1/auth/token", data={"username": "judge", "password": "guess-guess"})
        assert r.status_code == 401
    r = client.post("/api/v1/auth/token", data={"username": "judge", "password": passwords["judge"]})
    assert r.status_code == 429 and r.json()["error"]["code"] == "request.rate_limited"
    other = client.post("/api/v1/auth/token", data={"username": "mediator", "password": passwords["mediator"]})
    assert other.status_code == 200


def test_public_lookups_are_rate_limited_so_check_codes_cannot_be_enumerated(client):
    codes = [client.get("/api/v1/verify", params={"check_code": f"AAAAA-{i:05d}"}).status_code for i in range(61)]
    assert codes[:60] == [404] * 60 and codes[60] == 429
