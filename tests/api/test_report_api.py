"""联席会议报表 over the API (issue 16 item 2): the figures of a small history made through the API, who may read
them, the period's rules, and the XLSX opened by openpyxl."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from confirm.accounts import admin
from confirm.models import OrgKind
from tests.api.test_decision_page import signed_in_page
from tests.support import Staff, application_body, today, verification_now

REASON = "请补充协议第二条的付款方式"
OTHER_COURT = "渝0242"
PASSWORD = "Another-court-9-mediator"


def decide(judge: Staff, app_id: str, outcome: str, grounds: list[str]) -> None:
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": outcome, "grounds": grounds, "verification": verification_now()})
    assert r.json()["status"] == "issued", r.text


def history(client, runtime, passwords) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Today, in the demo court: a flagged application confirmed, one rejected, one not accepted, one returned, one
    waiting; a second organisation with nothing; and another court's application, which must not count."""
    with runtime.unit_of_work() as session:
        admin.add_organization(session, "渝0241", "秀山县中和司法所", OrgKind.JUDICIAL_OFFICE, actor="test")
        admin.add_court(session, OTHER_COURT, "重庆市酉阳土家族苗族自治县人民法院", actor="test")
        admin.add_organization(session, OTHER_COURT, "酉阳县桃花源派出所驻所调解室", OrgKind.POLICE_STATION, actor="test")
        admin.add_user(session, "mediator9", role="mediator", court_code=OTHER_COURT, password=PASSWORD,
                       organization="酉阳县桃花源派出所驻所调解室", name="冉调解", actor="test")
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    apps = {"confirmed": m.filed(application_body(dispute_type="民间借贷纠纷")), "rejected": m.filed(),
            "not_accepted": m.filed(), "returned": m.filed(), "waiting": m.filed(confirmed=False)}
    decide(judge, apps["confirmed"], "confirmed", [])
    decide(judge, apps["rejected"], "rejected", ["unclear_content"])
    decide(judge, apps["not_accepted"], "not_accepted", ["outside_jurisdiction"])
    judge.post(f"/api/v1/applications/{apps['returned']}/claim")
    r = judge.post(f"/api/v1/applications/{apps['returned']}/return", json={"reason": REASON})
    assert r.status_code == 200, r.text
    Staff(client, "mediator9", PASSWORD).filed(application_body(court_code=OTHER_COURT), confirmed=False)
    return apps


def period(**extra: object) -> dict[str, object]:
    return {"from": today().isoformat(), "to": today().isoformat(), **extra}


def test_the_figures_of_a_small_history(client, runtime, passwords):
    apps = history(client, runtime, passwords)
    r = Staff(client, "clerk", passwords["clerk"]).get("/api/v1/reports/joint-meeting", params=period())
    assert r.status_code == 200, r.text
    report = r.json()
    total = report["total"]
    assert report["court"]["code"] == "渝0241"
    assert total["received"] == 5  # the other court's is not counted
    assert total["decided"] == 3
    assert total["outcomes"] == {"confirmed": 1, "rejected": 1, "not_accepted": 1, "withdrawal_permitted": 0,
                                 "treated_as_withdrawn": 0}
    assert total["grounds"] == {"rejected": {"unclear_content": 1}, "not_accepted": {"outside_jurisdiction": 1}}
    assert total["returned"] == {"count": 1, "applications": 1, "reasons": [{"reason": REASON, "count": 1}]}
    assert total["days_to_ruling"] == {"count": 3, "median": 0.0, "p90": 0}  # all decided the day they came
    assert total["acceptance_limit"] == {"days": 3, "count": 3, "within": 3}
    assert total["review_limit"] == {"days": 30, "count": 2, "within": 2}  # 不予受理 was never accepted
    assert total["service"] == {"rulings_issued": 3, "served": 0}
    assert total["performance"]["rate"] is None and total["performance"]["note"]
    flags = {f["code"]: f for f in total["risk_flags"]}
    assert flags["risk.high_risk_type"] == {"code": "risk.high_risk_type", "raised": 1, "outcomes": {"confirmed": 1}}
    kinds = {k["kind"]: k for k in report["by_kind"]}
    assert kinds["police_station"]["figures"]["received"] == 5 and kinds["police_station"]["kind_name"]
    assert kinds["judicial_office"]["figures"]["received"] == 0
    assert [o["name"] for o in report["by_organization"]] == ["秀山县中和派出所驻所调解室", "秀山县中和司法所"]
    assert apps  # the history's ids are the API's own; the figures above are counted from them


