"""The printed page every court document shares: A4 with the GB/T 9704 type area, footers and the DEV marker.

GB/T 9704-2012: top margin 37 mm, binding (left) margin 28 mm, a 156 × 225 mm text block holding 22 lines of
28 characters in 三号 (16 pt). 28 characters of 16 pt are 158 mm, so, as word processors do with their
character grid, each character advances 156/28 mm: a tracking of −0.2 pt nobody sees.

Every document is written as PDF/A-2b as far as reportlab allows (ISO 19005-2, level B): XMP metadata that
repeats the document information and declares pdfaid:part 2 / conformance B, and an output intent with an
sRGB ICC profile (built by littlecms through Pillow). docs/documents.md says which requirements are met.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from PIL import ImageCms
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from templates.fonts import SONG, ensure_fonts
from templates.layout import draw_string

MM = 72.0 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 37 * MM
MARGIN_LEFT = 28 * MM
TEXT_WIDTH = 156 * MM
TEXT_HEIGHT = 225 * MM
TEXT_LEFT = MARGIN_LEFT
TEXT_RIGHT = MARGIN_LEFT + TEXT_WIDTH
TEXT_TOP = PAGE_HEIGHT - MARGIN_TOP
TEXT_BOTTOM = TEXT_TOP - TEXT_HEIGHT

BODY_SIZE = 16.0  # 三号
TITLE_SIZE = 22.0  # 二号
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
ADVANCE = TEXT_WIDTH / CHARS_PER_LINE
TRACKING = ADVANCE - BODY_SIZE
LEADING = TEXT_HEIGHT / LINES_PER_PAGE

SEAL_SIZE = 119.0  # a 42 mm court seal
SEAL_RED = Color(0.86, 0.08, 0.10)
FOOTER_SIZE = 12.0  # 小四
MARKER_SIZE = 10.5  # 五号

# Glyphs of the Arphic faces span −0.12 em to 0.88 em: their visual centre is 0.38 em above the baseline.
GLYPH_CENTRE = 0.38


def baseline_in_row(row_top: float, row_height: float, size: float) -> float:
    """The baseline that centres a line of `size`-point characters in a row."""
    return row_top - row_height / 2 - GLYPH_CENTRE * size


def new_canvas(buffer: io.BytesIO, *, title: str, author: str, subject: str, dev_mode: bool) -> Canvas:
    """An A4 canvas that never references a base-14 font, with the document's metadata."""
    ensure_fonts()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=SONG, initialFontSize=BODY_SIZE)
    canvas._doc.info = _Info()
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject + ("（开发测试，无法律效力）" if dev_mode else ""))
    canvas.setCreator("Jiudi")
    canvas.setProducer("Jiudi")
    keywords = "DEV" if dev_mode else ""
    if keywords:
        canvas.setKeywords(keywords)
    _declare_pdfa(canvas, title=title, author=author, subject=canvas._doc.info.subject, keywords=keywords)
    return canvas


# --- PDF/A-2b ---------------------------------------------------------------------------------------------

def _stream_with_eol(format_stream: Callable[[pdfdoc.PDFStream, pdfdoc.PDFDocument], bytes]) -> Any:
    """reportlab writes ``…data endstream``; PDF/A (ISO 19005-2 6.1.7.1) wants an end-of-line marker before
    ``endstream``, outside /Length. Wraps reportlab's own method, so /Length and the data stay reportlab's."""

    def format(self: pdfdoc.PDFStream, document: pdfdoc.PDFDocument) -> bytes:
        written = format_stream(self, document)
        assert written.endswith(b"endstream\n"), "reportlab's stream layout changed"
        return written[: -len(b"endstream\n")] + b"\nendstream\n"

    format.jiudi_eol = True  # type: ignore[attr-defined]
    return format


if not getattr(pdfdoc.PDFStream.format, "jiudi_eol", False):
    pdfdoc.PDFStream.format = _stream_with_eol(pdfdoc.PDFStream.format)  # type: ignore[method-assign]


