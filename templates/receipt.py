"""The service receipt (送达回证, CPL 87–88), rendered to PDF as the familiar ruled form.

One row per recipient with how, where and when the document was served and the recipient's signature (a PNG
captured on the spot, embedded as an image); the person serving; the serving body; remarks; and at the foot the
court's name and the date, where the court's seal goes. Long lists of recipients run on to further pages.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from reportlab.lib.colors import black
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from templates.dates import arabic_date, arabic_time, chinese_date
from templates.layout import break_lines, draw_line, draw_string, string_width
from templates.model import ReceiptContent, ReceiptRecipient, RenderedDocument, SealBox
from templates.page import (
    BODY_SIZE,
    LEADING,
    MM,
    SEAL_SIZE,
    TEXT_BOTTOM,
    TEXT_LEFT,
    TEXT_RIGHT,
    TEXT_TOP,
    TEXT_WIDTH,
    TITLE_SIZE,
    baseline_in_row,
    draw_page_furniture,
    new_canvas,
)
from templates.texts import LegalTexts, load_texts

CELL_SIZE = 12.0  # 小四
CELL_MIN_SIZE = 8.0
CELL_PAD = 2 * MM
LABEL_WIDTH = 30 * MM
# Recipient columns after the name column (which lines up with the labels): method, place, time, signature.
RECIPIENT_COLUMNS = (22 * MM, 36 * MM, 34 * MM)
ROW_HEIGHT = 11 * MM
RECIPIENT_ROW_HEIGHT = 22 * MM
REMARKS_HEIGHT = 16 * MM
FOOT_HEIGHT = SEAL_SIZE + 8 * MM
RULE_WIDTH = 0.75

DrawRow = Callable[[Canvas, float], None]


@dataclass(frozen=True)
class FormRow:
    """One row of a ruled form and how to draw it from its top edge."""

    height: float
    draw: DrawRow


def render_service_receipt(content: ReceiptContent, *, texts: LegalTexts | None = None) -> RenderedDocument:
    """Render a service receipt; the seal box lies over the date at the foot of the form."""
    if not content.recipients:
        raise ValueError("a service receipt needs at least one recipient")
    texts = texts or load_texts()
    spec = texts.receipt
    labels = spec["labels"]
    issued_on = content.issued_on or max(r.served_at for r in content.recipients).date()

    rows = [
        label_row(labels["case_number"], content.case_number, ROW_HEIGHT),
        label_row(labels["document"], content.document_name, ROW_HEIGHT),
        _columns_row(
            [
                labels["recipient"],
                labels["method"],
                labels["place"],
                labels["served_at"],
                labels["signature"],
            ],
            ROW_HEIGHT,
        ),
    ]
    rows += [_recipient_row(r, texts) for r in content.recipients]
    remarks = ""
    if any(r.method == "electronic" for r in content.recipients):
        remarks = str((spec.get("remarks") or {}).get("electronic", ""))
    rows += [
        label_row(labels["served_by"], content.served_by, ROW_HEIGHT),
        label_row(labels["organization"], content.organization, ROW_HEIGHT),
        label_row(labels["remarks"], remarks, REMARKS_HEIGHT),
    ]

    title_height = 3 * LEADING
    pages: list[list[FormRow]] = [[]]
    space = TEXT_TOP - TEXT_BOTTOM - title_height
    for row in rows:
        if row.height > space:
            pages.append([])
            space = TEXT_TOP - TEXT_BOTTOM
        pages[-1].append(row)
        space -= row.height
    if FOOT_HEIGHT > space:  # the foot needs the rows above it: take the last one along
        pages.append([pages[-1].pop()])

    buffer = io.BytesIO()
    document_name = str(spec["document_name"])
    canvas = new_canvas(
        buffer,
        title=f"{content.case_number} {document_name}",
        author=content.court_name,
        subject=f"{content.document_name}{document_name}",
        dev_mode=content.dev_mode,
    )
    dev_marker = str(spec.get("dev_marker", "DEV")) if content.dev_mode else None
    seal_box: SealBox | None = None
    for index, page_rows in enumerate(pages):
        y = TEXT_TOP
        if index == 0:
            draw_form_title(canvas, content.court_name, document_name, y, title_height)
            y -= title_height
        for row in page_rows:
            row.draw(canvas, y)
            y -= row.height
        if index == len(pages) - 1:
            seal_box = draw_form_foot(canvas, content.court_name, issued_on, y, index)
        footer = f"第 {index + 1} 页 共 {len(pages)} 页" if len(pages) > 1 else None
        draw_page_furniture(canvas, footer=footer, dev_marker=dev_marker)
        canvas.showPage()
    canvas.save()
    assert seal_box is not None
    return RenderedDocument(pdf=buffer.getvalue(), seal_box=seal_box)


def draw_form_title(canvas: Canvas, court_name: str, document_name: str, top: float, height: float) -> None:
    """The court's name and the form's name, centred, in the title face."""
    size = min(TITLE_SIZE, TEXT_WIDTH / max(len(court_name), 1))
    centre = TEXT_LEFT + TEXT_WIDTH / 2
    draw_string(
        canvas, court_name, centre, baseline_in_row(top, height / 3, size), size, align="center", bold=True
    )
    draw_string(
        canvas,
        document_name,
        centre,
        baseline_in_row(top - height / 3, height / 3, TITLE_SIZE),
        TITLE_SIZE,
        tracking=TITLE_SIZE,
        align="center",
        bold=True,
    )


def _cells(canvas: Canvas, top: float, height: float, edges: list[float]) -> None:
    """The rules of one table row: its box and the vertical lines at `edges`."""
    canvas.saveState()
    canvas.setStrokeColor(black)
    canvas.setLineWidth(RULE_WIDTH)
    canvas.rect(TEXT_LEFT, top - height, TEXT_WIDTH, height, stroke=1, fill=0)
    for x in edges:
        canvas.line(x, top, x, top - height)
    canvas.restoreState()


def _cell_text(
    canvas: Canvas,
    text: str,
    left: float,
    right: float,
    top: float,
    height: float,
    *,
    centre: bool = False,
    distribute: bool = False,
) -> None:
    """Text in a cell, vertically centred; a short label is spread over the cell (案　　号), as forms print it."""
    width = right - left - 2 * CELL_PAD
    if distribute and 1 < len(text) <= 4:
        step = (width - CELL_SIZE) / (len(text) - 1)
        y = baseline_in_row(top, height, CELL_SIZE)
        for i, ch in enumerate(text):
            draw_string(canvas, ch, left + CELL_PAD + i * step, y, CELL_SIZE)
        return
    size = CELL_SIZE
    while True:  # explicit line breaks are kept; text too long for the cell is set smaller
        lines = [line for part in text.split("\n") if part for line in break_lines(part, width, size)]
        if len(lines) * size * 1.4 <= height - CELL_PAD or size <= CELL_MIN_SIZE:
            break
        size -= 0.5
    leading = size * 1.4
    first_top = top - (height - leading * len(lines)) / 2
    for i, line in enumerate(lines):
        y = baseline_in_row(first_top - i * leading, leading, size)
        draw_line(
            canvas,
            line,
            left + CELL_PAD,
            y,
            width,
            size,
            align="center" if centre and line.last else "justify",
        )


def label_row(label: str, value: str, height: float) -> FormRow:
    """A form row: the label spread over the left cell, the value in the right one."""
    split = TEXT_LEFT + LABEL_WIDTH

    def draw(canvas: Canvas, top: float) -> None:
        _cells(canvas, top, height, [split])
        _cell_text(canvas, label, TEXT_LEFT, split, top, height, distribute=True)
        _cell_text(canvas, value, split, TEXT_RIGHT, top, height)

    return FormRow(height, draw)


def _column_edges() -> list[float]:
    edges = [TEXT_LEFT + LABEL_WIDTH]
    for width in RECIPIENT_COLUMNS:
        edges.append(edges[-1] + width)
    return edges


def _columns_row(texts: list[str], height: float) -> FormRow:
    edges = _column_edges()
    bounds = list(zip([TEXT_LEFT] + edges, edges + [TEXT_RIGHT]))

    def draw(canvas: Canvas, top: float) -> None:
        _cells(canvas, top, height, edges)
        for text, (left, right) in zip(texts, bounds):
            _cell_text(canvas, text, left, right, top, height, centre=True)

    return FormRow(height, draw)


def _recipient_row(recipient: ReceiptRecipient, texts: LegalTexts) -> FormRow:
    spec = texts.receipt
    edges = _column_edges()
    bounds = list(zip([TEXT_LEFT] + edges, edges + [TEXT_RIGHT]))
    values = [
        recipient.name,
        str(spec["methods"][recipient.method]),
        recipient.place,
        f"{arabic_date(recipient.served_at.date())}\n{arabic_time(recipient.served_at)}",
    ]
    height = RECIPIENT_ROW_HEIGHT
    image = ImageReader(io.BytesIO(recipient.signature_png)) if recipient.signature_png else None
    placeholder = str(spec["no_signature"].get(recipient.method, ""))

    def draw(canvas: Canvas, top: float) -> None:
        _cells(canvas, top, height, edges)
        for text, (left, right) in zip(values, bounds):
            _cell_text(canvas, text, left, right, top, height, centre=True)
        left, right = bounds[-1]
        if image is not None:
            canvas.drawImage(
                image,
                left + CELL_PAD,
                top - height + CELL_PAD,
                right - left - 2 * CELL_PAD,
                height - 2 * CELL_PAD,
                mask="auto",
                preserveAspectRatio=True,
                anchor="c",
            )
        elif placeholder:
            _cell_text(canvas, placeholder, left, right, top, height)

    return FormRow(height, draw)


def draw_form_foot(canvas: Canvas, court_name: str, issued_on: date, top: float, page: int) -> SealBox:
    """The closing box of the form: the court's name and the date, with the seal centred on the date."""
    _cells(canvas, top, FOOT_HEIGHT, [])
    right = TEXT_RIGHT - 2 * BODY_SIZE
    date_text = chinese_date(issued_on)
    date_width = string_width(date_text, BODY_SIZE)
    court_width = string_width(court_name, BODY_SIZE)
    date_y = top - FOOT_HEIGHT / 2 - 0.38 * BODY_SIZE
    draw_string(
        canvas,
        court_name,
        right - max(date_width, court_width) / 2,
        date_y + 1.6 * BODY_SIZE,
        BODY_SIZE,
        align="center",
    )
    draw_string(canvas, date_text, right, date_y, BODY_SIZE, align="right")
    cx = right - date_width / 2
    cy = date_y + 0.38 * BODY_SIZE
    half = SEAL_SIZE / 2
    return SealBox(page, cx - half, cy - half, cx + half, cy + half)
