"""Rare characters in names (𠮷 Ext. B, 䶮 Ext. A, 堃 outside GB 2312) print as real glyphs, not .notdef boxes."""

from __future__ import annotations

import dataclasses
import io
import os
from pathlib import Path

import pytest
from PIL import ImageChops, ImageStat
from reportlab.pdfgen.canvas import Canvas

from templates import render_ruling
from templates.fonts import FALLBACK, FALLBACK_EXT_A, SONG, ensure_fonts, font_for_char
from templates.layout import draw_string
from templates.model import PartyInfo, RulingContent

RARE = "\U00020bb7䶮堃"  # 𠮷 (U+20BB7, CJK Ext. B), 䶮 (U+4DAE, Ext. A), 堃 (U+5803)


@pytest.fixture(autouse=True)
def _hanazono_installed() -> None:
    if not Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf").is_file() and not os.environ.get(
        "JIUDI_FONT_EXT_A"
    ):
        pytest.fail("fonts-hanazono is not installed (scripts/setup installs it)")


def _one_char_pdf(ch: str, *, font: str | None = None) -> bytes:
    """`ch` alone at 72 pt, set through the fallback chain or forced into `font`."""
    ensure_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(100, 100), initialFontName=SONG)
    if font is None:
        draw_string(canvas, ch, 14, 24, 72)
    else:
        canvas.setFont(font, 72)
        canvas.drawString(14, 24, ch)
    canvas.save()
    return buffer.getvalue()


def test_each_rare_character_is_set_in_a_face_that_has_it():
    assert font_for_char("张") == SONG
    assert font_for_char("堃") == FALLBACK  # AR PL UMing
    assert font_for_char("䶮") in (FALLBACK, FALLBACK_EXT_A)
    assert font_for_char("\U00020bb7") == FALLBACK_EXT_A  # HanaMinA, fonts-hanazono


@pytest.mark.parametrize("ch", list(RARE))
def test_rare_character_draws_a_glyph_unlike_the_notdef_box(ch: str, poppler):
    glyph = poppler.png(_one_char_pdf(ch), dpi=150).convert("L")
    notdef = poppler.png(_one_char_pdf("\ue000", font=SONG), dpi=150).convert("L")  # private use: .notdef
    ink = 255 - ImageStat.Stat(glyph).mean[0]
    assert ink > 8, "the character printed nothing"
    difference = ImageStat.Stat(ImageChops.difference(glyph, notdef)).mean[0]
    assert difference > 5, "the character printed as the .notdef box"
    assert poppler.text(_one_char_pdf(ch)).strip() == ch


def test_a_ruling_with_rare_names_round_trips_through_pdftotext(confirmed: RulingContent, poppler):
    party = PartyInfo(kind="person", name="吉\U00020bb7", sex="男", address="四川省成都市䶮村堃巷1号")
    content = dataclasses.replace(confirmed, parties=(party, *confirmed.parties[1:]))
    pdf = render_ruling(content).pdf
    text = "".join(poppler.text(pdf).split())
    assert "申请人：吉\U00020bb7，男，住四川省成都市䶮村堃巷1号。" in text
    assert "驳回" not in text and "申请人吉\U00020bb7与申请人重庆秀山某某商贸有限公司" in text
    fonts = poppler.fonts(pdf)
    assert any("HanaMinA" in row[0] for row in fonts)
    assert all((row[-5], row[-4]) == ("yes", "yes") and "TrueType" in row for row in fonts)
