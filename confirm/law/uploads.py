"""What the court accepts as a filed document: PDF, JPEG or PNG, recognised by content, at most 20 MB."""

from __future__ import annotations

from confirm.law.errors import DomainError

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

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


def require_acceptable_document(content: bytes) -> str:
    """The media type of an acceptable upload; raise 413/415 otherwise. Size first: it is cheaper to tell."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DomainError("document.too_large", "文件超过20MB，请压缩或分拆后上传", 413)
    if not content:
        raise DomainError("document.empty", "文件为空，请重新选择文件", 400)
    media_type = sniff_content_type(content[:1024])
    if media_type is None:
        raise DomainError("document.unsupported_type", "只能上传PDF、JPEG或PNG文件", 415)
    return media_type


def require_png(content: bytes) -> None:
    """A handwritten signature captured on the tablet must be a PNG image."""
    if not content.startswith(b"\x89PNG\r\n\x1a\n"):
        raise DomainError("service.signature_not_png", "签名图片必须是PNG格式", 415)
    if len(content) > 2 * 1024 * 1024:
        raise DomainError("service.signature_too_large", "签名图片不能超过2MB", 413)
