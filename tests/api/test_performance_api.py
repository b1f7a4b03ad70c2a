"""Performance after the ruling (issue 15 items 2, 3 and 6; api.md v1.1 "Obligations and performance"): the
obligee answers from their link, the obligor uploads proof, the case's mediator records what they witnessed with a
proof, and once every obligation is performed the worker seals a 自动履行证明书 verifiable like a ruling."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from PIL import Image
from sqlmodel import select

from confirm.core.clock import china_today
from confirm.models import AuditRecord, Obligation, PerformanceAnswer, PerformanceCertificate, PerformanceProof
from tests.support import (
    OBLIGATIONS,
    TEXT,
    Staff,
    a_pdf,
    application_body,
    confirm_parties,
    objected,
    party_session,
    verification_now,
)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is not installed: run scripts/setup (poppler-utils)"
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return "".join(out.split())


def a_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 200, 200)).save(buf, "PNG")
    return buf.getvalue()


class Case:
    """A confirmed case with obligations, and each party's session on their own link."""

    def __init__(self, client: Any, passwords: dict[str, str], obligations: list[dict[str, Any]] | None = None):
        self.client = client
        self.m = Staff(client, "mediator", passwords["mediator"])
        body = application_body(obligations=OBLIGATIONS if obligations is None else obligations)
        body["agreement"] = {"text": TEXT, "amount": "12000.00"}
        self.app_id = self.m.filed(body, confirmed=False)
        app = self.m.get(f"/api/v1/applications/{self.app_id}").json()
        self.person, self.company = app["parties"]
        self.sessions = {p["id"]: party_session(client, self.app_id, p) for p in app["parties"]}
        for headers in self.sessions.values():
            assert client.post("/api/v1/party/me/confirmation", headers=headers,
                               json={"decision": "confirm"}).status_code == 200
        self.judge = Staff(client, "judge", passwords["judge"])
        self.judge.post(f"/api/v1/applications/{self.app_id}/claim")
        r = self.judge.post(f"/api/v1/applications/{self.app_id}/decision",
                            json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
        assert r.json()["status"] == "issued", r.text
        self.app = r.json()
        self.obligations = [o["id"] for o in self.app["obligations"]]

    def answer(self, party: dict[str, Any], obligation_id: int, state: str, note: str | None = None) -> Any:
        return self.client.post("/api/v1/party/me/performance", headers=self.sessions[party["id"]],
                                json={"obligation_id": obligation_id, "state": state, "note": note})

    def proof(self, party: dict[str, Any], obligation_id: int, content: bytes, name: str = "转账凭证.png") -> Any:
        return self.client.post("/api/v1/party/me/performance-proofs", headers=self.sessions[party["id"]],
                                data={"obligation_id": str(obligation_id)},
                                files={"file": (name, content, "application/octet-stream")})

    def me(self, party: dict[str, Any]) -> dict[str, Any]:
        return dict(self.client.get("/api/v1/party/me", headers=self.sessions[party["id"]]).json())


def rows(runtime, model, **match):  # type: ignore[no-untyped-def]
    with runtime.unit_of_work() as session:
        query = select(model)
        for key, value in match.items():
            query = query.where(getattr(model, key) == value)
        return list(session.exec(query))


def test_the_obligee_answers_each_answer_is_kept_and_audited_and_the_state_changes(client, passwords, runtime):
    case = Case(client, passwords)
    first = case.obligations[0]
    me = case.me(case.person)
    assert [(o["id"], o["state"], o["role"]) for o in me["obligations"]] == [
        (case.obligations[0], "pending", "obligee"), (case.obligations[1], "pending", "obligee"),
        (case.obligations[2], "pending", "obligor")]
    assert me["obligations"][0]["amount"] == "7000.00" and me["performance_certificate_url"] is None

    r = case.answer(case.person, first, "partly_performed", "只收到3000元")
    assert r.status_code == 200, r.text
    assert r.json()["obligations"][0]["state"] == "partly_performed"
    assert case.answer(case.person, first, "performed").status_code == 200
    [o] = rows(runtime, Obligation, id=first)
    assert o.state == "performed"
    history = rows(runtime, PerformanceAnswer, obligation_id=first)
    assert [(a.state, a.note, a.party_id) for a in history] == [
        ("partly_performed", "只收到3000元", case.person["id"]), ("performed", None, case.person["id"])]
    trail = [r.data for r in rows(runtime, AuditRecord, application_id=case.app_id, action="performance.answered")]
    assert [(t["obligation_id"], t["state"], t["by"]) for t in trail] == [
        (first, "partly_performed", "obligee"), (first, "performed", "obligee")]
    assert case.m.get(f"/api/v1/applications/{case.app_id}").json()["obligations"][0]["state"] == "performed"
    staff_view = case.m.get(f"/api/v1/applications/{case.app_id}/performance").json()
    assert [a["state"] for a in staff_view["obligations"][0]["answers"]] == ["partly_performed", "performed"]


def test_only_the_obligee_answers_and_a_closed_obligation_refuses_a_second_performed(client, passwords, runtime):
    case = Case(client, passwords)
    first, _second, act = case.obligations
    r = case.answer(case.company, first, "performed")  # the obligor says it paid: not its word to give
    assert r.status_code == 403 and r.json()["error"]["code"] == "performance.not_obligee"
    r = case.answer(case.person, act, "performed")  # 张三 owes the act: the company answers for it
    assert r.status_code == 403 and r.json()["error"]["code"] == "performance.not_obligee"
    assert [o.state for o in rows(runtime, Obligation, application_id=case.app_id)] == ["pending"] * 3
    assert case.answer(case.person, first, "performed").status_code == 200
    r = case.answer(case.person, first, "performed")
    assert r.status_code == 409 and r.json()["error"]["code"] == "performance.obligation_closed"
    assert "不能重复登记" in r.json()["error"]["message"]
    r = case.answer(case.person, first, "not_performed")
    assert r.status_code == 409
    assert len(rows(runtime, PerformanceAnswer, obligation_id=first)) == 1


def test_bad_answers_are_refused_in_chinese_and_change_nothing(client, passwords, runtime):
    case = Case(client, passwords)
    first = case.obligations[0]
    r = case.answer(case.person, first, "done")
    assert r.status_code == 422 and r.json()["error"]["code"] == "performance.state_unknown"
    r = case.answer(case.person, 999999, "performed")
    assert r.status_code == 404 and r.json()["error"]["code"] == "performance.obligation_not_found"
    other = Case(client, passwords)  # another case's obligation is not this party's to answer
    r = case.answer(case.person, other.obligations[0], "performed")
    assert r.status_code == 404
    r = client.post("/api/v1/party/me/performance", json={"obligation_id": first, "state": "performed"})
    assert r.status_code == 401
    r = case.m.post("/api/v1/party/me/performance", json={"obligation_id": first, "state": "performed"})
    assert r.status_code == 401  # a staff token opens nothing of a party's
    assert rows(runtime, PerformanceAnswer) == []
    assert [o.state for o in rows(runtime, Obligation, application_id=case.app_id)] == ["pending"] * 3


def test_the_obligor_uploads_proof_sniffed_by_content_and_both_parties_and_the_court_download_it(
        client, passwords, runtime):
    case = Case(client, passwords)
    first = case.obligations[0]
    png = a_png()
    r = case.proof(case.company, first, png, "凭证.pdf")  # named .pdf, is a PNG: the bytes decide
    assert r.status_code == 201, r.text
    proof = r.json()
    assert proof["content_type"] == "image/png" and proof["by"] == "obligor"
    assert client.get(proof["url"], headers=case.sessions[case.person["id"]]).content == png
    assert client.get(proof["url"], headers=case.sessions[case.company["id"]]).content == png
    staff_url = f"/api/v1/applications/{case.app_id}/performance-proofs/{proof['id']}"
    assert case.m.get(staff_url).content == png and case.judge.get(staff_url).content == png
    assert case.me(case.person)["obligations"][0]["proofs"][0]["id"] == proof["id"]

    r = case.proof(case.company, first, b"MZ\x90\x00 not a receipt", "凭证.png")  # named .png, is not one
    assert r.status_code == 415 and r.json()["error"]["code"] == "document.unsupported_type"
    assert "PDF、JPEG或PNG" in r.json()["error"]["message"]
    r = case.proof(case.company, first, b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024), "big.pdf")
    assert r.status_code == 413 and r.json()["error"]["code"] == "document.too_large"
    r = case.proof(case.person, first, png)  # 张三 is owed this sum: the proof is the payer's
    assert r.status_code == 403 and r.json()["error"]["code"] == "performance.not_obligor"
    other = Case(client, passwords)
    r = client.get(proof["url"], headers=other.sessions[other.person["id"]])
    assert r.status_code == 404  # another case's party sees none of it
    assert len(rows(runtime, PerformanceProof)) == 1


