"""Issue 18: verification look-ups limited per address and per institution key over every instance (the ``limits``
library; counted in the database when JIUDI_RATE_LIMIT_STORAGE=database, in Redis when it is a redis:// URI — each
shared storage proved against the real one), and institution keys for bulk verifiers: their own higher limit,
refused once revoked, 401 with a stable code for a key Jiudi never issued."""

from __future__ import annotations

import os
import secrets
import socket
import time
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond

from confirm.app import create_app
from confirm.cli import main
from confirm.core.runtime import Runtime
from confirm.verification import keys
from confirm.web.ratelimit import VERIFY_PER_MINUTE

LOOKUP = "/api/v1/verify/no-such-token"


@pytest.fixture(autouse=True)
def _mid_window(monkeypatch):  # type: ignore[no-untyped-def]
    """The database's fixed windows see one moment, the middle of a minute: a run straddling a window's edge would
    start counting afresh and let more through than the limit."""
    from datetime import UTC, datetime

    from confirm.core import limits
    monkeypatch.setattr(limits, "utcnow", lambda: datetime(2026, 12, 1, 2, 30, 30, tzinfo=UTC))


REDIS_URL = os.environ.get("JIUDI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_reachable(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(params=["database", "redis"])
def shared_storage(request) -> str:  # type: ignore[no-untyped-def]
    """JIUDI_RATE_LIMIT_STORAGE of the instances that must count together: the database they share, or the real
    Redis of this machine (and CI's) through the ``limits`` library's Redis storage."""
    if request.param == "database":
        return "database"
    pytest.importorskip("redis", reason="the redis client is not installed (pip install -e '.[test]')")
    if not _redis_reachable(REDIS_URL):
        pytest.skip(f"no Redis at {REDIS_URL} (start redis-server, or set JIUDI_TEST_REDIS_URL)")
    return REDIS_URL


def _instance(settings, address=("127.0.0.1", 50000), **changes):  # type: ignore[no-untyped-def]
    """One more instance of the service on the same database, as a second machine would be; its callers come from
    ``address``."""
    runtime = Runtime(replace(settings, issuance_in_process=False, **changes))
    return TestClient(create_app(runtime=runtime), client=address)


def _fresh_address() -> tuple[str, int]:
    """A loopback address of this test alone: Redis outlives the test's database, so counters of an earlier run
    (or another run at the same time) must not be this test's."""
    a, b, c = secrets.token_bytes(3)
    return f"127.{a}.{b}.{max(1, c)}", 50000


def _key(runtime, per_minute: int) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with runtime.unit_of_work() as session:
        row, key = keys.create_key(session, "某某银行秀山支行", per_minute, actor="test")
        return row.id, key


def test_the_address_limit_holds_over_two_instances_sharing_the_storage(settings, runtime, shared_storage):
    address = _fresh_address()
    first, second = (_instance(settings, address, rate_limit_storage=shared_storage) for _ in range(2))
    half = VERIFY_PER_MINUTE // 2
    statuses = [first.get(LOOKUP).status_code for _ in range(half)]
    statuses += [second.get(LOOKUP).status_code for _ in range(VERIFY_PER_MINUTE - half)]
    assert statuses == [404] * VERIFY_PER_MINUTE  # every look-up answered up to the limit …
    over = [first.get(LOOKUP), second.get(LOOKUP)]
    assert [r.status_code for r in over] == [429, 429]  # … then refused by both: they count together
    assert over[0].json()["error"]["code"] == "request.rate_limited" and "秒后重试" in over[0].json()["error"]["message"]


def test_in_memory_each_server_process_allows_its_share_so_the_machine_stays_within_the_limit(settings, runtime):
    processes = [_instance(settings, server_processes=2) for _ in range(2)]  # serve --workers 2, memory
    allowed = 0
    for process in processes:
        statuses = [process.get(LOOKUP).status_code for _ in range(VERIFY_PER_MINUTE)]
        allowed += statuses.count(404)
        assert statuses[-1] == 429
    assert allowed == VERIFY_PER_MINUTE


def test_an_institution_key_gets_its_own_higher_limit_over_every_instance(settings, runtime, shared_storage):
    per_minute = VERIFY_PER_MINUTE + 20
    key_id, key = _key(runtime, per_minute)
    address = _fresh_address()
    first, second = (_instance(settings, address, rate_limit_storage=shared_storage) for _ in range(2))
    limits = first.app.state.limits  # type: ignore[attr-defined]
    # the key's id restarts at 1 with each test database; its counter in Redis may be an earlier run's
    limits.strategy.clear(RateLimitItemPerMinute(per_minute), "verify-institution", str(key_id))
    header = {keys.HEADER: key}
    statuses = [(first if i % 2 else second).get(LOOKUP, headers=header).status_code for i in range(per_minute)]
    assert statuses == [404] * per_minute  # more than an address may make
    assert first.get(LOOKUP, headers=header).status_code == 429
    assert second.get(LOOKUP, headers=header).status_code == 429
    assert first.get(LOOKUP).status_code == 404  # the same address without the key is counted apart


def test_a_revoked_key_is_refused_and_a_key_never_issued_is_401_with_a_stable_code(settings, runtime, client):
    key_id, key = _key(runtime, 1000)
    assert client.get(LOOKUP, headers={keys.HEADER: key}).status_code == 404
    with runtime.unit_of_work() as session:
        keys.revoke_key(session, key_id, actor="test")
    revoked = client.get(LOOKUP, headers={keys.HEADER: key})
    assert revoked.status_code == 401 and revoked.json()["error"]["code"] == "verify.institution_key_revoked"
    for bad in ("jdk_never-issued", "", key[:-1]):
        r = client.get(LOOKUP, headers={keys.HEADER: bad})
        assert r.status_code == 401 and r.json()["error"]["code"] == "verify.institution_key_invalid"
        assert r.json()["error"]["message"] == "机构核验密钥无效"


def test_keys_are_stored_hashed_and_each_change_is_audited(runtime):
    from sqlmodel import select

    from confirm.models import AuditRecord, InstitutionKey
    key_id, key = _key(runtime, 100)
    with runtime.unit_of_work() as session:
        row = session.get(InstitutionKey, key_id)
        assert row is not None and key not in (row.key_hash, row.key_prefix) and row.key_hash == keys.key_digest(key)
        actions = [a.action for a in session.exec(select(AuditRecord))]
    assert "institution_key.created" in actions


@pytest.mark.parametrize("per_minute", ["0", "-5", "abc"])
def test_the_command_line_refuses_a_bad_limit_and_makes_lists_and_revokes_keys(settings, runtime, capsys,
                                                                              monkeypatch, per_minute):
    monkeypatch.setenv("JIUDI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("JIUDI_DATABASE_URL", settings.database_url)
    if per_minute != "abc":
        assert main(["institution-key", "add", "--name", "某银行", "--per-minute", per_minute]) != 0
    assert main(["institution-key", "add", "--name", "某银行", "--per-minute", "500"]) == 0
    out = capsys.readouterr().out
    key = next(line for line in out.splitlines() if line.startswith(keys.KEY_PREFIX))
    assert main(["institution-key", "list"]) == 0
    assert "某银行 500/min active" in capsys.readouterr().out
    assert main(["institution-key", "revoke", "--id", "1"]) == 0
    assert main(["institution-key", "list"]) == 0
    assert "revoked" in capsys.readouterr().out
    with pytest.raises(Exception) as refused:
        keys.authenticate(runtime.engine, key)
    assert getattr(refused.value, "code", None) == "verify.institution_key_revoked"


def test_in_memory_expired_windows_are_swept_once_a_second_and_still_limit():
    """The library's own storage sweeps every key 10 ms after each hit, holding the interpreter while it walks them
    (a stall behind every busy process's requests): Jiudi's sweeps once a second. What is limited is unchanged —
    a window is checked at each hit — and a key whose window is over is freed by the next sweep."""
    from limits.strategies import MovingWindowRateLimiter

    from confirm.core import limits

    storage = limits.storage_for(limits.MEMORY, None)  # type: ignore[arg-type]
    assert isinstance(storage, limits.MemoryStorage)
    storage.timer.join()  # the library's first sweep, started with the storage
    strategy = MovingWindowRateLimiter(storage)
    item = RateLimitItemPerMinute(3)
    assert [strategy.hit(item, "10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert storage.timer.interval == limits.MemoryStorage.SWEEP_SECONDS >= 1.0  # scheduled by the hit, not 10 ms
    short = RateLimitItemPerSecond(1)
    assert strategy.hit(short, "10.0.0.2") and not strategy.hit(short, "10.0.0.2")
    storage.timer.join()
    storage.timer.join()
    deadline = time.monotonic() + 5
    def kept() -> int:  # the hits of 10.0.0.2 still held
        return sum(len(events) for key, events in storage.events.items() if "10.0.0.2" in key)

    while kept() and time.monotonic() < deadline:
        strategy.hit(item, "10.0.0.3")  # a hit schedules the next sweep
        storage.timer.join()
    assert not kept(), "an expired window was never swept"
