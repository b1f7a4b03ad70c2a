"""The judge's working day on the pages (issue 14 item 2), over HTTP: the queue's filters and counts, 下一件,
finding the court's cases, the grounds grouped by article and the agreement's facts marked for comparison."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from confirm.accounts import admin
from confirm.core.clock import utcnow
from confirm.core.db import transaction
from confirm.models import Application
from tests.api.test_decision_page import csrf, signed_in_page
from tests.support import Staff, application_body, issued, withdrawal_by_first_party


def counts(html: str) -> dict[str, int]:
    return {k: int(n) for k, n in re.findall(r'data-view="(\w+)">[^<]*<span class="count">(\d+)</span>', html)}


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-id="(\w+)"', html)


def test_the_queue_filters_mine_unclaimed_and_due_today_with_their_counts(client, passwords, runtime):
    m = Staff(client, "mediator", passwords["mediator"])
    mine, other, old = m.filed(), m.filed(), m.filed()
    Staff(client, "judge", passwords["judge"]).post(f"/api/v1/applications/{mine}/claim")
    with runtime.unit_of_work() as session:  # submitted four days ago: its 3-day acceptance clock has run out
        app = session.exec(select(Application).where(Application.id == old)).one()
        app.submitted_at = utcnow() - timedelta(days=4)
        session.add(app)
    signed_in_page(client, "judge", passwords["judge"])
    page = client.get("/j").text
    assert counts(page) == {"all": 3, "mine": 1, "unclaimed": 2, "due": 1}
    assert set(rows(page)) == {mine, other, old}
    assert rows(client.get("/j?view=mine").text) == [mine]
    assert set(rows(client.get("/j?view=unclaimed").text)) == {other, old}
    assert rows(client.get("/j?view=due").text) == [old]
    assert set(rows(client.get("/j?view=nonsense").text)) == {mine, other, old}  # an unknown filter shows all
    # the live fragment keeps the filter and carries the counts
    fragment = client.get("/j?fragment=1&view=mine").text
    assert rows(fragment) == [mine] and counts(fragment)["unclaimed"] == 2


def test_next_case_is_the_judges_own_undecided_case_then_the_oldest_unclaimed_then_the_queue(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    first, second = m.filed(), m.filed()
    signed_in_page(client, "judge", passwords["judge"])
    assert client.get("/j/next", follow_redirects=False).headers["location"] == f"/j/a/{first}"
    assert client.get(f"/j/next?after={first}", follow_redirects=False).headers["location"] == f"/j/a/{second}"
    page = client.get(f"/j/a/{second}").text
    client.post(f"/j/a/{second}/claim", data={"csrf": csrf(page)})
    assert client.get("/j/next", follow_redirects=False).headers["location"] == f"/j/a/{second}"  # mine first
    assert client.get(f"/j/next?after={second}", follow_redirects=False).headers["location"] == f"/j/a/{first}"
    judge = Staff(client, "judge", passwords["judge"])
    judge.post(f"/api/v1/applications/{first}/claim")
    for app_id in (first, second):
        r = judge.post(f"/api/v1/applications/{app_id}/decision", json={
            "outcome": "withdrawal_permitted", "withdrawal": withdrawal_by_first_party(judge, app_id)})
        assert r.status_code == 200, r.text
    done = client.get("/j/next", follow_redirects=False).headers["location"]
    assert done == "/j?done=empty" and "队列中已没有待您审查的申请" in client.get(done).text


def test_cases_are_found_by_case_number_name_and_id_number_court_wide_and_only_in_the_court(client, passwords,
                                                                                           runtime):
    m, app_id, _ = issued(client, passwords)
    other_party = application_body()["parties"][0]
    case_number = m.get(f"/api/v1/applications/{app_id}").json()["case_number"]
    unclaimed = m.filed()  # no case number yet: not a case of the court's list
    signed_in_page(client, "clerk", passwords["clerk"])  # the clerk too: court-wide, not only one's own
    today = client.get("/j/cases").text
    assert rows(today) == [app_id] and "确认调解协议有效" in today
    number = re.search(r"民特(\d+)号", case_number).group(0)
    for query in (number, other_party["name"], other_party["id_number"], other_party["id_number"].lower()):
        found = client.get("/j/cases", params={"q": query, "when": "all"}).text
        assert rows(found) == [app_id], query
        assert unclaimed not in found
    assert rows(client.get("/j/cases", params={"q": "无此人"}).text) == []
    assert rows(client.get("/j/cases", params={"q": "%"}).text) == []  # a LIKE wildcard is a character here
    assert rows(client.get("/j/cases", params={"q": other_party["id_number"][:10]}).text) == []  # whole ID only
    # another court's judge finds nothing of it
    client.post("/logout", data={"csrf": csrf(client.get("/j").text)})
    with transaction(runtime.engine) as session:
        admin.add_court(session, "渝0242", "重庆市酉阳土家族苗族自治县人民法院", actor="test")
        admin.add_user(session, "far-judge", role="judge", court_code="渝0242", password="another-password",
                       actor="test")
    signed_in_page(client, "far-judge", "another-password")
    assert rows(client.get("/j/cases", params={"q": other_party["name"], "when": "all"}).text) == []


def test_the_grounds_are_grouped_by_article_and_the_agreements_facts_are_marked(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    body = application_body(agreement={"text": "一、李四于2026年12月31日前向张三支付人民币8000元。", "amount": "12000"})
    app_id = m.filed(body)
    signed_in_page(client, "judge", passwords["judge"])
    page = client.get(f"/j/a/{app_id}").text
    client.post(f"/j/a/{app_id}/claim", data={"csrf": csrf(page)})
    page = client.get(f"/j/a/{app_id}").text
    client.post(f"/j/a/{app_id}/accept", data={"csrf": csrf(page)})  # (355 ¶2 grounds only once accepted)
    page = client.get(f"/j/a/{app_id}").text
    rejected = page[page.index('data-outcome="rejected"'):]
    rejected = rejected[:rejected.index("</fieldset>")]
    assert re.findall(r'class="article-name">([^<]+)<', rejected) == [
        "《民诉法解释》第三百五十八条", "《民诉法解释》第三百五十五条第一款、第二款"]
    assert '<span class="item">第四项</span> 违反自愿原则' in rejected
    assert '<mark class="m-date">2026年12月31日</mark>' in page and '<mark class="m-money">人民币8000元</mark>' in page
    assert "录入的标的金额 12000 元未出现在协议文本中" in page
