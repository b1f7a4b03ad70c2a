"""The TrueType faces every document is set in, registered once per process.

Only TrueType outlines can be embedded by reportlab, so the faces are Debian TrueType fonts: AR PL SungtiL GB
(fonts-arphic-gbsn00lp, a Song face covering GB 2312) for all text; for each character it lacks, the first of
AR PL UMing CN (fonts-arphic-uming: characters outside GB 2312 common in names, 镕 堃 喆), HanaMinA and HanaMinB
(fonts-hanazono: CJK Ext. A and the supplementary planes, 䶮 𠮷) that has it. Nothing is ever set in a base-14
font: every glyph on the page comes from an embedded subset. docs/fonts.md gives packages and licences.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

SONG = "JiudiSong"
FALLBACK = "JiudiMing"
FALLBACK_EXT_A = "JiudiHanaA"
FALLBACK_EXT_B = "JiudiHanaB"


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

_HANA_A_SOURCE = _FaceSource(
    FALLBACK_EXT_A,
    (os.environ.get("JIUDI_FONT_EXT_A", ""), "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
    0,
    "fonts-hanazono",
)
_HANA_B_SOURCE = _FaceSource(
    FALLBACK_EXT_B,
    (os.environ.get("JIUDI_FONT_EXT_B", ""), "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
    0,
    "fonts-hanazono",
)
# Tried in order for a character the Song face lacks; each is registered only when first needed.
FALLBACK_SOURCES = (_FALLBACK_SOURCE, _HANA_A_SOURCE, _HANA_B_SOURCE)

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
    """The face to set `ch` in: the Song face, or the first fallback face that has it."""
    code = ord(ch)
    if code in _song_coverage():
        return SONG
    for source in FALLBACK_SOURCES:
        if source.name not in _registered:  # registered lazily: most documents never need them
            _register(source, required=False)
        coverage = _registered[source.name]
        if coverage is not None and code in coverage:
            return source.name
    return SONG  # no face has it: the Song face's .notdef box shows the gap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond U+FFFF written as UTF-16 surrogate pairs.

    reportlab prints every code point as <%04X>, so 𠮷 (U+20BB7) would be extracted as U+20BB.
    """
    text = _original_to_unicode_cmap(fontname, subset)
    for code in subset:
        if code > 0xFFFF:
            utf16 = chr(code).encode("utf-16-be").hex().upper()
            text = text.replace(f"<{code:04X}>", f"<{utf16}>")
    return text


_original_to_unicode_cmap = ttfonts.makeToUnicodeCMap
if getattr(ttfonts.makeToUnicodeCMap, "__name__", "") != "_to_unicode_cmap":
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # reportlab looks the helper up at call time


# A subset's PostScript name starts with a six-letter tag, and "different subsets in the same PDF file shall have
# different tags" (ISO 32000-1 9.6.4). reportlab numbers each font's subsets from AAAAAA, so a sealed ruling — the
# page's subsets plus the seal appearance's, made as a separate reportlab document — holds two different
# "AAAAAA+BousungEG-Light-GB" fonts, which a printer driver or viewer caching fonts by name may confuse (missing
# glyphs on the printout). The tag is made from a digest of the face and the subset's characters instead:
# deterministic, and different for different subsets.
_subsets_being_written: contextvars.ContextVar[tuple[bytes, list[list[int]]]] = contextvars.ContextVar("subsets")


def subset_tag(face_name: bytes, characters: list[int]) -> bytes:
    """Six capital letters that name this subset of this face (ISO 32000-1 9.6.4)."""
    digest = hashlib.sha256(face_name + b"\0" + ",".join(map(str, characters)).encode()).digest()
    return bytes(ord("A") + byte % 26 for byte in digest[:6])


def _subset_name_prefix(n: int) -> bytes:
    face_name, subsets = _subsets_being_written.get()
    return subset_tag(face_name, subsets[n])


