"""The service receipt (送达回证, CPL 87–88), rendered to PDF as the familiar ruled form.

One row per recipient with how, where and when the document was served and the recipient's signature (a PNG
captured on the spot, embedded as an image); the person serving; the serving body; remarks; and at the foot the
court's name and the date, where the court's seal goes. Long lists of recipients run on to further pages.
"""

from __future__ import annotations

import io

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from templates.dates import arabic_date, arabic_time
from templates.form import (
    CELL_PAD,
    LABEL_WIDTH,
    ROW_HEIGHT,
    FormRow,
    draw_cell_text,
    draw_cells,
    draw_form_pages,
    label_row,
    new_form_canvas,
    paginate,
)
from templates.model import ReceiptContent, ReceiptRecipient, RenderedDocument
from templates.page import LEADING, MM, TEXT_LEFT, TEXT_RIGHT
from templates.texts import LegalTexts, load_texts

# Recipient columns after the name column (which lines up with the labels): method, place, time, signature.
RECIPIENT_COLUMNS = (22 * MM, 36 * MM, 34 * MM)
RECIPIENT_ROW_HEIGHT = 22 * MM
REMARKS_HEIGHT = 16 * MM


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
    rows.append(label_row(labels["served_by"], content.served_by, ROW_HEIGHT))
    if content.delivered_by:
        rows.append(label_row(labels["delivered_by"], content.delivered_by, ROW_HEIGHT))
    rows += [
        label_row(labels["organization"], content.organization, ROW_HEIGHT),
        label_row(labels["remarks"], remarks, REMARKS_HEIGHT),
    ]

    title_height = 3 * LEADING
    buffer = io.BytesIO()
    document_name = str(spec["document_name"])
    canvas = new_form_canvas(buffer, content, document_name)
    seal_box = draw_form_pages(
        canvas,
        paginate(rows, title_height),
        court_name=content.court_name,
        document_name=document_name,
        title_height=title_height,
        issued_on=issued_on,
        dev_marker=str(spec.get("dev_marker", "DEV")) if content.dev_mode else None,
    )
    canvas.save()
    return RenderedDocument(pdf=buffer.getvalue(), seal_box=seal_box)


def _column_edges() -> list[float]:
    edges = [TEXT_LEFT + LABEL_WIDTH]
    for width in RECIPIENT_COLUMNS:
        edges.append(edges[-1] + width)
    return edges


def _columns_row(texts: list[str], height: float) -> FormRow:
    edges = _column_edges()
    bounds = list(zip([TEXT_LEFT] + edges, edges + [TEXT_RIGHT]))

    def draw(canvas: Canvas, top: float) -> None:
        draw_cells(canvas, top, height, edges)
        for text, (left, right) in zip(texts, bounds):
            draw_cell_text(canvas, text, left, right, top, height, centre=True)

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
        draw_cells(canvas, top, height, edges)
        for text, (left, right) in zip(values, bounds):
            draw_cell_text(canvas, text, left, right, top, height, centre=True)
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
            draw_cell_text(canvas, placeholder, left, right, top, height)

    return FormRow(height, draw)
