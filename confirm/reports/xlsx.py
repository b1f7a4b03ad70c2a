"""The joint-meeting report as an XLSX workbook (openpyxl): the figures per group on the first sheet, then the
grounds of 驳回 and 不予受理, the reasons of returns and the risk flags of the whole."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from confirm.law.report import OUTCOMES_WITH_GROUNDS
from confirm.law.review import OUTCOMES, Outcome, ground_labels

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_HEADER = ["分组", "类型", "收到申请", "作出裁定", *(o.name_zh for o in OUTCOMES), "退回补正（次）",
                  "退回补正（件）", "提交至裁定天数（中位数）", "提交至裁定天数（90%分位）", "3日内决定受理", "应计（3日）",
                  "30日内审结", "应计（30日）", "出具裁定书", "已送达", "到期义务", "已履行", "履行率"]


def _summary_row(label: str, kind: str, f: dict[str, Any]) -> list[Any]:
    return [label, kind, f["received"], f["decided"], *(f["outcomes"][o.value] for o in OUTCOMES),
            f["returned"]["count"], f["returned"]["applications"], f["days_to_ruling"]["median"],
            f["days_to_ruling"]["p90"], f["acceptance_limit"]["within"], f["acceptance_limit"]["count"],
            f["review_limit"]["within"], f["review_limit"]["count"], f["service"]["rulings_issued"],
            f["service"]["served"], f["performance"]["due"], f["performance"]["performed"], f["performance"]["rate"]]


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)


def workbook(report: dict[str, Any]) -> bytes:
    """The report's workbook, as bytes."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    period = report["period"]
    summary.append([f"{report['court']['name']}联席会议报表", f"{period['from']}至{period['to']}"])
    summary.append(SUMMARY_HEADER)
    for cell in summary[2]:
        cell.font = Font(bold=True)
    summary.append(_summary_row("合计", "", report["total"]))
    for group in report["by_kind"]:
        summary.append(_summary_row(group["kind_name"], group["kind_name"], group["figures"]))
    for group in report["by_organization"]:
        summary.append(_summary_row(group["name"], group["kind_name"], group["figures"]))
    summary.append([])
    summary.append(["履行率", report["total"]["performance"]["note"]])
    total = report["total"]
    _sheet(book, "驳回与不予受理事由", ["裁定结果", "事由代码", "事由", "件数"], [
        [Outcome(outcome).name_zh, code, ground_labels(outcome, [code])[0], n]
        for outcome in OUTCOMES_WITH_GROUNDS for code, n in total["grounds"][outcome].items()])
    _sheet(book, "退回补正原因", ["原因", "次数"], [[r["reason"], r["count"]] for r in total["returned"]["reasons"]])
    _sheet(book, "风险提示", ["风险代码", "提示件数", *(o.name_zh for o in OUTCOMES), "尚未裁定"], [
        [flag["code"], flag["raised"], *(flag["outcomes"].get(o.value, 0) for o in OUTCOMES),
         flag["outcomes"].get("pending", 0)] for flag in total["risk_flags"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
