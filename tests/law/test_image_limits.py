"""Images whose size is read from their header before anything is decoded (confirm/law/uploads.py): a signature
is a signature pad's PNG that decodes completely; an image document has a bounded number of pixels."""

import io

import pytest
from PIL import Image

from confirm.law.errors import DomainError
from confirm.law.uploads import (
    MAX_DOCUMENT_PIXELS,
    image_size,
    require_acceptable_document,
    require_png,
)
from tests.law.png_bombs import declared_png


def test_the_size_of_a_decompression_bomb_is_read_from_its_header_without_decoding():
    bomb = declared_png(20000, 20000)
    assert len(bomb) < 100_000  # 400 million pixels in a few dozen kilobytes
    assert image_size(bomb, "image/png") == (20000, 20000)
    assert image_size(b"\x89PNG\r\n\x1a\n broken", "image/png") is None


@pytest.mark.parametrize("size", [(20000, 20000), (12000, 12000), (2001, 100), (100, 2001), (1500, 1500)])
def test_a_signature_larger_than_a_signature_pad_is_refused_as_422(size):
    with pytest.raises(DomainError) as caught:
        require_png(declared_png(*size), field="recipients[0].signature_png")
    assert caught.value.status == 422 and caught.value.code == "service.signature_dimensions"
    assert caught.value.problems[0].field == "recipients[0].signature_png"
    assert f"{size[0]}×{size[1]}" in caught.value.message


@pytest.mark.parametrize("size", [(600, 200), (2000, 1000), (1000, 2000)])
def test_a_signature_pads_png_is_accepted(size):
    require_png(declared_png(*size))


def test_a_signature_whose_pixels_are_cut_off_is_refused():
    buf = io.BytesIO()
    Image.effect_noise((600, 200), 64).save(buf, "PNG")  # noise: its pixel data does not fit in one short block
    cut = buf.getvalue()[: len(buf.getvalue()) // 2]
    with pytest.raises(DomainError) as caught:
        require_png(cut)
    assert caught.value.status == 422 and caught.value.code == "service.signature_unreadable"


def test_an_image_document_of_too_many_pixels_is_refused_and_a_scan_is_not():
    with pytest.raises(DomainError) as caught:
        require_acceptable_document(declared_png(20000, 20000))
    assert caught.value.status == 422 and caught.value.code == "document.image_too_large"
    assert 8000 * 8000 == MAX_DOCUMENT_PIXELS
    assert require_acceptable_document(declared_png(8000, 8000)) == "image/png"  # the most a page may have
    photo = io.BytesIO()
    Image.new("RGB", (4000, 3000)).save(photo, "JPEG")
    assert image_size(photo.getvalue(), "image/jpeg") == (4000, 3000)
    assert require_acceptable_document(photo.getvalue()) == "image/jpeg"
