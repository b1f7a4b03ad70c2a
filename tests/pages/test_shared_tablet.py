"""A tablet shared by two mediators (issue 17 item 13): a draft kept on the tablet belongs to the user who typed it
and is gone once they sign out."""

from __future__ import annotations

from tests.pages.test_staff_pages import login


def test_a_draft_is_the_typist_s_own_and_leaves_with_them(browser, live_server):  # type: ignore[no-untyped-def]
    from confirm.accounts.admin import add_user

    base, runtime, passwords = live_server
    with runtime.unit_of_work() as session:
        add_user(session, "mediator2", role="mediator", court_code="渝0241", password="Second-mediator-1",
                 organization="秀山县中和派出所驻所调解室", actor="test")
    page = login(browser, base, "mediator", passwords["mediator"])
    page.goto(f"{base}/m/new")
    page.locator("input[name='parties[0].name']").fill("王某某")  # typing saves the draft on the tablet
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('jiudi-draft:'))") == \
        ["jiudi-draft:mediator:new-application"]
    with page.expect_navigation():
        page.get_by_role("button", name="退出登录").click()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('jiudi-draft:'))") == []
    # the next user of the same tablet (same browser profile) finds an empty form
    page.get_by_label("用户名").fill("mediator2")
    page.get_by_label("密码").fill("Second-mediator-1")
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    page.goto(f"{base}/m/new")
    assert page.locator("input[name='parties[0].name']").input_value() == ""
    assert "已恢复本机保存的草稿" not in page.content()