def test_the_case_s_mediator_records_performance_witnessed_only_with_a_proof(client, passwords, runtime):
    case = Case(client, passwords)
    first, second, act = case.obligations
    url = f"/api/v1/applications/{case.app_id}/obligations/{first}/performance"
    r = case.m.post(url, data={"state": "performed", "note": "当面交付现金"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "performance.proof_required"
    assert rows(runtime, PerformanceAnswer) == []
    r = case.judge.post(url, data={"state": "performed"}, files={"file": ("p.png", a_png(), "image/png")})
    assert r.status_code == 403
    r = case.m.post(url, data={"state": "performed", "note": "当面交付现金"},
                    files={"file": ("收条.pdf", a_pdf("receipt"), "application/pdf")})
    assert r.status_code == 200, r.text
    assert r.json()["obligations"][0]["state"] == "performed"
    assert r.json()["obligations"][0]["answers"][0]["by"] == "mediator"
    # a proof the obligor uploaded may be the mediator's proof
    proof = case.proof(case.company, second, a_png()).json()
    r = case.m.post(f"/api/v1/applications/{case.app_id}/obligations/{second}/performance",
                    data={"state": "performed", "proof_id": str(proof["id"])})
    assert r.status_code == 200, r.text
    r = case.m.post(f"/api/v1/applications/{case.app_id}/obligations/{act}/performance",
                    data={"state": "performed", "proof_id": str(proof["id"])})  # that proof is of another obligation
    assert r.status_code == 422 and r.json()["error"]["code"] == "performance.proof_not_found"
    r = case.m.post(url, data={"state": "performed"}, files={"file": ("p.png", a_png(), "image/png")})
    assert r.status_code == 409 and r.json()["error"]["code"] == "performance.obligation_closed"


def test_no_certificate_until_every_obligation_is_performed_then_it_is_sealed_from_the_records(
        client, passwords, runtime, tmp_path):
    case = Case(client, passwords)
    first, second, act = case.obligations
    cert_url = f"/api/v1/applications/{case.app_id}/performance-certificate.pdf"
    assert case.answer(case.person, first, "performed").status_code == 200
    assert case.answer(case.person, second, "partly_performed").status_code == 200
    assert case.answer(case.company, act, "performed").status_code == 200
    r = case.m.get(cert_url)
    assert r.status_code == 409 and r.json()["error"]["code"] == "performance.certificate_not_issued"
    assert rows(runtime, PerformanceCertificate) == []
    assert case.answer(case.person, second, "performed", "余款5000元已收到").status_code == 200
    r = case.m.get(cert_url)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text
    pdf = r.content
    mine = client.get("/api/v1/party/me/performance-certificate.pdf", headers=case.sessions[case.company["id"]])
    assert mine.status_code == 200 and mine.content == pdf
    assert case.me(case.company)["performance_certificate_url"] == "/api/v1/party/me/performance-certificate.pdf"

    text = pdf_text(pdf, tmp_path)
    day = china_today()
    on = f"{day.year}年{day.month}月{day.day}日"
    for phrase in ("自动履行证明书", case.app["case_number"], "申请人：张三、秀山县武陵建材有限公司。",
                   "确认申请人张三、秀山县武陵建材有限公司之间达成的调解协议有效",
                   f"一、秀山县武陵建材有限公司向张三支付货款人民币7000.00元，于{on}履行完毕（权利人张三确认）。",
                   f"二、秀山县武陵建材有限公司向张三支付人民币5000.00元，于{on}履行完毕（权利人张三确认）。",
                   f"三、张三向秀山县武陵建材有限公司返还样品一批，于{on}履行完毕（权利人秀山县武陵建材有限公司确认）。",
                   "特此证明。", "重庆市秀山土家族苗族自治县人民法院"):
        assert phrase in text, phrase
    assert "审判员" not in text.split("特此证明")[1]  # the court's seal alone signs it

    from verify import check_sealed_pdf

    report = check_sealed_pdf(pdf, runtime.seals.trust_roots())
    assert report.genuine, report.problems
    pdfsig = shutil.which("pdfsig")
    assert pdfsig, "poppler-utils is not installed"
    (tmp_path / "c.pdf").write_bytes(pdf)
    said = subprocess.run([pdfsig, str(tmp_path / "c.pdf")], capture_output=True, text=True).stdout
    assert "Signature is Valid" in said, said
    [row] = rows(runtime, PerformanceCertificate, application_id=case.app_id)
    assert row.performed_on == day


def certified(client: Any, passwords: dict[str, str]) -> tuple[Case, bytes]:
    case = Case(client, passwords, OBLIGATIONS[:1])
    assert case.answer(case.person, case.obligations[0], "performed").status_code == 200
    r = case.m.get(f"/api/v1/applications/{case.app_id}/performance-certificate.pdf")
    assert r.status_code == 200, r.text
    return case, r.content


def _qr_token(runtime: Any, case: Case) -> tuple[str, str]:
    from confirm.core.verify_codes import check_code_for, token_for

    [row] = rows(runtime, PerformanceCertificate, application_id=case.app_id)
    return token_for(runtime.secret, row.token_nonce), check_code_for(runtime.secret, row.token_nonce)


def test_the_certificate_verifies_like_a_ruling_genuine_and_altered(client, passwords, runtime, tmp_path, settings,
                                                                   monkeypatch):
    case, pdf = certified(client, passwords)
    token, code = _qr_token(runtime, case)
    public = client.get(f"/api/v1/verify/{token}").json()
    assert public["document"] == "performance_certificate" and public["status"] == "valid"
    assert public["case_number"] == case.app["case_number"] and "张三" not in public["parties"]
    assert client.get("/api/v1/verify", params={"check_code": code}).json()["document"] == "performance_certificate"
    page = client.get(f"/v/{token}").text
    assert "文书真实" in page and "自动履行证明书" in page and "所证明履行的裁定书仍然有效" in page
    checked = client.post("/api/v1/verify", files={"file": ("c.pdf", pdf, "application/pdf")}).json()
    assert checked["genuine"] is True and checked["document"] == "performance_certificate", checked
    altered = pdf.replace(b"/Title", b"/Titl\xe9", 1) if b"/Title" in pdf else pdf[:-200] + b"%" * 200
    checked = client.post("/api/v1/verify", files={"file": ("c.pdf", altered, "application/pdf")}).json()
    assert checked["genuine"] is False

    monkeypatch.setenv("JIUDI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("JIUDI_DATABASE_URL", settings.database_url)
    (tmp_path / "cert.pdf").write_bytes(pdf)
    (tmp_path / "altered.pdf").write_bytes(altered)
    cli = [sys.executable, "-m", "confirm.cli", "verify", "--json"]
    ok = subprocess.run([*cli, str(tmp_path / "cert.pdf")], capture_output=True, text=True)
    assert ok.returncode == 0 and '"performance_certificate"' in ok.stdout, ok.stdout + ok.stderr
    bad = subprocess.run([*cli, str(tmp_path / "altered.pdf")], capture_output=True, text=True)
    assert bad.returncode == 1, bad.stdout + bad.stderr


def test_a_ruling_revoked_on_objection_makes_its_certificate_say_so(client, passwords, runtime):
    case, pdf = certified(client, passwords)
    token, _code = _qr_token(runtime, case)
    objection = objected(client, passwords, case.app_id)
    r = case.judge.post(f"/api/v1/objections/{objection['id']}/decision",
                        json={"outcome": "revoked", "reasoning": "调解协议并非当事人真实意思"})
    assert r.status_code == 200, r.text
    public = client.get(f"/api/v1/verify/{token}").json()
    assert public["status"] == "revoked" and public["revoked_by"]["case_number"] == objection["case_number"]
    page = client.get(f"/v/{token}").text
    assert "已撤销" in page and "本证明书不再有效" in page
    checked = client.post("/api/v1/verify", files={"file": ("c.pdf", pdf, "application/pdf")}).json()
    assert checked["genuine"] is False and checked["document"] == "performance_certificate"
    assert "verify.revoked" in [p["code"] for p in checked["problems"]]
    # and no answer is taken under a revoked ruling
    other = Case(client, passwords)
    objection = objected(client, passwords, other.app_id)
    other.judge.post(f"/api/v1/objections/{objection['id']}/decision",
                     json={"outcome": "revoked", "reasoning": "调解协议并非当事人真实意思"})
    r = other.answer(other.person, other.obligations[0], "performed")
    assert r.status_code == 409 and r.json()["error"]["code"] == "performance.ruling_revoked"


def test_no_answer_before_a_confirming_ruling(client, passwords, runtime):
    m = Staff(client, "mediator", passwords["mediator"])
    body = application_body(obligations=OBLIGATIONS)
    body["agreement"] = {"text": TEXT, "amount": "12000.00"}
    app_id = m.filed(body, confirmed=False)
    person = m.get(f"/api/v1/applications/{app_id}").json()["parties"][0]
    headers = party_session(client, app_id, person)
    oid = m.get(f"/api/v1/applications/{app_id}").json()["obligations"][0]["id"]
    r = client.post("/api/v1/party/me/performance", headers=headers, json={"obligation_id": oid, "state": "performed"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "performance.no_ruling"
    assert confirm_parties  # (the helper the other tests' cases go through)
