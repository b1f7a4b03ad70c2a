"""The seal's visible appearance: a square, vector, transparent one-page PDF; unmistakable in development."""

from __future__ import annotations

import math
import re

import pytest

from templates import render_seal_appearance

COURT = "重庆市秀山土家族苗族自治县人民法院"


@pytest.mark.parametrize("size", [119.0, 60.0])
def test_seal_page_is_exactly_size_pt_square(poppler, size: float):
    info = poppler.info(render_seal_appearance(COURT, dev_mode=False, size_pt=size))
    assert info["Pages"] == "1"
    assert info["Page size"].startswith(f"{size:g} x {size:g} pts")


def test_seal_is_vector_with_embedded_fonts_only(poppler):
    pdf = render_seal_appearance(COURT, dev_mode=True)
    assert poppler.images(pdf) == []
    assert all(row[-5] == "yes" for row in poppler.fonts(pdf))
    assert b"/Helvetica" not in pdf


def test_seal_background_is_transparent_and_its_ring_and_star_are_red(poppler):
    image = poppler.transparent_png(render_seal_appearance(COURT, dev_mode=False), dpi=144)
    w, h = image.size
    assert image.getpixel((1, 1))[3] == 0 and image.getpixel((w - 2, h - 2))[3] == 0  # corners: nothing
    r, g, b, a = image.getpixel((w // 2, h // 2))  # the star's centre
    assert a == 255 and r > 180 and g < 80 and b < 80
    r, g, b, a = image.getpixel((w // 2, 4))  # the ring at 12 o'clock (1.2 mm wide: pixels 1–7 at 144 dpi)
    assert a == 255 and r > 180 and g < 80 and b < 80
    # Between the star (radius 1/6 of the seal) and the court's name (nothing nearer the centre than 0.29 of the
    # seal) nothing is painted, so the date under the seal shows through: every pixel there is fully transparent.
    between = [
        image.getpixel((x, y))[3]
        for y in range(h)
        for x in range(w)
        if 0.19 <= math.hypot(x + 0.5 - w / 2, y + 0.5 - h / 2) / w <= 0.27
    ]
    assert len(between) > 5000 and max(between) == 0


def test_seal_carries_the_court_name(poppler):
    text = re.sub(r"\s+", "", poppler.text(render_seal_appearance(COURT, dev_mode=False)))
    assert all(ch in text for ch in COURT)
    assert "DEV" not in text and "测试" not in text


def test_development_seal_says_so(poppler):
    text = poppler.text(render_seal_appearance(COURT, dev_mode=True))
    assert "DEV" in text and "测试" in text


def test_optional_lower_text(poppler):
    text = poppler.text(render_seal_appearance(COURT, dev_mode=False, lower_text="司法确认专用章"))
    assert "司法确认专用章" in re.sub(r"\s+", "", text)