def _add_objects(self: TTFont, doc: object) -> None:
    state = self.state[doc]
    token = _subsets_being_written.set((self.face.name, state.subsets))
    try:
        if _render_caches.get() and getattr(doc, "compression", False):
            _add_font_objects(self, doc)  # Jiudi's render caches, below
        else:
            _original_add_objects(self, doc)
    finally:
        _subsets_being_written.reset(token)


# A face's font file is read through one shared position (TTFontParser.seek/read_*), and makeSubset seeks and
# reads it for each subset it writes; the faces are registered once per process and shared, so two documents
# written at once (the issuance worker and a judge's preview) would interleave their reads and produce a broken
# subset or fail (seen: KeyError in makeSubset under tests/templates' several-threads test). Subsetting is
# therefore one at a time; it is a small part of rendering.
_subset_lock = threading.Lock()


def _make_subset(self: ttfonts.TTFontFile, subset: list[int]) -> bytes:
    with _subset_lock:
        return _original_make_subset(self, subset)


if getattr(ttfonts.SUBSETN, "__name__", "") != "_subset_name_prefix":
    _original_add_objects = TTFont.addObjects
    TTFont.addObjects = _add_objects  # type: ignore[method-assign]
    ttfonts.SUBSETN = _subset_name_prefix  # looked up at call time, only by TTFont.addObjects
    _original_make_subset = ttfonts.TTFontFile.makeSubset
    ttfonts.TTFontFile.makeSubset = _make_subset  # type: ignore[method-assign]


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


# --- Jiudi's render caches (issue 18 item 1) ---------------------------------------------------------------
#
# Every ruling sets the same fixed wording, so most of its characters are the same from ruling to ruling; but
# reportlab numbers a face's characters in the order the document first uses them, so its subsets (256 codes
# each) and their embedded font files differ by document, and every ruling pays for cutting the subsets out of
# the font file (makeSubset) and deflating them (~10 ms of a ~30 ms ruling). ``seed_subsets`` hands the Song face
# the fixed wording first, in a fixed order, so the first subsets hold only fixed characters and are the same in
# every document; ``_add_subset_objects`` keeps the font file of such a subset once made (cut and deflated), and
# makes every other subset (one holding a name or an amount) per document, deflated at a faster level. Only a
# subset exactly as seeding made it is kept (a whole one: a document's own characters go to the next subset), so
# what is kept never holds what a party wrote, and there are as many kept files as seeded subsets.
#
# ``plain_rendering()`` switches the caches off for the current context, so a benchmark's baseline renders as
# plain reportlab does (bench/sealing_speed.py).

_render_caches: contextvars.ContextVar[bool] = contextvars.ContextVar("jiudi_render_caches", default=True)
_SUBSET_SIZE = 256
_MAX_KEPT_FONT_FILES = 64
_KEPT_LEVEL = 9
_OWN_LEVEL = 3
_kept_font_files: dict[tuple[str, bytes, tuple[int, ...]], tuple[int, bytes]] = {}  # -> (Length1, deflated file)
_seeded_subsets: set[tuple[str, tuple[int, ...]]] = set()  # (face file, subset) as seeding made them: kept
_seeded_characters: set[int] = set()  # the code points of those subsets


@contextlib.contextmanager
def plain_rendering() -> Iterator[None]:
    """Render without Jiudi's caches in this context (seeded subsets, kept font files): as plain reportlab."""
    token = _render_caches.set(False)
    try:
        yield
    finally:
        _render_caches.reset(token)


def is_seeded_character(ch: str) -> bool:
    """Whether ``ch`` is in a subset that seeding made (ASCII or the fixed wording: never only a party's)."""
    return ord(ch) in _seeded_characters


def render_caches_enabled() -> bool:
    """Whether Jiudi's render caches are on in this context (they are unless in ``plain_rendering()``)."""
    return _render_caches.get()


