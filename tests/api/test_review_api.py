"""同步审核 through the API: the queue, claims and case numbers, decisions, access scopes."""

from __future__ import annotations

import threading

from sqlmodel import select

from confirm.core.audit import verify_chain
from confirm.core.db import transaction
from confirm.models import AuditRecord
from tests.support import Staff, verification_now


def test_queue_is_oldest_first_and_only_submitted_or_under_review(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    first, second = m.filed(), m.filed()
    m.create()  # a draft never shows
    assert [i["id"] for i in judge.get("/api/v1/review-queue").json()["items"]] == [first, second]
    item = judge.get("/api/v1/review-queue").json()["items"][0]
    assert item["acceptance_deadline"] and item["review_deadline"] is None


def test_case_numbers_are_allocated_in_order_of_first_claim_and_kept_on_release(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    a, b = m.filed(), m.filed()
    nb = judge.post(f"/api/v1/applications/{b}/claim").json()["case_number"]
    na = judge.post(f"/api/v1/applications/{a}/claim").json()["case_number"]
    assert nb.endswith("民特1号") and na.endswith("民特2号")
    released = judge.post(f"/api/v1/applications/{b}/release").json()
    assert released["status"] == "submitted" and released["case_number"] == nb
    again = Staff(client, "judge2", passwords["judge2"]).post(f"/api/v1/applications/{b}/claim").json()
    assert again["case_number"] == nb and again["claimed_by"] == "judge2"


def test_two_judges_cannot_claim_the_same_application(client, passwords):
    app_id = Staff(client, "mediator", passwords["mediator"]).filed()
    judges = [Staff(client, "judge", passwords["judge"]), Staff(client, "judge2", passwords["judge2"])]
    results: list[int] = []
    barrier = threading.Barrier(2)

    def claim(j: Staff) -> None:
        barrier.wait()
        results.append(j.post(f"/api/v1/applications/{app_id}/claim").status_code)

    threads = [threading.Thread(target=claim, args=(j,)) for j in judges]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]


def test_only_the_claiming_judge_decides_and_only_once(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge, judge2 = Staff(client, "judge", passwords["judge"]), Staff(client, "judge2", passwords["judge2"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    body = {"outcome": "confirmed", "grounds": [], "verification": verification_now()}
    assert judge2.post(f"/api/v1/applications/{app_id}/decision", json=body).json()["error"]["code"] == \
        "application.not_claimant"
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json=body)
    assert r.status_code == 200 and r.json()["status"] == "issued", r.text
    twice = judge.post(f"/api/v1/applications/{app_id}/decision", json=body)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "application.already_decided"


def test_rejection_with_grounds_is_issued_and_a_foreign_ground_is_refused(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    # not_voluntary is a ground of Interp. 358 (rejection), not of Interp. 355 (not accepted)
    foreign = judge.post(f"/api/v1/applications/{app_id}/decision",
                         json={"outcome": "not_accepted", "grounds": ["not_voluntary"]})
    assert foreign.status_code == 422 and foreign.json()["error"]["code"] == "decision.ground_not_allowed"
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "rejected", "grounds": ["not_voluntary"], "reasoning": "一方当事人表示系受胁迫签订。"})
    assert r.status_code == 200 and r.json()["ruling"]["outcome"] == "rejected", r.text


def test_confirmation_without_verification_record_is_refused(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={"outcome": "confirmed", "grounds": []})
    assert r.status_code == 422 and r.json()["error"]["code"] == "decision.verification_required"
    assert judge.get(f"/api/v1/applications/{app_id}").json()["status"] == "under_review"


def test_returned_application_can_be_corrected_and_resubmitted(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/return", json={"reason": "请补充当事人身份证明"})
    assert r.json()["status"] == "returned" and r.json()["return_reason"] == "请补充当事人身份证明"
    assert m.post(f"/api/v1/applications/{app_id}/submit").json()["status"] == "submitted"


def test_a_mediator_of_another_organisation_and_a_mediator_on_review_routes_see_404_or_403(client, runtime, passwords):
    from confirm.accounts import admin

    with transaction(runtime.engine) as s:
        admin.add_organization(s, "渝0241", "秀山县清溪场司法所人民调解委员会", "judicial_office", actor="test")
        admin.add_user(s, "other", role="mediator", court_code="渝0241", password="another-password",
                       organization="秀山县清溪场司法所人民调解委员会", actor="test")
        admin.add_court(s, "渝0242", "重庆市酉阳土家族苗族自治县人民法院", actor="test")
        admin.add_user(s, "far-judge", role="judge", court_code="渝0242", password="another-password", actor="test")
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed()
    other = Staff(client, "other", "another-password")
    assert other.get(f"/api/v1/applications/{app_id}").status_code == 404
    assert other.get("/api/v1/applications").json()["items"] == []
    far = Staff(client, "far-judge", "another-password")
    assert far.post(f"/api/v1/applications/{app_id}/claim").status_code == 404
    assert far.get("/api/v1/review-queue").json()["items"] == []
    assert m.post(f"/api/v1/applications/{app_id}/claim").status_code == 403


def test_every_state_change_is_in_an_unbroken_audit_chain(client, runtime, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    judge.post(f"/api/v1/applications/{app_id}/decision",
               json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
    m.get(f"/api/v1/applications/{app_id}/ruling.pdf")
    with transaction(runtime.engine) as s:
        actions = [r.action for r in s.exec(select(AuditRecord).where(AuditRecord.application_id == app_id)
                                            .order_by(AuditRecord.id))]
        assert verify_chain(s, runtime.audit_keys.mac_key) == []
    assert actions == ["application.draft", "document.uploaded", "document.uploaded", "party.links_opened",
                       "application.submitted", "party.confirmed", "party.confirmed", "application.under_review",
                       "application.accepted", "decision.made", "application.issued", "ruling.downloaded"]


def test_case_numbers_stay_gapless_and_unique_when_three_judges_claim_at_once(client, runtime, passwords):
    from confirm.accounts import admin

    with transaction(runtime.engine) as s:
        admin.add_user(s, "judge3", role="judge", court_code="渝0241", password="another-password", actor="test")
    m = Staff(client, "mediator", passwords["mediator"])
    ids = [m.filed() for _ in range(12)]
    judges = [Staff(client, "judge", passwords["judge"]), Staff(client, "judge2", passwords["judge2"]),
              Staff(client, "judge3", "another-password")]
    numbers: list[str] = []
    errors: list[str] = []
    barrier = threading.Barrier(3)

    def work(j: Staff) -> None:
        barrier.wait()
        for app_id in ids:  # every judge tries every application: each is won exactly once
            r = j.post(f"/api/v1/applications/{app_id}/claim")
            if r.status_code == 200:
                numbers.append(r.json()["case_number"])
            elif r.json()["error"]["code"] != "application.already_claimed":
                errors.append(r.text)

    threads = [threading.Thread(target=work, args=(j,)) for j in judges]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    year = numbers[0][1:5]
    assert sorted(numbers, key=lambda n: int(n.split("民特")[1][:-1])) == [
        f"（{year}）渝0241民特{i}号" for i in range(1, 13)]


def test_mediator_withdraws_before_acceptance_but_not_after(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    early = m.filed()
    r = m.post(f"/api/v1/applications/{early}/withdraw")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert judge.get("/api/v1/review-queue").json()["items"] == []
    late = m.filed()
    judge.post(f"/api/v1/applications/{late}/claim")
    judge.post(f"/api/v1/applications/{late}/release")
    refused = m.post(f"/api/v1/applications/{late}/withdraw")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "application.already_accepted"


def test_the_judge_previews_the_ruling_unsealed_and_nothing_is_stored(client, runtime, passwords, tmp_path):
    import subprocess

    from confirm.models import Decision, Ruling

    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    body = {"outcome": "rejected", "grounds": ["unclear_content"], "reasoning": "协议未约定履行期限。"}
    assert judge.post(f"/api/v1/applications/{app_id}/decision/preview", json=body).status_code == 409  # not claimed
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision/preview", json=body)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    (tmp_path / "p.pdf").write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "p.pdf"), "-"], capture_output=True, text=True).stdout
    assert "预" in text and "未盖章" in text and "第五项" in text and "协议未约定履行期限" in text
    assert b"/ByteRange" not in r.content  # not sealed
    bad = judge.post(f"/api/v1/applications/{app_id}/decision/preview", json={"outcome": "rejected", "grounds": []})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "decision.grounds_required"
    with transaction(runtime.engine) as s:
        assert s.exec(select(Decision)).all() == [] and s.exec(select(Ruling)).all() == []


def test_the_judge_names_the_clerk_of_the_ruling(client, runtime, passwords, tmp_path):
    import subprocess

    from confirm.accounts.admin import add_user

    with transaction(runtime.engine) as s:
        add_user(s, "clerk2", role="clerk", court_code="渝0241", password="a-long-password-2", name="郑书记",
                 actor="test")
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    body = {"outcome": "confirmed", "grounds": [], "verification": verification_now()}

    def text_of(pdf: bytes) -> str:
        (tmp_path / "r.pdf").write_bytes(pdf)
        out = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
        return "".join(out.split())

    assert "郑书记" in text_of(judge.post(f"/api/v1/applications/{app_id}/decision/preview",
                                        json={**body, "clerk": "clerk2"}).content)
    unknown = judge.post(f"/api/v1/applications/{app_id}/decision", json={**body, "clerk": "mediator"})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "decision.unknown_clerk"
    assert "书记员" in unknown.json()["error"]["fields"]["clerk"]
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={**body, "clerk": "clerk2"})
    assert r.status_code == 200 and r.json()["status"] == "issued", r.text
    text = text_of(m.get(f"/api/v1/applications/{app_id}/ruling.pdf").content)
    assert "书记员郑书记" in text and "吴书记" not in text


def test_an_unknown_outcome_is_a_value_outside_the_list_not_a_format_error(client, passwords):
    """The outcome is an enum inside, a closed list to callers: the same code and words as any closed list."""
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={"outcome": "approved", "grounds": []})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "request.invalid" and error["fields"] == {"outcome": "取值不在允许范围内"}
    assert [d["code"] for d in error["details"]] == ["request.literal_error"]