class _Info(pdfdoc.PDFInfo):
    """The document information dictionary without /Trapped: the XMP of PDF/A-2 has no property that
    validators agree on for it, and an Info entry without its XMP equivalent is a PDF/A error."""

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        when = pdfdoc.PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter)
        entries = {"Title": pdfdoc.PDFString(self.title), "Author": pdfdoc.PDFString(self.author),
                   "Subject": pdfdoc.PDFString(self.subject), "Keywords": pdfdoc.PDFString(self.keywords),
                   "Creator": pdfdoc.PDFString(self.creator), "Producer": pdfdoc.PDFString(self.producer),
                   "CreationDate": when, "ModDate": when}
        return bytes(pdfdoc.PDFDictionary(entries).format(document))

OUTPUT_CONDITION = "sRGB IEC61966-2.1"


@lru_cache(maxsize=1)
def srgb_icc_profile() -> bytes:
    """An sRGB ICC profile (littlecms's built-in one), for the output intent."""
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def _xmp_date(canvas: Canvas) -> str:
    """The document's timestamp as XMP writes it; the same instant reportlab puts in /CreationDate."""
    stamp = canvas._doc._timeStamp
    year, month, day, hour, minute, second = stamp.YMDhms
    sign = "-" if stamp.dhh < 0 else "+"
    return (
        f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
        f"{sign}{abs(stamp.dhh):02d}:{stamp.dmm:02d}"
    )


def xmp_packet(*, title: str, author: str, subject: str, keywords: str, when: str) -> bytes:
    """XMP metadata equivalent to the document information dictionary, declaring PDF/A-2b."""
    t, a, s, k = (escape(v) for v in (title, author, subject, keywords))
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{a}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{s}</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>Jiudi</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
   <xmp:MetadataDate>{when}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>Jiudi</pdf:Producer>
   <pdf:Keywords>{k}</pdf:Keywords>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
""".encode()


class _UnfilteredStream(pdfdoc.PDFStream):
    """A stream written as it is, without a /Filter entry: PDF/A wants the XMP packet readable by any tool."""

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        dictionary = pdfdoc.PDFDictionary(self.dictionary.dict.copy())
        content = document.encrypt.encode(self.content)
        dictionary["Length"] = len(content)
        return (
            pdfdoc.format(dictionary, document)
            + b"\nstream\n"
            + pdfdoc.format(content, document)
            + b"\nendstream\n"
        )


def _declare_pdfa(canvas: Canvas, *, title: str, author: str, subject: str, keywords: str) -> None:
    """Attach the XMP metadata stream and the sRGB output intent to the document catalog."""
    doc = canvas._doc
    metadata = _UnfilteredStream(
        pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}),
        xmp_packet(title=title, author=author, subject=subject, keywords=keywords, when=_xmp_date(canvas)),
    )
    profile = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary({"N": 3}), srgb_icc_profile(), filters=[pdfdoc.PDFZCompress]
    )
    intent = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("OutputIntent"),
            "S": pdfdoc.PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": pdfdoc.PDFString(OUTPUT_CONDITION),
            "Info": pdfdoc.PDFString(OUTPUT_CONDITION),
            "RegistryName": pdfdoc.PDFString("http://www.color.org"),
            "DestOutputProfile": doc.Reference(profile),
        }
    )
    catalog = doc.Catalog
    catalog.Metadata = metadata
    catalog.OutputIntents = pdfdoc.PDFArray([doc.Reference(intent)])
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents"]  # written inline, not as a ref


def draw_watermark(canvas: Canvas, text: str) -> None:
    """A large, pale diagonal word across the page, drawn first so the text stays legible over it (previews)."""
    canvas.saveState()
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(45)
    draw_string(canvas, text, 0, 0, 96, align="center", color=Color(1.0, 0.86, 0.86))
    canvas.restoreState()


def draw_page_furniture(canvas: Canvas, *, footer: str | None, dev_marker: str | None) -> None:
    """The footer (第 N 页 共 M 页) and, for development documents, the red marker above the text block."""
    if footer:
        draw_string(canvas, footer, PAGE_WIDTH / 2, 22 * MM, FOOTER_SIZE, align="center")
    if dev_marker:
        draw_string(
            canvas,
            dev_marker,
            PAGE_WIDTH / 2,
            PAGE_HEIGHT - 20 * MM,
            MARKER_SIZE,
            align="center",
            color=SEAL_RED,
        )