@lru_cache(maxsize=8)
def _seed(wording: str) -> tuple[tuple[str, str], ...]:
    """The (face, characters) to seed a document with for ``wording``, first occurrence first: for the Song face
    its characters beyond ASCII, as many as fill whole subsets of a fresh document, so a seeded subset has no room
    for a document's own characters; for each fallback face the characters of ``wording`` that only it has (the
    〇 of every closing date), whose first subset then holds ASCII and those characters and is kept only while
    the document adds none of its own. The subsets they make are recorded as the ones whose font files may be
    kept."""
    coverage = _song_coverage()
    characters = "".join(dict.fromkeys(ch for ch in wording if ord(ch) >= 128 and ord(ch) in coverage))
    font = pdfmetrics.getFont(SONG)
    scratch = pdfdoc.PDFDocument()
    font.splitString(characters, scratch)
    full = {code for subset in font.state[scratch].subsets if len(subset) == _SUBSET_SIZE for code in subset}
    del font.state[scratch]
    prefix = ""
    for ch in characters:
        if ord(ch) not in full:
            break
        prefix += ch
    seeds = [(SONG, prefix)] if prefix else []
    rare = "".join(dict.fromkeys(ch for ch in wording if ord(ch) >= 128 and ord(ch) not in coverage))
    for source in FALLBACK_SOURCES:
        only_here = "".join(ch for ch in rare if font_for_char(ch) == source.name)
        if only_here:
            seeds.append((source.name, only_here))
    for name, seed in seeds:
        face_font = pdfmetrics.getFont(name)
        scratch = pdfdoc.PDFDocument()
        face_font.splitString(seed, scratch)
        with _lock:
            _seeded_subsets.update((face_font.face.filename, tuple(s)) for s in face_font.state[scratch].subsets)
            _seeded_characters.update(code for s in face_font.state[scratch].subsets for code in s if code)
        del face_font.state[scratch]
    return tuple(seeds)


def seed_subsets(canvas: Canvas, wording: str) -> None:
    """Give the faces the characters of the fixed ``wording`` first (in the order they appear): the Song face as
    many as fill whole subsets, so those subsets are the same in every document seeded with the same wording;
    each fallback face the characters only it has."""
    if not _render_caches.get():
        return
    for name, seed in _seed(wording):
        pdfmetrics.getFont(name).splitString(seed, canvas._doc)


@dataclass(frozen=True)
class _KeptFontDictionary:
    """What a kept subset's Font dictionary holds that is the same in every document: its widths, already written
    as a PDF array, and its ToUnicode CMap, already deflated (as reportlab deflates it)."""

    widths: bytes
    to_unicode: bytes


_kept_font_dictionaries: dict[tuple[str, bytes, tuple[int, ...]], _KeptFontDictionary] = {}


def _flate_stream(deflated: bytes) -> pdfdoc.PDFStream:
    """A stream whose content is deflated already: a dictionary that names its /Filter is written as it is."""
    return pdfdoc.PDFStream(
        pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])}), deflated)


