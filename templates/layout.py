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
from reportlab.pdfgen.canvas import Canvas

from templates.fonts import font_runs, text_width

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


def tokenize(text: str, size: float, tracking: float = 0.0) -> list[Unit]:
    """Cut `text` into units, measured at `size` points with `tracking` after every character."""
    units: list[Unit] = []
    for token in _TOKEN.findall(text):
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
    text = canvas.beginText()
    cursor = x0
    segment: list[Unit] = []

    def flush(extra: float) -> None:
        nonlocal cursor
        if not segment:
            return
        text.setTextOrigin(cursor, y)
        text.setCharSpace(tracking + extra)
        for font, run in font_runs("".join(u.text for u in segment)):
            text.setFont(font, size)
            text.textOut(run)
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
    canvas.drawText(text)


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
    text = canvas.beginText()
    text.setTextOrigin(x, y)
    text.setCharSpace(tracking)
    if bold:
        canvas.setStrokeColor(color)
        canvas.setLineWidth(size * 0.03)
        text.setTextRenderMode(2)
    for font, run in font_runs(s):
        text.setFont(font, size)
        text.textOut(run)
    canvas.drawText(text)
    canvas.restoreState()
    return w


def string_width(s: str, size: float, tracking: float = 0.0) -> float:
    """Width of a single line `s` (tracking counted between characters, not after the last)."""
    return _measure(s, size, tracking) - (tracking if s else 0.0)
