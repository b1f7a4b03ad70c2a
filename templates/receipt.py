"""The service receipt (送达回证, CPL 87–89), rendered to PDF as the ruled form of the general 样式 (各类案件通用).

案由, 案号, the document served and how many copies; one row per recipient with how, where and on which date the
document was served and the signature given beside that date (a PNG captured on the spot, embedded as an image);
who received it for a recipient and why (收件人及代收理由); remarks (备考: electronic service, a refusal and the ruling
left at the residence, the mediator's notes); who made out the receipt (填发人); the person serving; the serving
body; and at the foot the court's name and the date, where the court's seal goes. Long lists of recipients run on
to further pages.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

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
    fitted_label_row,
    label_row,
    new_form_canvas,
    paginate,
)
from templates.model import ReceiptContent, ReceiptRecipient, RenderedDocument
from templates.page import LEADING, MM, TEXT_LEFT, TEXT_RIGHT
from templates.texts import LegalTexts, load_texts

# Recipient columns after the name column (which lines up with the labels): method, place, time, signature.
RECIPIENT_COLUMNS = (22 * MM, 36 * MM, 34 * MM)
RECIPIENT_ROW_HEIGHT = 15 * MM
HEADER_HEIGHT = 11.5 * MM
REMARKS_HEIGHT = 16 * MM
REMARKS_SIZE = 10.5  # 五号: the remarks may hold several paragraphs and a photo's digest


def render_service_receipt(content: ReceiptContent, *, texts: LegalTexts | None = None) -> RenderedDocument:
    """Render a service receipt; the seal box lies over the date at the foot of the form."""
    if not content.recipients:
        raise ValueError("a service receipt needs at least one recipient")
    texts = texts or load_texts()
    spec = texts.receipt
    labels = spec["labels"]
    issued_on = content.issued_on or max(r.served_at for r in content.recipients).date()

    rows = [
        label_row(labels["cause"], str(spec["cause"]).format(dispute_type=content.dispute_type), ROW_HEIGHT),
        label_row(labels["case_number"], content.case_number, ROW_HEIGHT),
        fitted_label_row(labels["document"], _document_and_count(content, spec), ROW_HEIGHT),
        _columns_row(
            [
                labels["recipient"],
                labels["method"],
                labels["place"],
                labels["served_at"],
                labels["signature"],
            ],
            HEADER_HEIGHT,
        ),
    ]
    rows += [_recipient_row(r, texts) for r in content.recipients]
    receivers = [str(spec["receiver"]).format(recipient=r.name, receiver=r.receiver_name, relation=r.receiver_relation)
                 for r in content.recipients if r.receiver_name]
    rows += [
        fitted_label_row(labels["receiver"], "\n".join(receivers), ROW_HEIGHT),
        fitted_label_row(labels["remarks"], "\n".join(_remarks(content, spec)), REMARKS_HEIGHT, size=REMARKS_SIZE),
    ]
    if content.delivered_by:
        rows.append(label_row(labels["delivered_by"], content.delivered_by, ROW_HEIGHT))
    rows += [
        label_row(labels["organization"], content.organization, ROW_HEIGHT),
        # last, above the foot: a text extractor reads its four cells in order only with no row below them
        _pair_row(labels["issued_by"], content.issued_by, labels["served_by"], content.served_by),
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


def _document_and_count(content: ReceiptContent, spec: Mapping[str, Any]) -> str:
    """送达文书名称和件数: the ruling by its case number, one copy to each recipient."""
    wording = spec["document_single"] if len(content.recipients) == 1 else spec["document_each"]
    return str(wording).format(case_number=content.case_number, document_name=content.document_name)


def _remarks(content: ReceiptContent, spec: Mapping[str, Any]) -> list[str]:
    """备考: the CPL 90 sentence when any service was electronic, each refusal and the ruling left at the residence
    (CPL 89), then what the mediator noted."""
    wording = spec["remarks"]
    remarks = []
    if any(r.method == "electronic" for r in content.recipients):
        remarks.append(str(wording["electronic"]))
    for r in content.recipients:
        if r.refusal is None:
            continue
        paragraph = str(wording["refusal"]).format(recipient=r.name, circumstances=r.refusal.circumstances)
        if r.refusal.witness_name:
            paragraph += str(wording["witness"]).format(witness=r.refusal.witness_name, unit=r.refusal.witness_unit)
        if r.refusal.photo_sha256:
            paragraph += str(wording["photo"]).format(sha256=r.refusal.photo_sha256)
        paragraph += str(wording["left"]).format(date=arabic_date(r.served_at.date()), place=r.place)
        remarks.append(paragraph)
    return remarks + list(content.remarks)


def _pair_row(first_label: str, first: str, second_label: str, second: str) -> FormRow:
    """Two labels and their values on one row, as the 样式 prints 填发人 and 送达人."""
    middle = (TEXT_LEFT + LABEL_WIDTH + TEXT_RIGHT) / 2 - LABEL_WIDTH / 2
    edges = [TEXT_LEFT + LABEL_WIDTH, middle, middle + LABEL_WIDTH]
    bounds = list(zip([TEXT_LEFT] + edges, edges + [TEXT_RIGHT]))

    def draw(canvas: Canvas, top: float) -> None:
        draw_cells(canvas, top, ROW_HEIGHT, edges)
        for i, (text, (left, right)) in enumerate(zip((first_label, first, second_label, second), bounds)):
            draw_cell_text(canvas, text, left, right, top, ROW_HEIGHT, centre=i % 2 == 0)

    return FormRow(ROW_HEIGHT, draw)


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
