"""Chinese line breaking and justified setting of body text (中文断行与两端对齐).

Implements the line-breaking prohibitions (禁则, cf. GB/T 15834 and the W3C "Requirements for Chinese Text
Layout"): no line starts with a closing or pausing mark such as ，。；：、）》” and no line ends with an opening
mark such as （《“. reportlab's wordWrap='CJK' lets such marks through, so body text is broken here: greedily,
then by pushing characters to the next line until the break is legal, and the shortened line is justified.
Runs of Latin letters and digits up to 8 characters (years, short numbers) are not broken; longer runs
(ID numbers, URLs) may break, but leave at least four characters on each line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from reportlab.lib.colors import Color, black
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

from templates.fonts import font_runs, is_seeded_character, render_caches_enabled, text_width

# Marks that may not begin a line (行首禁则).
NO_LINE_START = frozenset("，。；：、）》”’！？」』】〕〉｝］·%‰℃,.;:!?)]}")
# Marks that may not end a line (行尾禁则).
NO_LINE_END = frozenset("（《“‘「『【〔〈｛［([{")

MAX_UNBROKEN_RUN = 8
MIN_RUN_PIECE = 4  # a broken run leaves at least this many characters on each line

_TOKEN = re.compile(
    r"——|……"  # two-em dash and ellipsis are never split
    r"|[A-Za-z0-9][A-Za-z0-9.\-/:_@+#&?=~%]*"  # a Latin/digit run
    r"|\s"
    r"|.",
    re.DOTALL,
)

Align = Literal["justify", "left", "center", "right"]


@dataclass(frozen=True)
class Unit:
    """The smallest piece a line is built from: one CJK character, or an unbroken Latin run."""

    text: str
    width: float

    @property
    def is_space(self) -> bool:
        return self.text.isspace()

    @property
    def no_start(self) -> bool:
        return self.text[0] in NO_LINE_START

    @property
    def no_end(self) -> bool:
        return self.text[-1] in NO_LINE_END


@dataclass(frozen=True)
class Line:
    """One typeset line: its units, the indent before it and whether it ends its paragraph."""

    units: tuple[Unit, ...]
    indent: float
    last: bool

    @property
    def text(self) -> str:
        return "".join(u.text for u in self.units)

    @property
    def natural_width(self) -> float:
        return sum(u.width for u in self.units)


@lru_cache(maxsize=16384)
def _measure(text: str, size: float, tracking: float) -> float:
    return text_width(text, size) + tracking * len(text)


# Jiudi's render caches (templates.fonts): the unit of a single character of the fixed wording, made once per size
# and tracking. Only characters of a seeded subset (ASCII and the fixed wording: ``fonts.is_seeded_character``),
# never one only a party wrote.
_kept_units: dict[tuple[str, float, float], Unit] = {}
_MAX_KEPT_UNITS = 4096


def tokenize(text: str, size: float, tracking: float = 0.0) -> list[Unit]:
    """Cut `text` into units, measured at `size` points with `tracking` after every character."""
    units: list[Unit] = []
    keep = render_caches_enabled()
    for token in _TOKEN.findall(text):
        if keep and len(token) == 1:
            unit = _kept_units.get((token, size, tracking))
            if unit is not None:
                units.append(unit)
                continue
            if (is_seeded_character(token) and not token.isspace() and len(_kept_units) < _MAX_KEPT_UNITS
                    and unicodedata.category(token) not in ("Cc", "Cf")):
                unit = _kept_units[(token, size, tracking)] = Unit(token, _measure(token, size, tracking))
                units.append(unit)
                continue
        if token.isspace() and token != "\u3000":
            token = " "  # tabs and line breaks inside a paragraph print as a space
        elif unicodedata.category(token[0]) in ("Cc", "Cf"):
            continue  # control and format characters have no glyph
        units.extend(Unit(p, _measure(p, size, tracking)) for p in _pieces(token))
    return units


def _pieces(token: str) -> list[str]:
    """A long Latin/digit run may break anywhere but within MIN_RUN_PIECE characters of either end."""
    if len(token) <= MAX_UNBROKEN_RUN or not token[0].isascii():
        return [token]
    head, middle, tail = token[:MIN_RUN_PIECE], token[MIN_RUN_PIECE:-MIN_RUN_PIECE], token[-MIN_RUN_PIECE:]
    return [head, *middle, tail]


def _break_allowed(units: list[Unit], j: int) -> bool:
    """May a line end before units[j]?"""
    return not units[j].no_start and not units[j - 1].no_end


def break_lines(
    text: str, width: float, size: float, *, first_indent: float = 0.0, tracking: float = 0.0
) -> list[Line]:
    """Break one paragraph into lines no wider than `width`, obeying the line-breaking prohibitions."""
    units = tokenize(text, size, tracking)
    lines: list[Line] = []
    i = 0
    while i < len(units):
        while i < len(units) and units[i].is_space:  # no line starts with a space
            i += 1
        if i >= len(units):
            break
        indent = first_indent if not lines else 0.0
        avail = width - indent
        used = 0.0
        j = i
        while j < len(units) and (j == i or used + units[j].width <= avail + 1e-6):
            used += units[j].width
            j += 1
        if j < len(units):
            k = j
            while k > i + 1 and not _break_allowed(units, k):
                k -= 1  # push the offending character(s) to the next line
            if k > i + 1 or _break_allowed(units, k):
                j = k
            # else: a single unbreakable stretch wider than the line; break where it overflowed
        end = j
        while end > i and units[end - 1].is_space:  # no line ends with a space
            end -= 1
        lines.append(Line(tuple(units[i:end]), indent, last=j >= len(units)))
        i = j
    return lines


def draw_line(
    canvas: Canvas,
    line: Line,
    x: float,
    y: float,
    width: float,
    size: float,
    *,
    tracking: float = 0.0,
    align: Align = "justify",
) -> None:
    """Draw `line` with its baseline at `y`, in the box [x, x + width]; justified lines fill the box."""
    x0 = x + line.indent
    avail = width - line.indent
    natural = line.natural_width
    gap = 0.0
    if align == "justify" and not line.last and len(line.units) > 1:
        gap = max(0.0, (avail - natural) / (len(line.units) - 1))
        if gap > size:  # a line broken inside an unbreakable run: do not spread it absurdly
            gap = 0.0
    elif align == "center":
        x0 += (avail - natural) / 2
    elif align == "right":
        x0 += avail - natural
    segments: list[_Segment] = []
    cursor = x0
    segment: list[Unit] = []

    def flush(extra: float) -> None:
        nonlocal cursor
        if not segment:
            return
        segments.append((cursor, y, tracking + extra, "".join(u.text for u in segment)))
        cursor += sum(u.width for u in segment) + extra * len(segment)
        segment.clear()

    for unit in line.units:
        if len(unit.text) == 1:
            segment.append(unit)  # single characters take the justification gap as character spacing
        else:
            flush(gap)
            segment.append(unit)
            flush(0.0)
            cursor += gap
    flush(gap)
    _draw_text(canvas, segments, size)


_Segment = tuple[float, float, float, str]  # origin x, baseline y, character spacing, text


def _draw_text(canvas: Canvas, segments: list[_Segment], size: float, *, render_mode: int = 0) -> None:
    """One text object (BT … ET) setting each segment at its origin with its character spacing, each character in
    the face that has it; ``render_mode`` 2 strokes the glyphs too (bold)."""
    if render_caches_enabled():
        canvas._code.append(_text_operators(canvas, segments, size, render_mode))
        return
    text = canvas.beginText()
    for n, (x, y, char_space, string) in enumerate(segments):
        text.setTextOrigin(x, y)
        text.setCharSpace(char_space)
        if n == 0 and render_mode:
            text.setTextRenderMode(render_mode)
        for font, run in font_runs(string):
            text.setFont(font, size)
            text.textOut(run)
    canvas.drawText(text)


def _text_operators(canvas: Canvas, segments: list[_Segment], size: float, render_mode: int) -> str:
    """The operators reportlab's text object writes for what ``_draw_text`` asks of it, byte for byte, written
    directly: reportlab's PDFTextObject also measures every run and keeps a cursor nobody reads here (Jiudi's
    render caches, issue 18 item 1; tests/templates/test_render_caches.py compares the two)."""
    doc = canvas._doc
    size_operators = f"{fp_str(size)} Tf {fp_str(size * 1.2)} TL"  # reportlab's default leading: 1.2 × size
    code = ["BT", "1 0 0 1 0 0 Tm"]
    for n, (x, y, char_space, string) in enumerate(segments):
        code.append(f"1 0 0 1 {fp_str(x, y)} Tm")
        code.append(f"{fp_str(char_space)} Tc")
        if n == 0 and render_mode:
            code.append(f"{render_mode} Tr")
        for font_name, run in font_runs(string):
            font = getFont(font_name)
            operators = []
            current = -1
            for subset, encoded in font.splitString(run, doc):
                if subset != current:
                    operators.append(f"{font.getSubsetInternalName(subset, doc)} {size_operators}")
                    current = subset
                operators.append(f"({escapePDF(encoded)}) Tj")
            code.append(" ".join(operators))
    code.append("ET")
    return " ".join(code)


def draw_string(
    canvas: Canvas,
    s: str,
    x: float,
    y: float,
    size: float,
    *,
    tracking: float = 0.0,
    align: Literal["left", "center", "right"] = "left",
    bold: bool = False,
    color: Color = black,
) -> float:
    """Draw a single line `s` anchored at x (left edge, centre or right edge); return its width.

    `bold` thickens the strokes (fill and stroke, 小标宋-like) since no bold Song face is available.
    """
    w = _measure(s, size, tracking) - (tracking if s else 0.0)
    if align == "center":
        x -= w / 2
    elif align == "right":
        x -= w
    canvas.saveState()
    canvas.setFillColor(color)
    if bold:
        canvas.setStrokeColor(color)
        canvas.setLineWidth(size * 0.03)
    _draw_text(canvas, [(x, y, tracking, s)], size, render_mode=2 if bold else 0)
    canvas.restoreState()
    return w


def string_width(s: str, size: float, tracking: float = 0.0) -> float:
    """Width of a single line `s` (tracking counted between characters, not after the last)."""
    return _measure(s, size, tracking) - (tracking if s else 0.0)
