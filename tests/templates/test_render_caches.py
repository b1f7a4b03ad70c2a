"""Jiudi's render caches (templates.fonts: seeded subsets, kept font files) change how fast a ruling is made,
never what it shows, and never keep anything a party wrote."""

from __future__ import annotations

import dataclasses

import pytest
from reportlab import rl_config

from templates import fonts, layout, render_ruling
from templates.fonts import plain_rendering
from templates.model import RulingContent


def test_a_ruling_looks_the_same_with_and_without_the_caches(confirmed: RulingContent, poppler):
    cached = render_ruling(confirmed).pdf
    with plain_rendering():
        plain = render_ruling(confirmed).pdf
    pages = poppler.pages(cached)
    assert len(pages) == len(poppler.pages(plain))
    for page in range(len(pages)):
        assert poppler.png(cached, page=page, dpi=100).tobytes() == poppler.png(plain, page=page, dpi=100).tobytes()
    assert poppler.text(cached) == poppler.text(plain)


@pytest.fixture(autouse=True)
def no_kept_font_files():  # type: ignore[no-untyped-def]
    """Each test starts with nothing kept: what an earlier test kept must not hide what this one checks."""
    fonts._kept_font_files.clear()
    fonts._kept_font_dictionaries.clear()
    layout._kept_units.clear()
    yield


def test_the_first_subsets_of_every_ruling_are_its_fixed_wording_and_are_kept(confirmed: RulingContent):
    render_ruling(confirmed)
    kept = set(fonts._kept_font_files)
    assert kept, "no font file kept: every ruling cuts and deflates its fixed subsets again"
    other = dataclasses.replace(confirmed, judge_name="欧阳蔚", clerk_name="司马骏",
                                agreement_text="一、甲方于二〇二七年一月前向乙方交付鹦鹉螺化石标本叁件。")
    render_ruling(other)
    assert set(fonts._kept_font_files) == kept  # the other ruling shares the kept files, and keeps none of its own
    assert set(fonts._kept_font_dictionaries) == kept  # and their Font dictionaries' widths and ToUnicode CMaps


def test_the_closing_dates_fallback_subset_is_kept(confirmed: RulingContent):
    """The 〇 of every closing date is in a fallback face (AR PL UMing): its subset, ASCII and 〇, is seeded and
    kept like the Song face's fixed wording."""
    render_ruling(confirmed)
    kept = {(face, subset) for face, _sub, subset in fonts._kept_font_files}
    assert any(face.endswith("uming.ttc") and ord("〇") in subset for face, subset in kept), kept


@pytest.mark.parametrize("unusual", ["鹦鹉螺蝌蚪蜻蜓", "镕堃喆"], ids=["song-face", "fallback-face"])
def test_a_kept_font_file_never_holds_what_a_party_wrote(confirmed: RulingContent, unusual: str):
    render_ruling(dataclasses.replace(confirmed, agreement_text=f"一、乙方向甲方交付{unusual}标本。"))
    render_ruling(dataclasses.replace(confirmed, agreement_text=f"一、乙方向甲方交付{unusual}标本。"))  # now seeded
    assert fonts._kept_font_files and fonts._kept_font_dictionaries and layout._kept_units
    for _face, _sub, subset in [*fonts._kept_font_files, *fonts._kept_font_dictionaries]:
        assert not {ord(ch) for ch in unusual} & set(subset)
    assert not set(unusual) & {ch for ch, _size, _tracking in layout._kept_units}


@pytest.mark.parametrize("preview", [False, True], ids=["ruling", "preview-watermark"])
def test_text_is_written_as_reportlabs_text_objects_write_it(confirmed: RulingContent, preview: bool,
                                                             monkeypatch: pytest.MonkeyPatch):
    """With the caches on, a line's text operators are written directly (templates.layout._text_operators), not
    through reportlab's PDFTextObject: byte for byte what the text object writes (same file, timestamps fixed)."""
    monkeypatch.setattr(rl_config, "invariant", 1)
    ruling = dataclasses.replace(confirmed, preview=preview)
    direct = render_ruling(ruling).pdf
    monkeypatch.setattr(layout, "render_caches_enabled", lambda: False)
    assert render_ruling(ruling).pdf == direct
