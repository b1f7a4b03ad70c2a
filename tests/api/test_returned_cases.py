"""Returned cases close (issue 13 item 3; Interp. 354 ¶2, 356 ¶2, 357 ¶2): the judge sets a deadline to supplement,
the case stays the judge's, and once the deadline passed unsupplemented it is ruled 按撤回申请处理, the ruling
stating the deadline from the record. A resubmission neither re-checks the 30-day window nor moves the
application date."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from confirm.core.clock import china_today, utcnow
from confirm.models import Application, Court
from tests.api.test_decision_page import csrf, signed_in_page
from tests.support import Staff, issued_ruling_text


def returned(client, passwords, deadline_days: int | None = 7):  # type: ignore[no-untyped-def]
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    body: dict[str, str] = {"reason": "请补充协议第二条的付款方式"}
    if deadline_days is not None:
        body["deadline"] = (china_today() + timedelta(days=deadline_days)).isoformat()
    r = judge.post(f"/api/v1/applications/{app_id}/return", json=body)
    assert r.status_code == 200, r.text
    return m, judge, app_id, r.json()


def move_deadline(runtime, app_id: str, days: int) -> None:  # type: ignore[no-untyped-def]
    with runtime.unit_of_work() as session:
        app = session.exec(select(Application).where(Application.id == app_id)).one()
        app.supplement_deadline = china_today() + timedelta(days=days)
        app.supplement_ordered_at = utcnow() - timedelta(days=10)
        session.add(app)


def test_the_deadline_is_recorded_shown_and_checked(client, passwords):
    m, judge, app_id, app = returned(client, passwords)
    assert app["status"] == "returned" and app["supplement_deadline"] == (china_today() + timedelta(days=7)).isoformat()
    assert app["claimed_by"] == "judge"  # the case stays with its judge
    other = m.filed()
    judge.post(f"/api/v1/applications/{other}/claim")
    for days, code in ((0, "application.supplement_deadline_invalid"), (31, "application.supplement_deadline_invalid")):
        r = judge.post(f"/api/v1/applications/{other}/return",
                       json={"reason": "x", "deadline": (china_today() + timedelta(days=days)).isoformat()})
        assert r.status_code == 422 and r.json()["error"]["code"] == code
    signed_in_page(client, "mediator", passwords["mediator"])
    page = client.get(f"/m/a/{app_id}").text
    assert "补正期限" in page and app["supplement_deadline"] in page


def test_the_page_asks_for_the_deadline(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed()
    Staff(client, "judge", passwords["judge"]).post(f"/api/v1/applications/{app_id}/claim")
    signed_in_page(client, "judge", passwords["judge"])
    page = client.get(f"/j/a/{app_id}").text
    r = client.post(f"/j/a/{app_id}/return", data={"csrf": csrf(page), "reason": "请补充", "deadline": ""})
    assert r.status_code == 422 and "请指定补正期限" in r.text
    assert m.get(f"/api/v1/applications/{app_id}").json()["status"] == "under_review"  # nothing changed


def test_treated_as_withdrawn_only_after_the_deadline_and_the_ruling_states_it(client, passwords, runtime):
    m, judge, app_id, app = returned(client, passwords)
    decision = {"outcome": "treated_as_withdrawn"}
    early = judge.post(f"/api/v1/applications/{app_id}/decision", json=decision)
    assert early.status_code == 409 and early.json()["error"]["code"] == "decision.supplement_deadline_not_passed"
    other = judge.post(f"/api/v1/applications/{app_id}/decision", json={"outcome": "withdrawal_permitted"})
    assert other.status_code == 409 and other.json()["error"]["code"] == "decision.case_returned"
    move_deadline(runtime, app_id, -1)  # the deadline has passed, nothing was supplemented
    # the review page now offers 按撤回申请处理 alone
    signed_in_page(client, "judge", passwords["judge"])
    page = client.get(f"/j/a/{app_id}").text
    assert re.findall(r'name="outcome" value="(\w+)"', page) == ["treated_as_withdrawn"]
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json=decision)
    assert r.status_code == 200, r.text
    deadline = china_today() - timedelta(days=1)
    text = issued_ruling_text(m, app_id)
    assert f"于{deadline.year}年{deadline.month}月{deadline.day}日前补充陈述、补充证明材料：请补充协议第二条的付款方式" in text
    assert "本案按申请人" in text


def test_under_review_a_case_cannot_be_treated_as_withdrawn_nor_a_returned_one_without_a_deadline(
        client, passwords, runtime):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={"outcome": "treated_as_withdrawn"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "decision.no_supplement_deadline"
    _m, judge, old, _ = returned(client, passwords, deadline_days=None)  # an integration of before v1.1
    r = judge.post(f"/api/v1/applications/{old}/decision", json={"outcome": "treated_as_withdrawn"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "decision.no_supplement_deadline"


def test_a_resubmission_keeps_the_application_date_and_the_window_met_by_the_first_submission(
        client, passwords, runtime):
    m, judge, app_id, app = returned(client, passwords)
    first = app["submitted_at"]
    with runtime.unit_of_work() as session:  # the first submission was in time, 35 days ago; today it would not be
        court = session.exec(select(Court)).one()
        court.late_applications = "block"  # (a court that refuses late applications outright)
        session.add(court)
        row = session.exec(select(Application).where(Application.id == app_id)).one()
        row.mediation_concluded_on = china_today() - timedelta(days=37)
        row.submitted_at = utcnow() - timedelta(days=35)
        session.add(row)
    first = m.get(f"/api/v1/applications/{app_id}").json()["submitted_at"]
    r = m.post(f"/api/v1/applications/{app_id}/submit")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted" and r.json()["submitted_at"] == first
    assert r.json()["supplement_deadline"] is None and r.json()["return_reason"] is None
