"""当场送达 and public verification through the API."""

from __future__ import annotations

import base64

from tests.support import Staff, application_body, issued, now_iso, objected, png_signature, verification_now


def test_service_on_one_party_keeps_issued_and_on_all_makes_served(client, passwords):
    m, app_id, app = issued(client, passwords)
    first, second = app["parties"]
    r = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "调解室",
        "recipients": [{"party_id": first["id"], "method": "in_person", "signature_png": png_signature()}]})
    assert r.status_code == 200 and r.json()["status"] == "issued"
    assert m.get(f"/api/v1/applications/{app_id}/service-receipt.pdf").status_code == 409
    again = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "调解室", "recipients": [{"party_id": first["id"], "method": "in_person"}]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "service.already_served"
    r = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "调解室", "recipients": [{"party_id": second["id"], "method": "electronic"}]})
    assert r.json()["status"] == "served" and r.json()["service"]["complete"] is True
    receipt = m.get(f"/api/v1/applications/{app_id}/service-receipt.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert m.get(f"/api/v1/applications/{app_id}/service-receipt.pdf").content == receipt.content


def test_service_refuses_strangers_bad_signatures_and_future_times(client, passwords):
    m, app_id, app = issued(client, passwords)
    party = app["parties"][0]["id"]
    stranger = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "调解室", "recipients": [{"party_id": 999999, "method": "in_person"}]})
    assert stranger.status_code == 422 and stranger.json()["error"]["code"] == "service.unknown_party"
    jpeg = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "调解室",
        "recipients": [{"party_id": party, "method": "in_person",
                        "signature_png": base64.b64encode(b"\xff\xd8\xff\xe0 jpeg").decode()}]})
    assert jpeg.status_code == 415 and jpeg.json()["error"]["code"] == "service.signature_not_png"
    future = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": "2099-01-01T10:00:00+08:00", "place": "调解室",
        "recipients": [{"party_id": party, "method": "in_person"}]})
    assert future.status_code == 422 and future.json()["error"]["code"] == "service.in_future"
    assert m.get(f"/api/v1/applications/{app_id}").json()["service"] is None


def test_unknown_verify_token_is_404_in_contract_shape(client):
    r = client.get("/api/v1/verify/" + "A" * 32)
    assert r.status_code == 404 and r.json()["error"]["code"] == "verify.not_found"
    page = client.get("/v/" + "A" * 32)
    assert page.status_code == 404 and "未找到记录" in page.text


def test_upload_of_an_unregistered_or_garbage_file_is_not_genuine(client):
    from tests.support import a_pdf

    unsealed = client.post("/api/v1/verify", files={"file": ("x.pdf", a_pdf(), "application/pdf")}).json()
    assert unsealed["genuine"] is False
    assert {p["code"] for p in unsealed["problems"]} >= {"verify.unsigned", "verify.unregistered"}
    garbage = client.post("/api/v1/verify", files={"file": ("x.pdf", b"garbage", "application/pdf")}).json()
    assert garbage["genuine"] is False and [p["code"] for p in garbage["problems"]] == ["verify.not_pdf"]


def test_check_code_finds_the_ruling(client, passwords):
    import re
    import subprocess
    import tempfile
    from pathlib import Path

    m, app_id, app = issued(client, passwords)
    pdf = m.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "r.pdf").write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(Path(d) / "r.pdf"), "-"], capture_output=True, text=True).stdout
    code = re.search(r"核验码[：:]\s*([A-Z0-9]{5}-[A-Z0-9]{5})", text).group(1)
    record = client.get("/api/v1/verify", params={"check_code": code.lower().replace("-", " ")}).json()
    assert record["case_number"] == app["case_number"] and record["status"] == "valid"
    page = client.get("/v", params={"check_code": code})
    assert page.status_code == 200 and "文书真实，本院出具" in page.text


def test_health_readiness_and_metrics(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "signer": "ok"}
    metrics = client.get("/metrics").text
    assert "jiudi_rulings_total 0" in metrics and "jiudi_issuance_latency_seconds_count 0" in metrics


