"""联席会议报表, its remaining parts (issue 16 items 2 and 4): the performance rate from the obligations' states, named
periods, and the PDF sealed by the court — checked by pyHanko's validation, poppler's pdfsig and pdftotext."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path
from shutil import which

import pytest
from sqlmodel import Session, select

from confirm.accounts import admin
from confirm.core.db import transaction
from confirm.models import AuditRecord, Obligation, OrgKind
from tests.api.test_obligations_api import OBLIGATIONS, body_with
from tests.api.test_report_api import decide, history, period
from tests.support import Staff, today

PDF = "/api/v1/reports/joint-meeting.pdf"


def sealed_reports(runtime) -> list[AuditRecord]:  # type: ignore[no-untyped-def]
    with Session(runtime.engine) as session:
        return list(session.exec(select(AuditRecord).where(AuditRecord.action == "report.sealed")))


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    exe = which(tool)
    assert exe, f"{tool} (poppler-utils) is not installed: run scripts/setup --test"
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run([exe, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                          capture_output=True, text=True, check=True, timeout=60).stdout


def test_the_performance_rate_is_performed_over_due_of_confirmed_agreements(client, runtime, passwords):
    m, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
    confirmed, rejected = m.filed(body_with(OBLIGATIONS)), m.filed(body_with(OBLIGATIONS))
    decide(judge, confirmed, "confirmed", [])
    decide(judge, rejected, "rejected", ["unclear_content"])
    with transaction(runtime.engine) as s:  # the days have come and the obligees answered (what they recorded)
        for o in s.exec(select(Obligation)):
            o.due_on = today()
            o.state = {0: "performed", 1: "not_performed", 2: "pending"}[o.position]
            s.add(o)
    r = judge.get("/api/v1/reports/joint-meeting", params=period())
    performance = r.json()["total"]["performance"]
    # the confirmed agreement's three obligations fell due: one performed; the rejected one's do not count
    assert {k: performance[k] for k in ("due", "performed", "not_performed", "pending", "rate")} == {
        "due": 3, "performed": 1, "not_performed": 1, "pending": 1, "rate": 0.3333}
    police = next(o for o in r.json()["by_organization"] if o["kind"] == "police_station")
    assert police["figures"]["performance"]["rate"] == 0.3333


def test_a_month_quarter_or_year_is_asked_for_by_name(client, passwords):
    judge = Staff(client, "judge", passwords["judge"])
    day = today()
    month = judge.get("/api/v1/reports/joint-meeting", params={"period": f"{day:%Y-%m}"})
    assert month.status_code == 200, month.text
    assert month.json()["period"] == {"from": day.replace(day=1).isoformat(), "to": day.isoformat(),
                                      "days": day.day}
    year = judge.get("/api/v1/reports/joint-meeting.xlsx", params={"period": str(day.year)})
    assert year.status_code == 200
    for params, code in (
        ({"period": f"{day.year + 1}"}, "report.period_in_future"),
        ({"period": f"{day.year}-Q5"}, "report.period_unknown"),
        ({"period": f"{day:%Y-%m}", "from": day.isoformat()}, "report.period_ambiguous"),
        ({"from": day.isoformat()}, "report.period_missing"),
        ({}, "report.period_missing"),
    ):
        for path in ("/api/v1/reports/joint-meeting", PDF):
            r = judge.get(path, params=params)
            assert r.status_code == 422 and r.json()["error"]["code"] == code, (params, r.text)
            assert r.json()["error"]["message"]


def test_the_pdf_is_sealed_by_the_court_with_the_tables_and_charts(client, runtime, passwords, tmp_path):
    apps = history(client, runtime, passwords)
    judge = Staff(client, "judge", passwords["judge"])
    r = judge.get(PDF, params=period())
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert f'filename="joint-meeting-{today().isoformat()}-{today().isoformat()}.pdf"' in r.headers[
        "content-disposition"]
    pdf = r.content
    if os.environ.get("JIUDI_TEST_ARTIFACTS"):  # keep the report to look at it
        Path(os.environ["JIUDI_TEST_ARTIFACTS"]).mkdir(parents=True, exist_ok=True)
        (Path(os.environ["JIUDI_TEST_ARTIFACTS"]) / "joint-meeting.pdf").write_bytes(pdf)

    from verify import check_sealed_pdf  # pyHanko's validation against the court's trust roots

    checked = check_sealed_pdf(pdf, runtime.seals.trust_roots())
    assert checked.genuine, checked.problems
    ruling = judge.get(f"/api/v1/applications/{apps['confirmed']}/ruling.pdf").content
    assert checked.signer == check_sealed_pdf(ruling, runtime.seals.trust_roots()).signer  # the rulings' seal
    said = poppler("pdfsig", pdf, tmp_path)
    seal = said.split("Signature #2")[0]  # at B-LTA a document timestamp follows the seal
    assert "Signature Validation: Signature is Valid" in seal and "Signer Certificate Common Name" in seal, said

    text = poppler("pdftotext", pdf, tmp_path, "-layout")
    for phrase in ("重庆市秀山土家族苗族自治县人民法院", "联席会议报表", "秀山县中和派出所驻所调解室", "秀山县中和司法所",
                   "一、收案、审查与履行情况", "二、驳回与不予受理的事由", "三、退回补正的原因", "四、风险提示及处理结果",
                   "图1", "收案、裁定与退回补正", "图2", "裁定结果", "图3", "期限、送达与履行", "图4",
                   "请补充协议第二条的付款方式", "高风险案由", "加盖本院电子印章"):
        assert phrase in text, phrase
    total = next(line for line in text.splitlines() if line.strip().startswith("合计"))
    assert total.split()[1:8] == ["5", "3", "1", "1", "1", "0", "0"]  # received, decided, the five outcomes
    assert "不予受理" in text and "超出" not in total
    # the charts are drawn, not pasted: the report holds no raster image
    assert poppler("pdfimages", pdf, tmp_path, "-list").strip().splitlines()[2:] == []

    records = sealed_reports(runtime)
    assert len(records) == 1 and records[0].actor == "judge"
    assert records[0].data["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert records[0].data["from"] == records[0].data["to"] == today().isoformat()


@pytest.mark.parametrize("username", ["mediator", "admin"])
def test_only_court_staff_may_have_the_sealed_report(client, runtime, passwords, username):
    r = Staff(client, username, passwords[username]).get(PDF, params=period())
    assert r.status_code == 403 and r.json()["error"]["code"] == "auth.forbidden"
    assert client.get(PDF, params=period()).status_code == 401
    assert sealed_reports(runtime) == []  # nothing sealed, nothing recorded


def test_a_report_larger_than_the_pdf_limit_is_refused_and_nothing_is_sealed(client, runtime, passwords):
    with runtime.unit_of_work() as session:
        for n in range(60):  # with the demo court's own: 61 organisations, one over the limit
            admin.add_organization(session, "渝0241", f"秀山县第{n + 1}调解委员会", OrgKind.JUDICIAL_OFFICE,
                                   actor="test")
    judge = Staff(client, "judge", passwords["judge"])
    r = judge.get(PDF, params=period())
    assert r.status_code == 422 and r.json()["error"]["code"] == "report.export_too_large", r.text
    assert "61个调解组织" in r.json()["error"]["message"] and "上限60个" in r.json()["error"]["message"]
    assert sealed_reports(runtime) == []
    one = next(o["organization_id"] for o in judge.get("/api/v1/reports/joint-meeting", params=period()).json()[
        "by_organization"] if o["name"] == "秀山县第1调解委员会")
    assert judge.get(PDF, params=period(organization_id=one)).status_code == 200  # one organisation at a time
    assert judge.get("/api/v1/reports/joint-meeting.xlsx", params=period()).status_code == 200  # any number
