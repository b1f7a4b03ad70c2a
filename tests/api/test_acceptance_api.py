"""收案 apart from 受理 (issue 13 item 2): the claim registers the case and takes its number; acceptance is the
judge's own act (POST …/accept) or comes with a decision on the merits; 不予受理 only before it, a 355 defect after
it is rejected under 355 ¶2 with its own wording; the 30-day clock runs from acceptance."""

from __future__ import annotations

import re

from confirm.core.clock import china_today
from confirm.law.review import review_deadline
from tests.api.test_decision_page import csrf, signed_in_page
from tests.support import Staff, issued_ruling_text, verification_now


def claimed(client, passwords):  # type: ignore[no-untyped-def]
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    r = judge.post(f"/api/v1/applications/{app_id}/claim")
    assert r.status_code == 200, r.text
    return m, judge, app_id, r.json()


def test_the_claim_registers_the_acceptance_is_its_own_act(client, passwords):
    _m, judge, app_id, app = claimed(client, passwords)
    assert app["case_number"] and app["registered_at"] and app["accepted_at"] is None
    assert app["review_deadline"] is None and app["acceptance_deadline"]  # the 3-day clock runs until acceptance
    r = judge.post(f"/api/v1/applications/{app_id}/accept")
    assert r.status_code == 200, r.text
    assert r.json()["accepted_at"] and r.json()["review_deadline"] == review_deadline(china_today()).isoformat()
    again = judge.post(f"/api/v1/applications/{app_id}/accept")
    assert again.status_code == 409 and again.json()["error"]["code"] == "application.accepted_already"


def test_only_the_claiming_judge_accepts(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed()
    judge = Staff(client, "judge", passwords["judge"])
    early = judge.post(f"/api/v1/applications/{app_id}/accept")  # not claimed (not registered) yet
    assert early.status_code == 409 and early.json()["error"]["code"] == "application.invalid_state"
    judge.post(f"/api/v1/applications/{app_id}/claim")
    clerk = Staff(client, "clerk", passwords["clerk"])
    assert clerk.post(f"/api/v1/applications/{app_id}/accept").status_code == 403
    assert m.get(f"/api/v1/applications/{app_id}").json()["accepted_at"] is None


def test_not_accepted_is_refused_after_acceptance(client, passwords):
    m, judge, app_id, _ = claimed(client, passwords)
    judge.post(f"/api/v1/applications/{app_id}/accept")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "not_accepted", "grounds": ["outside_jurisdiction"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "decision.already_accepted"
    assert m.get(f"/api/v1/applications/{app_id}").json()["decision"] is None  # nothing recorded


def test_a_355_defect_before_acceptance_is_not_accepted_and_leaves_the_case_unaccepted(client, passwords):
    m, judge, app_id, _ = claimed(client, passwords)
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "rejected", "grounds": ["outside_jurisdiction"], "verification": verification_now()})
    assert r.status_code == 422 and r.json()["error"]["code"] == "decision.not_yet_accepted"
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "not_accepted", "grounds": ["outside_jurisdiction"]})
    assert r.status_code == 200, r.text
    assert r.json()["accepted_at"] is None  # 不予受理: never accepted
    text = issued_ruling_text(m, app_id)
    assert "本院不予受理" in text and "第三百五十五条第一款第二项规定" in text


def test_a_355_defect_after_acceptance_is_rejected_in_its_own_words(client, passwords):
    m, judge, app_id, _ = claimed(client, passwords)
    judge.post(f"/api/v1/applications/{app_id}/accept")
    mixed = judge.post(f"/api/v1/applications/{app_id}/decision", json={
        "outcome": "rejected", "grounds": ["outside_jurisdiction", "unclear_content"], "verification": verification_now()})
    assert mixed.status_code == 422 and mixed.json()["error"]["code"] == "decision.grounds_mixed"
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={
        "outcome": "rejected", "grounds": ["outside_jurisdiction"], "verification": verification_now()})
    assert r.status_code == 200, r.text
    text = issued_ruling_text(m, app_id)
    assert "本院受理后经审查发现，本案存在不属于本院管辖的情形，依法应当驳回申请" in text
    assert "第三百五十五条第一款第二项、第二款规定" in text
    assert "调解协议存在不属于本院管辖" not in text  # jurisdiction is not a defect of the agreement
    assert "第二百零六条" not in text


def test_a_decision_on_the_merits_accepts_a_case_not_yet_accepted(client, passwords):
    m, judge, app_id, _ = claimed(client, passwords)
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "confirmed", "verification": verification_now()})
    assert r.status_code == 200, r.text
    app = m.get(f"/api/v1/applications/{app_id}").json()
    assert app["accepted_at"] and app["accepted_at"] >= app["registered_at"]
    assert "本院于同日立案" in issued_ruling_text(m, app_id)  # applied, registered and accepted today


def test_the_review_page_offers_acceptance_and_not_accepted_only_before_it(client, passwords):
    _m, judge, app_id, _ = claimed(client, passwords)
    signed_in_page(client, "judge", passwords["judge"])
    page = client.get(f"/j/a/{app_id}").text
    assert 'id="accept"' in page and "尚未受理" in page
    assert "not_accepted" in re.findall(r'name="outcome" value="(\w+)"', page)
    assert 'name="grounds_rejected" value="outside_jurisdiction"' not in page  # 355 ¶2 needs the acceptance
    r = client.post(f"/j/a/{app_id}/accept", data={"csrf": csrf(page)})
    assert r.status_code in (200, 303)
    page = client.get(f"/j/a/{app_id}").text
    assert 'id="accept"' not in page and f"{china_today().isoformat()}受理" in page
    assert "not_accepted" not in re.findall(r'name="outcome" value="(\w+)"', page)
    assert 'name="grounds_rejected" value="outside_jurisdiction"' in page
