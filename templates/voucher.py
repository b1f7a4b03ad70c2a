"""The electronic service voucher (电子送达凭证, CPL 90; 人民法院在线诉讼规则 29–32), rendered to PDF.

When a document is served to an electronic address the recipient confirmed, service is complete when the message
arrives at that address, and the system's record of it (the voucher) has the effect of a service receipt. The
voucher is the same ruled form as the receipt: the case, the document served and its SHA-256 digest (so the
voucher names exactly one PDF), the recipient, the channel and address, when it was sent, arrived and was read,
who served it, the legal basis; at the foot the court's name and the date, where the court's seal goes.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

from templates.dates import arabic_date
from templates.form import ROW_HEIGHT, FormRow, draw_form_foot, draw_form_title, label_row, new_form_canvas
from templates.model import RenderedDocument, VoucherContent
from templates.page import LEADING, MM, TEXT_TOP, draw_page_furniture
from templates.texts import LegalTexts, load_texts

STATEMENT_HEIGHT = 30 * MM
DIGEST_HEIGHT = 16 * MM
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def render_service_voucher(content: VoucherContent, *, texts: LegalTexts | None = None) -> RenderedDocument:
    """Render an electronic service voucher; the seal box lies over the date at the foot of the form."""
    if not _SHA256.fullmatch(content.document_sha256):
        raise ValueError("document_sha256 must be 64 hexadecimal digits")
    if content.sent_at is not None and content.arrived_at < content.sent_at:
        raise ValueError("a message cannot arrive before it is sent")
    if content.read_at is not None and content.read_at < content.arrived_at:
        raise ValueError("a message cannot be read before it arrives")
    texts = texts or load_texts()
    spec = texts.voucher
    labels = spec["labels"]
    read = _to_the_second(content.read_at) if content.read_at else str(spec.get("not_read", ""))
    sent = _to_the_second(content.sent_at) if content.sent_at else str(spec.get("not_recorded", ""))
    bases = spec["consent_bases"]
    if content.consent_basis is not None and content.consent_basis not in bases:
        raise ValueError(f"unknown consent basis {content.consent_basis!r}; voucher.yaml knows {sorted(bases)}")
    consent = str(bases[content.consent_basis] if content.consent_basis else spec["consent_unrecorded"])
    rows: list[FormRow] = [
        label_row(labels["case_number"], content.case_number, ROW_HEIGHT),
        label_row(labels["document"], content.document_name, ROW_HEIGHT),
        label_row(labels["sha256"], _grouped(content.document_sha256.lower()), DIGEST_HEIGHT),
        label_row(labels["recipient"], content.recipient, ROW_HEIGHT),
        label_row(labels["channel"], content.channel, ROW_HEIGHT),
        label_row(labels["address"], content.electronic_address, ROW_HEIGHT),
        label_row(labels["sent_at"], sent, ROW_HEIGHT),
        label_row(labels["arrived_at"], _to_the_second(content.arrived_at), ROW_HEIGHT),
        label_row(labels["read_at"], read, ROW_HEIGHT),
        label_row(labels["served_by"], content.served_by, ROW_HEIGHT),
        label_row(labels["statement"], str(spec["statement"]).format(consent=consent), STATEMENT_HEIGHT),
    ]

    buffer = io.BytesIO()
    document_name = str(spec["document_name"])
    canvas = new_form_canvas(buffer, content, document_name)
    title_height = 3 * LEADING
    y = TEXT_TOP
    draw_form_title(canvas, content.court_name, document_name, y, title_height)
    y -= title_height
    for row in rows:  # eleven rows and the foot always fit on one page
        row.draw(canvas, y)
        y -= row.height
    seal_box = draw_form_foot(canvas, content.court_name, content.issued_on or content.arrived_at.date(), y, 0)
    dev_marker = str(spec.get("dev_marker", "DEV")) if content.dev_mode else None
    draw_page_furniture(canvas, footer=None, dev_marker=dev_marker)
    canvas.showPage()
    canvas.save()
    return RenderedDocument(pdf=buffer.getvalue(), seal_box=seal_box)


def _to_the_second(t: datetime) -> str:
    """An electronic trail is kept to the second: 2026年11月28日15时20分04秒."""
    return f"{arabic_date(t.date())}{t.hour}时{t.minute:02d}分{t.second:02d}秒"


def _grouped(digest: str) -> str:
    """The digest in groups of eight, four groups a line, so that people can compare it by eye."""
    groups = [digest[i : i + 8] for i in range(0, len(digest), 8)]
    return " ".join(groups[:4]) + "\n" + " ".join(groups[4:])
