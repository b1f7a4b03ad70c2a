"""The joint-meeting report as a PDF sealed by the court (PAdES, the court's seal as on rulings): the figures worded
into tables, the charts the page draws, sealed at once in the caller's request and recorded in the audit log.

Sealed synchronously, not through the issuance worker: a report is a few pages read from figures, sealed in well
under a second with the court's own key; it belongs to no case, changes no state a worker must carry to the end
after a crash, and is made again identically by asking again. The worker exists for documents that become part
of a case's record (the ruling, service papers) and must survive a restart between decision and seal; here the
caller waits for the file, and a failure is an error answer, not a job left to retry. What is kept is the audit
record (who, which period, the PDF's SHA-256), so a copy shown at the meeting can be matched to what was sealed.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlmodel import Session

from confirm.core import audit
from confirm.core.clock import china_today
from confirm.core.seals import SealedDocument
from confirm.law.errors import DomainError
from confirm.law.report import OUTCOMES_WITH_GROUNDS, PENDING, chart_series, risk_name
from confirm.law.review import OUTCOMES, Outcome, ground_labels
from confirm.models import User
from templates import render_joint_meeting_report
from templates.model import JointMeetingContent, ReportChart, ReportTable

MAX_PDF_ORGANIZATIONS = 60  # rows of the summary table a printed report still reads; more: per organisation or XLSX
MAX_CHART_CATEGORIES = 12  # bars per chart: beyond it the charts are drawn per kind of organisation
SEAL_REASON = "联席会议报表"
DASH = "—"


def require_exportable(report: dict[str, Any], *, limit: int = MAX_PDF_ORGANIZATIONS) -> None:
    """A report with more organisations than the PDF's limit is refused (the XLSX carries any number)."""
    count = len(report["by_organization"])
    if count > limit:
        raise DomainError("report.export_too_large",
                          f"报表包含{count}个调解组织，超过PDF导出上限{limit}个，请按调解组织分别导出或导出XLSX", 422)


def _number(value: float | int | None) -> str:
    if value is None:
        return DASH
    return f"{value:g}" if isinstance(value, float) else str(value)


def _rate(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f}%"


def _pair(within: int, count: int) -> str:
    return f"{within}/{count}"


def summary_row(label: str, f: dict[str, Any]) -> tuple[str, ...]:
    p = f["performance"]
    return (label, str(f["received"]), str(f["decided"]), *(str(f["outcomes"][o.value]) for o in OUTCOMES),
            f"{f['returned']['count']}/{f['returned']['applications']}",
            f"{_number(f['days_to_ruling']['median'])}/{_number(f['days_to_ruling']['p90'])}",
            _pair(f["acceptance_limit"]["within"], f["acceptance_limit"]["count"]),
            _pair(f["review_limit"]["within"], f["review_limit"]["count"]),
            _pair(f["service"]["served"], f["service"]["rulings_issued"]),
            f"{_rate(p['rate'])}（{p['performed']}/{p['due']}）",
            str(sum(flag["raised"] for flag in f["risk_flags"])))


SUMMARY_HEADER = ("分组", "收到申请", "作出裁定", *(o.name_zh for o in OUTCOMES), "退回补正（次/件）",
                  "提交至裁定天数（中位/90%）", "3日内受理（内/应计）", "30日内审结（内/应计）", "已送达/出具",
                  "履行率（已履行/到期）", "风险提示")


def period_label(period: dict[str, Any]) -> str:
    start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日（{period['days']}日）"


def content(report: dict[str, Any], *, issued_on: date, dev_mode: bool) -> JointMeetingContent:
    """The report worded for print: the summary per organisation, kind and court; grounds; returns; risk flags."""
    total = report["total"]
    rows = [summary_row(f"{g['name']}（{g['kind_name']}）", g["figures"]) for g in report["by_organization"]]
    rows += [summary_row(f"小计：{g['kind_name']}", g["figures"]) for g in report["by_kind"]]
    rows.append(summary_row("合计", total))
    grounds = tuple((Outcome(outcome).name_zh, ground_labels(outcome, [code])[0], str(n))
                    for outcome in OUTCOMES_WITH_GROUNDS for code, n in total["grounds"][outcome].items())
    returns = tuple((r["reason"], str(r["count"])) for r in total["returned"]["reasons"])
    flags = tuple((risk_name(flag["code"]), str(flag["raised"]),
                   *(str(flag["outcomes"].get(o.value, 0)) for o in OUTCOMES), str(flag["outcomes"].get(PENDING, 0)))
                  for flag in total["risk_flags"])
    none = ("（无）",)
    tables = (
        ReportTable("一、收案、审查与履行情况", SUMMARY_HEADER, tuple(rows)),
        ReportTable("二、驳回与不予受理的事由", ("裁定结果", "事由", "件数"), grounds or (none + ("", ""),)),
        ReportTable("三、退回补正的原因", ("原因", "次数"), returns or (none + ("",),)),
        ReportTable("四、风险提示及处理结果", ("风险提示", "提示件数", *(o.name_zh for o in OUTCOMES), "尚未裁定"),
                    flags or (none + ("",) * (len(OUTCOMES) + 2),)),
    )
    charts = tuple(ReportChart(key=c["key"], title=f"图{i}　{c['title']}", categories=tuple(c["categories"]),
                               series=tuple((name, tuple(values)) for name, values in c["series"]),
                               stacked=c["stacked"], percent=c["percent"])
                   for i, c in enumerate(chart_series(report, max_categories=MAX_CHART_CATEGORIES), start=1))
    notes = ("说明：3日、30日期限以提交日、受理日起算，期限末日计入期限内；补正期间不予扣除。",
             f"履行率：{total['performance']['note']}。",
             "本报表由就地司法确认系统根据办案记录自动生成，加盖本院电子印章，供联席会议存档。")
    return JointMeetingContent(court_name=report["court"]["name"], period_label=period_label(report["period"]),
                               issued_on=issued_on, tables=tables, charts=charts, notes=notes, dev_mode=dev_mode)


def seal(runtime: Any, report: dict[str, Any]) -> SealedDocument:
    """The report rendered and sealed with the court's seal (no transaction open: sealing asks the TSA)."""
    require_exportable(report)
    court = report["court"]
    rendered = render_joint_meeting_report(content(report, issued_on=china_today(),
                                                   dev_mode=runtime.settings.dev_mode))
    sealed: SealedDocument = runtime.seals.seal(court["code"], court["name"], rendered, SEAL_REASON)
    return sealed


def record_sealed(session: Session, user: User, report: dict[str, Any], sealed: SealedDocument) -> str:
    """The audit record of a sealed report: who, which period and organisation, the file's SHA-256 and level."""
    digest = hashlib.sha256(sealed.pdf).hexdigest()
    audit.append(session, actor=user.username, action="report.sealed", data={
        "report": "joint_meeting", "from": report["period"]["from"], "to": report["period"]["to"],
        "organization_id": report.get("organization_id"), "sha256": digest, "level": sealed.level})
    return digest
