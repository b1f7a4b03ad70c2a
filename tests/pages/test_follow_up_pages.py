"""What people see of the follow-up (issue 15 item 5), in a real browser: the mediator's dashboard lists what is
overdue and what falls due this week; the judge's case page shows each obligation's state and the messages sent."""

from __future__ import annotations

from datetime import timedelta

import httpx

from confirm.core.clock import moved_to
from tests.pages.conftest import shoot
from tests.pages.test_staff_pages import login
from tests.system.test_follow_up_schedule import FIRST, at, drain, served_case

LATER, LAST = FIRST + timedelta(days=3), FIRST + timedelta(days=6)
TEXT_B = (f"一、秀山县武陵建材有限公司于{LATER:%Y年%-m月%-d日}前向张三支付货款人民币3500元。\n"
          f"二、张三于{LAST:%Y年%-m月%-d日}前向秀山县武陵建材有限公司返还样品一批。")
OBLIGATIONS_B = [
    {"obligor": 1, "obligee": 0, "kind": "money", "amount": "3500", "due_on": LATER.isoformat(), "description": "支付货款"},
    {"obligor": 0, "obligee": 1, "kind": "act", "description": "返还样品一批", "due_on": LAST.isoformat()},
]


def test_the_mediator_sees_what_is_overdue_and_due_and_the_judge_what_was_sent(browser, live_server):  # type: ignore[no-untyped-def]
    base, runtime, passwords = live_server
    with httpx.Client(base_url=base, timeout=60) as api:
        a = served_case(api, passwords)
        b = served_case(api, passwords, TEXT_B, OBLIGATIONS_B)
    with moved_to(at(FIRST - timedelta(days=3))):  # the reminder's morning, then the day after the due date
        drain(runtime)
    with moved_to(at(FIRST + timedelta(days=2))):
        drain(runtime)
        med = login(browser, base, "mediator", passwords["mediator"])
        med.goto(f"{base}/m")
        rows = med.locator("#due-list tbody tr")
        assert rows.count() == 3
        overdue = med.locator("#due-list tr.overdue")
        assert overdue.count() == 1 and "逾期2天" in overdue.inner_text()
        assert "秀山县武陵建材有限公司 → 张三" in overdue.inner_text() and "7000.00元" in overdue.inner_text()
        due = med.locator("#due-list tr.due").all_inner_texts()
        assert "还有1天" in due[0] and "3500.00元" in due[0] and "返还样品一批" in due[1] and "张三 → 秀山县" in due[1]
        assert "逾期未履行 1 项 · 本周到期 2 项" in med.inner_text("#due-h")
        shoot(med, "09c-mediator-due-list")
        with med.expect_navigation():
            overdue.get_by_role("link").click()
        assert med.url.endswith(f"/m/a/{a['id']}")

        judge = login(browser, base, "judge", passwords["judge"])
        judge.goto(f"{base}/j/a/{a['id']}")
        first = judge.locator(f"#performance li[data-obligation='{a['obligations'][0]['id']}']")
        assert "待履行（已逾期）" in first.inner_text()
        notices = first.locator("li.notice").all_inner_texts()
        assert notices[0].startswith("履行提醒（履行人）：短信发送至 139****0000")
        assert notices[1].startswith("履行情况询问（权利人）：短信发送至 138****0000")
        later = judge.locator(f"#performance li[data-obligation='{a['obligations'][1]['id']}']")
        assert "尚未到发送提醒的日期" in later.inner_text()
        judge.locator("#performance").scroll_into_view_if_needed()
        shoot(judge, "14c-judge-performance")
    assert b["status"] == "served"
