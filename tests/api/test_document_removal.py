"""Taking back a wrong upload (issue 14 item 5): ``DELETE /api/v1/applications/{id}/documents/{document_id}`` and
the page's 删除, for the mediator who uploaded it, while the application is a draft or returned."""

from __future__ import annotations

import hashlib

from sqlmodel import select

from confirm.core.db import transaction
from confirm.models import AuditRecord
from tests.api.test_decision_page import csrf, signed_in_page
from tests.support import Staff, a_pdf


def add_mediator(runtime, username: str, organization: str) -> None:  # type: ignore[no-untyped-def]
    from confirm.accounts import admin

    with transaction(runtime.engine) as s:
        if organization != "秀山县中和派出所驻所调解室":
            admin.add_organization(s, "渝0241", organization, "judicial_office", actor="test")
        admin.add_user(s, username, role="mediator", court_code="渝0241", password="another-password",
                       organization=organization, actor="test")


def draft_with_documents(m: Staff) -> tuple[str, int, int]:
    app_id = m.create().json()["id"]
    agreement = m.upload(app_id, "agreement", a_pdf("调解协议")).json()["id"]
    wrong = m.upload(app_id, "evidence", a_pdf("拍错的照片"), name="wrong.pdf").json()["id"]
    return app_id, agreement, wrong


def test_the_uploader_removes_a_wrong_upload_from_a_draft_and_the_audit_names_it(client, runtime, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id, agreement, wrong = draft_with_documents(m)
    sha256 = next(d["sha256"] for d in m.get(f"/api/v1/applications/{app_id}").json()["documents"] if d["id"] == wrong)
    r = m.client.delete(f"/api/v1/applications/{app_id}/documents/{wrong}", headers=m.headers)
    assert r.status_code == 200, r.text
    assert [d["id"] for d in r.json()["documents"]] == [agreement]
    assert m.get(f"/api/v1/applications/{app_id}/documents/{wrong}").status_code == 404
    with transaction(runtime.engine) as s:
        removed = s.exec(select(AuditRecord).where(AuditRecord.action == "document.removed")).one()
        assert removed.application_id == app_id and removed.actor == "mediator"
        assert removed.data["sha256"] == sha256 and removed.data["filename"] == "wrong.pdf"
    kept = runtime.store.get(sha256)  # the bytes are kept: the audit record still leads to them
    assert hashlib.sha256(kept).hexdigest() == sha256 and kept.startswith(b"%PDF")


def test_a_returned_application_s_document_may_be_removed(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    wrong = m.get(f"/api/v1/applications/{app_id}").json()["documents"][0]["id"]
    judge.post(f"/api/v1/applications/{app_id}/claim")
    assert judge.post(f"/api/v1/applications/{app_id}/return", json={"reason": "调解协议扫描不清"}).status_code == 200
    assert m.client.delete(f"/api/v1/applications/{app_id}/documents/{wrong}", headers=m.headers).status_code == 200


def test_after_submission_a_document_stays_and_the_answer_is_409_invalid_state(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed()
    first = m.get(f"/api/v1/applications/{app_id}").json()["documents"][0]["id"]
    r = m.client.delete(f"/api/v1/applications/{app_id}/documents/{first}", headers=m.headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "application.invalid_state"
    assert "删除材料" in r.json()["error"]["message"]
    assert len(m.get(f"/api/v1/applications/{app_id}").json()["documents"]) == 2


def test_another_mediator_of_the_organisation_may_not_remove_it_and_another_organisation_sees_404(
        client, runtime, passwords):
    add_mediator(runtime, "colleague", "秀山县中和派出所驻所调解室")
    add_mediator(runtime, "outsider", "秀山县清溪场司法所人民调解委员会")
    m = Staff(client, "mediator", passwords["mediator"])
    app_id, _agreement, wrong = draft_with_documents(m)
    colleague = Staff(client, "colleague", "another-password")
    r = colleague.client.delete(f"/api/v1/applications/{app_id}/documents/{wrong}", headers=colleague.headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "document.not_uploader"
    outsider = Staff(client, "outsider", "another-password")
    r = outsider.client.delete(f"/api/v1/applications/{app_id}/documents/{wrong}", headers=outsider.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    judge = Staff(client, "judge", passwords["judge"])
    r = judge.client.delete(f"/api/v1/applications/{app_id}/documents/{wrong}", headers=judge.headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "auth.forbidden"
    assert len(m.get(f"/api/v1/applications/{app_id}").json()["documents"]) == 2


def test_a_document_of_another_application_is_404(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id, _agreement, _wrong = draft_with_documents(m)
    _other_id, other_agreement, _ = draft_with_documents(m)
    r = m.client.delete(f"/api/v1/applications/{app_id}/documents/{other_agreement}", headers=m.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert m.client.delete(f"/api/v1/applications/{app_id}/documents/0", headers=m.headers).status_code == 422


def test_the_page_removes_with_its_csrf_token_and_shows_delete_only_for_one_s_own_documents(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id, agreement, wrong = draft_with_documents(m)
    signed_in_page(client, "mediator", passwords["mediator"])
    page = client.get(f"/m/a/{app_id}").text
    assert f'action="/m/a/{app_id}/documents/{wrong}/remove"' in page
    assert client.post(f"/m/a/{app_id}/documents/{wrong}/remove", data={"csrf": "forged"}).status_code == 403
    r = client.post(f"/m/a/{app_id}/documents/{wrong}/remove", data={"csrf": csrf(page)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/m/a/{app_id}?done=removed"
    after = client.get(r.headers["location"]).text
    assert "材料已删除" in after and "wrong.pdf" not in after and f"/documents/{agreement}/remove" in after
    m.post(f"/api/v1/applications/{app_id}/documents", data={"kind": "joint_application"},
           files={"file": ("joint.pdf", a_pdf("联合申请书"), "application/pdf")})
    m.post(f"/api/v1/applications/{app_id}/submit")
    submitted = client.get(f"/m/a/{app_id}").text
    assert "/remove" not in submitted  # with the court: nothing to take back
    refused = client.post(f"/m/a/{app_id}/documents/{agreement}/remove", data={"csrf": csrf(submitted)})
    assert refused.status_code == 409 and "不能删除材料" in refused.text
