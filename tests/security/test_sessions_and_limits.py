"""Issue 17, sign-in and sessions: password checks outside any transaction, guessing limited per account and per
address for every instance together, login CSRF, and live streams that end with their session."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace

import httpx
import pytest

from confirm.accounts import auth
from confirm.core.db import transaction
from confirm.law.errors import DomainError
from tests.e2e.test_live_events import login as api_login
from tests.e2e.test_live_events import submit
from tests.support import page_login


def _refused(engine, username: str, password: str, address: str) -> int:  # type: ignore[no-untyped-def]
    try:
        auth.login(engine, username, password, address)
    except DomainError as exc:
        return exc.status
    return 200


@pytest.fixture
def one_window(monkeypatch):  # type: ignore[no-untyped-def]
    """The limits count in fixed windows of 5 and 15 minutes: a test whose attempts straddle a window's edge (30
    Argon2 checks on a busy machine take a while) would see its count start again. Its clock for the limits stays
    at the middle of the current 15-minute window, which is also inside one 5-minute window."""
    from datetime import datetime, timezone

    epoch = int(time.time())
    middle = datetime.fromtimestamp(epoch - epoch % 900 + 450, tz=timezone.utc)
    from confirm.core import limits

    monkeypatch.setattr(limits, "utcnow", lambda: middle)


def test_the_password_is_checked_outside_any_transaction(runtime, passwords, monkeypatch):
    """On SQLite every transaction holds the write lock: an Argon2 check inside one would make each login stall
    every writer of the service for its duration (a login flood stalled staff requests for seconds)."""
    hasher = auth._hasher
    writes: list[float] = []

    class WatchingHasher:
        def verify(self, stored: str, password: str) -> bool:
            def write() -> None:
                started = time.monotonic()
                with transaction(runtime.engine) as session:
                    session.execute(__import__("sqlalchemy").text("UPDATE users SET disabled = disabled WHERE id = 0"))
                writes.append(time.monotonic() - started)

            other = threading.Thread(target=write)
            other.start()
            other.join(timeout=3)  # while the password is being checked, another writer must get through
            assert writes, "a writer waited for the password check: it runs inside a transaction"
            return hasher.verify(stored, password)

    monkeypatch.setattr(auth, "_hasher", WatchingHasher())
    assert _refused(runtime.engine, "judge", passwords["judge"], "10.0.0.1") == 200
    assert _refused(runtime.engine, "judge", "wrong-password", "10.0.0.1") == 401
    assert len(writes) == 2


def test_one_account_guessed_from_many_addresses_is_stopped(runtime, passwords, one_window):
    limit = auth.LOGIN_RULES["account"].amount
    for i in range(limit):
        assert _refused(runtime.engine, "judge", f"guess-{i}", f"10.1.{i // 200}.{i % 200}") == 401
    assert _refused(runtime.engine, "judge", passwords["judge"], "10.2.0.1") == 429  # even the right password
    assert _refused(runtime.engine, "judge2", passwords["judge2"], "10.2.0.1") == 200  # other accounts are not


def test_one_address_spraying_many_accounts_is_stopped(runtime, passwords, one_window):
    limit = auth.LOGIN_RULES["address"].amount
    for i in range(limit):
        assert _refused(runtime.engine, f"user{i}", "Spring2026!", "10.3.0.1") == 401
    assert _refused(runtime.engine, "judge", passwords["judge"], "10.3.0.1") == 429
    assert _refused(runtime.engine, "judge", passwords["judge"], "10.3.0.2") == 200


def test_the_failures_count_for_every_instance_and_survive_a_restart(settings, runtime, passwords, one_window):
    from confirm.core.runtime import Runtime

    for i in range(auth.LOGIN_RULES["account_address"].amount):
        assert _refused(runtime.engine, "clerk", f"guess-{i}", "10.4.0.1") == 401
    other = Runtime(replace(settings, issuance_in_process=False))  # another instance, or this one restarted
    try:
        assert _refused(other.engine, "clerk", passwords["clerk"], "10.4.0.1") == 429
    finally:
        other.engine.dispose()


def test_the_api_answers_429_with_a_chinese_message(client, passwords, one_window):
    for i in range(auth.LOGIN_RULES["account_address"].amount):
        assert client.post("/api/v1/auth/token", data={"username": "clerk", "password": f"x{i}"}).status_code == 401
    r = client.post("/api/v1/auth/token", data={"username": "clerk", "password": passwords["clerk"]})
    assert r.status_code == 429 and r.json()["error"]["code"] == "request.rate_limited"
    assert "秒后重试" in r.json()["error"]["message"]


def test_a_login_form_posted_from_another_site_is_refused(client, passwords):
    """Login CSRF: without the login page's token and its SameSite=Strict cookie, no session is made."""
    r = client.post("/login", data={"username": "judge", "password": passwords["judge"]}, follow_redirects=False)
    assert r.status_code == 403 and "jiudi_session" not in r.headers.get("set-cookie", "")
    form = client.get("/login")
    assert "samesite=strict" in form.headers["set-cookie"].lower()
    client.cookies.clear()  # the page's token without its cookie (another browser) is refused too
    token = form.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    r = client.post("/login", data={"username": "judge", "password": passwords["judge"], "csrf": token},
                    follow_redirects=False)
    assert r.status_code == 403
    assert page_login(client, "judge", passwords["judge"]).status_code == 303


