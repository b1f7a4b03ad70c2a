"""Correcting an application on the mediator's pages (issue 14 item 3): the same form as a new application,
validated the same way, for drafts and returned cases only; a returned case offers no withdrawal."""

from __future__ import annotations

import re

from tests.api.test_decision_page import csrf, signed_in_page
from tests.support import Staff, application_body


def form_fields(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input id="([^"]+)" name="[^"]+" type="[^"]+" value="([^"]*)"', html))
    fields.update(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))  # the court, as a browser sends
    fields.update(re.findall(r'<input id="(dispute_type_other)" name="[^"]+" value="([^"]*)"', html))
    for name, options in re.findall(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option(?: value="([^"]*)")? selected>([^<]*)', options)  # as a browser sends it
        if chosen:
            fields[name] = chosen.group(1) if chosen.group(1) is not None else chosen.group(2)
    fields["agreement.text"] = re.search(r'name="agreement.text"[^>]*>([^<]*)</textarea>', html).group(1)
    for name, value in re.findall(r"name=\"(parties\[\d+\]\.agent)\" value='([^']*)'", html):
        fields[name] = value.replace("&#34;", '"')
    return fields


def test_a_draft_is_corrected_with_the_same_form_and_nothing_it_holds_is_lost(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    body = application_body()
    body["parties"][0]["agent"] = {"name": "王律师", "authorization": "特别授权"}
    app_id = m.create(body).json()["id"]
    signed_in_page(client, "mediator", passwords["mediator"])
    page = client.get(f"/m/a/{app_id}")
    assert 'id="edit-link"' in page.text
    form = client.get(f"/m/a/{app_id}/edit").text
    fields = form_fields(form)
    assert fields["parties[0].name"] == "张三" and fields["agreement.amount"] == "12000.00"
    fields.update({"csrf": csrf(form), "action": "save", "parties[0].kind": "person",
                   "parties[1].kind": "organization", "agreement.amount": "13000.00",
                   "agreement.text": fields["agreement.text"].replace("12000", "13000")})
    wrong = client.post(f"/m/a/{app_id}/edit", data={**fields, "parties[1].phone": "1390000"})
    assert wrong.status_code == 422 and "手机号码应为以1开头的11位数字" in wrong.text
    assert m.get(f"/api/v1/applications/{app_id}").json()["agreement"]["amount"] == "12000.00"  # unchanged
    r = client.post(f"/m/a/{app_id}/edit", data=fields, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/m/a/{app_id}?done=edited"
    edited = m.get(f"/api/v1/applications/{app_id}").json()
    assert edited["agreement"]["amount"] == "13000.00" and "13000" in edited["agreement"]["text"]
    assert edited["parties"][0]["agent"] == {"name": "王律师", "id_number": None, "authorization": "特别授权"}


def test_a_returned_case_is_corrected_and_offers_no_withdrawal_a_submitted_one_is_not_editable(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    signed_in_page(client, "mediator", passwords["mediator"])
    assert client.get(f"/m/a/{app_id}/edit").status_code == 409  # submitted: with the court
    judge.post(f"/api/v1/applications/{app_id}/claim")
    judge.post(f"/api/v1/applications/{app_id}/return", json={"reason": "协议金额与申请书不一致"})
    page = client.get(f"/m/a/{app_id}").text
    assert "协议金额与申请书不一致" in page and 'id="edit-link"' in page and "/withdraw" not in page
    form = client.get(f"/m/a/{app_id}/edit").text
    fields = {**form_fields(form), "csrf": csrf(form), "action": "save", "parties[0].kind": "person",
              "parties[1].kind": "organization", "mediation.place": "秀山县中和派出所调解室（复查）"}
    assert client.post(f"/m/a/{app_id}/edit", data=fields, follow_redirects=False).status_code == 303
    edited = m.get(f"/api/v1/applications/{app_id}").json()
    assert edited["mediation"]["place"] == "秀山县中和派出所调解室（复查）"
    assert [p["confirmation"]["state"] for p in edited["parties"]] == ["pending", "pending"]  # asked again
