"""Visible appearance of a seal: a one-page vector PDF imported as a form XObject into the signature widget.

pyHanko's ``StaticStampStyle.from_pdf_file`` reads the appearance from a file; ``PdfBytesPage`` does the same from
bytes in memory, so a rendered seal appearance never touches the disk. A court seals with the same appearance every
time, so the parsed appearance is kept (a few per process): parsing it again took ~4.5 ms of every seal, importing
it from the kept reader ~0.4 ms.
"""

from __future__ import annotations

import binascii
import threading
import uuid
from functools import lru_cache
from io import BytesIO

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.stamp import BaseStampStyle, StaticStampStyle

# fill the whole widget, keep the seal round
_FILL_BOX = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MID,
    y_align=layout.AxisAlignment.ALIGN_MID,
    margins=layout.Margins(),
    inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
)
OUTLINE_WIDTH = 1


class PdfBytesPage(PdfContent):
    """One page of an in-memory PDF, imported as a form XObject (the bytes-based twin of ``ImportedPdfPage``)."""

    def __init__(self, pdf: bytes, page_ix: int = 0) -> None:
        self.pdf = pdf
        self.page_ix = page_ix
        super().__init__()

    def render(self) -> bytes:
        writer = self._ensure_writer
        reader, lock = _parsed(self.pdf)
        with lock:  # the reader reads its stream lazily: one import at a time (after the first, all is cached)
            xobj = writer.import_page_as_xobject(reader, page_ix=self.page_ix)
        resource_name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[resource_name.decode("ascii")] = xobj
        # the imported page's MediaBox is the natural size for layout
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return resource_name + b" Do"


@lru_cache(maxsize=16)
def _parsed(pdf: bytes) -> tuple[PdfFileReader, threading.Lock]:
    """The appearance PDF parsed once (one per court seal design), with the lock that serialises its use."""
    return PdfFileReader(BytesIO(pdf)), threading.Lock()


def stamp_style_for(appearance_pdf: bytes | None) -> BaseStampStyle:
    """The stamp style for one seal: the imported appearance filling the box, or a thin outline without one.

    A new style object per seal, because pyHanko content objects hold per-document state.
    """
    if appearance_pdf is None:
        return StaticStampStyle(border_width=OUTLINE_WIDTH)
    return StaticStampStyle(
        background=PdfBytesPage(appearance_pdf),
        background_opacity=1.0,
        background_layout=_FILL_BOX,
        border_width=0,
    )
