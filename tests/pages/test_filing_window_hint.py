"""The form's live hint counts the 30-day window as the server does (CPL 205, 85): the same last day, moved past
the same rest days, and a warning rather than an error where the court flags late applications (CPL 86)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from confirm.core.clock import china_today
from confirm.law.calendar import RestDayCalendar, calendar_from_table, filing_deadline
from confirm.law.tables import holiday_table
from tests.law.test_calendar import CASES
from tests.pages.test_staff_pages import login

FIELD = "#err-mediation\\.concluded_on"


def _rules(page, rules):  # type: ignore[no-untyped-def]
    page.evaluate("r => { document.getElementById('filing-rules').textContent = JSON.stringify(r); }", rules)


def _hint(page, concluded_on: date) -> str:  # type: ignore[no-untyped-def]
    return str(page.evaluate("v => { const r = window.JiudiRules.concluded_on(v); return r.warn || r; }",
                             concluded_on.isoformat()))


def test_the_hint_names_the_servers_last_day_and_only_warns_where_the_court_flags(browser, live_server):  # type: ignore[no-untyped-def]
    base, _runtime, passwords = live_server
    page = login(browser, base, "mediator", passwords["mediator"])
    page.goto(f"{base}/m/new")
    embedded = json.loads(page.locator("#filing-rules").text_content() or "{}")
    assert embedded["late_applications"] == "flag"  # the default
    page.fill("#mediation\\.concluded_on", (china_today() - timedelta(days=40)).isoformat())
    assert "第八十六条" in page.inner_text(FIELD)
    assert page.get_attribute("#mediation\\.concluded_on", "aria-invalid") == "false"

    # the whole shipped table, so the cases of tests/law/test_calendar.py hold whatever day the test runs
    calendar = calendar_from_table(holiday_table())
    table = {"holidays": sorted(d.isoformat() for d in calendar.holidays),
             "working_days": sorted(d.isoformat() for d in calendar.working_days)}
    _rules(page, {**table, "late_applications": "block"})
    for concluded_on, last_day, why in CASES:
        if last_day < china_today():
            assert f"应在{last_day.isoformat()}前" in _hint(page, concluded_on), why

    # a last day moved by a holiday is in time on the day the plain +30 rule would refuse
    yesterday = china_today() - timedelta(days=1)
    moved = {"holidays": [yesterday.isoformat()], "working_days": [], "late_applications": "block"}
    _rules(page, moved)
    assert _hint(page, china_today() - timedelta(days=31)) == ""
    same = RestDayCalendar(holidays=frozenset({yesterday}))
    if filing_deadline(china_today() - timedelta(days=32), same) < china_today():
        assert "已超过申请期限" in _hint(page, china_today() - timedelta(days=32))
