"""Helpers for tests that talk to the service over HTTP like a court system would."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from PIL import Image
from reportlab.pdfgen import canvas

from confirm.core.clock import CHINA, china_today

LOOPBACK = ("127.0.0.1", 50000)  # the in-process client as a caller on this machine (/metrics without a token)


def a_pdf(text: str = "调解协议") -> bytes:
    """A small real PDF, as a scanner would send."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text.encode("ascii", "replace").decode())
    c.showPage()
    c.save()
    return buf.getvalue()


def application_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "court_code": "渝0241",
        "dispute_type": "买卖合同纠纷",
        "parties": [
            {"kind": "person", "name": "张三", "id_number": "11010519491231002X", "phone": "13800000000",
             "address": "重庆市秀山土家族苗族自治县中和街道渝秀大道1号", "ethnicity": "土家族"},
            {"kind": "organization", "name": "秀山县武陵建材有限公司", "credit_code": "914403001922038216",
             "representative": "李四", "representative_title": "总经理", "phone": "13900000000", "address": "重庆市秀山土家族苗族自治县工业园区2号"},
        ],
        "mediation": {"concluded_on": (china_today() - timedelta(days=2)).isoformat(),
                      "place": "秀山县中和派出所驻所调解室", "mediator_name": "杨调解"},
        "agreement": {"text": "一、秀山县武陵建材有限公司于2026年12月31日前向张三支付货款人民币12000元。\n"
                              "二、双方就本纠纷再无其他争议。", "amount": "12000.00"},
    }
    body.update(changes)
    return body