def _add_font_objects(self: TTFont, doc: pdfdoc.PDFDocument) -> None:
    """reportlab's TTFont.addObjects (the Font dictionary of every subset of this face in ``doc``), with a kept
    subset's widths and ToUnicode CMap made once, like its font file (``_add_subset_objects``)."""
    state = self.state[doc]
    state.frozen = 1
    face = self.face
    for n, subset in enumerate(state.subsets):
        internal_name = self.getSubsetInternalName(n, doc)[1:]
        base_font_name = b"".join((ttfonts.SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
        pdf_font = pdfdoc.PDFTrueTypeFont()
        pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
        pdf_font.Name = internal_name
        pdf_font.BaseFont = base_font_name
        pdf_font.FirstChar = 0
        pdf_font.LastChar = len(subset) - 1
        seeded = (face.filename, tuple(subset)) in _seeded_subsets
        key = (face.filename, face.subfontNameX, tuple(subset))
        kept = _kept_font_dictionaries.get(key) if seeded else None
        if kept is None:
            widths = pdfdoc.PDFArray(list(map(face.getCharWidth, subset)))
            to_unicode = ttfonts.makeToUnicodeCMap(base_font_name, subset)
            if seeded:
                kept = _KeptFontDictionary(widths.format(doc), zlib.compress(to_unicode.encode("utf8")))
                with _lock:
                    if len(_kept_font_dictionaries) < _MAX_KEPT_FONT_FILES:
                        _kept_font_dictionaries[key] = kept
        if kept is None:
            pdf_font.Widths = widths
            cmap = pdfdoc.PDFStream(content=to_unicode, filters=[pdfdoc.PDFZCompress])
        else:
            pdf_font.Widths = kept.widths  # bytes: written as they are
            cmap = _flate_stream(kept.to_unicode)
        pdf_font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base_font_name)
        pdf_font.FontDescriptor = face.addSubsetObjects(doc, base_font_name, subset)
        doc.Reference(pdf_font, internal_name)
        doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
    del self.state[doc]


def _add_subset_objects(self: ttfonts.TTFontFace, doc: pdfdoc.PDFDocument, fontname: str, subset: list[int]) -> Any:
    if not (_render_caches.get() and doc.compression):
        return _original_add_subset_objects(self, doc, fontname, subset)
    fixed = (self.filename, tuple(subset)) in _seeded_subsets
    key = (self.filename, self.subfontNameX, tuple(subset))
    kept = _kept_font_files.get(key) if fixed else None
    if kept is None:
        raw = self.makeSubset(subset)
        # A kept file is deflated once, as hard as zlib can; a document's own subset at a level that costs half
        # of zlib's default for a file ~5 % larger.
        kept = (len(raw), zlib.compress(raw, _KEPT_LEVEL if fixed else _OWN_LEVEL))
        if fixed:
            with _lock:
                if len(_kept_font_files) < _MAX_KEPT_FONT_FILES:
                    _kept_font_files[key] = kept
    # reportlab's TTFontFace.addSubsetObjects, with the font file already deflated: a stream whose dictionary names
    # its /Filter is written as it is (pdfdoc.PDFStream.format).
    length1, deflated = kept
    font_file = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary({"Length1": length1, "Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])}),
        deflated,
    )
    font_file_ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
    descriptor = pdfdoc.PDFDictionary({
        "Type": "/FontDescriptor", "Ascent": self.ascent, "CapHeight": self.capHeight, "Descent": self.descent,
        "Flags": (self.flags & ~ttfonts.FF_NONSYMBOLIC) | ttfonts.FF_SYMBOLIC, "FontBBox": pdfdoc.PDFArray(self.bbox),
        "FontName": pdfdoc.PDFName(fontname), "ItalicAngle": self.italicAngle, "StemV": self.stemV,
        "FontFile2": font_file_ref, "MissingWidth": self.defaultWidth,
    })
    return doc.Reference(descriptor, "fontDescriptor:" + fontname)


if getattr(ttfonts.TTFontFace.addSubsetObjects, "__name__", "") != "_add_subset_objects":
    _original_add_subset_objects = ttfonts.TTFontFace.addSubsetObjects
    ttfonts.TTFontFace.addSubsetObjects = _add_subset_objects  # type: ignore[method-assign]


def _get_table(self: ttfonts.TTFontFile, tag: str) -> bytes:
    """reportlab's get_table, but the glyph table — which makeSubset reads whole for every subset it cuts, a copy
    of several megabytes each time — is copied once per face and kept (with the caches on)."""
    if tag != "glyf" or not _render_caches.get():
        return _original_get_table(self, tag)
    kept: bytes | None = self.__dict__.get("_jiudi_glyf")
    if kept is None:
        kept = self._jiudi_glyf = _original_get_table(self, tag)
    return kept


if getattr(ttfonts.TTFontFile.get_table, "__name__", "") != "_get_table":
    _original_get_table = ttfonts.TTFontFile.get_table
    ttfonts.TTFontFile.get_table = _get_table  # type: ignore[method-assign]
