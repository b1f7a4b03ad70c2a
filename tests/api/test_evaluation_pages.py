"""调解员考评 pages (issue 16 item 3) over HTTP: each audience's page with the weights beside the scores, who may
open which (every role), anonymity on the page, and the party's rating form on their phone page."""

from __future__ import annotations

import re

import pytest

from confirm.parties.views import PARTY_COOKIE
from tests.api.test_decision_page import csrf, signed_in_page
from tests.api.test_evaluation_api import PASSWORD, accounts, history, period
from tests.support import party_link_token, today

PAGES = {"mediator": "/m/evaluation", "head": "/e", "judge": "/j/evaluation", "clerk": "/j/evaluation"}


def password(passwords, username: str) -> str:  # type: ignore[no-untyped-def]
    return passwords.get(username, PASSWORD)


def score_of(html: str, label: str) -> str:
    row = html.split(f"<th scope=\"row\">{label}</th>", 1)[1].split("</tr>", 1)[0]
    return re.search(r'class="score"><strong>([^<]*)</strong>', row).group(1)


def test_the_court_s_page_shows_every_mediator_with_the_weights(client, runtime, passwords):
    h = history(client, runtime, passwords)
    signed_in_page(client, "judge", passwords["judge"])
    assert 'href="/j/evaluation"' in client.get("/j").text  # linked from the queue's header
    html = client.get("/j/evaluation", params=period()).text
    assert score_of(html, "　杨调解") == "55.8" and score_of(html, "　田调解") == "100.0"
    assert score_of(html, "全院合计") == "69.6"
    weights = html.split('id="evaluation-weights"', 1)[1].split("</section>", 1)[0]
    assert "<th scope=\"row\">确认率</th><td>30</td>" in weights and "<th scope=\"row\">当事人评价</th><td>10</td>" in weights
    assert "7日内提交" in weights
    assert "调解员很耐心" in html and "请补充协议第二条的付款方式" in html
    for party in h["a_parties"]:
        assert party["name"] not in html


def test_the_mediator_s_page_shows_their_own_figures_only(client, runtime, passwords):
    history(client, runtime, passwords)
    signed_in_page(client, "mediator2", PASSWORD)
    assert 'href="/m/evaluation"' in client.get("/m").text
    html = client.get("/m/evaluation", params=period()).text
    assert "我的考评" in html and score_of(html, "田调解") == "100.0"
    assert "杨调解" not in html and "调解员很耐心" not in html and "全院合计" not in html


def test_the_organisation_head_lands_on_the_organisation_s_page(client, runtime, passwords):
    history(client, runtime, passwords)
    signed_in_page(client, "head", PASSWORD)
    assert client.get("/staff", follow_redirects=False).headers["location"] == "/e"
    html = client.get("/e", params=period()).text
    assert "本组织调解员考评" in html and score_of(html, "秀山县中和派出所驻所调解室") == "55.8"
    assert "田调解" not in html and "秀山县中和司法所" not in html and "全院合计" not in html
    future = client.get("/e", params={"from": today().isoformat(), "to": "2999-01-01"})
    assert future.status_code == 422 and "不能晚于今天" in future.text


@pytest.mark.parametrize(("username", "forbidden"), [
    ("mediator", ["/e", "/j/evaluation"]), ("head", ["/m/evaluation", "/j/evaluation", "/j", "/m"]),
    ("judge", ["/m/evaluation", "/e"]), ("clerk", ["/m/evaluation", "/e"]),
    ("admin", ["/m/evaluation", "/e", "/j/evaluation"])])
def test_each_role_opens_its_own_page_and_no_other(client, runtime, passwords, username, forbidden):
    accounts(runtime)
    for path in set(PAGES.values()):
        assert client.get(path, follow_redirects=False).status_code == 303  # not signed in: the login page
    signed_in_page(client, username, password(passwords, username))
    if username in PAGES:
        assert client.get(PAGES[username], params=period()).status_code == 200
    for path in forbidden:
        r = client.get(path, params=period())
        assert r.status_code == 403 and "evaluation-table" not in r.text, path


def test_a_party_rates_from_their_page_once_after_service(client, runtime, passwords):
    h = history(client, runtime, passwords)
    # the rejected case: not served, so no form
    b_party = client.get("/api/v1/party/me", headers=h["b_sessions"][0]).json()
    client.cookies.set(PARTY_COOKIE, h["b_sessions"][0]["Authorization"].split()[1])
    page = client.get(f"/p/{party_link_token(client, h['b'], b_party['party_id'])}").text
    assert 'id="rating"' not in page
    # the confirmed and served case: the first party rated through the API already, so it sees its thanks
    a_first = client.get("/api/v1/party/me", headers=h["a_sessions"][0]).json()
    client.cookies.set(PARTY_COOKIE, h["a_sessions"][0]["Authorization"].split()[1])
    page = client.get(f"/p/{party_link_token(client, h['a'], a_first['party_id'])}").text
    assert 'id="rating-given"' in page and "★★★★★" in page and 'id="rating"' not in page
    # a third case served on its party, rated from the page: out of the scale, then 4 stars, then again
    from tests.api.test_evaluation_api import decide, filed, serve_all
    from tests.support import Staff

    m = Staff(client, "mediator", passwords["mediator"])
    e, parties, sessions = filed(m)
    decide(Staff(client, "judge", passwords["judge"]), e, "confirmed", [])
    serve_all(m, e, parties)
    client.cookies.set(PARTY_COOKIE, sessions[0]["Authorization"].split()[1])
    url = f"/p/{party_link_token(client, e, parties[0]['id'])}"
    page = client.get(url).text
    assert 'id="rating"' in page and "评价不署名" in page
    r = client.post(f"{url}/rating", data={"csrf": csrf(page), "stars": "9", "comment": "好"})
    assert r.status_code == 422 and "1到5颗星" in r.text
    r = client.post(f"{url}/rating", data={"csrf": csrf(page), "stars": "4", "comment": "说明清楚"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert 'id="rating-given"' in client.get(url).text
    r = client.post(f"{url}/rating", data={"csrf": csrf(page), "stars": "1"})
    assert r.status_code == 409 and "只能评价一次" in r.text
    r = client.post(f"{url}/rating", data={"csrf": "forged", "stars": "1"})
    assert r.status_code == 403


def test_the_administrator_makes_an_organisation_s_head_who_lands_on_the_figures(client, runtime, passwords):
    signed_in_page(client, "admin", passwords["admin"])
    page = client.get("/admin").text
    assert '<option value="org_head">调解组织负责人</option>' in page
    r = client.post("/admin/users", data={"csrf": csrf(page), "username": "head3", "name": "吴主任", "role": "org_head",
                                          "court": "渝0241"})
    assert r.status_code == 422 and "须指定所属调解组织" in r.text  # an organisation's head belongs to one
    r = client.post("/admin/users", data={"csrf": csrf(page), "username": "head3", "name": "吴主任", "role": "org_head",
                                          "court": "渝0241", "organization": "秀山县中和派出所驻所调解室"})
    new_password = re.search(r'id="new-password">([^<]+)<', r.text).group(1)
    client.cookies.clear()
    signed_in_page(client, "head3", new_password)
    assert client.get("/staff", follow_redirects=False).headers["location"] == "/e"
    assert "本组织调解员考评" in client.get("/e").text
