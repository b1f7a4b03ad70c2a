"""The pages of an uploaded agreement as images a cheap phone's browser shows: a photo is one page as it is
(re-encoded as PNG), a PDF is rendered page by page with PDFium (pypdfium2: the renderer Chrome uses, shipped as
a wheel, so no system package is needed)."""

from __future__ import annotations

import io
import threading

import pypdfium2 as pdfium
from PIL import Image

from confirm.law.errors import DomainError

MAX_WIDTH_PX = 1200  # sharp enough to read a scan on a phone, small enough for a slow network
_PDFIUM = threading.Lock()  # PDFium is not thread-safe


def page_count(content: bytes, content_type: str) -> int:
    if content_type != "application/pdf":
        return 1
    with _PDFIUM:
        pdf = pdfium.PdfDocument(content)
        try:
            return len(pdf)
        finally:
            pdf.close()


def page_png(content: bytes, content_type: str, page: int) -> bytes:
    """Page ``page`` (from 1) as PNG; 404 for a page the document does not have."""
    if content_type != "application/pdf":
        if page != 1:
            raise DomainError("not_found", "该页不存在", 404)
        image = Image.open(io.BytesIO(content))
        image.thumbnail((MAX_WIDTH_PX, MAX_WIDTH_PX * 4))
    else:
        with _PDFIUM:
            pdf = pdfium.PdfDocument(content)
            try:
                if not 1 <= page <= len(pdf):
                    raise DomainError("not_found", "该页不存在", 404)
                sheet = pdf[page - 1]
                width = sheet.get_width()
                image = sheet.render(scale=min(2.0, MAX_WIDTH_PX / max(width, 1))).to_pil()
                sheet.close()
            finally:
                pdf.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
