"""Issue 18: the administrator makes and revokes a bulk verifier's institution key on the admin page, in a real
browser; the key shown once works for look-ups and is refused once revoked."""

from __future__ import annotations

import httpx

from tests.pages.conftest import shoot
from tests.pages.test_staff_pages import login


def test_the_admin_makes_and_revokes_an_institution_key(browser, live_server):  # type: ignore[no-untyped-def]
    base, _jiudi, passwords = live_server
    admin = login(browser, base, "admin", passwords["admin"])
    assert admin.title() == "系统管理 · 就地"  # the section is in the page once, not also in its title
    assert admin.locator("h2", has_text="机构核验密钥").count() == 1
    form = admin.locator("form[action='/admin/institution-keys']")
    form.get_by_label("机构名称").fill("重庆农村商业银行秀山支行")
    form.get_by_label("每分钟核验次数").fill("3000")
    form.get_by_role("button", name="生成密钥").click()
    key = admin.inner_text("#new-key")
    assert key.startswith("jdk_")
    assert "重庆农村商业银行秀山支行" in admin.locator("section", has_text="机构核验密钥").inner_text()
    shoot(admin, "40-admin-institution-key")
    lookup = "/api/v1/verify/no-such-token"
    with httpx.Client(base_url=base) as http:
        assert http.get(lookup, headers={"X-Jiudi-Institution-Key": key}).status_code == 404  # accepted, not found
    admin.get_by_role("button", name="吊销 重庆农村商业银行秀山支行 的密钥").click()
    assert "已吊销" in admin.get_by_role("status").first.inner_text()
    with httpx.Client(base_url=base) as http:
        refused = http.get(lookup, headers={"X-Jiudi-Institution-Key": key})
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "verify.institution_key_revoked"
    assert admin.locator("#new-key").count() == 0  # the key is never shown again
