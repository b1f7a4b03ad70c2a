"""Where case numbers come from (README "Case numbers"): the court's case system over HTTP, blocks the court
reserved, or Jiudi's own counter with a start. Every 民特 case of the court shares one series a year (案号规定 arts.
3, 9, 10): whatever the source, no number is used twice, and none that the court gave Jiudi goes missing."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace

import pytest
from sqlmodel import Session, select

from confirm.accounts import admin
from confirm.applications import transitions
from confirm.core.clock import china_today
from confirm.core.db import transaction
from confirm.core.runtime import Runtime
from confirm.law.errors import DomainError
from confirm.models import Application, User
from tests.case_allocator import DROP, HANG, REFUSE, CaseAllocator
from tests.support import Staff

COURT = "渝0241"


@pytest.fixture
def allocator():  # type: ignore[no-untyped-def]
    server = CaseAllocator(hang_seconds=1.5).start()
    yield server
    server.stop()


@pytest.fixture
def settings(settings, allocator):  # type: ignore[no-untyped-def]
    """Jiudi pointed at the court's case system, giving up on an answer after one second."""
    return replace(settings, case_allocator_url=allocator.url, case_allocator_timeout=1.0)


def _source(runtime, value: str) -> None:  # type: ignore[no-untyped-def]
    with transaction(runtime.engine) as s:
        admin.set_case_number_source(s, COURT, value, actor="test")


def _judge(runtime) -> User:  # type: ignore[no-untyped-def]
    with Session(runtime.engine) as s:
        judge = s.exec(select(User).where(User.username == "judge")).one()
        s.expunge(judge)
        return judge


def _claim(runtime, judge: User, app_id: str) -> str:  # type: ignore[no-untyped-def]
    """What the claim route does: ask the source outside the transaction, then claim in one."""
    transitions.before_claim(runtime, judge, app_id)
    with runtime.unit_of_work() as s:
        number = transitions.claim(runtime, s, judge, app_id).case_number
    assert number is not None
    return number


def _state(runtime, app_id: str) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    with Session(runtime.engine) as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app.status, app.case_number