def test_a_report_narrowed_to_one_organisation(client, runtime, passwords):
    history(client, runtime, passwords)
    judge = Staff(client, "judge", passwords["judge"])
    orgs = judge.get("/api/v1/reports/joint-meeting", params=period()).json()["by_organization"]
    second = next(o["organization_id"] for o in orgs if o["name"] == "秀山县中和司法所")
    narrowed = judge.get("/api/v1/reports/joint-meeting", params=period(organization_id=second)).json()
    assert narrowed["total"]["received"] == 0 and len(narrowed["by_organization"]) == 1
    other_courts = max(o["organization_id"] for o in orgs) + 1  # the other court's organisation: not the judge's
    r = judge.get("/api/v1/reports/joint-meeting", params=period(organization_id=other_courts))
    assert r.status_code == 422 and r.json()["error"]["code"] == "report.unknown_organization"


@pytest.mark.parametrize("username", ["mediator", "admin"])
def test_only_court_staff_may_read_the_report(client, passwords, username):
    staff = Staff(client, username, passwords[username])
    for path in ("/api/v1/reports/joint-meeting", "/api/v1/reports/joint-meeting.xlsx"):
        r = staff.get(path, params=period())
        assert r.status_code == 403 and r.json()["error"]["code"] == "auth.forbidden"


def test_the_report_needs_a_token(client):
    assert client.get("/api/v1/reports/joint-meeting", params=period()).status_code == 401
    assert client.get("/api/v1/reports/joint-meeting.xlsx", params=period()).status_code == 401


def test_bad_periods_are_refused_with_a_stable_code(client, passwords):
    judge = Staff(client, "judge", passwords["judge"])
    day = today()
    for start, end, code in (
        (day, day - timedelta(days=1), "report.period_reversed"),
        (day, day + timedelta(days=1), "report.period_in_future"),
        (day - timedelta(days=366), day, "report.period_too_long"),
    ):
        for path in ("/api/v1/reports/joint-meeting", "/api/v1/reports/joint-meeting.xlsx"):
            r = judge.get(path, params={"from": start.isoformat(), "to": end.isoformat()})
            assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text
            assert r.json()["error"]["message"]
    r = judge.get("/api/v1/reports/joint-meeting", params={"from": "2026-13-01", "to": day.isoformat()})
    assert r.status_code == 422 and r.json()["error"]["code"] == "request.invalid"


def test_the_xlsx_opens_in_openpyxl_with_the_figures(client, runtime, passwords):
    history(client, runtime, passwords)
    r = Staff(client, "judge", passwords["judge"]).get("/api/v1/reports/joint-meeting.xlsx", params=period())
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["汇总", "驳回与不予受理事由", "退回补正原因", "风险提示"]
    summary = book["汇总"]
    header = [c.value for c in summary[2]]
    total = dict(zip(header, [c.value for c in summary[3]]))
    assert total["分组"] == "合计" and total["收到申请"] == 5 and total["作出裁定"] == 3
    assert total["确认调解协议有效"] == 1 and total["驳回司法确认申请"] == 1 and total["不予受理"] == 1
    assert total["退回补正（次）"] == 1 and total["提交至裁定天数（中位数）"] == 0
    assert total["3日内决定受理"] == 3 and total["30日内审结"] == 2 and total["出具裁定书"] == 3
    assert total["履行率"] is None
    rows = [[c.value for c in row] for row in summary.iter_rows(min_row=4)]
    assert ["秀山县中和司法所", "司法所/人民调解委员会", 0] == rows[-3][:3]
    assert rows[-1][0] == "履行率" and "已履行的比例" in rows[-1][1]
    grounds = [[c.value for c in row] for row in book["驳回与不予受理事由"].iter_rows(min_row=2)]
    assert [(g[0], g[1], g[3]) for g in grounds] == [("驳回司法确认申请", "unclear_content", 1),
                                                     ("不予受理", "outside_jurisdiction", 1)]
    assert [[c.value for c in row] for row in book["退回补正原因"].iter_rows(min_row=2)] == [[REASON, 1]]


def test_the_report_page_shows_the_court_its_figures(client, runtime, passwords):
    history(client, runtime, passwords)
    signed_in_page(client, "clerk", passwords["clerk"])
    assert 'href="/j/report"' in client.get("/j").text  # linked from the queue's header
    html = client.get("/j/report", params=period()).text
    table = html.split('id="report-table"', 1)[1]
    total = table.split('class="total"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td>([^<]*)</td>", total)
    assert cells[:4] == ["5", "3", "1", "1"]  # received, decided, confirmed, rejected
    assert "秀山县中和司法所（司法所/人民调解委员会）" in table
    assert f"/api/v1/reports/joint-meeting.xlsx?from={today().isoformat()}" in html
    assert "已履行的比例" in html
    r = client.get("/j/report", params={"from": today().isoformat(), "to": (today() + timedelta(days=1)).isoformat()})
    assert r.status_code == 422 and "不能晚于今天" in r.text


@pytest.mark.parametrize("username", ["mediator", "admin"])
def test_the_report_page_is_for_court_staff_alone(client, passwords, username):
    assert client.get("/j/report", follow_redirects=False).status_code == 303  # not signed in: the login page
    signed_in_page(client, username, passwords[username])
    r = client.get("/j/report", params=period())
    assert r.status_code == 403 and "report-table" not in r.text
