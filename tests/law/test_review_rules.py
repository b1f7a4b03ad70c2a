"""同步审核: the review clocks, the decision's lawful shape and the false-mediation flags."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from confirm.law.review import (
    DecisionIn,
    Outcome,
    acceptance_deadline,
    check_decision,
    ground_labels,
    review_deadline,
    risk_flags,
)

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)
REJECT_GROUNDS = {"violates_mandatory_law": "…", "other": "…"}


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



def test_one_vocabulary_of_outcomes_for_the_law_and_the_documents():
    from typing import get_args

    from confirm.law.review import Outcome
    from confirm.law.serving import ServiceMethod
    from templates.model import OUTCOMES
    from templates.model import ServiceMethod as DocumentServiceMethod

    assert set(Outcome) == set(OUTCOMES)
    assert set(ServiceMethod) == set(get_args(DocumentServiceMethod))
    assert Outcome("rejected").name_zh == "驳回司法确认申请" and all(o.name_zh for o in Outcome)


def test_after_a_confirmation_the_other_party_may_apply_for_enforcement():  # CPL 206
    steps = Outcome.CONFIRMED.next_steps_zh
    assert "一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请执行" in steps
    assert "提起诉讼" not in steps


def test_after_a_rejection_or_not_accepting_the_parties_may_change_the_agreement_or_sue():  # CPL 206
    for outcome in (Outcome.REJECTED, Outcome.NOT_ACCEPTED):
        steps = outcome.next_steps_zh
        assert "当事人可以通过调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼" in steps, outcome
        assert "申请执行" not in steps, outcome


def test_every_outcome_says_what_comes_next_and_its_public_meaning_says_it_in_the_same_words():
    for outcome in Outcome:
        assert outcome.next_steps_zh and outcome.meaning_zh.endswith(outcome.next_steps_zh), outcome
    assert "不能据此申请强制执行" in Outcome.REJECTED.meaning_zh  # the effect comes first, then what to do


def test_ground_labels_are_the_courts_words_in_the_judges_order():
    assert ground_labels("rejected", ["unclear_content", "violates_mandatory_law"]) == ["内容不明确", "违反法律强制性规定"]
    assert ground_labels("not_accepted", ["outside_jurisdiction"]) == ["不属于本院管辖"]
    assert ground_labels("rejected", ["retired_code"]) == ["retired_code"]  # never silently dropped
