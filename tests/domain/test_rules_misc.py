"""Case numbers, masking, uploads, the lifecycle and the decision's lawful shape."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from confirm.domain.case_numbers import CaseNumber
from confirm.domain.errors import DomainError
from confirm.domain.lifecycle import Action, require_allowed
from confirm.domain.masking import mask_party, mask_person_name
from confirm.domain.review import DecisionIn, acceptance_deadline, check_decision, review_deadline, risk_flags
from confirm.domain.uploads import MAX_DOCUMENT_BYTES, require_acceptable_document, sniff_content_type

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)
REJECT_GROUNDS = {"violates_mandatory_law": "…", "other": "…"}


def test_case_number_has_full_width_brackets_and_no_padding():
    assert str(CaseNumber(2026, "渝0241", 1)) == "（2026）渝0241民特1号"
    assert str(CaseNumber(2026, "渝0241", 123)) == "（2026）渝0241民特123号"


def test_case_number_round_trips():
    assert CaseNumber.parse("（2026）渝0241民特45号") == CaseNumber(2026, "渝0241", 45)
    with pytest.raises(ValueError):
        CaseNumber.parse("(2026)渝0241民特045号")


@pytest.mark.parametrize("name, masked", [("张三", "张某某"), ("欧阳明", "欧阳某某"), ("司马相如", "司马某某"),
                                          ("王小明", "王某某")])
def test_masks_given_name_and_keeps_surname(name, masked):
    assert mask_person_name(name) == masked


def test_organisation_names_are_not_masked():
    assert mask_party("organization", "秀山县某某建材有限公司") == "秀山县某某建材有限公司"


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


def test_a_submitted_application_cannot_be_edited():
    with pytest.raises(DomainError) as caught:
        require_allowed("submitted", Action.EDIT)
    assert caught.value.status == 409 and caught.value.code == "application.invalid_state"
    require_allowed("returned", Action.EDIT)


def test_review_clocks():
    assert acceptance_deadline(date(2026, 11, 28)) == date(2026, 12, 1)
    assert review_deadline(date(2026, 11, 28)) == date(2026, 12, 28)


def decision(**kw):
    return DecisionIn.model_validate(kw)


def test_confirmation_needs_the_joint_verification_record():
    problems = check_decision(decision(outcome="confirmed"), allowed_grounds={}, submitted_at=NOW, now=NOW)
    assert [p.code for p in problems] == ["decision.verification_required"]


def test_rejection_needs_grounds_that_belong_to_it():
    none = check_decision(decision(outcome="rejected"), allowed_grounds=REJECT_GROUNDS, submitted_at=NOW, now=NOW)
    assert [p.code for p in none] == ["decision.grounds_required"]
    foreign = check_decision(decision(outcome="rejected", grounds=["identity_relation"]),
                             allowed_grounds=REJECT_GROUNDS, submitted_at=NOW, now=NOW)
    assert [p.code for p in foreign] == ["decision.ground_not_allowed"]


def test_other_ground_needs_written_reasoning():
    problems = check_decision(decision(outcome="rejected", grounds=["other"]), allowed_grounds=REJECT_GROUNDS,
                              submitted_at=NOW, now=NOW)
    assert [p.code for p in problems] == ["decision.reasoning_required"]


def test_verification_cannot_be_in_the_future():
    d = decision(outcome="confirmed", verification={"method": "video", "at": (NOW + timedelta(hours=1)).isoformat()})
    assert [p.code for p in check_decision(d, allowed_grounds={}, submitted_at=NOW, now=NOW)] == [
        "decision.verification_in_future"]


def test_a_rejection_s_verification_is_checked_like_a_confirmation_s():
    """The verification is printed on a rejection too ("经本院……核实"), so it cannot predate the application."""
    d = decision(outcome="rejected", grounds=["violates_mandatory_law"],
                 verification={"method": "in_person", "at": (NOW - timedelta(days=3)).isoformat()})
    assert [p.code for p in check_decision(d, allowed_grounds=REJECT_GROUNDS, submitted_at=NOW, now=NOW)] == [
        "decision.verification_before_application"]


def test_risk_flags_say_why_they_fired():
    flags = risk_flags(dispute_type="民间借贷纠纷", amount=Decimal("800000"), concluded_on=date(2026, 11, 28),
                       submitted_on=date(2026, 11, 28), organization_recent_count=31, parties_with_same_address=True)
    assert [f.code for f in flags] == ["risk.high_risk_type", "risk.high_frequency", "risk.short_cycle_large_amount",
                                       "risk.same_address"]
    assert all(f.message for f in flags)
    assert risk_flags(dispute_type="买卖合同纠纷", amount=Decimal("100"), concluded_on=date(2026, 11, 20),
                      submitted_on=date(2026, 11, 28), organization_recent_count=1,
                      parties_with_same_address=False) == []


def test_the_suggested_dispute_types_are_all_admissible_and_include_the_common_ones():
    from confirm.domain.intake import check_dispute_type
    from confirm.domain.rules_data import common_dispute_types

    suggested = common_dispute_types()
    assert {"民间借贷纠纷", "买卖合同纠纷", "机动车交通事故责任纠纷"} <= set(suggested)
    assert all(check_dispute_type(t) is None for t in suggested)
    assert check_dispute_type("离婚纠纷").code == "application.inadmissible.identity_relation"
