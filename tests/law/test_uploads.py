"""Uploaded documents: their type told by their content, their size bounded."""

import pytest

from confirm.law.errors import DomainError
from confirm.law.uploads import MAX_DOCUMENT_BYTES, require_acceptable_document, sniff_content_type


@pytest.mark.parametrize("head, media", [(b"%PDF-1.7\n", "application/pdf"), (b"\xff\xd8\xff\xe0", "image/jpeg"),
                                         (b"\x89PNG\r\n\x1a\n", "image/png"), (b"GIF89a", None), (b"PK\x03\x04", None)])
def test_file_type_is_told_by_magic_bytes(head, media):
    assert sniff_content_type(head) == media


def test_rejects_files_over_20_mb_with_413():
    with pytest.raises(DomainError) as caught:
        require_acceptable_document(b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES)
    assert caught.value.status == 413 and caught.value.code == "document.too_large"


def test_rejects_a_renamed_word_file_with_415():
    with pytest.raises(DomainError) as caught:
        require_acceptable_document(b"PK\x03\x04 not really a pdf")
    assert caught.value.status == 415



def _image(kind: str, size: tuple[int, int]) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (90, 90, 90)).save(out, format=kind)
    return out.getvalue()


def test_a_photo_of_a_ruling_left_at_a_residence_is_a_jpeg_or_png_of_bounded_size():
    from confirm.law.uploads import MAX_PHOTO_BYTES, require_photo

    require_photo(_image("JPEG", (64, 48)), field="p")
    require_photo(_image("PNG", (64, 48)), field="p")
    for content, code in ((b"%PDF-1.7 a scan", "service.photo_not_image"), (b"GIF89a....", "service.photo_not_image"),
                          (b"\xff\xd8\xff" + b"0" * MAX_PHOTO_BYTES, "service.photo_too_large"),
                          (b"\xff\xd8\xff\xe0 truncated", "service.photo_not_image")):
        with pytest.raises(DomainError) as caught:
            require_photo(content, field="recipients[0].photo")
        assert caught.value.code == code
