"""Obligations as data through the API (api.md v1.1 "Obligations and performance"): filed with the application,
returned with an id and a state, replaced by an edit, refused with field errors when they do not match the text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select

from confirm.core.db import transaction
from confirm.models import Application, Obligation, Party
from tests.support import FIRST, OBLIGATIONS, SECOND, TEXT, Staff, application_body


def body_with(obligations: list[dict[str, Any]], text: str = TEXT) -> dict[str, Any]:
    body = application_body(obligations=obligations)
    body["agreement"] = {"text": text, "amount": "12000.00"}
    return body


def test_obligations_are_stored_and_returned_with_an_id_and_a_state(client, runtime, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    r = m.create(body_with(OBLIGATIONS))
    assert r.status_code == 201, r.text
    app = r.json()
    got = [{k: o[k] for k in ("obligor", "obligee", "kind", "amount", "description", "due_on", "state")}
           for o in app["obligations"]]
    assert got == [
        {"obligor": 1, "obligee": 0, "kind": "money", "amount": "7000.00", "description": "支付货款",
         "due_on": FIRST.isoformat(), "state": "pending"},
        {"obligor": 1, "obligee": 0, "kind": "money", "amount": "5000.00", "description": None,
         "due_on": SECOND.isoformat(), "state": "pending"},
        {"obligor": 0, "obligee": 1, "kind": "act", "amount": None, "description": "返还样品一批",
         "due_on": SECOND.isoformat(), "state": "pending"}]
    assert all(isinstance(o["id"], int) for o in app["obligations"])
    parties = [p["id"] for p in app["parties"]]
    assert [(o["obligor_party_id"], o["obligee_party_id"]) for o in app["obligations"]] == [
        (parties[1], parties[0]), (parties[1], parties[0]), (parties[0], parties[1])]
    assert m.get(f"/api/v1/applications/{app['id']}").json()["obligations"] == app["obligations"]
    with transaction(runtime.engine) as s:  # a sum is kept in fen, never as a float
        assert [o.amount_fen for o in s.exec(select(Obligation).order_by(Obligation.position))] == [700000, 500000, None]


def test_an_application_without_obligations_still_files(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    r = m.create()
    assert r.status_code == 201 and r.json()["obligations"] == []


def test_an_edit_replaces_the_obligations_and_their_parties(client, runtime, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app = m.create(body_with(OBLIGATIONS)).json()
    r = m.put(f"/api/v1/applications/{app['id']}", json=body_with(OBLIGATIONS[2:]))
    assert r.status_code == 200, r.text
    edited = r.json()
    assert [o["kind"] for o in edited["obligations"]] == ["act"]
    assert edited["obligations"][0]["obligor_party_id"] == edited["parties"][0]["id"]
    with transaction(runtime.engine) as s:
        assert len(s.exec(select(Obligation)).all()) == 1
        assert {o.obligor_party_id for o in s.exec(select(Obligation))} <= {p.id for p in s.exec(select(Party))}


def refused(client, passwords, obligations: list[dict[str, Any]], text: str = TEXT) -> dict[str, Any]:
    m = Staff(client, "mediator", passwords["mediator"])
    r = m.create(body_with(obligations, text))
    assert r.status_code == 422, r.text
    return r.json()["error"]


def test_a_sum_or_a_day_not_in_the_text_is_refused_with_a_field_error_and_nothing_stored(client, runtime, passwords):
    error = refused(client, passwords, [{**OBLIGATIONS[0], "amount": "7500"}, {**OBLIGATIONS[1], "due_on": (SECOND + timedelta(days=1)).isoformat()}])
    assert error["code"] == "obligation.amount_not_in_text"
    assert error["fields"]["obligations[0].amount"].startswith("第1项履行义务的金额（7500.00元）在调解协议内容中没有出现")
    assert "obligations[1].due_on" in error["fields"]
    with transaction(runtime.engine) as s:
        assert s.exec(select(Application)).all() == [] and s.exec(select(Obligation)).all() == []


def test_bad_obligations_each_have_their_code(client, passwords):
    cases = [
        ({**OBLIGATIONS[0], "obligor": 2}, "obligations[0].obligor", "obligation.party_unknown"),
        ({**OBLIGATIONS[0], "obligee": 1}, "obligations[0].obligee", "obligation.same_party"),
        ({**OBLIGATIONS[0], "amount": "-7000"}, "obligations[0].amount", "obligation.amount_not_positive"),
        ({**OBLIGATIONS[0], "amount": "0"}, "obligations[0].amount", "obligation.amount_not_positive"),
        ({**OBLIGATIONS[0], "due_on": "2020-01-01"}, "obligations[0].due_on", "obligation.due_before_agreement"),
        ({**OBLIGATIONS[2], "description": ""}, "obligations[0].description", "obligation.description_required"),
    ]
    for obligation, field, code in cases:
        error = refused(client, passwords, [obligation])
        assert (error["code"], list(error["fields"])) == (code, [field]), obligation


def test_an_obligation_outside_the_contract_shape_is_refused(client, passwords):
    error = refused(client, passwords, [{**OBLIGATIONS[0], "kind": "goods"}])
    assert error["code"] == "request.invalid" and "obligations[0].kind" in error["fields"]
