"""The ruled form (表格式文书) shared by the service receipt and the electronic service voucher.

The service receipt (送达回证, CPL 87–88, ``templates.receipt``) and the electronic service voucher (电子送达凭证,
CPL 90, ``templates.voucher``) are the same form: the court's name and the form's name as a title, ruled rows of
a label spread over the left cell (案　　号) and its value on the right, and a closing box with the court's name
and the date, where the court's seal goes. This module draws those parts; each document module only lists its
rows.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

from templates.dates import chinese_date
from templates.layout import break_lines, draw_line, draw_string, string_width
from templates.model import ReceiptContent, SealBox, VoucherContent
from templates.page import (
    BODY_SIZE,
    MM,
    SEAL_SIZE,
    TEXT_LEFT,
    TEXT_RIGHT,
    TEXT_WIDTH,
    TITLE_SIZE,
    baseline_in_row,
    new_canvas,
)

CELL_SIZE = 12.0  # 小四
CELL_MIN_SIZE = 8.0
CELL_PAD = 2 * MM
LABEL_WIDTH = 30 * MM
ROW_HEIGHT = 11 * MM
FOOT_HEIGHT = SEAL_SIZE + 8 * MM
RULE_WIDTH = 0.75

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
        draw_cells(canvas, top, height, [split])
        draw_cell_text(canvas, label, TEXT_LEFT, split, top, height, distribute=True)
        draw_cell_text(canvas, value, split, TEXT_RIGHT, top, height)

    return FormRow(height, draw)


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
    "FOOT_HEIGHT",
    "LABEL_WIDTH",
    "ROW_HEIGHT",
    "DrawRow",
    "FormRow",
    "draw_cell_text",
    "draw_cells",
    "draw_form_foot",
    "draw_form_title",
    "label_row",
    "new_form_canvas",
]
