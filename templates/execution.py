"""The obligee's application for execution (强制执行申请书), rendered to PDF.

The usual contents of the form courts hand out: 申请执行人 and 被执行人 with their identity details, 执行依据 (the
ruling by court, case number and date), 申请执行事项 (each unperformed obligation with the sum still owed), 事实与理由,
此致 the court, the applicant's signature line and a date left for the applicant to write. It is the applicant's own
document: it carries no court seal and says so, with the last day to apply (CPL 250). The wording is in
templates/texts/execution.yaml; this module sets it in the same page grid as the ruling.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

from templates.dates import arabic_date
from templates.layout import break_lines, draw_line, draw_string
from templates.model import ExecutionApplicationContent, ExecutionItemText
from templates.page import (
    ADVANCE,
    BODY_SIZE,
    FOOTER_SIZE,
    LEADING,
    TEXT_BOTTOM,
    TEXT_LEFT,
    TEXT_TOP,
    TEXT_WIDTH,
    TITLE_SIZE,
    TRACKING,
    baseline_in_row,
    draw_page_furniture,
    new_canvas,
)
from templates.performance import item_number
from templates.ruling import party_paragraphs
from templates.texts import LegalTexts, document_texts, load_texts

TEXTS_FILE = Path(__file__).parent / "texts" / "execution.yaml"
_REQUIRED = ("document_name", "labels", "basis_heading", "basis", "requests_heading", "items", "total",
             "total_partial", "costs", "reasons_heading", "reasons", "closing", "notice_heading", "notice", "footer")
NOTICE_SIZE = FOOTER_SIZE
NOTICE_LEADING = NOTICE_SIZE * 1.6


@cache
def execution_texts(path: Path = TEXTS_FILE) -> Mapping[str, Any]:
    return document_texts(path, _REQUIRED)


def yuan_text(value: str) -> str:
    """A recorded sum ("12000.00") as printed: without thousands separators, which a line could break after."""
    return value


def item_text(item: ExecutionItemText, wording: Mapping[str, Any]) -> str:
    spec = wording["items"]
    fields = {
        "obligor": item.obligor,
        "description": item.description or (wording["money_default"] if item.kind == "money" else ""),
        "amount": yuan_text(item.amount) if item.amount else "",
        "remaining": yuan_text(item.remaining) if item.remaining else "",
        "due": arabic_date(item.due_on) if item.due_on else spec["no_due"],
        "state": spec["states"][item.state],
    }
    if item.kind == "act":
        key = "act"
    elif item.state == "not_performed":
        key = "money_not_performed"
    else:
        key = "money_partly_known" if item.remaining else "money_partly_unknown"
    return str(spec[key]).format_map(fields)


def fields_of(content: ExecutionApplicationContent, wording: Mapping[str, Any]) -> dict[str, str]:
    return {
        "court_name": content.court_name, "case_number": content.case_number,
        "decided_on": arabic_date(content.decided_on), "served_on": arabic_date(content.served_on),
        "applicant": content.applicant.name, "respondents": "、".join(r.name for r in content.respondents),
        "dispute_type": content.dispute_type, "concluded_on": arabic_date(content.concluded_on),
        "organization": content.organization, "total": yuan_text(content.total) if content.total else "",
        "apply_by": arabic_date(content.apply_by), "prepared_on": arabic_date(content.prepared_on),
        "limitation": str(wording["limitation"]), "venue": str(wording["venue"]),
    }


def execution_paragraphs(content: ExecutionApplicationContent, texts: LegalTexts,
                         wording: Mapping[str, Any] | None = None) -> list[str]:
    """The body, paragraph by paragraph: the parties, 执行依据, 申请执行事项, 事实与理由."""
    wording = wording or execution_texts()
    if not content.items:
        raise ValueError("an application for execution needs at least one unperformed obligation")
    fields = fields_of(content, wording)
    labels = wording["labels"]
    out = party_paragraphs(content.applicant, texts, label=str(labels["applicant"]))
    for respondent in content.respondents:
        out += party_paragraphs(respondent, texts, label=str(labels["respondent"]))
    out.append(str(wording["basis_heading"]) + str(wording["basis"]).format_map(fields))
    out.append(str(wording["requests_heading"]))
    requests = [item_text(item, wording) for item in content.items]
    if content.total is not None:
        requests.append(str(wording["total" if content.total_complete else "total_partial"]).format_map(fields))
    requests.append(str(wording["costs"]))
    out += [f"{item_number(n)}、{text}" for n, text in enumerate(requests, 1)]
    out.append(str(wording["reasons_heading"]))
    out += [str(t).format_map(fields) for t in wording["reasons"]]
    return out


def render_execution_application(content: ExecutionApplicationContent, *,
                                 texts: LegalTexts | None = None) -> bytes:
    """The application as PDF bytes (A4, the ruling's grid; unsealed)."""
    texts = texts or load_texts()
    wording = execution_texts()
    fields = fields_of(content, wording)
    rows: list[tuple[float, Any]] = []  # (height, draw(canvas, top))

    def title(canvas: Any, top: float) -> None:
        y = baseline_in_row(top, 2 * LEADING, TITLE_SIZE)
        draw_string(canvas, str(wording["document_name"]), TEXT_LEFT + TEXT_WIDTH / 2, y, TITLE_SIZE,
                    tracking=TITLE_SIZE / 4, align="center", bold=True)

    def body_line(line: Any, size: float = BODY_SIZE, height: float = LEADING, tracking: float = TRACKING,
                  align: Any = "justify") -> Any:
        def draw(canvas: Any, top: float) -> None:
            draw_line(canvas, line, TEXT_LEFT, baseline_in_row(top, height, size), TEXT_WIDTH, size,
                      tracking=tracking, align=align)
        return draw

    def text_row(text: str, x: float, align: Literal["left", "center", "right"] = "left") -> Any:
        def draw(canvas: Any, top: float) -> None:
            draw_string(canvas, text, x, baseline_in_row(top, LEADING, BODY_SIZE), BODY_SIZE, tracking=TRACKING,
                        align=align)
        return draw

    rows.append((2 * LEADING, title))
    for paragraph in execution_paragraphs(content, texts, wording):
        for line in break_lines(paragraph, TEXT_WIDTH, BODY_SIZE, first_indent=2 * ADVANCE, tracking=TRACKING):
            rows.append((LEADING, body_line(line)))
    closing = wording["closing"]
    right = TEXT_LEFT + TEXT_WIDTH - 2 * ADVANCE
    rows += [(LEADING, text_row(str(closing["to"]), TEXT_LEFT + 2 * ADVANCE)),
             (LEADING, text_row(content.court_name, TEXT_LEFT)),
             (LEADING, lambda canvas, top: None),
             (LEADING, text_row(str(closing["signature"]) + "\u3000" * 5, right, "right")),
             (LEADING, text_row(str(closing["date"]), right, "right")),
             (LEADING, lambda canvas, top: None)]
    notice = [(NOTICE_LEADING, text_row_small(str(wording["notice_heading"])))]
    for paragraph in wording["notice"]:
        for line in break_lines(str(paragraph).format_map(fields), TEXT_WIDTH, NOTICE_SIZE,
                                first_indent=2 * NOTICE_SIZE):
            notice.append((NOTICE_LEADING, body_line(line, NOTICE_SIZE, NOTICE_LEADING, 0.0)))

    pages: list[list[tuple[float, Any]]] = [[]]
    space = TEXT_TOP - TEXT_BOTTOM
    for row in rows:
        if row[0] > space + 1e-6:
            pages.append([])
            space = TEXT_TOP - TEXT_BOTTOM
        pages[-1].append(row)
        space -= row[0]
    if sum(h for h, _ in notice) > space + 1e-6:  # the note stays in one piece, on a page of its own if need be
        pages.append([])
    pages[-1].extend(notice)

    buffer = io.BytesIO()
    document_name = str(wording["document_name"])
    canvas = new_canvas(buffer, title=f"{content.case_number} {document_name}（{content.applicant.name}）",
                        author=content.applicant.name, subject=document_name, dev_mode=content.dev_mode)
    dev_marker = str(wording.get("dev_marker", "开发测试文书")) if content.dev_mode else None
    for index, page in enumerate(pages):
        y = TEXT_TOP
        for height, draw in page:
            draw(canvas, y)
            y -= height
        draw_page_furniture(canvas, footer=str(wording["footer"]).format(page=index + 1, pages=len(pages)),
                            dev_marker=dev_marker)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def text_row_small(text: str) -> Any:
    def draw(canvas: Any, top: float) -> None:
        draw_string(canvas, text, TEXT_LEFT, baseline_in_row(top, NOTICE_LEADING, NOTICE_SIZE), NOTICE_SIZE,
                    bold=True)
    return draw
