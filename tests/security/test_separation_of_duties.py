"""Issue 17 items 4 and 10: administration is not adjudication — the administrator sees no case file and revokes
nothing; a ruling is revoked by a judge of the court (the deciding judge unless the court allows any); and what
the public is told of a revocation is chosen from a list, never the judge's free text."""

from __future__ import annotations

import pytest

from confirm.accounts.admin import set_revocation
from confirm.applications.live import _events_after
from confirm.models import User
from tests.support import Staff, issued, objected

PRIVATE = "申请人张三身份证号11010519491231002X，电话13800000000，经异议审查撤销"


def test_the_administrator_sees_no_case_file(client, runtime, passwords):
    m, app_id, app = issued(client, passwords)
    admin = Staff(client, "admin", passwords["admin"])
    for path in (f"/api/v1/applications/{app_id}", f"/api/v1/applications/{app_id}/ruling.pdf",
                 f"/api/v1/applications/{app_id}/documents/1"):
        assert admin.get(path).status_code == 404, path  # as if it did not exist: nothing of it is shown
    listed = admin.get("/api/v1/applications")
    assert listed.status_code in (200, 403) and app_id not in listed.text
    with runtime.unit_of_work() as session:
        admin_user = session.query(User).filter(User.username == "admin").one()
        _last, events = _events_after(session, admin_user, 0)
    assert events == []  # nor its live events


@pytest.mark.parametrize("who", ["admin", "clerk", "mediator"])
def test_only_a_judge_revokes(client, runtime, passwords, who):
    """Even where the court lets any of its judges revoke."""
    _m, app_id, _app = issued(client, passwords)
    with runtime.unit_of_work() as session:
        set_revocation(session, "渝0241", "any_judge", actor="test")
    objected(client, passwords, app_id)  # revocation goes through an objection (Interp. 372)
    r = Staff(client, who, passwords[who]).post(f"/api/v1/applications/{app_id}/ruling/revoke", json={"reason": "x"})
    assert r.status_code in (403, 404), r.text
    judge = Staff(client, "judge", passwords["judge"])
    assert judge.get(f"/api/v1/applications/{app_id}").json()["ruling"]["revoked"] is False


def test_the_deciding_judge_revokes_unless_the_court_allows_any_of_its_judges(client, runtime, passwords):
    _m, app_id, _app = issued(client, passwords)  # decided by "judge"
    other = Staff(client, "judge2", passwords["judge2"])
    objected(client, passwords, app_id)  # revocation goes through an objection (Interp. 372)
    r = other.post(f"/api/v1/applications/{app_id}/ruling/revoke", json={"reason": "异议成立"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "ruling.not_deciding_judge"
    with runtime.unit_of_work() as session:
        set_revocation(session, "渝0241", "any_judge", actor="test")
    assert other.post(f"/api/v1/applications/{app_id}/ruling/revoke", json={"reason": "异议成立"}).status_code == 200


def test_the_public_is_told_a_reason_from_the_list_never_the_judge_s_words(client, passwords):
    _m, app_id, app = issued(client, passwords)
    judge = Staff(client, "judge", passwords["judge"])
    token = app["ruling"]["verify_url"].rsplit("/", 1)[1]
    objected(client, passwords, app_id)  # revocation goes through an objection (Interp. 372)
    bad = judge.post(f"/api/v1/applications/{app_id}/ruling/revoke", json={"reason": PRIVATE, "public_reason": "x"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "ruling.public_reason_unknown"
    assert judge.post(f"/api/v1/applications/{app_id}/ruling/revoke",
                      json={"reason": PRIVATE, "public_reason": "changed_by_new_ruling"}).status_code == 200
    public = client.get(f"/api/v1/verify/{token}")
    page = client.get(f"/v/{token}")
    for text in (public.text, page.text):
        assert "原裁定已由本院新的裁定变更" in text
        assert "11010519491231002X" not in text and "13800000000" not in text and "异议审查撤销" not in text
