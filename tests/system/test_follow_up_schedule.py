"""The follow-up of the obligations (issue 15 item 2): durable jobs planned at service, each message sent once — across
a restart, by two workers at once, after a lost lease — on its day in China time, with a clock the test moves."""

from __future__ import annotations

import threading
import time as clock
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from confirm.app import create_app, document_kinds
from confirm.core.clock import CHINA, as_utc, moved_to
from confirm.core.runtime import Runtime
from confirm.issuance.worker import IssuanceWorker
from confirm.law.follow_up import send_moment
from confirm.models import AuditRecord, IssuanceJob, JobState, Message, Obligation, PerformanceNotice
from tests.support import (
    FIRST,
    LOOPBACK,
    OBLIGATIONS,
    SECOND,
    TEXT,
    Staff,
    application_body,
    now_iso,
    outbox,
    png_signature,
    verification_now,
)

pytestmark = pytest.mark.db



def served_case(client: Any, passwords: dict[str, str], text: str = TEXT,
                obligations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A confirmed case with (by default three) obligations, its ruling sealed and served on both parties in
    person."""
    m, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
    body = application_body(obligations=OBLIGATIONS if obligations is None else obligations)
    body["agreement"] = {"text": text, "amount": "12000.00"}
    app_id = m.filed(body)
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
    assert r.json()["status"] == "issued", r.text
    parties = r.json()["parties"]
    r = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "调解室",
        "recipients": [{"party_id": p["id"], "method": "in_person", "signature_png": png_signature()}
                       for p in parties]})
    assert r.status_code == 200 and r.json()["status"] == "served", r.text
    return r.json()


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), CHINA)


def drain(runtime: Runtime) -> int:
    """A worker of its own runs every due job until none is left (a fresh process after a restart)."""
    worker = IssuanceWorker(runtime, document_kinds())
    runs = 0
    deadline = clock.monotonic() + 60
    while clock.monotonic() < deadline:
        if worker.run_once():
            runs += 1
            continue
        # the service's own worker (the client's app runs one) may hold a due job at this moment: wait for it
        with Session(runtime.engine) as session:
            if session.exec(select(IssuanceJob).where(IssuanceJob.state == JobState.RUNNING)).first() is None:
                return runs
        clock.sleep(0.05)
    raise AssertionError("jobs still running after a minute")


def performance_messages(runtime: Runtime, kind: str | None = None) -> list[Message]:
    with Session(runtime.engine) as session:
        rows = session.exec(select(Message).where(Message.kind.startswith("performance."))).all()  # type: ignore[attr-defined]
    return [m for m in rows if kind is None or m.kind == kind]


def notices(runtime: Runtime) -> list[PerformanceNotice]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(PerformanceNotice).order_by(col(PerformanceNotice.id))))


def test_serving_a_confirmed_case_plans_a_reminder_and_a_question_per_obligation_on_their_days(client, passwords,
                                                                                               runtime):
    app = served_case(client, passwords)
    ids = [o["id"] for o in app["obligations"]]
    with Session(runtime.engine) as session:
        jobs = {j.kind: j for j in session.exec(select(IssuanceJob).where(IssuanceJob.application_id == app["id"]))}
        planned = session.exec(select(AuditRecord).where(AuditRecord.action == "performance.scheduled")).all()
    for oid, due in zip(ids, (FIRST, SECOND, SECOND), strict=True):
        assert as_utc(jobs[f"reminder:{oid}"].next_attempt_at) == send_moment(due - timedelta(days=3))
        assert as_utc(jobs[f"question:{oid}"].next_attempt_at) == send_moment(due + timedelta(days=1))
    assert len(planned) == 1 and planned[0].actor == "mediator" and planned[0].data["reminder_days"] == 3
    drain(runtime)  # nothing is due today: nothing is sent before its day
    assert performance_messages(runtime) == [] and notices(runtime) == []


def test_a_reminder_due_while_the_service_was_down_is_sent_once_after_restart(runtime, passwords, settings):
    with TestClient(create_app(runtime=runtime), client=LOOPBACK) as c:
        app = served_case(c, passwords)
    # the service is down (its worker stopped with it) while the reminder's morning passes
    first = app["obligations"][0]
    with moved_to(at(FIRST - timedelta(days=3), 15)):
        restarted = Runtime(settings)  # a new process: a new engine, nothing carried in memory
        drain(restarted)
        [reminder] = performance_messages(restarted)
        assert reminder.kind == "performance.reminder" and reminder.to_address == "13900000000"  # the obligor's phone
        assert "秀山县武陵建材有限公司您好" in reminder.text and f"{FIRST:%Y年%-m月%-d日}前向张三支付货款人民币7000.00元" in reminder.text
        assert "/p/" in reminder.text  # its own link, to upload a proof of payment
        again = Runtime(settings)  # and a second restart sends nothing more
        drain(again)
        assert [m.id for m in performance_messages(again)] == [reminder.id]
        with TestClient(create_app(runtime=again), client=LOOPBACK) as c:
            listed = outbox(c, kind="performance.reminder")
        assert [m["id"] for m in listed] == [reminder.id] and listed[0]["status"] == "sent"
    [notice] = notices(runtime)
    assert (notice.obligation_id, notice.kind, notice.message_id, notice.skipped) == (first["id"], "reminder",
                                                                                     reminder.id, None)
    with Session(runtime.engine) as session:
        sent = session.exec(select(AuditRecord).where(AuditRecord.action == "performance.reminder_sent")).all()
    assert len(sent) == 1 and sent[0].data["message_id"] == reminder.id and sent[0].actor == "system:follow-up"


def test_the_obligee_is_asked_the_day_after_with_its_own_link_and_a_late_reminder_is_not_sent(client, passwords,
                                                                                             runtime):
    app = served_case(client, passwords)
    first = app["obligations"][0]
    with moved_to(at(FIRST + timedelta(days=1))):  # down from before the reminder's day until after the due date
        drain(runtime)
    [question] = performance_messages(runtime)
    assert question.kind == "performance.question" and question.to_address == "13800000000"  # 张三, the obligee
    assert "张三您好" in question.text and "秀山县武陵建材有限公司应于" in question.text
    assert "http://testserver/p/" in question.text and "已全部履行、部分履行还是未履行" in question.text
    assert {(n.kind, n.skipped) for n in notices(runtime) if n.obligation_id == first["id"]} == {
        ("reminder", "past_due"), ("question", None)}


def test_nothing_is_sent_about_an_obligation_already_performed(client, passwords, runtime):
    app = served_case(client, passwords)
    first = app["obligations"][0]
    with Session(runtime.engine) as session:  # as the obligee's answer (the performance route) records it
        row = session.get(Obligation, first["id"])
        assert row is not None
        row.state = "performed"
        session.add(row)
        session.commit()
    with moved_to(at(FIRST + timedelta(days=1))):
        drain(runtime)
    assert performance_messages(runtime) == []
    assert {(n.kind, n.skipped, n.message_id) for n in notices(runtime)} == {
        ("reminder", "performed", None), ("question", "performed", None)}
    with Session(runtime.engine) as session:
        assert len(session.exec(select(AuditRecord).where(
            AuditRecord.action == "performance.question_skipped")).all()) == 1


def test_two_workers_at_once_send_the_message_once(client, passwords, runtime):
    served_case(client, passwords)
    with moved_to(at(FIRST + timedelta(days=1))):
        start = threading.Barrier(2, timeout=10)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                start.wait()
                drain(runtime)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        drain(runtime)  # whatever a lost race left to retry
    assert errors == []
    assert len(performance_messages(runtime, "performance.question")) == 1
    assert len(notices(runtime)) == 2  # the first obligation's reminder (past due, not sent) and its question


def test_a_stalled_copy_of_a_job_that_was_done_sends_nothing_again(client, passwords, runtime):
    """A worker lost its lease while deciding (or the job was taken twice): when the copy runs, the notice already
    decided stands and no second message is queued."""
    app = served_case(client, passwords)
    first = app["obligations"][0]
    with moved_to(at(FIRST + timedelta(days=1))):
        drain(runtime)
        assert len(performance_messages(runtime, "performance.question")) == 1
        with Session(runtime.engine) as session:
            job = session.exec(select(IssuanceJob).where(IssuanceJob.kind == f"question:{first['id']}")).one()
            assert job.state == JobState.DONE
            job.state, job.locked_until = JobState.RUNNING, at(FIRST)  # a dead lease: taken again
            session.add(job)
            session.commit()
        drain(runtime)
    assert len(performance_messages(runtime, "performance.question")) == 1
    assert len([n for n in notices(runtime) if n.kind == "question"]) == 1


def test_cases_served_before_the_follow_up_existed_are_planned_once_by_the_command(client, passwords, runtime,
                                                                                  settings):
    from tests.system.test_schema_and_cli import run_cli

    app = served_case(client, passwords)
    with Session(runtime.engine) as session:  # as a case served before this release: no follow-up jobs
        for job in session.exec(select(IssuanceJob).where(IssuanceJob.application_id == app["id"])):
            if job.kind.startswith(("reminder:", "question:")):
                session.delete(job)
        session.commit()
    for expected in ("follow-up jobs queued: 6", "follow-up jobs queued: 0"):  # the second run finds them all
        r = run_cli(settings, "follow-up", "plan")
        assert r.returncode == 0 and expected in r.stdout, r.stdout + r.stderr
