"""The due list (issue 15 item 5): ``GET /api/v1/obligations/due`` — what is overdue and what falls due within the
horizon, in the caller's scope only, and refusals of bad filters in Chinese with stable codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from confirm.accounts import admin
from confirm.core.clock import moved_to
from confirm.models import Obligation, OrgKind
from tests.support import Staff, application_body, verification_now
from tests.system.test_follow_up_schedule import FIRST, OBLIGATIONS, SECOND, TEXT, at, served_case

pytestmark = pytest.mark.db
PASSWORD = "Another-place-9-staff"


def test_the_list_has_what_falls_due_within_the_horizon_then_what_is_overdue(client, passwords, runtime):
    app = served_case(client, passwords)
    first, second, third = app["obligations"]
    with moved_to(at(FIRST - timedelta(days=5))):
        m = Staff(client, "mediator", passwords["mediator"])  # signed in then (a token lasts hours, not weeks)
        week = m.get("/api/v1/obligations/due").json()
        assert week["within"] == 7 and week["today"] == (FIRST - timedelta(days=5)).isoformat()
        assert week["overdue"] == []
        [item] = week["due"]
        assert item == {
            "obligation_id": first["id"], "application_id": app["id"], "case_number": app["case_number"],
            "url": f"/api/v1/applications/{app['id']}", "page": f"/m/a/{app['id']}",
            "obligor": {"party_id": app["parties"][1]["id"], "name": "秀山县武陵建材有限公司"},
            "obligee": {"party_id": app["parties"][0]["id"], "name": "张三"},
            "kind": "money", "amount": "7000.00", "description": "支付货款", "due_on": FIRST.isoformat(),
            "state": "pending", "served": True, "days": 5}
        assert m.get("/api/v1/obligations/due", params={"within": "4"}).json()["due"] == []
        wide = m.get("/api/v1/obligations/due", params={"within": "366"}).json()["due"]
        assert [i["obligation_id"] for i in wide] == [first["id"], second["id"], third["id"]]
    with moved_to(at(FIRST + timedelta(days=1))):
        m = Staff(client, "mediator", passwords["mediator"])
        late = m.get("/api/v1/obligations/due").json()
        assert [(i["obligation_id"], i["days"]) for i in late["overdue"]] == [(first["id"], -1)]
        assert late["due"] == []
    with moved_to(at(SECOND)):  # the due date itself is still in time: due today, not overdue
        m = Staff(client, "mediator", passwords["mediator"])
        today = m.get("/api/v1/obligations/due", params={"within": "0"}).json()
        assert [i["obligation_id"] for i in today["due"]] == [second["id"], third["id"]]
        assert [i["obligation_id"] for i in today["overdue"]] == [first["id"]]


def test_a_performed_obligation_leaves_the_list_and_a_partly_performed_one_stays(client, passwords, runtime):
    app = served_case(client, passwords)
    first, second, _third = app["obligations"]
    with Session(runtime.engine) as session:
        for oid, state in ((first["id"], "performed"), (second["id"], "partly_performed")):
            row = session.get(Obligation, oid)
            assert row is not None
            row.state = state
            session.add(row)
        session.commit()
    with moved_to(at(SECOND + timedelta(days=1))):
        late = Staff(client, "judge", passwords["judge"]).get("/api/v1/obligations/due").json()
    assert [(i["obligation_id"], i["state"]) for i in late["overdue"]] == [
        (second["id"], "partly_performed"), (app["obligations"][2]["id"], "pending")]
    assert all(i["page"].startswith("/j/a/") for i in late["overdue"])  # court staff open the judge's case page


def test_each_caller_sees_only_its_scope(client, passwords, runtime):
    """A mediator: their organisation's cases; judges and clerks: their court's; an administrator: refused."""
    served_case(client, passwords)
    with runtime.unit_of_work() as session:
        admin.add_organization(session, "渝0241", "秀山县中和司法所", OrgKind.JUDICIAL_OFFICE, actor="test")
        admin.add_user(session, "neighbour", role="mediator", court_code="渝0241", password=PASSWORD,
                       organization="秀山县中和司法所", actor="test")
        admin.add_court(session, "渝0242", "重庆市酉阳土家族苗族自治县人民法院", actor="test")
        admin.add_user(session, "far-judge", role="judge", court_code="渝0242", password=PASSWORD, actor="test")
    with moved_to(at(FIRST + timedelta(days=1))):
        def overdue(user: Staff) -> int:
            r = user.get("/api/v1/obligations/due", params={"within": "366"})
            assert r.status_code == 200, r.text
            return len(r.json()["overdue"]) + len(r.json()["due"])

        assert overdue(Staff(client, "mediator", passwords["mediator"])) == 3
        assert overdue(Staff(client, "clerk", passwords["clerk"])) == 3
        assert overdue(Staff(client, "judge2", passwords["judge2"])) == 3
        assert overdue(Staff(client, "neighbour", PASSWORD)) == 0  # another organisation of the same court
        assert overdue(Staff(client, "far-judge", PASSWORD)) == 0  # another court
        r = Staff(client, "admin", passwords["admin"]).get("/api/v1/obligations/due")
        assert r.status_code == 403 and r.json()["error"]["code"] == "auth.forbidden"


def test_a_case_not_confirmed_lists_nothing(client, passwords, runtime):
    m, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
    body = application_body(obligations=OBLIGATIONS)
    body["agreement"] = {"text": TEXT, "amount": "12000.00"}
    app_id = m.filed(body)
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={
        "outcome": "rejected", "grounds": ["unclear_content"], "verification": verification_now()})
    assert r.json()["status"] == "issued", r.text
    with moved_to(at(SECOND + timedelta(days=1))):
        m = Staff(client, "mediator", passwords["mediator"])
        assert m.get("/api/v1/obligations/due").json()["overdue"] == []


@pytest.mark.parametrize(("query", "code", "field"), [
    ({"within": "-1"}, "obligation.within_invalid", "within"),
    ({"within": "100000"}, "obligation.within_invalid", "within"),
    ({"within": "367"}, "obligation.within_invalid", "within"),
    ({"within": "七"}, "obligation.within_invalid", "within"),
    ({"within": "7.5"}, "obligation.within_invalid", "within"),
    ({"within": "7", "state": "overdue"}, "obligation.unknown_filter", "state"),
    ({"withn": "7"}, "obligation.unknown_filter", "withn"),
])
def test_bad_filters_are_refused_in_chinese_with_a_stable_code(client, passwords, query, code, field):
    r = Staff(client, "mediator", passwords["mediator"]).get("/api/v1/obligations/due", params=query)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert list(error["fields"]) == [field]
