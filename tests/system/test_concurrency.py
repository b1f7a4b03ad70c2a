"""Many hands at once: 3 judges claim and decide 50 applications in parallel; 20 mediators submit with random
retries that reuse their idempotency keys. Each claimed once, case numbers 1…50 without gap or duplicate,
50 rulings, no duplicate applications."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from confirm.accounts import admin
from confirm.core.db import transaction
from confirm.models import Application, Ruling
from tests.support import Staff, application_body, verification_now

N_APPLICATIONS = 50


def test_three_judges_decide_fifty_applications_in_parallel(client, runtime, passwords):
    with transaction(runtime.engine) as s:
        admin.add_user(s, "judge3", role="judge", court_code="渝0241", password="another-password", actor="test")
    m = Staff(client, "mediator", passwords["mediator"])
    ids = [m.filed() for _ in range(N_APPLICATIONS)]
    judges = [Staff(client, "judge", passwords["judge"]), Staff(client, "judge2", passwords["judge2"]),
              Staff(client, "judge3", "another-password")]
    claims: dict[str, str] = {}
    lock = threading.Lock()

    def judge_work(j: Staff, seed: int) -> None:
        order = ids[:]
        random.Random(seed).shuffle(order)
        for app_id in order:
            r = j.post(f"/api/v1/applications/{app_id}/claim")
            if r.status_code != 200:
                assert r.json()["error"]["code"] in ("application.already_claimed", "application.invalid_state"), r.text
                continue
            with lock:
                assert app_id not in claims
                claims[app_id] = r.json()["case_number"]
            # fifty cases of one party: from the tenth risk.repeat_party is high, and confirming needs a reason
            d = j.post(f"/api/v1/applications/{app_id}/decision",
                       json={"outcome": "confirmed", "grounds": [], "verification": verification_now(),
                             "risk_reason": "已核实：同一当事人的批量案件"})
            assert d.status_code in (200, 202), d.text

    with ThreadPoolExecutor(3) as pool:
        for f in [pool.submit(judge_work, j, seed) for seed, j in enumerate(judges)]:
            f.result()
    assert len(claims) == N_APPLICATIONS
    year = next(iter(claims.values()))[1:5]
    assert sorted(claims.values(), key=lambda n: int(n.split("民特")[1][:-1])) == [
        f"（{year}）渝0241民特{i}号" for i in range(1, N_APPLICATIONS + 1)]
    # every decided application ends issued with exactly one ruling
    import time

    deadline = time.monotonic() + 120
    while True:
        with transaction(runtime.engine) as s:
            rulings = s.exec(select(Ruling)).all()
            statuses = {a.status for a in s.exec(select(Application))}
        if len(rulings) == N_APPLICATIONS and statuses == {"issued"}:
            break
        assert time.monotonic() < deadline, (len(rulings), statuses)
        time.sleep(0.5)
    assert len({r.application_id for r in rulings}) == N_APPLICATIONS
    assert len({r.sha256 for r in rulings}) == N_APPLICATIONS


def test_twenty_mediators_retrying_with_their_keys_create_no_duplicates(client, runtime):
    with transaction(runtime.engine) as s:
        for i in range(20):
            admin.add_user(s, f"m{i}", role="mediator", court_code="渝0241", password="another-password",
                           organization="秀山县中和派出所驻所调解室", actor="test")
    mediators = [Staff(client, f"m{i}", "another-password") for i in range(20)]
    results: dict[tuple[int, int], set[str]] = {}
    lock = threading.Lock()

    def mediator_work(i: int) -> None:
        rng = random.Random(i)
        for n in range(3):
            key = f"tablet-{i}-{n}"
            for _attempt in range(rng.randint(1, 4)):  # a flaky network: the tablet resends
                r = mediators[i].create(application_body(), key=key)
                assert r.status_code == 201, r.text
                with lock:
                    results.setdefault((i, n), set()).add(r.json()["id"])

    with ThreadPoolExecutor(8) as pool:
        for f in [pool.submit(mediator_work, i) for i in range(20)]:
            f.result()
    assert all(len(ids) == 1 for ids in results.values())
    with transaction(runtime.engine) as s:
        assert len(s.exec(select(Application)).all()) == 60


def test_two_retries_with_one_key_at_the_same_moment_make_one_application(client, runtime, passwords, monkeypatch):
    """The race the replay exists for: both requests have looked the key up (not there yet) and are creating when
    one commits; the other must replay that answer, not fail and not make a second application. A barrier holds
    both inside the creation until both are there (on SQLite, BEGIN IMMEDIATE queues the second before its
    look-up, so the barrier times out and the second replays the committed answer)."""
    from confirm.applications import service

    create = service.create_application
    both_inside = threading.Barrier(2, timeout=3)

    def create_when_both_are_inside(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            both_inside.wait()
        except threading.BrokenBarrierError:
            pass
        return create(*args, **kwargs)

    monkeypatch.setattr(service, "create_application", create_when_both_are_inside)
    mediator = Staff(client, "mediator", passwords["mediator"])
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _i: mediator.create(application_body(), key="tablet-retry"), range(2)))
    assert [r.status_code for r in answers] == [201, 201], [r.text for r in answers]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    with transaction(runtime.engine) as s:
        assert len(s.exec(select(Application)).all()) == 1
