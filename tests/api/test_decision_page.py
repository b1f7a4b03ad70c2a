"""The judge's decision on the review page (issue 14 item 1): nothing preset, a last look before the irreversible
seal, and a ruling that states only what the judge recorded."""

from __future__ import annotations

import re

from tests.support import Staff, issued_ruling_text, page_login


def signed_in_page(client, username: str, password: str):  # type: ignore[no-untyped-def]
    r = page_login(client, username, password)
    assert r.status_code == 303, r.text


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def claimed_on_the_page(client, passwords):  # type: ignore[no-untyped-def]
    m = Staff(client, "mediator", passwords["mediator"])
    app_id = m.filed()
    signed_in_page(client, "judge", passwords["judge"])
    page = client.get(f"/j/a/{app_id}").text
    assert client.post(f"/j/a/{app_id}/claim", data={"csrf": csrf(page)}).status_code == 200
    return m, app_id, client.get(f"/j/a/{app_id}").text


def test_the_decision_form_presets_nothing(client, passwords):
    _m, _app_id, page = claimed_on_the_page(client, passwords)
    form = page[page.index('id="decision-form"'):page.index("</form>", page.index('id="decision-form"'))]
    assert "checked" not in form  # no outcome, no ground
    assert re.search(r'id="verification_at"[^>]*value=""', form)
    assert '<option value="">（未核实，不填）</option>' in form and "selected" not in form


def test_a_rejection_that_never_touches_the_verification_states_none_and_is_sealed_only_after_the_last_look(
        client, passwords):
    m, app_id, page = claimed_on_the_page(client, passwords)
    body = {"csrf": csrf(page), "outcome": "rejected", "grounds_rejected": "violates_mandatory_law",
            "verification_method": "", "verification_at": "", "reasoning": "", "clerk": "clerk"}
    first = client.post(f"/j/a/{app_id}/decision", data=body)
    assert first.status_code == 200 and 'id="decision-summary"' in first.text
    assert "未记录共同核实" in first.text and "以“驳回司法确认申请”出具" in first.text
    assert m.get(f"/api/v1/applications/{app_id}").json()["decision"] is None  # nothing stored yet
    sealed = client.post(f"/j/a/{app_id}/decision", data={**body, "confirmed": "1"})
    assert sealed.status_code == 200 and m.get(f"/api/v1/applications/{app_id}").json()["decision"]["outcome"] == (
        "rejected")
    text = issued_ruling_text(m, app_id)
    assert "驳回" in text and "核实" not in text  # nobody recorded a verification: the ruling states none
    # the public page: genuine, and the outcome apart — a rejection never reads as a confirmed agreement
    public = client.get(m.get(f"/api/v1/applications/{app_id}").json()["ruling"]["verify_url"]
                        .replace("http://testserver", "")).text
    assert "文书真实，本院出具" in public and 'class="outcome outcome-rejected"' in public
    assert "不能据此申请强制执行" in public and "确认调解协议有效" not in public


def test_a_confirmation_without_the_verification_is_refused_before_the_summary(client, passwords):
    m, app_id, page = claimed_on_the_page(client, passwords)
    r = client.post(f"/j/a/{app_id}/decision", data={"csrf": csrf(page), "outcome": "confirmed", "clerk": "clerk"})
    assert r.status_code == 422 and "核实" in r.text and 'id="decision-summary"' not in r.text
    assert m.get(f"/api/v1/applications/{app_id}").json()["status"] == "under_review"


