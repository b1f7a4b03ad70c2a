"""The ruled form (表格式文书) shared by the service receipt, the electronic service voucher and the address
confirmation.

The service receipt (送达回证, CPL 87–88, ``templates.receipt``), the electronic service voucher (电子送达凭证,
CPL 90, ``templates.voucher``) and the confirmation of the address for service (送达地址确认书,
``templates.address``) are the same form: the court's name and the form's name as a title, ruled rows of a label
spread over the left cell (案　　号) and its value on the right, and a closing box with the court's name and the
date, where the court's seal goes. This module draws those parts; each document module only lists its rows.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

from templates.dates import chinese_date
from templates.layout import Line, break_lines, draw_line, draw_string, string_width
from templates.model import ReceiptContent, SealBox, VoucherContent
from templates.page import (
    BODY_SIZE,
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

CELL_SIZE = 12.0  # 小四
CELL_MIN_SIZE = 8.0
CELL_PAD = 2 * MM
LABEL_WIDTH = 30 * MM
ROW_HEIGHT = 11 * MM
FOOT_HEIGHT = SEAL_SIZE + 8 * MM
RULE_WIDTH = 0.75
LINE_SPACING = 1.4  # a cell's leading, in multiples of its type size

DrawRow = Callable[[Canvas, float], None]


@dataclass(frozen=True)
class FormRow:
    """One row of a ruled form and how to draw it from its top edge."""

    height: float
    draw: DrawRow


def new_form_canvas(buffer: io.BytesIO, content: ReceiptContent | VoucherContent, form_name: str) -> Canvas:
    """A canvas for a form about one served document, titled with the case number and the form's name."""
    return new_canvas(
        buffer,
        title=f"{content.case_number} {form_name}",
        author=content.court_name,
        subject=f"{content.document_name}{form_name}",
        dev_mode=content.dev_mode,
    )


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


def draw_cells(canvas: Canvas, top: float, height: float, edges: list[float]) -> None:
    """The rules of one table row: its box and the vertical lines at `edges`."""
    canvas.saveState()
    canvas.setStrokeColor(black)
    canvas.setLineWidth(RULE_WIDTH)
    canvas.rect(TEXT_LEFT, top - height, TEXT_WIDTH, height, stroke=1, fill=0)
    for x in edges:
        canvas.line(x, top, x, top - height)
    canvas.restoreState()


def draw_cell_text(
    canvas: Canvas,
    text: str,
    left: float,
    right: float,
    top: float,
    height: float,
    *,
    centre: bool = False,
    distribute: bool = False,
    size: float = CELL_SIZE,
) -> None:
    """Text in a cell, vertically centred; a short label is spread over the cell (案　　号), as forms print it."""
    width = right - left - 2 * CELL_PAD
    if distribute and 1 < len(text) <= 4:
        step = (width - CELL_SIZE) / (len(text) - 1)
        y = baseline_in_row(top, height, CELL_SIZE)
        for i, ch in enumerate(text):
            draw_string(canvas, ch, left + CELL_PAD + i * step, y, CELL_SIZE)
        return
    while True:  # explicit line breaks are kept; text too long for the cell is set smaller
        lines = _cell_lines(text, width, size)
        if len(lines) * size * LINE_SPACING <= height - CELL_PAD or size <= CELL_MIN_SIZE:
            break
        size -= 0.5
    leading = size * LINE_SPACING
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


def _cell_lines(text: str, width: float, size: float) -> list[Line]:
    return [line for part in text.split("\n") if part for line in break_lines(part, width, size)]


def cell_height(text: str, left: float, right: float, size: float = CELL_SIZE) -> float:
    """The height a cell needs to hold `text` at `size` points without setting it smaller."""
    return len(_cell_lines(text, right - left - 2 * CELL_PAD, size)) * size * LINE_SPACING + CELL_PAD + 0.01


def label_row(label: str, value: str, height: float, *, size: float = CELL_SIZE) -> FormRow:
    """A form row: the label spread over the left cell, the value (set at `size` points) in the right one."""
    split = TEXT_LEFT + LABEL_WIDTH

    def draw(canvas: Canvas, top: float) -> None:
        draw_cells(canvas, top, height, [split])
        draw_cell_text(canvas, label, TEXT_LEFT, split, top, height, distribute=True)
        draw_cell_text(canvas, value, split, TEXT_RIGHT, top, height, size=size)

    return FormRow(height, draw)


def fitted_label_row(
    label: str, value: str, min_height: float, *, size: float = CELL_SIZE, max_height: float | None = None
) -> FormRow:
    """A label row as tall as its label and value need, at least `min_height`; beyond `max_height` (if given)
    the value is set smaller instead."""
    split = TEXT_LEFT + LABEL_WIDTH
    label_height = min_height if 1 < len(label) <= 4 else cell_height(label, TEXT_LEFT, split)
    height = max(min_height, label_height, cell_height(value, split, TEXT_RIGHT, size))
    if max_height is not None:
        height = min(height, max(max_height, label_height))
    return label_row(label, value, height, size=size)


def paginate(rows: list[FormRow], title_height: float) -> list[list[FormRow]]:
    """The rows of each page: the first page holds the title too, the last one the foot under at least one row."""
    pages: list[list[FormRow]] = [[]]
    space = TEXT_TOP - TEXT_BOTTOM - title_height
    for row in rows:
        if row.height > space and pages[-1]:
            pages.append([])
            space = TEXT_TOP - TEXT_BOTTOM
        pages[-1].append(row)
        space -= row.height
    if FOOT_HEIGHT > space:  # the foot needs the rows above it: take the last one along
        pages.append([pages[-1].pop()] if len(pages[-1]) > 1 else [])
    return pages


def draw_form_pages(
    canvas: Canvas,
    pages: list[list[FormRow]],
    *,
    court_name: str,
    document_name: str,
    title_height: float,
    issued_on: date,
    dev_marker: str | None,
) -> SealBox:
    """Draw the paginated form: the title on the first page, the foot on the last, page numbers when several."""
    seal_box: SealBox | None = None
    for index, page_rows in enumerate(pages):
        y = TEXT_TOP
        if index == 0:
            draw_form_title(canvas, court_name, document_name, y, title_height)
            y -= title_height
        for row in page_rows:
            row.draw(canvas, y)
            y -= row.height
        if index == len(pages) - 1:
            seal_box = draw_form_foot(canvas, court_name, issued_on, y, index)
        footer = f"第 {index + 1} 页 共 {len(pages)} 页" if len(pages) > 1 else None
        draw_page_furniture(canvas, footer=footer, dev_marker=dev_marker)
        canvas.showPage()
    assert seal_box is not None
    return seal_box


def draw_form_foot(canvas: Canvas, court_name: str, issued_on: date, top: float, page: int) -> SealBox:
    """The closing box of the form: the court's name and the date, with the seal centred on the date."""
    draw_cells(canvas, top, FOOT_HEIGHT, [])
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


__all__ = [
    "CELL_PAD",
    "CELL_SIZE",
    "FOOT_HEIGHT",
    "LABEL_WIDTH",
    "ROW_HEIGHT",
    "DrawRow",
    "FormRow",
    "cell_height",
    "draw_cell_text",
    "draw_cells",
    "draw_form_foot",
    "draw_form_pages",
    "draw_form_title",
    "fitted_label_row",
    "label_row",
    "new_form_canvas",
    "paginate",
]