def test_metrics_count_issuance_latency(client, passwords):
    issued(client, passwords)
    metrics = client.get("/metrics").text
    assert "jiudi_rulings_total 1" in metrics and "jiudi_issuance_latency_seconds_count 1" in metrics
    assert 'jiudi_issuance_jobs{state="done"} 1' in metrics


def test_a_revoked_ruling_is_reported_revoked_everywhere(client, passwords):
    m, app_id, app = issued(client, passwords)
    pdf = m.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
    token = app["ruling"]["verify_url"].rsplit("/", 1)[1]
    objected(client, passwords, app_id)  # revocation goes through an objection (Interp. 372)
    assert m.post(f"/api/v1/applications/{app_id}/ruling/revoke", json={"reason": "x"}).status_code == 403
    judge = Staff(client, "judge", passwords["judge"])
    empty = judge.post(f"/api/v1/applications/{app_id}/ruling/revoke", json={"reason": "  "})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "ruling.revoke_reason_required"
    r = judge.post(f"/api/v1/applications/{app_id}/ruling/revoke",
                   json={"reason": "经异议审查，撤销原裁定", "public_reason": "objection_upheld"})
    assert r.status_code == 200 and r.json()["ruling"]["revoked"] is True
    assert client.get(f"/api/v1/verify/{token}").json()["status"] == "revoked"
    page = client.get(f"/v/{token}")
    assert "已撤销" in page.text and "经异议审查，原裁定已依法撤销" in page.text
    upload = client.post("/api/v1/verify", files={"file": ("r.pdf", pdf, "application/pdf")}).json()
    assert upload["genuine"] is False and "verify.revoked" in [p["code"] for p in upload["problems"]]
    again = judge.post(f"/api/v1/applications/{app_id}/ruling/revoke", json={"reason": "再次"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "ruling.already_revoked"


def test_readiness_fails_when_the_database_is_unreachable(settings):
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from confirm.app import create_app
    from confirm.core.runtime import Runtime
    from tests.support import LOOPBACK

    broken = Runtime(replace(settings, database_url="postgresql+psycopg://nobody@127.0.0.1:9/none",
                           issuance_in_process=False))
    with TestClient(create_app(runtime=broken), client=LOOPBACK) as c:
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["checks"]["database"].startswith("error")
        assert c.get("/healthz").status_code == 200


def test_readiness_fails_when_the_trust_roots_do_not_load(client, settings):
    """The other half of /readyz: the database answers, but the seal trust roots cannot be read."""
    assert client.get("/readyz").status_code == 200
    (settings.data_dir / "keys" / "root-ca.pem").write_text("not a certificate")
    r = client.get("/readyz")
    assert r.status_code == 503 and r.json()["checks"] == {"database": "ok", "signer": "error: KeyMaterialError"}


def test_openapi_documents_the_error_body_and_every_code(client):
    schema = client.get("/openapi.json").json()
    error = schema["components"]["schemas"]["Error"]
    assert "application.deadline_passed" in error["properties"]["error"]["properties"]["code"]["enum"]
    assert error["x-error-codes"]["verify.not_found"]["status"] == 404


def test_two_parties_of_one_surname_are_told_apart_on_the_public_record(client, passwords):
    """张三 and 张四丰 would both be 张某某: the public record says 张某甲 and 张某乙, in the application's order."""
    body = application_body()
    body["parties"][1] = {**body["parties"][0], "name": "张四丰", "id_number": "110105194912310038",
                          "phone": "13900000000"}
    body["agreement"]["text"] = body["agreement"]["text"].replace("秀山县武陵建材有限公司", "张四丰")
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed(body)
    judge = Staff(client, "judge", passwords["judge"])
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
    assert r.json()["status"] == "issued", r.text
    token = r.json()["ruling"]["verify_url"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/verify/{token}").json()["parties"] == ["张某甲", "张某乙"]
    assert "张某甲" in client.get(f"/v/{token}").text