def _claim_all_at_once(instances: list[Runtime], judge: User, app_ids: list[str]) -> dict[str, str]:
    """Each application claimed in its own thread, alternately on each instance, all starting together: app id →
    the number, or the error code."""
    results: dict[str, str] = {}
    start = threading.Barrier(len(app_ids))

    def claim_one(i: int, app_id: str) -> None:
        start.wait()
        try:
            results[app_id] = _claim(instances[i % len(instances)], judge, app_id)
        except DomainError as exc:
            results[app_id] = exc.code
        except BaseException as exc:  # the test reports it
            results[app_id] = repr(exc)

    threads = [threading.Thread(target=claim_one, args=(i, a)) for i, a in enumerate(app_ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_instances_claiming_at_once_against_a_failing_allocator_use_no_number_twice_and_skip_none(
        client, passwords, runtime, allocator):
    """Two Jiudi instances on one database claim eight applications at once while the court files its own 民特 cases
    and the allocator refuses one request, drops the connection after allocating on another and answers a third only
    after Jiudi gave up. The three failed claims leave their applications claimable; claimed again, each gets a
    number, the one the allocator had already given it if it had. In the end Jiudi holds exactly the numbers the
    allocator gave it, each once."""
    _source(runtime, "http")
    year = china_today().year
    mediator = Staff(client, "mediator", passwords["mediator"])
    app_ids = [mediator.filed(confirmed=False) for _ in range(8)]
    allocator.counter_case(COURT, year)  # the court's own 民特 cases took 1 and 2 before Jiudi's first claim
    allocator.counter_case(COURT, year)
    allocator.fail_next(REFUSE, DROP, HANG)
    second = Runtime(runtime.settings)  # another Jiudi instance on the same database
    judge = _judge(runtime)
    court_cases = threading.Thread(target=lambda: [allocator.counter_case(COURT, year) for _ in range(3)])
    court_cases.start()
    try:
        results = _claim_all_at_once([runtime, second], judge, app_ids)
        court_cases.join()
        failed = [a for a, r in results.items() if not r.startswith("（")]
        assert sorted(results[a] for a in failed) == ["case_number.allocator_unavailable"] * 3, results
        for app_id in failed:
            assert _state(runtime, app_id) == ("submitted", None)  # back in the queue, to be claimed again
        for app_id in failed:
            results[app_id] = _claim(second, judge, app_id)
    finally:
        second.engine.dispose()

    numbers = {app_id: _state(runtime, app_id)[1] for app_id in app_ids}
    assert numbers == results
    assert len(set(numbers.values())) == 8  # none used twice
    given = allocator.jiudi_numbers()
    assert {k.split(":")[0]: v for k, v in given.items()} == numbers  # none skipped, each the allocator's own
    series = [n for n, _key in allocator.given]
    assert len(series) == len(set(series)) == 8 + 5  # the allocator's one series: Jiudi's 8 and the court's 5
    keys = [r["idempotency_key"] for r in allocator.requests]
    assert len(keys) == 8 + 3 and len(set(keys)) == 8  # each retry asked with the key of its first request


def test_a_claim_whose_allocation_was_dropped_gets_the_same_number_when_claimed_again(client, passwords, runtime,
                                                                                     allocator):
    """Over the API: 503 with a stable code while the allocator fails; the next claim is answered with the number
    the allocator had allocated before the connection dropped, not a new one (the idempotency key)."""
    _source(runtime, "http")
    mediator, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
    app_id = mediator.filed(confirmed=False)
    allocator.fail_next(DROP)
    r = judge.post(f"/api/v1/applications/{app_id}/claim")
    assert r.status_code == 503 and r.json()["error"]["code"] == "case_number.allocator_unavailable", r.text
    assert "请稍后再领取" in r.json()["error"]["message"]
    assert judge.get(f"/api/v1/applications/{app_id}").json()["status"] == "submitted"
    allocator.counter_case(COURT, china_today().year)  # the court files a case in between
    r = judge.post(f"/api/v1/applications/{app_id}/claim")
    assert r.status_code == 200, r.text
    assert r.json()["case_number"] == f"（{china_today().year}）{COURT}民特1号"
    assert [n for n, _ in allocator.given] == [f"（{china_today().year}）{COURT}民特1号",
                                               f"（{china_today().year}）{COURT}民特2号"]


def test_a_number_recorded_before_a_claim_that_failed_is_used_by_the_next_claim_and_shown_until_then(
        client, passwords, runtime, allocator):
    """The allocator answered and Jiudi recorded the number, then the claim's transaction never committed: the
    administrator sees the number waiting (``jiudi court show``), and the next claim takes it without asking again."""
    _source(runtime, "http")
    app_id = Staff(client, "mediator", passwords["mediator"]).filed(confirmed=False)
    judge = _judge(runtime)
    transitions.before_claim(runtime, judge, app_id)  # the claim then failed (a crash, another judge first …)
    number = f"（{china_today().year}）{COURT}民特1号"
    with Session(runtime.engine) as s:
        assert f"  allocated, not registered: {number} (application {app_id}, submitted)" in \
            admin.case_number_report(s, COURT, warn_below=20)
    assert _claim(runtime, judge, app_id) == number
    assert len(allocator.requests) == 1
    with Session(runtime.engine) as s:
        assert not any("not registered" in line for line in admin.case_number_report(s, COURT, warn_below=20))


def test_an_allocator_answer_that_is_not_the_courts_number_is_refused(client, passwords, runtime, allocator):
    _source(runtime, "http")
    mediator, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
    app_id = mediator.filed(confirmed=False)
    with allocator.lock:  # the case system mixes up its courts
        allocator.by_key[f"{app_id}:民特"] = f"（{china_today().year}）渝0242民特9号"
    r = judge.post(f"/api/v1/applications/{app_id}/claim")
    assert r.status_code == 502 and r.json()["error"]["code"] == "case_number.allocator_answer", r.text
    assert judge.get(f"/api/v1/applications/{app_id}").json()["case_number"] is None


# --- blocks the court reserved for Jiudi ----------------------------------------------------------------------

def test_blocks_are_used_in_order_and_an_exhausted_year_refuses_to_register_until_a_new_block(client, passwords,
                                                                                            runtime, caplog):
    _source(runtime, "blocks")
    year = china_today().year
    with transaction(runtime.engine) as s:
        admin.add_case_number_block(s, COURT, year, 201, 201, actor="test")
        admin.add_case_number_block(s, COURT, year, 101, 102, actor="test")
    mediator, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
    app_ids = [mediator.filed(confirmed=False) for _ in range(4)]
    with caplog.at_level(logging.WARNING, logger="confirm.applications.numbering"):
        numbers = [judge.post(f"/api/v1/applications/{a}/claim").json()["case_number"] for a in app_ids[:3]]
    assert numbers == [f"（{year}）{COURT}民特{n}号" for n in (101, 102, 201)]
    assert "case numbers running out" in caplog.text
    r = judge.post(f"/api/v1/applications/{app_ids[3]}/claim")
    assert r.status_code == 409 and r.json()["error"]["code"] == "case_number.blocks_exhausted", r.text
    assert "号段已用完" in r.json()["error"]["message"]
    assert judge.get(f"/api/v1/applications/{app_ids[3]}").json()["status"] == "submitted"
    gauge = f'jiudi_case_numbers_left{{court="{COURT}",year="{year}",type="民特"}}'
    assert f"{gauge} 0" in client.get("/metrics").text  # what the operators' alert watches
    with transaction(runtime.engine) as s:
        admin.add_case_number_block(s, COURT, year, 301, 400, actor="test")
    assert f"{gauge} 100" in client.get("/metrics").text
    assert judge.post(f"/api/v1/applications/{app_ids[3]}/claim").json()["case_number"] == f"（{year}）{COURT}民特301号"


def test_two_instances_share_the_blocks_without_giving_a_number_twice(client, passwords, runtime):
    _source(runtime, "blocks")
    year = china_today().year
    with transaction(runtime.engine) as s:
        admin.add_case_number_block(s, COURT, year, 11, 13, actor="test")
        admin.add_case_number_block(s, COURT, year, 21, 22, actor="test")
    mediator = Staff(client, "mediator", passwords["mediator"])
    app_ids = [mediator.filed(confirmed=False) for _ in range(6)]
    second = Runtime(runtime.settings)
    try:
        results = _claim_all_at_once([runtime, second], _judge(runtime), app_ids)
    finally:
        second.engine.dispose()
    assert sorted(results.values()) == sorted(
        [f"（{year}）{COURT}民特{n}号" for n in (11, 12, 13, 21, 22)] + ["case_number.blocks_exhausted"]), results


def test_a_block_overlapping_one_entered_is_refused_and_the_cli_warns_when_few_numbers_remain(settings, runtime):
    from tests.system.test_schema_and_cli import run_cli

    year = china_today().year
    r = run_cli(settings, "court", "blocks", "add", "--code", COURT, "--year", str(year), "--first", "101",
                "--last", "110")
    assert r.returncode == 0, r.stderr
    assert "10 left" in r.stdout and "警告" in r.stdout  # fewer than JIUDI_CASE_NUMBER_WARN_BELOW (20)
    r = run_cli(settings, "court", "blocks", "add", "--code", COURT, "--year", str(year), "--first", "110",
                "--last", "200")
    assert r.returncode == 1 and "court.case_number_block" in r.stderr and "重叠" in r.stderr
    r = run_cli(settings, "court", "set", "--code", COURT, "--case-numbers", "blocks")
    assert r.returncode == 0 and "case numbers blocks" in r.stdout, r.stderr
    r = run_cli(settings, "court", "show", "--code", COURT)
    assert "case numbers: blocks" in r.stdout and f"blocks {year} 民特: 101-110 (next 101); 10 left" in r.stdout


# --- Jiudi's own counter --------------------------------------------------------------------------------------

def test_the_counter_starts_where_the_court_says_and_never_moves_back(client, passwords, runtime, settings):
    from tests.system.test_schema_and_cli import run_cli

    year = china_today().year
    r = run_cli(settings, "court", "counter-start", "--code", COURT, "--year", str(year), "--start", "500")
    assert r.returncode == 0, r.stderr
    mediator, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
    app_id = mediator.filed(confirmed=False)
    assert judge.post(f"/api/v1/applications/{app_id}/claim").json()["case_number"] == f"（{year}）{COURT}民特500号"
    r = run_cli(settings, "court", "counter-start", "--code", COURT, "--year", str(year), "--start", "500")
    assert r.returncode == 1 and "court.counter_start" in r.stderr
