"""What the court accepts as a filed document: PDF, JPEG or PNG, recognised by content, at most 20 MB; and as a
signature captured on the tablet: a PNG the service receipt can show.

An image's width and height are read from its header, before a single pixel is decoded: a few kilobytes of PNG can
declare 20000×20000 pixels (a decompression bomb), which would cost the worker gigabytes or fail it for ever.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import BinaryIO

from PIL import ImageFile, JpegImagePlugin, PngImagePlugin

from confirm.law.errors import DomainError

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_DOCUMENT_PIXELS = 64_000_000  # a 600 dpi A4 scan has 35 million, a 48-megapixel phone photo 48 million
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024
MAX_PHOTO_BYTES = 8 * 1024 * 1024  # a phone's photo of a ruling left at a door; the service body is 16 MB at most
MAX_SIGNATURE_SIDE = 2000  # the tablet's signature pad is 600×200 pixels
MAX_SIGNATURE_PIXELS = 2_000_000  # 2000×1000 landscape or 1000×2000 portrait: 8 MB once decoded
# the plugins' own classes read the header only, and skip Image.open's bomb check: we check the size ourselves
_HEADER_READERS: dict[str, type[ImageFile.ImageFile]] = {"image/png": PngImagePlugin.PngImageFile,
                                                         "image/jpeg": JpegImagePlugin.JpegImageFile}

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff_content_type(head: bytes) -> str | None:
    """The media type told by the file's first bytes (its magic number), never by its name."""
    for magic, media_type in _SIGNATURES:
        if head.startswith(magic):
            return media_type
    # Some scanners write a few bytes (BOM, whitespace) before the PDF header; PDF readers accept up to 1 KiB.
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    return None


def image_size(content: bytes | BinaryIO, media_type: str) -> tuple[int, int] | None:
    """(width, height) as a PNG's or JPEG's header declares them, read without decoding any pixel; None when the
    header cannot be read. ``content`` may be the bytes or a seekable file at its start (only the header is read)."""
    try:
        with _HEADER_READERS[media_type](io.BytesIO(content) if isinstance(content, bytes) else content) as image:
            return image.size
    except Exception:  # PIL reports a broken header with whatever it hits: SyntaxError, OSError, struct.error …
        return None


def require_acceptable_document(content: bytes) -> str:
    """The media type of an acceptable upload; raise 413/415 otherwise, 422 for an image of more pixels than a
    page viewer may decode. Size first: it is cheaper to tell."""
    return require_acceptable_upload(len(content), content[:1024], lambda media_type: image_size(content, media_type))


def require_acceptable_upload(size: int, head: bytes,
                              dimensions: Callable[[str], tuple[int, int] | None]) -> str:
    """``require_acceptable_document`` told by the upload's size, its first 1 KiB and its declared dimensions (asked
    for images only), so a 20 MB upload is judged without being read whole."""
    if size > MAX_DOCUMENT_BYTES:
        raise DomainError("document.too_large", "文件超过20MB，请压缩或分拆后上传", 413)
    if not size:
        raise DomainError("document.empty", "文件为空，请重新选择文件", 400)
    media_type = sniff_content_type(head[:1024])
    if media_type is None:
        raise DomainError("document.unsupported_type", "只能上传PDF、JPEG或PNG文件", 415)
    declared = dimensions(media_type) if media_type in _HEADER_READERS else None
    if declared is not None and declared[0] * declared[1] > MAX_DOCUMENT_PIXELS:
        raise DomainError.for_field("file", "document.image_too_large",
                                    f"图片尺寸过大（{declared[0]}×{declared[1]}像素），不能超过6400万像素，请缩小后重新上传")
    return media_type


def require_png(content: bytes, *, field: str = "signature_png") -> None:
    """A handwritten signature captured on the tablet: a PNG of at most 2 MB and signature-pad dimensions (read from
    its header before anything is decoded) that decodes completely, so the worker can always draw it."""
    if not content.startswith(b"\x89PNG\r\n\x1a\n"):
        raise DomainError("service.signature_not_png", "签名图片必须是PNG格式", 415)
    if len(content) > MAX_SIGNATURE_BYTES:
        raise DomainError("service.signature_too_large", "签名图片不能超过2MB", 413)
    size = image_size(content, "image/png")
    if size is None:
        raise _unreadable_signature(field)
    width, height = size
    if max(width, height) > MAX_SIGNATURE_SIDE or width * height > MAX_SIGNATURE_PIXELS:
        raise DomainError.for_field(field, "service.signature_dimensions",
                                    f"签名图片尺寸过大（{width}×{height}像素）：宽、高均不能超过2000像素，"
                                    "总像素不能超过200万，请重新签名")
    try:
        with PngImagePlugin.PngImageFile(io.BytesIO(content)) as image:
            image.load()
    except Exception:  # truncated or corrupt pixel data: the receipt could never be drawn
        raise _unreadable_signature(field) from None


def require_photo(content: bytes, *, field: str) -> None:
    """A photo of a ruling left at the residence (留置送达, CPL 89): a JPEG or PNG a phone takes, at most 8 MB and
    64 million pixels by its header; it is kept as evidence, not printed."""
    if len(content) > MAX_PHOTO_BYTES:
        raise DomainError.for_field(field, "service.photo_too_large", "现场照片不能超过8MB，请压缩后重新上传")
    media_type = sniff_content_type(content[:16])
    if media_type not in _HEADER_READERS:
        raise DomainError.for_field(field, "service.photo_not_image", "现场照片必须是JPEG或PNG图片")
    size = image_size(content, media_type)
    if size is None or size[0] * size[1] > MAX_DOCUMENT_PIXELS:
        raise DomainError.for_field(field, "service.photo_not_image",
                                    "现场照片无法读取或尺寸过大（不能超过6400万像素），请重新拍摄")


def _unreadable_signature(field: str) -> DomainError:
    return DomainError.for_field(field, "service.signature_unreadable", "签名图片已损坏，无法读取，请重新签名")
