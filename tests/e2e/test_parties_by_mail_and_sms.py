"""The whole chain with the parties in the loop, through real channels: links and codes by SMS through a local
endpoint that checks Alibaba Cloud's request signature, a code by e-mail through a real SMTP server (aiosmtpd);
then the decision and the sealed ruling. And a message is never sent twice after a crash."""

from __future__ import annotations

import email
import email.policy
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlmodel import select

from confirm.app import create_app
from confirm.bootstrap import initialize
from confirm.core.clock import iso
from confirm.core.messaging import MessagingConfig
from confirm.messages import delivery
from confirm.messages.delivery import MessageDelivery
from confirm.models import JobTarget, Message, MessageState
from tests.messaging.test_channels import (
    FAKE_KEY_ID,
    FAKE_SECRET,
    SIGN_NAME,
    Collector,
    FakeDysms,
    free_port,
    running_fake_dysms,
)
from tests.support import Staff, application_body, id_tail, verification_now

TEMPLATES = {"party.confirm_link": "SMS_100002", "party.code": "SMS_100001", "ruling.served": "SMS_100003"}


@pytest.fixture
def smtp() -> Iterator[tuple[int, Collector]]:
    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler
    controller.stop()


@pytest.fixture
def dysms(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDysms]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with running_fake_dysms() as state:
        yield state


