"""The verification QR code (一书一码), drawn as vector rectangles so it prints sharp at any size.

ISO/IEC 18004 symbol from the `qrcode` library: error correction M (15 % of the symbol may be damaged — stamps,
folds, photocopies), a 4-module quiet zone kept white, and a fixed mask pattern: choosing the "best" of the eight
masks builds the symbol eight times (~12 ms against ~2 ms) and any mask is valid for every decoder.
"""

from __future__ import annotations

from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import black, white
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE_MODULES = 4
_MASK_PATTERN = 0


@lru_cache(maxsize=64)
def qr_modules(data: str) -> tuple[tuple[bool, ...], ...]:
    """The symbol's dark modules, row by row from the top, without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=_MASK_PATTERN)
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


def quiet_zone_width(data: str, symbol_size: float) -> float:
    """Width of the quiet zone on each side when the symbol is `symbol_size` points wide."""
    return QUIET_ZONE_MODULES * symbol_size / len(qr_modules(data))


def draw_qr(canvas: Canvas, data: str, x: float, y: float, symbol_size: float) -> None:
    """Draw the symbol with its lower-left corner at (x, y), `symbol_size` points square, on a white quiet zone."""
    modules = qr_modules(data)
    n = len(modules)
    module = symbol_size / n
    quiet = QUIET_ZONE_MODULES * module
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x - quiet, y - quiet, symbol_size + 2 * quiet, symbol_size + 2 * quiet, stroke=0, fill=1)
    canvas.setFillColor(black)
    path = canvas.beginPath()
    for r, row in enumerate(modules):
        top = y + symbol_size - r * module
        c = 0
        while c < n:  # one rectangle per horizontal run of dark modules
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            path.rect(x + start * module, top - module, (c - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
