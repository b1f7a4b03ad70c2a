"""Every document looks as it did: each page rendered with pdftoppm is compared with a reference PNG.

The references in tests/templates/reference/ are 100 dpi, 32-colour palette PNGs, shown in docs/documents.md.
After a deliberate change of layout or wording, regenerate them and look at every one:

    JIUDI_UPDATE_REFERENCES=1 .venv/bin/python -m pytest tests/templates/test_visual_regression.py

How the tolerance was chosen (measured with Debian 12's poppler-utils and the fonts of docs/fonts.md): the
32-colour palette of a reference moves a pixel of a faithful rendering by up to 37 grey levels and none by more than
CHANGED_LEVEL (64), so a faithful rendering has 0 changed pixels. One changed glyph at 100 dpi changes 15 or more:
a digit of the case number (民特123号 → 民特128号) 21, 。→； 26, 。→， 18, ，→、 15, one minute of a receipt's time
(15时05分 → 15时06分) 17. The former 56 dpi test counted pixels more than 48 levels apart: these same changes were
5–12 of them, under its limit of 25. The self-checks at the end make sure one digit, one punctuation mark and one
minute fail.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from templates import render_address_confirmation, render_ruling, render_service_receipt, render_service_voucher
from templates.dates import arabic_time
from templates.execution import render_execution_application
from templates.model import (
    AddressConfirmationContent,
    ExecutionApplicationContent,
    ObjectionRulingContent,
    PerformanceCertificateContent,
    ReceiptContent,
    RulingContent,
    VoucherContent,
)
from templates.objection import render_objection_ruling
from templates.performance import render_performance_certificate

REFERENCE_DIR = Path(__file__).parent / "reference"
DPI = 100
PALETTE_COLOURS = 32
# The palette alone moves a pixel by up to 37 grey levels; one changed digit or punctuation mark moves 15 or more
# pixels by more than 64 (see the module docstring), a faithful rendering none.
MAX_MEAN_DIFFERENCE = 1.0  # grey levels (0–255), averaged over the page
CHANGED_LEVEL = 64
MAX_CHANGED_PIXELS = 4  # pixels more than CHANGED_LEVEL grey levels apart


def update_requested() -> bool:
    return os.environ.get("JIUDI_UPDATE_REFERENCES") == "1"


@dataclasses.dataclass(frozen=True)
class Difference:
    mean: float  # grey levels, averaged over the page
    changed: int  # pixels more than CHANGED_LEVEL grey levels apart

    @property
    def within_tolerance(self) -> bool:
        return self.mean <= MAX_MEAN_DIFFERENCE and self.changed <= MAX_CHANGED_PIXELS


def compare_with_reference(name: str, image: Image.Image) -> Difference:
    """How far `image` is from reference/<name>.png, in grey levels."""
    path = REFERENCE_DIR / f"{name}.png"
    if not path.is_file():
        pytest.fail(f"no reference image {path.name}: run with JIUDI_UPDATE_REFERENCES=1 and look at it")
    reference = Image.open(path).convert("L")
    current = image.convert("L")
    assert current.size == reference.size, f"{name}: page size changed"
    difference = ImageChops.difference(current, reference)
    changed = sum(difference.histogram()[CHANGED_LEVEL + 1 :])
    return Difference(mean=ImageStat.Stat(difference).mean[0], changed=changed)


def assert_matches_reference(name: str, image: Image.Image) -> None:
    """Compare `image` with reference/<name>.png, or (re)write the reference when JIUDI_UPDATE_REFERENCES=1."""
    if update_requested():
        REFERENCE_DIR.mkdir(exist_ok=True)
        image.quantize(PALETTE_COLOURS).save(REFERENCE_DIR / f"{name}.png", optimize=True)
        return
    difference = compare_with_reference(name, image)
    if not difference.within_tolerance:
        out = Path(os.environ.get("TMPDIR", "/tmp")) / f"jiudi-{name}-actual.png"
        image.save(out)
        pytest.fail(
            f"{name} differs from its reference: mean {difference.mean:.2f} grey levels, "
            f"{difference.changed} pixels changed "
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
    elif outcome == "withdrawal_permitted":  # the first applicant asked, on the day after the application
        changes.update(withdrawn_by=(confirmed.parties[0].name,), withdrawal_requested_on=date(2026, 11, 26),
                       verification_method=None, verification_at=None)
    elif outcome == "treated_as_withdrawn":
        changes.update(supplement_ordered_on=date(2026, 11, 21), supplement_deadline=date(2026, 11, 27),
                       supplement_reason="调解协议第二条约定的付款期限", verification_method=None, verification_at=None)
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


def test_receipt_of_a_ruling_left_at_the_residence_looks_as_its_reference(refused_receipt: ReceiptContent, poppler):
    first, last = _pages(poppler, render_service_receipt(refused_receipt).pdf)
    assert_matches_reference("receipt-left_at_residence-1", first)
    assert_matches_reference("receipt-left_at_residence-2", last)


def test_electronic_service_voucher_looks_as_its_reference(voucher: VoucherContent, poppler):
    [page] = _pages(poppler, render_service_voucher(voucher).pdf)
    assert_matches_reference("voucher", page)


def test_address_confirmation_looks_as_its_reference(address_confirmation: AddressConfirmationContent, poppler):
    [page] = _pages(poppler, render_address_confirmation(address_confirmation).pdf)
    assert_matches_reference("address", page)


@pytest.mark.parametrize("outcome", ["revoked", "changed", "rejected"])
def test_ruling_on_an_objection_looks_as_its_reference(objection_ruling: ObjectionRulingContent, outcome: str,
                                                       poppler):
    changes: dict[str, object] = {"outcome": outcome}
    if outcome == "changed":
        changes.update(reasoning="调解协议第二条约定的还款期限记载有误", change_text="确认申请人张晓红与重庆秀山某某商贸有限公司"
                       "达成的调解协议有效，调解协议第二条的付款期限为2027年1月31日前")
    elif outcome == "rejected":
        changes.update(reasoning="异议人未能提供证据证明调解协议处分了其所有的财产，异议不成立")
    pages = _pages(poppler, render_objection_ruling(dataclasses.replace(objection_ruling, **changes)).pdf)  # type: ignore[arg-type]
    for i, page in enumerate(pages, start=1):
        assert_matches_reference(f"objection-{outcome}-{i}", page)
    if not update_requested():
        assert not (REFERENCE_DIR / f"objection-{outcome}-{len(pages) + 1}.png").exists(), "a page went missing"


def test_execution_application_looks_as_its_reference(execution_application: ExecutionApplicationContent, poppler):
    pages = _pages(poppler, render_execution_application(execution_application))
    for i, page in enumerate(pages, start=1):
        assert_matches_reference(f"execution-{i}", page)
    if not update_requested():
        assert not (REFERENCE_DIR / f"execution-{len(pages) + 1}.png").exists(), "a page went missing"


def test_certificate_of_performance_looks_as_its_reference(performance_certificate: PerformanceCertificateContent,
                                                           poppler):
    pages = _pages(poppler, render_performance_certificate(performance_certificate).pdf)
    for i, page in enumerate(pages, start=1):
        assert_matches_reference(f"performance-certificate-{i}", page)
    if not update_requested():
        assert not (REFERENCE_DIR / f"performance-certificate-{len(pages) + 1}.png").exists(), "a page went missing"


def _one_character_changed(before: str, after: str) -> None:
    """The self-checks below change exactly one character, no more: the smallest change a reader must not miss."""
    assert len(before) == len(after) and sum(a != b for a, b in zip(before, after)) == 1, (before, after)


def _rejected_pages(prefix: str, pages: list[Image.Image]) -> dict[str, int]:
    """{reference name: changed pixels} of the pages that `compare_with_reference` finds out of tolerance."""
    if update_requested():
        pytest.skip("references are being rewritten")
    names = [prefix] if len(pages) == 1 else [f"{prefix}-{i}" for i in range(1, len(pages) + 1)]
    differences = {name: compare_with_reference(name, page) for name, page in zip(names, pages)}
    return {name: d.changed for name, d in differences.items() if not d.within_tolerance}


def test_the_comparison_notices_one_changed_digit_of_the_case_number(confirmed: RulingContent, poppler):
    case_number = confirmed.case_number.replace("民特123号", "民特128号")
    _one_character_changed(confirmed.case_number, case_number)
    pages = _pages(poppler, render_ruling(dataclasses.replace(confirmed, case_number=case_number)).pdf)
    rejected = _rejected_pages("ruling-confirmed", pages)
    assert list(rejected) == ["ruling-confirmed-1"], rejected  # the case number is printed on page 1 only


def test_the_comparison_notices_one_changed_punctuation_mark(confirmed: RulingContent, poppler):
    agreement = confirmed.agreement_text.replace("再无其他争议。", "再无其他争议；")
    _one_character_changed(confirmed.agreement_text, agreement)
    pages = _pages(poppler, render_ruling(dataclasses.replace(confirmed, agreement_text=agreement)).pdf)
    rejected = _rejected_pages("ruling-confirmed", pages)
    assert list(rejected) == ["ruling-confirmed-2"], rejected  # the agreement's last clause is on page 2


def test_the_comparison_notices_a_time_one_minute_later(receipt: ReceiptContent, poppler):
    first = receipt.recipients[0]
    later = dataclasses.replace(first, served_at=first.served_at + timedelta(minutes=1))
    _one_character_changed(arabic_time(first.served_at), arabic_time(later.served_at))  # 15时05分 → 15时06分
    changed = dataclasses.replace(receipt, recipients=(later, *receipt.recipients[1:]))
    pages = _pages(poppler, render_service_receipt(changed).pdf)
    assert list(_rejected_pages("receipt", pages)) == ["receipt"]
