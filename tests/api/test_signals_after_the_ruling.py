"""Cross-case signals that look past the ruling (issue 16 item 1): a party whose earlier confirmation was reported
unperformed soon after its ruling, and a party of a case an interested person objected to — each seen on the next
case of that party, with the link to the earlier one, through the real routes."""

from __future__ import annotations

from typing import Any

from tests.support import OBLIGATIONS, TEXT, Staff, application_body, served_confirmation, today


def with_obligations() -> dict[str, Any]:
    body = application_body(obligations=OBLIGATIONS)
    body["agreement"] = {"text": TEXT, "amount": "12000.00"}
    return body


def flags_of(staff: Staff, app_id: str, code: str) -> list[dict[str, Any]]:
    return [f for f in staff.get(f"/api/v1/applications/{app_id}").json()["risk_flags"] if f["code"] == code]


def test_the_next_case_of_a_party_whose_confirmation_went_unperformed_at_once_is_flagged(client, passwords):
    m, first, app, sessions = served_confirmation(client, passwords, with_obligations())
    assert flags_of(m, m.filed(with_obligations()), "risk.quick_non_performance") == []  # performed or not yet asked
    owed = next(o for o in app["obligations"] if o["kind"] == "money")
    obligee = app["parties"][owed["obligee"]]["id"]
    r = client.post("/api/v1/party/me/performance", headers=sessions[obligee],
                    json={"obligation_id": owed["id"], "state": "not_performed", "note": "到期未付"})
    assert r.status_code == 200, r.text
    flags = flags_of(m, m.filed(with_obligations()), "risk.quick_non_performance")
    # one flag per party of both cases (the same two parties), each linking the earlier case
    assert len(flags) == 2 and {(f["severity"], tuple(f["related_application_ids"])) for f in flags} == {("high", (first,))}


def test_the_next_case_of_a_party_an_interested_person_objected_against_is_flagged(client, passwords):
    m, first, _app, _sessions = served_confirmation(client, passwords, with_obligations())
    assert flags_of(m, m.filed(with_obligations()), "risk.third_party_objection") == []
    clerk = Staff(client, "clerk", passwords["clerk"])
    r = clerk.post(f"/api/v1/applications/{first}/objections", json={
        "objector_kind": "interested_person", "name": "王五", "known_on": today().isoformat(),
        "filed_on": today().isoformat(), "request": "协议处分了我的房屋"})
    assert r.status_code == 201, r.text
    flags = flags_of(m, m.filed(with_obligations()), "risk.third_party_objection")
    assert len(flags) == 2 and {(f["severity"], tuple(f["related_application_ids"])) for f in flags} == {("high", (first,))}
