"""Issue 18: each process keeps the public record and the rendered page of the rulings looked up (the lean path of
verification), yet a revocation shows at the very next look-up, on every instance — the cache is used only while
the ruling's revocation state is what the database says."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from confirm.app import create_app
from confirm.core.runtime import Runtime
from tests.support import Staff, issued, objected


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
