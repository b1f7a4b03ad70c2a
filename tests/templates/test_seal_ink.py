"""The seal on a printed ruling lets the text under it show through, as a real stamp's red ink does (issue 14
item 7): the seal's red multiplies with the page (PDF blend mode Multiply, allowed by PDF/A-2), so the black date
it is pressed over (骑年压月) stays black and readable instead of being painted over in red."""

from __future__ import annotations

from PIL import Image

from signing import SealRequest
from templates import render_ruling, render_seal_appearance
from tests.pki_fixtures import COURT_NAME, court_seal, pki, sealer, tsa  # noqa: F401

DPI = 100


def sealed_ruling(content, by) -> tuple[bytes, bytes, tuple[int, int, int, int], int]:  # type: ignore[no-untyped-def]
    """The ruling before and after sealing, the seal box in pixels of a DPI rendering, and its page index."""
    rendered = render_ruling(content)
    box = rendered.seal_box
    pdf = by.seal(rendered.pdf, SealRequest(
        field_name="CourtSeal", page_index=box.page_index, box=(box.x1, box.y1, box.x2, box.y2),
        appearance_pdf=render_seal_appearance(COURT_NAME, dev_mode=False), reason="ink", location=COURT_NAME))
    return rendered.pdf, pdf, (box.x1, box.y1, box.x2, box.y2), box.page_index


def ink_pixels(image: Image.Image, box: tuple[float, float, float, float]) -> list[tuple[int, int]]:
    x1, y1, x2, y2 = (round(v * DPI / 72) for v in box)
    height = image.height
    return [(x, y) for x in range(x1, x2) for y in range(height - y2, height - y1)]


def test_the_text_under_the_seal_stays_dark_where_the_red_ink_covers_it(confirmed, sealer, poppler):  # noqa: F811
    before, after, box, page = sealed_ruling(confirmed, sealer)
    plain = poppler.png(before, page=page, dpi=DPI)
    stamped = poppler.png(after, page=page, dpi=DPI)
    area = ink_pixels(plain, box)
    text = [p for p in area if max(plain.getpixel(p)) < 60]  # the date's strokes, black on the unsealed page
    assert len(text) > 100  # the seal does lie over the date
    red = [p for p in area if _is_seal_red(stamped.getpixel(p))]
    assert len(red) > 1000  # and its red ink is there
    # The text's pixels the ink covers: painted over, they would be the seal's red; through ink they stay dark.
    under_ink = [p for p in text if stamped.getpixel(p) != plain.getpixel(p)]
    assert len(under_ink) > 20, "the seal's ink does not cover any of the date"
    assert all(max(stamped.getpixel(p)) < 100 for p in under_ink), [stamped.getpixel(p) for p in under_ink[:10]]


def _is_seal_red(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r > 150 and g < 90 and b < 90
