"""The printed page every court document shares: A4 with the GB/T 9704 type area, footers and the DEV marker.

GB/T 9704-2012: top margin 37 mm, binding (left) margin 28 mm, a 156 × 225 mm text block holding 22 lines of
28 characters in 三号 (16 pt). 28 characters of 16 pt are 158 mm, so, as word processors do with their
character grid, each character advances 156/28 mm: a tracking of −0.2 pt nobody sees.
"""

from __future__ import annotations

import io

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from templates.fonts import SONG, ensure_fonts
from templates.layout import draw_string

MM = 72.0 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 37 * MM
MARGIN_LEFT = 28 * MM
TEXT_WIDTH = 156 * MM
TEXT_HEIGHT = 225 * MM
TEXT_LEFT = MARGIN_LEFT
TEXT_RIGHT = MARGIN_LEFT + TEXT_WIDTH
TEXT_TOP = PAGE_HEIGHT - MARGIN_TOP
TEXT_BOTTOM = TEXT_TOP - TEXT_HEIGHT

BODY_SIZE = 16.0  # 三号
TITLE_SIZE = 22.0  # 二号
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
ADVANCE = TEXT_WIDTH / CHARS_PER_LINE
TRACKING = ADVANCE - BODY_SIZE
LEADING = TEXT_HEIGHT / LINES_PER_PAGE

SEAL_SIZE = 119.0  # a 42 mm court seal
SEAL_RED = Color(0.86, 0.08, 0.10)
FOOTER_SIZE = 12.0  # 小四
MARKER_SIZE = 10.5  # 五号

# Glyphs of the Arphic faces span −0.12 em to 0.88 em: their visual centre is 0.38 em above the baseline.
GLYPH_CENTRE = 0.38


def baseline_in_row(row_top: float, row_height: float, size: float) -> float:
    """The baseline that centres a line of `size`-point characters in a row."""
    return row_top - row_height / 2 - GLYPH_CENTRE * size


def new_canvas(buffer: io.BytesIO, *, title: str, author: str, subject: str, dev_mode: bool) -> Canvas:
    """An A4 canvas that never references a base-14 font, with the document's metadata."""
    ensure_fonts()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=SONG, initialFontSize=BODY_SIZE)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject + ("（开发测试，无法律效力）" if dev_mode else ""))
    canvas.setCreator("Jiudi")
    canvas.setProducer("Jiudi")
    if dev_mode:
        canvas.setKeywords("DEV")
    return canvas


def draw_page_furniture(canvas: Canvas, *, footer: str | None, dev_marker: str | None) -> None:
    """The footer (第 N 页 共 M 页) and, for development documents, the red marker above the text block."""
    if footer:
        draw_string(canvas, footer, PAGE_WIDTH / 2, 22 * MM, FOOTER_SIZE, align="center")
    if dev_marker:
        draw_string(
            canvas,
            dev_marker,
            PAGE_WIDTH / 2,
            PAGE_HEIGHT - 20 * MM,
            MARKER_SIZE,
            align="center",
            color=SEAL_RED,
        )