class Staff:
    """One logged-in user of the API."""

    def __init__(self, client: Any, username: str, password: str) -> None:
        self.client = client
        r = client.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert r.status_code == 200, r.text
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.client.post(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def put(self, url: str, **kw: Any) -> Any:
        return self.client.put(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    # the steps of the chain
    def create(self, body: dict[str, Any] | None = None, key: str | None = None) -> Any:
        return self.post("/api/v1/applications", json=body or application_body(),
                         headers={"Idempotency-Key": key or uuid.uuid4().hex})

    def upload(self, app_id: str, kind: str, content: bytes, name: str = "scan.pdf") -> Any:
        return self.post(f"/api/v1/applications/{app_id}/documents", data={"kind": kind},
                         files={"file": (name, content, "application/octet-stream")})

    def filed(self, body: dict[str, Any] | None = None, *, confirmed: bool = True) -> str:
        """A submitted application's id; ``confirmed``: every party has then confirmed it from their own link."""
        r = self.create(body)
        assert r.status_code == 201, r.text
        app_id = r.json()["id"]
        for kind in ("agreement", "joint_application"):
            assert self.upload(app_id, kind, a_pdf(kind)).status_code == 201
        r = self.post(f"/api/v1/applications/{app_id}/submit")
        assert r.status_code == 200, r.text
        if confirmed:
            confirm_parties(self.client, self, app_id)
        return app_id


def verification_now() -> dict[str, str]:
    return {"method": "video", "at": datetime.now(CHINA).replace(microsecond=0).isoformat()}


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone(CHINA).replace(microsecond=0).isoformat()


def today() -> date:
    return china_today()


def png_signature() -> str:
    """A transparent PNG as the tablet's signature pad sends it (base64)."""
    buf = io.BytesIO()
    Image.new("RGBA", (120, 40), (0, 0, 0, 0)).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def issued(client: Any, passwords: dict[str, str]) -> tuple[Staff, str, dict[str, Any]]:
    """A confirmed application with its sealed ruling: the mediator, its id and the decision's answer."""
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
    assert r.json()["status"] == "issued", r.text
    return m, app_id, r.json()


def decided(client: Any, passwords: dict[str, str], outcome: str, grounds: list[str], reasoning: str = "") -> str:
    """A submitted application decided by the judge with ``outcome`` and its ruling sealed: its id."""
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed()
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json={
        "outcome": outcome, "grounds": grounds, "reasoning": reasoning, "verification": verification_now()})
    assert r.json()["status"] == "issued", r.text
    return app_id


def objected(client: Any, passwords: dict[str, str], app_id: str, **changes: Any) -> dict[str, Any]:
    """An objection by the case's first party, filed today and registered by the court's clerk: its JSON (民特监)."""
    clerk = Staff(client, "clerk", passwords["clerk"])
    party = clerk.get(f"/api/v1/applications/{app_id}").json()["parties"][0]
    body = {"objector_kind": "party", "party_id": party["id"], "received_on": today().isoformat(),
            "filed_on": today().isoformat(), "request": "请求撤销原裁定：调解协议并非本人真实意思", **changes}
    r = clerk.post(f"/api/v1/applications/{app_id}/objections", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def withdrawal_by_first_party(staff: Any, app_id: str) -> dict[str, Any]:
    """The record of 准许撤回申请: the first applicant asked to withdraw today."""
    first = staff.get(f"/api/v1/applications/{app_id}").json()["parties"][0]["id"]
    return {"party_ids": [first], "on": china_today().isoformat()}


def outbox(client: Any, **match: Any) -> list[dict[str, Any]]:
    """The development outbox's messages (newest first) that have every field of ``match``."""
    r = client.get("/dev/outbox")
    assert r.status_code == 200, r.text
    return [m for m in r.json()["items"] if all(m.get(k) == v for k, v in match.items())]


def party_link_token(client: Any, app_id: str, party_id: int) -> str:
    """The party's link token, read from the link message the party got (as the party would)."""
    sent = outbox(client, application_id=app_id, party_id=party_id, kind="party.confirm_link")
    assert sent, f"no link was sent to party {party_id}"
    return sent[0]["text"].split("/p/", 1)[1].split()[0]


def party_code(client: Any, token: str, app_id: str, party_id: int) -> str:
    """Ask for a code on the party's link and read it from the outbox."""
    r = client.post(f"/api/v1/party/{token}/code")
    assert r.status_code == 202, r.text
    text = outbox(client, application_id=app_id, party_id=party_id, kind="party.code")[0]["text"]
    return text.split("验证码为", 1)[1][:6]


def id_tail(party: dict[str, Any]) -> str:
    return (party.get("id_number") or party.get("credit_code") or "")[-6:]


def party_session(client: Any, app_id: str, party: dict[str, Any]) -> dict[str, str]:
    """The headers of a party who opened their link with their ID characters and the code."""
    token = party_link_token(client, app_id, party["id"])
    code = party_code(client, token, app_id, party["id"])
    r = client.post(f"/api/v1/party/{token}/session", json={"id_tail": id_tail(party), "code": code})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def confirm_parties(client: Any, staff: Any, app_id: str, decision: str = "confirm") -> None:
    """Every party confirms the agreement from their own link, as on their own phones."""
    for party in staff.get(f"/api/v1/applications/{app_id}").json()["parties"]:
        headers = party_session(client, app_id, party)
        assert client.get("/api/v1/party/me", headers=headers).status_code == 200
        r = client.post("/api/v1/party/me/confirmation", headers=headers, json={"decision": decision})
        assert r.status_code == 200, r.text


def page_login(client: Any, username: str, password: str) -> Any:
    """Sign in on the staff login page as a browser does: the page first (its CSRF token and cookie), then the form."""
    import re

    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    return client.post("/login", data={"username": username, "password": password, "csrf": token},
                       follow_redirects=False)



def decided_on_review_page(page: Any, base: str, app_id: str) -> None:
    """In the judge's browser, on the review page: claim the case, choose 确认调解协议有效 with a video verification
    now, and decide; the page then shows the last look with 盖章出具 (#seal)."""
    page.goto(f"{base}/j/a/{app_id}")
    page.click("#claim")
    page.wait_for_selector("#decision-form input[name=outcome]")
    page.check("input[name=outcome][value=confirmed]")
    page.select_option("#verification_method", "video")
    page.click("#verification-now")
    with page.expect_navigation():
        page.click("#decide")


def issued_ruling_text(staff: Staff, app_id: str, timeout: float = 30) -> str:
    """The sealed ruling's text once the worker has issued it, whitespace removed (pdftotext, the real tool: a
    missing one fails, never skips)."""
    deadline = time.monotonic() + timeout
    while staff.get(f"/api/v1/applications/{app_id}").json()["status"] not in ("issued", "served"):
        assert time.monotonic() < deadline, "the ruling was not issued in time"
        time.sleep(0.1)
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is not installed: run scripts/setup (poppler-utils)"
    pdf = staff.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
    return "".join(subprocess.run([tool, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode().split())


def started(settings, first_start):  # type: ignore[no-untyped-def]
    """The service's context for ``settings`` as ``initialize`` leaves it on a first start (the demo court, its
    users, the development keys), copied from the session's ``first_start``; returns (runtime, passwords)."""
    import sqlalchemy as sa

    from confirm.core.runtime import Runtime
    from confirm.core.storage import make_private

    data, passwords, database = first_start
    shutil.copytree(data, settings.data_dir, dirs_exist_ok=True)
    make_private(settings.data_dir)
    if database.startswith("sqlite:///"):
        source, target = Path(database.removeprefix("sqlite:///")), Path(settings.database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    else:
        # the test's own database becomes a copy of the template (PostgreSQL copies it file by file, at once)
        base, name = settings.database_url.rsplit("/", 1)
        admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{database}"'))
        admin.dispose()
    return Runtime(settings), dict(passwords)


def served_confirmation(client: Any, passwords: dict[str, str],
                        body: dict[str, Any]) -> tuple[Staff, str, dict[str, Any], dict[int, dict[str, str]]]:
    """An application filed with ``body`` and confirmed by every party from their link, confirmed by the judge, its
    ruling sealed and served in person on every party: the mediator, its id, its JSON and each party's session
    headers (by party id; a new code could not be sent again within a minute)."""
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    app_id = m.filed(body, confirmed=False)
    sessions = {}
    for party in m.get(f"/api/v1/applications/{app_id}").json()["parties"]:
        headers = sessions[party["id"]] = party_session(client, app_id, party)
        r = client.post("/api/v1/party/me/confirmation", headers=headers, json={"decision": "confirm"})
        assert r.status_code == 200, r.text
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
    assert r.json()["status"] == "issued", r.text
    r = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "调解室",
        "recipients": [{"party_id": p["id"], "method": "in_person", "signature_png": png_signature()}
                       for p in r.json()["parties"]]})
    assert r.status_code == 200 and r.json()["status"] == "served", r.text
    return m, app_id, r.json(), sessions


def report_not_performed(runtime: Any, obligation_id: int, state: str = "not_performed") -> None:
    """The obligee answers that an obligation was not (fully) performed: the body of ``POST
    /api/v1/party/me/performance`` with the obligee's own link (the route itself: tests/api/test_performance_api.py)."""
    from confirm.core.db import transaction
    from confirm.models import Obligation
    from confirm.parties.service import current_links
    from confirm.performance.service import PerformanceIn, answer

    with transaction(runtime.engine) as session:
        obligation = session.get(Obligation, obligation_id)
        link = current_links(session, obligation.application_id)[obligation.obligee_party_id]
        answer(session, link, PerformanceIn(obligation_id=obligation_id, state=state))


# An agreement in instalments and an act (issue 15), its dates a month and two months ahead: the text, and the
# obligations recognised in it as the mediator's form sends them.
FIRST, SECOND = china_today() + timedelta(days=30), china_today() + timedelta(days=61)
TEXT = (f"一、秀山县武陵建材有限公司分两期向张三支付货款人民币12,000元：{FIRST:%Y年%-m月%-d日}前支付柒仟元，"
        f"{SECOND:%Y年%-m月%-d日}前支付5000元。\n二、张三于{SECOND.isoformat()}前向秀山县武陵建材有限公司返还样品一批。")
OBLIGATIONS = [
    {"obligor": 1, "obligee": 0, "kind": "money", "amount": "7000", "due_on": FIRST.isoformat(), "description": "支付货款"},
    {"obligor": 1, "obligee": 0, "kind": "money", "amount": 5000, "due_on": SECOND.isoformat()},
    {"obligor": 0, "obligee": 1, "kind": "act", "description": "返还样品一批", "due_on": SECOND.isoformat()},
]