def _stream_until_closed(base: str, token: str, out: list[dict], opened: threading.Event) -> None:
    with httpx.Client(base_url=base, timeout=20) as http:
        with http.stream("GET", "/api/v1/events", headers={"Authorization": token}) as stream:
            opened.set()
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    out.append(json.loads(line[6:]))


@pytest.mark.parametrize("how", ["logout", "disabled"])
def test_an_open_stream_ends_when_its_session_ends(live_server, how):
    """A stream checks its token before every read, not only when it opens: after logout (or the account's
    disabling) it closes, and nothing that happens later reaches it."""
    from confirm.accounts.admin import disable_user

    base, runtime, passwords = live_server
    judge = api_login(base, "judge", passwords["judge"])
    seen: list[dict] = []
    opened = threading.Event()
    reader = threading.Thread(target=_stream_until_closed, args=(base, judge, seen, opened))
    reader.start()
    assert opened.wait(10)
    if how == "logout":
        assert httpx.post(f"{base}/api/v1/auth/logout", headers={"Authorization": judge}).status_code == 204
    else:
        with runtime.unit_of_work() as session:
            disable_user(session, "judge", actor="admin")
    app_id = submit(base, api_login(base, "mediator", passwords["mediator"]))
    reader.join(timeout=10)
    assert not reader.is_alive(), "the stream stayed open after its session ended"
    assert all(e["application_id"] != app_id for e in seen)


def _serve(settings, port: int):  # type: ignore[no-untyped-def]
    """``jiudi serve``'s uvicorn, with its proxy options, in a thread."""
    import uvicorn

    from confirm.app import create_app
    from confirm.cli import proxy_options
    from confirm.core.runtime import Runtime

    server = uvicorn.Server(uvicorn.Config(create_app(runtime=Runtime(settings)), host="127.0.0.1", port=port,
                                           log_level="warning", **proxy_options(settings)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread


@pytest.mark.parametrize("trusted", [None, "127.0.0.1"])
def test_a_forged_forwarded_for_changes_nothing_without_a_trusted_proxy(settings, initialized, trusted):
    """Without JIUDI_TRUSTED_PROXIES a client cannot pick its address for the limits with X-Forwarded-For; with its
    proxy listed, the header is what the proxy says (each forwarded address is limited on its own)."""
    from tests.e2e.conftest import _free_port

    port = _free_port()
    server, thread = _serve(replace(settings, trusted_proxies=trusted, issuance_in_process=False), port)
    try:
        # The windows are fixed: attempts that straddle a window's edge may see up to twice the limit pass, so
        # twice the limit plus one attempts must meet the limit at least once whatever the clock says.
        statuses = [httpx.post(f"http://127.0.0.1:{port}/api/v1/auth/token", data={"username": "clerk", "password": "no"},
                               headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                    for i in range(2 * auth.LOGIN_RULES["account_address"].amount + 1)]
        if trusted is None:
            assert 429 in statuses
        else:
            assert set(statuses) == {401}
    finally:
        server.should_exit = True
        thread.join(timeout=10)