@pytest.fixture
def wired(settings, smtp, dysms, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(delivery, "REPORT_FIRST_CHECK_SECONDS", 0.2)  # ask the operator at once in the tests
    port, mailbox = smtp
    messaging = MessagingConfig(
        smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", mail_from="秀山法院 <court@xiushan.example.cn>",
        sms_provider="aliyun", sms_access_key_id=FAKE_KEY_ID, sms_access_key_secret=FAKE_SECRET,
        sms_sign_name=SIGN_NAME, sms_templates=TEMPLATES, sms_endpoint=dysms.url)
    runtime, result = initialize(replace(settings, messaging=messaging), say=lambda _t: None)
    yield runtime, {u: p for u, _r, p in result.credentials}, mailbox, dysms
    runtime.engine.dispose()


def _wait(found, what: str, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while (value := found()) is None:
        assert time.monotonic() < deadline, f"{what} did not arrive"
        time.sleep(0.05)
    return value


def _sms(dysms: FakeDysms, template: str, phone: str) -> dict[str, str]:
    return _wait(lambda: next((json.loads(r["TemplateParam"]) for r in reversed(dysms.requests)
                               if r.get("TemplateCode") == template and r.get("PhoneNumbers") == phone), None),
                 f"the SMS {template} to {phone}")


def test_the_parties_confirm_with_codes_sent_by_sms_and_by_e_mail_and_the_court_rules(wired):
    runtime, passwords, mailbox, dysms = wired
    body = application_body()
    body["parties"][1]["email"] = "legal@wuling.example.cn"
    with TestClient(create_app(runtime=runtime)) as client:
        m = Staff(client, "mediator", passwords["mediator"])
        app_id = m.filed(body, confirmed=False)
        person, company = m.get(f"/api/v1/applications/{app_id}").json()["parties"]

        # the person: the link and the code by text message, signed as Alibaba Cloud requires
        link = _sms(dysms, TEMPLATES["party.confirm_link"], "13800000000")["link"]
        token = link.split("/p/", 1)[1]
        assert client.post(f"/api/v1/party/{token}/code").status_code == 202
        code = _sms(dysms, TEMPLATES["party.code"], "13800000000")["code"]
        r = client.post(f"/api/v1/party/{token}/session", json={"id_tail": id_tail(person), "code": code})
        person_headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        assert client.post("/api/v1/party/me/confirmation", headers=person_headers, json={
            "decision": "confirm", "electronic_service": True, "service_address": {"phone": "13800000000"}}
                           ).status_code == 200

        # the company: its link by text message, its code by e-mail to the address on the application
        token = _sms(dysms, TEMPLATES["party.confirm_link"], "13900000000")["link"].split("/p/", 1)[1]
        r = client.post(f"/api/v1/party/{token}/code", json={"channel": "email"})
        assert r.status_code == 202 and r.json() == {"channel": "email", "sent_to": "l***@wuling.example.cn"}
        mail = _wait(lambda: next((email.message_from_bytes(x.envelope.original_content, policy=email.policy.default)
                                   for x in mailbox.received), None), "the e-mail")
        assert mail["To"] == "legal@wuling.example.cn" and "验证码" in str(mail["Subject"])
        code = mail.get_content().split("验证码为", 1)[1][:6]
        r = client.post(f"/api/v1/party/{token}/session", json={"id_tail": id_tail(company), "code": code})
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        assert client.post("/api/v1/party/me/confirmation", headers=headers,
                           json={"decision": "confirm"}).status_code == 200

        judge = Staff(client, "judge", passwords["judge"])
        judge.post(f"/api/v1/applications/{app_id}/claim")
        r = judge.post(f"/api/v1/applications/{app_id}/decision",
                       json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
        assert r.status_code == 200 and r.json()["status"] == "issued", r.text

        # the court serves the person itself: its link again, by SMS; the operator reports it delivered; the
        # person opens its copy, and that is the court's record of service, with the system's own times
        assert _sms(dysms, TEMPLATES["ruling.served"], "13800000000")["case"] == r.json()["case_number"]

        def reported() -> Message | None:
            with runtime.unit_of_work() as session:
                row = session.exec(select(Message).where(Message.application_id == app_id,
                                                         Message.kind == "ruling.served")).one()
            return row if row.delivery_state == "delivered" else None

        served = _wait(reported, "the operator's delivery report")
        assert served.delivered_at == datetime(2026, 11, 30, 8, 5, 9, tzinfo=timezone.utc)  # 16:05:09 in China
        assert client.get("/api/v1/party/me/ruling.pdf", headers=person_headers).status_code == 200
        record = m.get(f"/api/v1/applications/{app_id}").json()["service"]["recipients"][0]
        assert record["party_id"] == person["id"] and record["served_at"] == "2026-11-30T16:05:09+08:00"
        assert record["sent_at"] == iso(served.sent_at)

        with runtime.unit_of_work() as session:
            sent = session.exec(select(Message).where(Message.application_id == app_id)).all()
        assert {(x.kind, x.channel, x.state, x.outbox) for x in sent} == {
            ("party.confirm_link", "sms", "sent", False), ("party.code", "sms", "sent", False),
            ("party.code", "email", "sent", False), ("ruling.served", "sms", "sent", False)}
        assert all(x.provider_id for x in sent)  # the BizId, the Message-ID
        assert {x.delivery_state for x in sent if x.channel == "sms"} == {"delivered"}


def test_a_message_whose_sending_was_interrupted_is_never_sent_again(wired):
    """A worker that died while handing a message to the provider left it ``sending``: the next one marks it
    uncertain and sends nothing (a party must not get a second code, or the ruling twice)."""
    runtime, passwords, mailbox, dysms = wired
    with TestClient(create_app(runtime=runtime)) as client:
        m = Staff(client, "mediator", passwords["mediator"])
        app_id = m.filed(confirmed=False)
        _sms(dysms, TEMPLATES["party.confirm_link"], "13900000000")
        sent_before = len(dysms.requests)
        with runtime.unit_of_work() as session:
            message = session.exec(select(Message).where(Message.application_id == app_id)).first()
            message.state = MessageState.SENDING  # as a worker killed mid-send leaves it
            session.add(message)
            message_id = message.id
        assert MessageDelivery().run(runtime, JobTarget(app_id, message_id), None) is False
        with runtime.unit_of_work() as session:
            assert session.get(Message, message_id).state == MessageState.UNCERTAIN
        assert len(dysms.requests) == sent_before and not mailbox.received


def test_a_refused_number_fails_for_good_and_a_throttled_one_is_retried(wired):
    runtime, passwords, _mailbox, dysms = wired
    with TestClient(create_app(runtime=runtime)) as client:
        m = Staff(client, "mediator", passwords["mediator"])
        dysms.answer_code, dysms.answer_status = "isv.MOBILE_NUMBER_ILLEGAL", 200
        app_id = m.filed(confirmed=False)

        def states() -> set[str] | None:
            with runtime.unit_of_work() as session:
                rows = session.exec(select(Message).where(Message.application_id == app_id)).all()
            return {x.state for x in rows} if rows and all(x.state not in ("queued", "sending") for x in rows) else None

        assert _wait(states, "the refusal") == {"failed"}
