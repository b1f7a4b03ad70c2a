"""The TrueType faces every document is set in, registered once per process.

Only TrueType outlines can be embedded by reportlab, so the faces are Debian's Arphic fonts:
AR PL SungtiL GB (fonts-arphic-gbsn00lp, a Song face covering GB 2312) for all text, and AR PL UMing CN
(fonts-arphic-uming) for characters outside GB 2312, common in names (镕, 堃, 喆). Nothing is ever set in a
base-14 font: every glyph on the page comes from an embedded subset.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SONG = "JiudiSong"
FALLBACK = "JiudiMing"


@dataclass(frozen=True)
class _FaceSource:
    name: str
    candidates: tuple[str, ...]
    subfont_index: int
    debian_package: str


_SONG_SOURCE = _FaceSource(
    SONG,
    (
        os.environ.get("JIUDI_FONT_SONG", ""),
        "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
    ),
    0,
    "fonts-arphic-gbsn00lp",
)
_FALLBACK_SOURCE = _FaceSource(
    FALLBACK,
    (
        os.environ.get("JIUDI_FONT_FALLBACK", ""),
        "/usr/share/fonts/truetype/arphic/uming.ttc",
    ),
    0,  # AR PL UMing CN
    "fonts-arphic-uming",
)

_lock = threading.Lock()
_registered: dict[str, frozenset[int] | None] = {}  # font name -> code points it covers (None: unavailable)


class FontUnavailableError(RuntimeError):
    """A font the documents need is not installed."""


def _register(source: _FaceSource, *, required: bool) -> frozenset[int] | None:
    with _lock:
        if source.name in _registered:
            return _registered[source.name]
        path = next((p for p in source.candidates if p and Path(p).is_file()), None)
        if path is None:
            if required:
                raise FontUnavailableError(
                    f"font {source.name} not found (install the Debian package {source.debian_package})"
                )
            _registered[source.name] = None
            return None
        font = TTFont(source.name, path, subfontIndex=source.subfont_index)
        pdfmetrics.registerFont(font)
        coverage = frozenset(font.face.charToGlyph)
        _registered[source.name] = coverage
        return coverage


def ensure_fonts() -> None:
    """Register the body face (idempotent, cheap after the first call)."""
    _register(_SONG_SOURCE, required=True)


def _song_coverage() -> frozenset[int]:
    coverage = _registered.get(SONG)
    if coverage is None:
        coverage = _register(_SONG_SOURCE, required=True)
    assert coverage is not None
    return coverage


def font_for_char(ch: str) -> str:
    """The face to set `ch` in: the Song face, or the fallback face for what it lacks."""
    code = ord(ch)
    if code in _song_coverage():
        return SONG
    if FALLBACK not in _registered:  # registered lazily: most documents never need it
        _register(_FALLBACK_SOURCE, required=False)
    fallback = _registered[FALLBACK]
    if fallback is not None and code in fallback:
        return FALLBACK
    return SONG  # neither face has it: the Song face's .notdef box shows the gap


def font_runs(text: str) -> list[tuple[str, str]]:
    """Split `text` into (font name, substring) runs so each character is set in a face that has it."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = font_for_char(ch)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def text_width(text: str, size: float) -> float:
    """Width of `text` at `size` points, each character measured in the face it is set in."""
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in font_runs(text))
