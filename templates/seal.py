"""The visible appearance of the court's electronic seal: a one-page vector PDF that signing/ places over the date.

Drawn like a Chinese official seal (GB/T-style round seal of a state organ): a red ring, the court's name along
the upper arc with its characters upright towards the centre, a five-pointed star in the middle and optional
text beneath it. The background is left unpainted, and the red ink multiplies with the page beneath it (blend
mode Multiply, ISO 32000-1 11.3.5; PDF/A-2 allows it, PDF/A-1 would not): black text under the ink stays black, as
under a real stamp's ink, where painting over it would turn it red and unreadable. A development
seal carries a dashed ring and "测试 DEV" in place of the lower text, so it can never pass for a real one.
"""

from __future__ import annotations

import io
import math

from reportlab.pdfgen.canvas import Canvas

from templates.fonts import SONG, ensure_fonts, font_runs
from templates.layout import draw_string, string_width
from templates.page import SEAL_RED

RING_WIDTH = 0.028  # of the diameter: 1.2 mm on a 42 mm seal
STAR_RADIUS = 1 / 6  # of the diameter: a 14 mm star on a 42 mm seal
NAME_SIZE = 0.14  # of the diameter
NAME_ARC_DEGREES = 250.0  # the arc the court's name spans at most…
LONG_NAME_ARC_DEGREES = 290.0  # …unless it is longer than LONG_NAME characters
LONG_NAME = 16
DEV_TEXT = "测试 DEV"


def render_seal_appearance(
    court_name: str, *, dev_mode: bool, size_pt: float = 119.0, lower_text: str | None = None
) -> bytes:
    """A `size_pt` × `size_pt` one-page PDF of the seal (vector, transparent background)."""
    ensure_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(size_pt, size_pt), pageCompression=1, initialFontName=SONG)
    canvas.setTitle(f"{court_name}印章外观" + ("（测试）" if dev_mode else ""))
    canvas.setCreator("Jiudi")
    canvas.setProducer("Jiudi")
    c = size_pt / 2
    ring = size_pt * RING_WIDTH
    outer = c - ring / 2 - 0.5  # keep the ring wholly inside the page

    canvas.setBlendMode("Multiply")  # ink, not paint: the date under the seal stays readable (骑年压月)
    canvas.setStrokeColor(SEAL_RED)
    canvas.setFillColor(SEAL_RED)
    canvas.setLineWidth(ring)
    if dev_mode:
        canvas.setDash(size_pt * 0.06, size_pt * 0.025)
    canvas.circle(c, c, outer, stroke=1, fill=0)
    canvas.setDash()

    _draw_arc_text(canvas, court_name, c, c, outer - ring / 2 - size_pt * 0.035, size_pt * NAME_SIZE)
    _draw_star(canvas, c, c, size_pt * STAR_RADIUS)
    below = DEV_TEXT if dev_mode else lower_text
    if below:
        text_size = size_pt * 0.09
        text_size = min(text_size, outer * 1.2 / max(string_width(below, 1.0), 1e-6))
        draw_string(
            canvas, below, c, c - size_pt * 0.30, text_size, align="center", bold=True, color=SEAL_RED
        )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_arc_text(canvas: Canvas, text: str, cx: float, cy: float, top_radius: float, size: float) -> None:
    """Characters along the upper arc, tops outwards, condensed when the name is long, centred at 12 o'clock."""
    n = len(text)
    if n == 0:
        return
    baseline_radius = top_radius - 0.88 * size
    mid_radius = baseline_radius + 0.38 * size
    arc = math.radians(LONG_NAME_ARC_DEGREES if n > LONG_NAME else NAME_ARC_DEGREES)
    step = min(arc / n, 1.05 * size / mid_radius)  # angle per character
    condense = min(1.0, 0.95 * step * mid_radius / size)  # narrower glyphs when the arc is crowded
    first = math.pi / 2 + step * (n - 1) / 2  # the first character on the left, the last on the right
    for i, ch in enumerate(text):
        angle = first - i * step
        canvas.saveState()
        canvas.translate(cx + baseline_radius * math.cos(angle), cy + baseline_radius * math.sin(angle))
        canvas.rotate(math.degrees(angle) - 90)
        [(font, _)] = font_runs(ch)
        t = canvas.beginText()
        t.setFont(font, size)
        t.setHorizScale(condense * 100)
        t.setTextRenderMode(2)
        canvas.setLineWidth(size * 0.03)
        t.setTextOrigin(-size * condense / 2, 0)
        t.textOut(ch)
        canvas.drawText(t)
        canvas.restoreState()


def _draw_star(canvas: Canvas, cx: float, cy: float, radius: float) -> None:
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))  # a regular star's inner radius
    path = canvas.beginPath()
    for k in range(10):
        r = radius if k % 2 == 0 else inner
        a = math.pi / 2 + k * math.pi / 5
        x, y = cx + r * math.cos(a), cy + r * math.sin(a)
        if k == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
