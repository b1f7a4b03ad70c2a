"""The cross-case signals (confirm.law.signals): each fires on planted data, says why with its source and links
the cases it connects, and stays silent on clean data; the court's table overrides the shipped one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from confirm.law.signals import (
    HIGH,
    NORMAL,
    SOURCE,
    Candidates,
    CaseFacts,
    OtherParty,
    PartyFacts,
    ShareCounts,
    address_key,
    agent_key,
    back_link,
    cross_case_signals,
    merge_table,
    risk_reason_problems,
)
from confirm.law.tables import signal_table

TODAY = date(2026, 11, 30)
TABLE = merge_table(signal_table(), None)
LENDER = PartyFacts(identity="11010519491231002X", name="张三", phone="13800000000",
                    address_key=address_key("重庆市秀山县中和街道1号"))
BORROWER = PartyFacts(identity="914403001922038216", name="武陵建材公司", phone="13900000000",
                      address_key=address_key("重庆市秀山县工业园区2号"))


def case(*parties: PartyFacts) -> CaseFacts:
    return CaseFacts(id="new", submitted_on=TODAY, organization="中和调委会", mediator_name="杨调解",
                     parties=parties or (LENDER, BORROWER))


def other(app_id: str, days_ago: int = 1, *, identity: str | None = "500241199001010011", phone: str | None = None,
          address: str | None = None, agent: str | None = None) -> OtherParty:
    return OtherParty(application_id=app_id, submitted_on=TODAY - timedelta(days=days_ago), identity=identity,
                      phone=phone, address_key=address_key(address), agent_key=agent)


def codes(signals) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.code for s in signals]


def test_clean_history_raises_nothing():
    history = Candidates(parties=(other("a", phone="13700000000", address="重庆市秀山县别处3号"),),
                         organization=ShareCounts(100, 600, 5, 30), mediator=ShareCounts(100, 600, 3, 20))
    assert cross_case_signals(case(), history, TABLE) == []


def test_the_same_creditor_in_many_cases_within_the_window_is_flagged_with_links():
    history = Candidates(parties=(other("a", identity=LENDER.identity), other("b", 30, identity=LENDER.identity)))
    [flag] = cross_case_signals(case(), history, TABLE)
    assert flag.code == "risk.repeat_party" and flag.related_application_ids == ("a", "b")
    assert "张三" in flag.message and "3件" in flag.message and SOURCE in flag.message
    assert flag.severity == NORMAL


def test_a_creditor_outside_the_window_or_below_the_count_is_not_flagged():
    old = Candidates(parties=(other("a", identity=LENDER.identity), other("b", 91, identity=LENDER.identity)))
    assert cross_case_signals(case(), old, TABLE) == []


def test_many_cases_of_one_creditor_make_the_flag_high():
    history = Candidates(parties=tuple(other(f"c{i}", i, identity=LENDER.identity) for i in range(9)))
    assert cross_case_signals(case(), history, TABLE)[0].severity == HIGH


def test_a_phone_shared_with_a_different_person_of_another_case_is_a_high_flag():
    [flag] = cross_case_signals(case(), Candidates(parties=(other("a", phone=LENDER.phone),)), TABLE)
    assert flag.code == "risk.shared_phone_cases" and flag.severity == HIGH and flag.related_application_ids == ("a",)
    assert "手机号码" in flag.message and SOURCE in flag.message


def test_the_same_person_with_the_same_phone_is_not_a_shared_phone():
    history = Candidates(parties=(other("a", identity=LENDER.identity, phone=LENDER.phone),))
    assert "risk.shared_phone_cases" not in codes(cross_case_signals(case(), history, TABLE))


def test_an_address_is_compared_without_blanks_punctuation_or_full_width_digits():
    history = Candidates(parties=(other("a", address="重庆市 秀山县中和街道１号。"),))
    assert codes(cross_case_signals(case(), history, TABLE)) == ["risk.shared_address_cases"]


def test_an_agent_of_parties_in_several_other_cases_is_flagged_only_from_the_tables_count():
    citizen = agent_key({"name": "王五", "kind": "recommended", "unit": "某村委会"})
    mine = case(PartyFacts(identity=LENDER.identity, name="张三", agent_key=citizen, agent_name="王五"), BORROWER)
    one = Candidates(parties=(other("a", agent=citizen),))
    assert cross_case_signals(mine, one, TABLE) == []
    two = Candidates(parties=(other("a", agent=citizen), other("b", agent=citizen)))
    assert codes(cross_case_signals(mine, two, TABLE)) == ["risk.shared_agent_cases"]


def test_a_lawyer_with_many_clients_is_ordinary():
    lawyer = agent_key({"name": "王律师", "kind": "lawyer", "unit": "秀山律师事务所"})
    mine = case(PartyFacts(identity=LENDER.identity, name="张三", agent_key=lawyer, agent_name="王律师"), BORROWER)
    many = Candidates(parties=tuple(other(f"c{i}", agent=lawyer) for i in range(5)))
    assert cross_case_signals(mine, many, TABLE) == []


def test_one_agent_for_both_sides_of_a_case_is_a_high_flag():
    lawyer = agent_key({"name": "王律师", "id_number": "500241199001010011"})
    both = case(PartyFacts(identity=LENDER.identity, name="张三", agent_key=lawyer, agent_name="王律师"),
                PartyFacts(identity=BORROWER.identity, name="武陵建材公司", agent_key=lawyer, agent_name="王律师"))
    [flag] = cross_case_signals(both, Candidates(), TABLE)
    assert flag.code == "risk.agent_both_sides" and flag.severity == HIGH and "王律师" in flag.message


def test_an_organisations_share_jumping_is_flagged_with_its_recent_cases():
    jump = ShareCounts(court_recent=100, court_baseline=600, own_recent=40, own_baseline=60, recent_ids=("x", "y"))
    [flag] = cross_case_signals(case(), Candidates(organization=jump), TABLE)
    assert flag.code == "risk.organization_share_jump" and "40%" in flag.message and "10%" in flag.message
    assert flag.related_application_ids == ("x", "y")


@pytest.mark.parametrize("counts", [
    ShareCounts(100, 600, 40, 200),  # a large share all along is no jump
    ShareCounts(100, 600, 15, 0),  # a jump to under the least share
    ShareCounts(9, 10, 9, 0),  # too few cases in the court to say
])
def test_a_steady_or_small_share_is_not_flagged(counts):
    assert cross_case_signals(case(), Candidates(mediator=counts), TABLE) == []


def test_a_mediators_share_jumping_is_flagged():
    jump = ShareCounts(court_recent=100, court_baseline=600, own_recent=30, own_baseline=30)
    assert codes(cross_case_signals(case(), Candidates(mediator=jump), TABLE)) == ["risk.mediator_share_jump"]


def test_the_court_can_turn_a_signal_off_or_change_its_threshold():
    history = Candidates(parties=(other("a", phone=LENDER.phone), other("b", identity=LENDER.identity)))
    court = merge_table(signal_table(), {"signals": {"shared_phone": {"enabled": False},
                                                     "repeat_party": {"min_cases": 2}}})
    assert codes(cross_case_signals(case(), history, court)) == ["risk.repeat_party"]
    with pytest.raises(ValueError, match="unknown signal"):
        merge_table(signal_table(), {"signals": {"nonsense": {}}})


def test_an_older_case_gets_the_link_to_the_new_one_once():
    [flag] = cross_case_signals(case(), Candidates(parties=(other("a", phone=LENDER.phone),)), TABLE)
    older = back_link([{"code": "risk.high_risk_type", "message": "民间借贷"}], flag, "new")
    assert older[1]["code"] == flag.code and older[1]["related_application_ids"] == ["new"]
    assert back_link(older, flag, "new") == older


def test_confirming_over_a_high_flag_needs_a_reason():
    high = [{"code": "risk.shared_phone_cases", "severity": "high"}]
    [problem] = risk_reason_problems(outcome="confirmed", risk_reason="", flags=high)
    assert problem.code == "decision.risk_reason_required" and problem.field == "risk_reason"
    assert risk_reason_problems(outcome="confirmed", risk_reason="已当面核实，双方系邻居", flags=high) == []
    assert risk_reason_problems(outcome="rejected", risk_reason="", flags=high) == []
    assert risk_reason_problems(outcome="confirmed", risk_reason="", flags=[{"code": "x", "severity": "normal"}]) == []


def test_an_older_case_showing_a_share_jump_is_not_rewritten_for_every_new_case():
    jump = ShareCounts(court_recent=100, court_baseline=600, own_recent=40, own_baseline=60, recent_ids=("x",))
    [flag] = cross_case_signals(case(), Candidates(organization=jump), TABLE)
    older = back_link([], flag, "new")
    assert older[0]["related_application_ids"] == ["new"] and back_link(older, flag, "newer") == older


def test_a_party_whose_earlier_confirmation_went_unperformed_at_once_is_a_high_flag():
    """确认后迅速不履行 (issue 16 item 1): one of the lender's two earlier cases was reported unperformed soon after
    its ruling; the other was not. Only that one is linked."""
    history = Candidates(parties=(other("a", 40, identity=LENDER.identity), other("b", 200, identity=LENDER.identity)),
                         quickly_unperformed=frozenset({"a"}))
    flags = [f for f in cross_case_signals(case(), history, TABLE) if f.code == "risk.quick_non_performance"]
    assert [(f.severity, f.related_application_ids) for f in flags] == [(HIGH, ("a",))]
    assert "张三" in flags[0].message and SOURCE in flags[0].message


def test_a_stranger_s_quick_non_performance_or_one_outside_the_window_is_not_this_party_s():
    history = Candidates(parties=(other("a", 40), other("b", 400, identity=LENDER.identity)),
                         quickly_unperformed=frozenset({"a", "b"}))
    assert "risk.quick_non_performance" not in codes(cross_case_signals(case(), history, TABLE))


def test_non_performance_counts_as_quick_only_within_the_tables_days():
    from confirm.law.signals import unperformed_soon

    assert unperformed_soon(date(2026, 1, 1), date(2026, 1, 31), 30)
    assert not unperformed_soon(date(2026, 1, 1), date(2026, 2, 1), 30)


def test_a_party_of_cases_an_interested_person_objected_to_is_a_high_flag():
    """案外人异议 (Interp. 372) on the borrower's earlier case; an objection by a party would not be marked."""
    history = Candidates(parties=(other("c", 100, identity=BORROWER.identity),), objected_by_others=frozenset({"c"}))
    flags = [f for f in cross_case_signals(case(), history, TABLE) if f.code == "risk.third_party_objection"]
    assert [(f.severity, f.related_application_ids) for f in flags] == [(HIGH, ("c",))]
    assert "第三百七十二条" in flags[0].message
    clean = Candidates(parties=(other("c", 100, identity=BORROWER.identity),))
    assert "risk.third_party_objection" not in codes(cross_case_signals(case(), clean, TABLE))