def test_the_page_records_who_withdrew_and_when_and_the_ruling_states_it(client, passwords):
    from confirm.core.clock import china_today

    m, app_id, page = claimed_on_the_page(client, passwords)
    assert 'id="withdrawal"' in page and 'name="withdrawal_on"' in page
    first_party = m.get(f"/api/v1/applications/{app_id}").json()["parties"][0]["id"]
    body = {"csrf": csrf(page), "outcome": "withdrawal_permitted", "reasoning": "", "clerk": "clerk",
            "verification_method": "", "verification_at": ""}
    missing = client.post(f"/j/a/{app_id}/decision", data=body)
    assert "准许撤回申请须记录哪位申请人于何日" in missing.text
    today = china_today()
    body |= {"withdrawal_party": str(first_party), "withdrawal_on": today.isoformat()}
    assert 'id="decision-summary"' in client.post(f"/j/a/{app_id}/decision", data=body).text
    sealed = client.post(f"/j/a/{app_id}/decision", data={**body, "confirmed": "1"})
    assert sealed.status_code == 200
    text = issued_ruling_text(m, app_id)
    assert f"申请人张三于{today.year}年{today.month}月{today.day}日向本院申请撤回司法确认申请。" in text


def test_the_seal_s_post_looks_up_the_session_once(client, runtime, passwords):
    """The decision's handler and the form action it hands the seal to both ask who is signed in: one look-up of
    the session answers both (each is a transaction on the seal's path)."""
    import sqlalchemy as sa

    _m, app_id, page = claimed_on_the_page(client, passwords)
    body = {"csrf": csrf(page), "outcome": "rejected", "grounds_rejected": "violates_mandatory_law",
            "verification_method": "", "verification_at": "", "reasoning": "", "clerk": "clerk", "confirmed": "1"}
    looked_up: list[str] = []

    def seen(_conn, _cursor, statement, *_rest):  # type: ignore[no-untyped-def]
        if "FROM auth_tokens" in statement:
            looked_up.append(statement)

    sa.event.listen(runtime.engine, "before_cursor_execute", seen)
    try:
        sealed = client.post(f"/j/a/{app_id}/decision", data=body, follow_redirects=False)
    finally:
        sa.event.remove(runtime.engine, "before_cursor_execute", seen)
    assert sealed.status_code == 303
    assert len(looked_up) == 1, looked_up


def test_the_mediator_s_page_of_an_unserved_ruling_reads_no_execution_records(client, runtime, passwords):
    """The page the mediator's tablet fetches the moment the ruling is sealed: an unserved ruling can found no
    execution (CPL 247: served on every party first), so the page reads none of the records an application for it
    would need."""
    import sqlalchemy as sa

    from tests.support import issued

    _m, app_id, _app = issued(client, passwords)
    signed_in_page(client, "mediator", passwords["mediator"])
    read: list[str] = []

    def seen(_conn, _cursor, statement, *_rest):  # type: ignore[no-untyped-def]
        read.append(statement)

    sa.event.listen(runtime.engine, "before_cursor_execute", seen)
    try:
        assert client.get(f"/m/a/{app_id}").status_code == 200
    finally:
        sa.event.remove(runtime.engine, "before_cursor_execute", seen)
    assert sum("FROM service_records" in s for s in read) == 1, read  # the page's own look, not the execution's


def test_a_seal_whose_wait_for_the_ruling_fails_still_answers_with_the_case_page(client, passwords, monkeypatch):
    """The decision is committed before the page waits for its ruling: if the wait fails (the database busy, say),
    the answer is still the case's page (with the notice), never an error that the page would answer by posting
    the seal again."""
    from confirm.pages import review

    def busy(*_args):  # type: ignore[no-untyped-def]
        raise RuntimeError("database is locked")

    monkeypatch.setattr(review, "wait_for_ruling", busy)
    m, app_id, page = claimed_on_the_page(client, passwords)
    body = {"csrf": csrf(page), "outcome": "rejected", "grounds_rejected": "violates_mandatory_law",
            "verification_method": "", "verification_at": "", "reasoning": "", "clerk": "clerk", "confirmed": "1"}
    sealed = client.post(f"/j/a/{app_id}/decision", data=body, follow_redirects=False)
    assert sealed.status_code == 303 and sealed.headers["location"] == f"/j/a/{app_id}"
    assert m.get(f"/api/v1/applications/{app_id}").json()["decision"]["outcome"] == "rejected"
