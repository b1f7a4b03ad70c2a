"""Every document looks as it did: each page rendered with pdftoppm is compared with a reference PNG.

The references in tests/templates/reference/ are small (56 dpi, 32-colour palette) and shown in
docs/documents.md. After a deliberate change of layout or wording, regenerate them and look at every one:

    JIUDI_UPDATE_REFERENCES=1 .venv/bin/python -m pytest tests/templates/test_visual_regression.py
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from templates import render_address_confirmation, render_ruling, render_service_receipt, render_service_voucher
from templates.model import AddressConfirmationContent, ReceiptContent, RulingContent, VoucherContent

REFERENCE_DIR = Path(__file__).parent / "reference"
DPI = 56
PALETTE_COLOURS = 32
# The palette alone moves a pixel by up to ~30 grey levels; one changed character moves dozens by more than 48.
MAX_MEAN_DIFFERENCE = 1.0  # grey levels (0–255), averaged over the page
CHANGED_LEVEL = 48
MAX_CHANGED_PIXELS = 25  # pixels more than CHANGED_LEVEL grey levels apart


def update_requested() -> bool:
    return os.environ.get("JIUDI_UPDATE_REFERENCES") == "1"


def assert_matches_reference(name: str, image: Image.Image) -> None:
    """Compare `image` with reference/<name>.png, or (re)write the reference when JIUDI_UPDATE_REFERENCES=1."""
    path = REFERENCE_DIR / f"{name}.png"
    if update_requested():
        REFERENCE_DIR.mkdir(exist_ok=True)
        image.quantize(PALETTE_COLOURS).save(path, optimize=True)
        return
    if not path.is_file():
        pytest.fail(f"no reference image {path.name}: run with JIUDI_UPDATE_REFERENCES=1 and look at it")
    reference = Image.open(path).convert("L")
    current = image.convert("L")
    assert current.size == reference.size, f"{name}: page size changed"
    difference = ImageChops.difference(current, reference)
    mean = ImageStat.Stat(difference).mean[0]
    histogram = difference.histogram()
    changed = sum(histogram[CHANGED_LEVEL + 1 :])
    if mean > MAX_MEAN_DIFFERENCE or changed > MAX_CHANGED_PIXELS:
        out = Path(os.environ.get("TMPDIR", "/tmp")) / f"jiudi-{name}-actual.png"
        image.save(out)
        pytest.fail(
            f"{name} differs from its reference: mean {mean:.2f} grey levels, {changed} pixels changed "
            f"(rendering saved to {out})"
        )


def _pages(poppler, pdf: bytes) -> list[Image.Image]:
    return [poppler.png(pdf, page=i, dpi=DPI) for i in range(len(poppler.pages(pdf)))]


def _outcome(confirmed: RulingContent, outcome: str) -> RulingContent:
    changes: dict[str, object] = {"outcome": outcome}
    if outcome == "rejected":
        changes.update(
            grounds=("violates_mandatory_law", "unclear_content"),
            reasoning="调解协议约定的利息超过法律规定的上限，且未载明履行期限。",
            verification_method="in_person",
        )
    elif outcome == "not_accepted":
        changes.update(grounds=("outside_jurisdiction",), verification_method=None, verification_at=None)
    return dataclasses.replace(confirmed, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "outcome", ["confirmed", "rejected", "not_accepted", "withdrawal_permitted", "treated_as_withdrawn"]
)
def test_ruling_looks_as_its_reference(confirmed: RulingContent, outcome: str, poppler):
    pages = _pages(poppler, render_ruling(_outcome(confirmed, outcome)).pdf)
    for i, page in enumerate(pages, start=1):
        assert_matches_reference(f"ruling-{outcome}-{i}", page)
    if not update_requested():
        assert not (REFERENCE_DIR / f"ruling-{outcome}-{len(pages) + 1}.png").exists(), "a page went missing"


def test_service_receipt_looks_as_its_reference(receipt: ReceiptContent, poppler):
    [page] = _pages(poppler, render_service_receipt(receipt).pdf)
    assert_matches_reference("receipt", page)


def test_electronic_service_voucher_looks_as_its_reference(voucher: VoucherContent, poppler):
    [page] = _pages(poppler, render_service_voucher(voucher).pdf)
    assert_matches_reference("voucher", page)


def test_address_confirmation_looks_as_its_reference(address_confirmation: AddressConfirmationContent, poppler):
    [page] = _pages(poppler, render_address_confirmation(address_confirmation).pdf)
    assert_matches_reference("address", page)


def test_the_comparison_notices_a_changed_word(confirmed: RulingContent, poppler):
    if update_requested():
        pytest.skip("references are being rewritten")
    changed = dataclasses.replace(confirmed, judge_name="孙八")
    last = _pages(poppler, render_ruling(changed).pdf)[-1]
    with pytest.raises(pytest.fail.Exception, match="differs from its reference"):
        assert_matches_reference("ruling-confirmed-2", last)
