"""The 30-day window at intake (CPL 205, 85, 86): a late application is flagged for the judge by default, refused
where the court set ``block``, and a last day on a rest day moves past it."""

from __future__ import annotations

from datetime import timedelta

import yaml

from confirm.accounts.admin import set_late_applications
from confirm.core.clock import china_today
from confirm.core.db import transaction
from tests.support import Staff, application_body


def concluded(days_ago: int) -> dict[str, object]:
    return application_body(mediation={"concluded_on": (china_today() - timedelta(days=days_ago)).isoformat(),
                                       "place": "调解室", "mediator_name": "杨调解"})


def test_a_late_application_is_accepted_and_flagged_for_the_judge_by_default(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed(concluded(40))
    flags = {f["code"]: f["message"] for f in m.get(f"/api/v1/applications/{app_id}").json()["risk_flags"]}
    assert "risk.late_application" in flags and "第八十六条" in flags["risk.late_application"]
    judge = Staff(client, "judge", passwords["judge"])
    row = next(i for i in judge.get("/api/v1/applications").json()["items"] if i["id"] == app_id)
    assert "risk.late_application" in [f["code"] for f in row["risk_flags"]]


def test_an_application_in_time_carries_no_late_flag(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed(concluded(2))
    codes = [f["code"] for f in m.get(f"/api/v1/applications/{app_id}").json()["risk_flags"]]
    assert "risk.late_application" not in codes


def test_a_court_that_blocks_late_applications_refuses_them_naming_the_last_day(client, runtime, passwords):
    with transaction(runtime.engine) as s:
        set_late_applications(s, "渝0241", "block", actor="test")
    r = Staff(client, "mediator", passwords["mediator"]).create(concluded(40))
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "application.deadline_passed"
    assert "已超过申请期限" in err["fields"]["mediation.concluded_on"]
    assert "前（含当日）申请司法确认" in err["fields"]["mediation.concluded_on"]


def test_a_last_day_on_a_courts_holiday_moves_and_the_application_is_in_time_even_where_blocking(
        client, runtime, passwords):
    # day 30 of an agreement concluded 31 days ago is yesterday; the court's holidays.yaml makes it a holiday, so
    # the last day moves to today or later. The plain +30 rule would refuse it whatever day the test runs.
    yesterday = china_today() - timedelta(days=1)
    (runtime.settings.data_dir / "holidays.yaml").write_text(
        yaml.safe_dump({yesterday.year: {"holidays": [yesterday.strftime("%m-%d")], "working_days": []}}),
        encoding="utf-8")
    runtime.__dict__.pop("calendar", None)  # the calendar is read once per process
    with transaction(runtime.engine) as s:
        set_late_applications(s, "渝0241", "block", actor="test")
    m = Staff(client, "mediator", passwords["mediator"])
    r = m.create(concluded(31))
    assert r.status_code == 201, r.text
    r = m.create(concluded(32))  # day 30 was the day before yesterday: not moved by the court's holiday
    if not runtime.calendar.is_rest_day(china_today() - timedelta(days=2)):
        assert r.status_code == 422 and r.json()["error"]["code"] == "application.deadline_passed"


def test_an_edit_follows_the_courts_choice_too(client, runtime, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.create(concluded(2)).json()["id"]
    assert m.put(f"/api/v1/applications/{app_id}", json=concluded(40)).status_code == 200  # flag: stored
    with transaction(runtime.engine) as s:
        set_late_applications(s, "渝0241", "block", actor="test")
    r = m.put(f"/api/v1/applications/{app_id}", json=concluded(41))
    assert r.status_code == 422 and r.json()["error"]["code"] == "application.deadline_passed"
