"""Issue 18: each process keeps the public record and the rendered page of the rulings looked up (the lean path of
verification), yet a revocation shows at the very next look-up, on every instance — the cache is used only while
the ruling's revocation state is what the database says."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from confirm.app import create_app
from confirm.core.db import is_postgresql, transaction
from confirm.core.runtime import Runtime
from confirm.core.verify_codes import digest
from confirm.verification import service as verification
from confirm.verification.service import PublicRecords
from confirm.web.ratelimit import VERIFY_PER_MINUTE
from tests.support import LOOPBACK, Staff, issued, objected


def test_a_ruling_revoked_on_one_instance_shows_revoked_at_once_on_another_that_cached_it(client, passwords,
                                                                                          settings):
    m, app_id, app = issued(client, passwords)
    token = app["ruling"]["verify_url"].rsplit("/", 1)[1]
    other = TestClient(create_app(runtime=Runtime(replace(settings, issuance_in_process=False))))
    for _ in range(2):  # looked up, then answered from the other instance's cache
        assert other.get(f"/api/v1/verify/{token}").json()["status"] == "valid"
        assert "文书真实" in other.get(f"/v/{token}").text
    assert other.app.state.public_records.cached(other.app.state.runtime, token) is not None  # type: ignore[attr-defined]
    objected(client, passwords, app_id)
    judge = Staff(client, "judge", passwords["judge"])
    r = judge.post(f"/api/v1/applications/{app_id}/ruling/revoke",
                   json={"reason": "经异议审查，撤销原裁定", "public_reason": "objection_upheld"})
    assert r.status_code == 200
    assert other.get(f"/api/v1/verify/{token}").json()["status"] == "revoked"
    page = other.get(f"/v/{token}")
    assert "已撤销" in page.text and "文书真实" not in page.text


def test_the_one_query_record_is_the_full_look_ups_record_whether_valid_or_revoked(client, passwords, runtime):
    """A look-up missing the cache reads the record in one joined query (``PublicRecords._record``): it is the
    record ``by_token`` reads model by model, field for field, before and after a revocation."""
    _, app_id, app = issued(client, passwords)
    token = app["ruling"]["verify_url"].rsplit("/", 1)[1]

    def both() -> tuple[dict[str, Any], dict[str, Any]]:
        found = PublicRecords()._record(runtime, digest(token))
        assert found is not None
        return found[1], verification.by_token(runtime, token)

    joined, full = both()
    assert joined == full and full["status"] == "valid" and len(full["parties"]) >= 2
    objected(client, passwords, app_id)
    judge = Staff(client, "judge", passwords["judge"])
    assert judge.post(f"/api/v1/applications/{app_id}/ruling/revoke",
                      json={"reason": "经异议审查，撤销原裁定", "public_reason": "objection_upheld"}).status_code == 200
    joined, full = both()
    assert joined == full and full["status"] == "revoked" and full["revoked_by"] is not None


def _raw(client: TestClient, path: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
    """An answer as it left the service: status, every header in order, the body's bytes as sent (not decoded)."""
    with client.stream("GET", path, headers=headers) as answer:
        return answer.status_code, answer.headers.multi_items(), b"".join(answer.iter_raw())


# what the middleware in front of the endpoints reads of a look-up: https (HSTS) and gzip accepted, or not
_VARIANTS = (("http", "gzip, deflate"), ("http", "identity"), ("https", "gzip"), ("https", "br"),
             ("http", "deflate, gzip"))


def test_the_answers_served_before_routing_are_the_endpoints_answers_byte_for_byte(client, passwords, settings):
    """A ruling's look-up is answered in front of the middleware (``CachedLookups``), whether its record was held
    or read afresh, and whether its answer passed the middleware (the first in its variant) or was kept from
    then: the page and the JSON are the endpoints' own answers — same status, headers, body bytes as sent — over
    http and https, gzip accepted or not. The endpoint is reached with a query string, which the early answer
    passes on."""
    _, _, app = issued(client, passwords)
    token = app["ruling"]["verify_url"].rsplit("/", 1)[1]
    other_app = create_app(runtime=Runtime(replace(settings, issuance_in_process=False)))
    for scheme, accepted in _VARIANTS:
        endpoints = TestClient(client.app, base_url=f"{scheme}://testserver", client=LOOPBACK)
        other = TestClient(other_app, base_url=f"{scheme}://testserver")
        headers = {"Accept-Encoding": accepted}
        for path in (f"/api/v1/verify/{token}", f"/v/{token}"):
            endpoint = _raw(endpoints, path + "?via=endpoint", headers)
            first, kept = _raw(other, path, headers), _raw(other, path, headers)  # through the middleware, kept
            assert other_app.state.public_records.cached(other_app.state.runtime, token) is not None
            assert endpoint[0] == 200
            assert first == endpoint, (scheme, accepted, path)
            assert kept == endpoint, (scheme, accepted, path)


def test_the_address_limit_counts_look_ups_answered_from_the_cache(client, passwords):
    """The cached answers (served before routing) are counted like the others: the 61st look-up of a minute from
    one address is 429, whether the record was held or not."""
    _, _, app = issued(client, passwords)
    token = app["ruling"]["verify_url"].rsplit("/", 1)[1]
    statuses = [client.get(f"/api/v1/verify/{token}" if i % 2 else f"/v/{token}").status_code
                for i in range(VERIFY_PER_MINUTE + 1)]
    assert statuses == [200] * VERIFY_PER_MINUTE + [429]
    refused = client.get(f"/api/v1/verify/{token}")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "request.rate_limited"


def test_a_look_up_does_not_wait_for_a_writer(client, passwords, runtime):
    """Look-ups read through the engine's reader (``core.db.reader``): in autocommit, so on SQLite they do not take
    the write lock every other transaction takes at its start — a look-up answers while a writer holds it."""
    _, _, app = issued(client, passwords)
    token = app["ruling"]["verify_url"].rsplit("/", 1)[1]
    holding, done = threading.Event(), threading.Event()

    def writer() -> None:
        with transaction(runtime.engine) as session:
            session.execute(sa.text("UPDATE courts SET name = name"))
            holding.set()
            done.wait(timeout=30)

    other = threading.Thread(target=writer)
    other.start()
    try:
        assert holding.wait(timeout=10)
        answers: list[Any] = []
        look_up = threading.Thread(target=lambda: answers.append(PublicRecords().ruling(runtime, token)))
        look_up.start()
        look_up.join(timeout=5)
        assert answers and answers[0] is not None, "the look-up waited for the writer"
    finally:
        done.set()
        other.join()


@pytest.mark.db
def test_a_look_up_survives_the_database_dropping_its_connections(client, passwords, runtime):
    """The reader sends no ping before each statement: a connection the database dropped (a restart) fails the
    statement, which ``core.db.read`` runs once more on a fresh connection — the look-up still answers."""
    if not is_postgresql(runtime.engine):
        pytest.skip("PostgreSQL drops connections; an SQLite file has none to drop")
    _, _, app = issued(client, passwords)
    token = app["ruling"]["verify_url"].rsplit("/", 1)[1]
    records = PublicRecords()
    assert records.ruling(runtime, token) is not None  # the reader's pool now holds a connection
    with runtime.engine.connect() as admin:
        dropped = admin.execute(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    assert dropped >= 1
    found = records.ruling(runtime, token)
    assert found is not None and found[0]["status"] == "valid"
    assert records.cached(runtime, token) is not None
