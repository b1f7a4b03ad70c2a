"""The parties' own confirmation as pure rules (confirm/law/parties.py): who may open a link, how often a code may
be sent, and when the court may confirm."""

from datetime import datetime, timedelta, timezone

from confirm.law.parties import (
    MAX_CODES_PER_LINK_PER_HOUR,
    MAX_RESENDS_PER_ADDRESS_PER_HOUR,
    RESEND_INTERVAL,
    AgreementVersion,
    WaiverIn,
    confirmation_problems,
    id_tail_matches,
    is_malformed_code,
    resend_wait,
    shared_addresses,
)

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
NAMES = {1: "张三", 2: "秀山县武陵建材有限公司"}


def test_the_id_tail_is_the_last_six_characters_with_x_in_either_case():
    assert id_tail_matches("11010519491231002X", "31002x")
    assert id_tail_matches("11010519491231002X", " 31002X ")
    assert id_tail_matches("914403001922038216", "038216")
    assert not id_tail_matches("11010519491231002X", "1002X")  # five are not enough
    assert not id_tail_matches("11010519491231002X", "310021")
    assert not id_tail_matches(None, "310021")


def test_a_code_is_six_ascii_digits():
    assert not is_malformed_code("012345")
    assert is_malformed_code("12345") and is_malformed_code("１２３４５６") and is_malformed_code("12345a")


def test_a_first_code_is_sent_at_once_and_a_resend_waits_a_minute():
    assert resend_wait(now=NOW, last_code_at=None, codes_for_link_last_hour=0, resends_to_address_last_hour=0) is None
    wait = resend_wait(now=NOW, last_code_at=NOW - timedelta(seconds=20), codes_for_link_last_hour=1,
                       resends_to_address_last_hour=0)
    assert wait == RESEND_INTERVAL - timedelta(seconds=20)


def test_resending_is_limited_per_link_and_per_number_but_a_first_code_never_is():
    assert resend_wait(now=NOW, last_code_at=NOW - timedelta(minutes=5),
                       codes_for_link_last_hour=MAX_CODES_PER_LINK_PER_HOUR, resends_to_address_last_hour=0)
    assert resend_wait(now=NOW, last_code_at=NOW - timedelta(minutes=5), codes_for_link_last_hour=1,
                       resends_to_address_last_hour=MAX_RESENDS_PER_ADDRESS_PER_HOUR)
    # a lender's phone on many cases: each case's first code goes, whatever the number has had
    assert resend_wait(now=NOW, last_code_at=None, codes_for_link_last_hour=0,
                       resends_to_address_last_hour=MAX_RESENDS_PER_ADDRESS_PER_HOUR) is None


def test_any_change_of_text_party_or_document_is_another_version_of_the_agreement():
    base = AgreementVersion("买卖合同纠纷", "一、甲付乙1元。", "1.00", (("person", "张三", "11010519491231002X"),),
                            (("agreement", "a" * 64),))
    assert base.digest() == AgreementVersion(**{**base.__dict__}).digest()
    for change in ({"text": "一、甲付乙2元。"}, {"amount": "2.00"}, {"documents": (("agreement", "b" * 64),)},
                   {"parties": (("person", "张三", "440524188001010014"),)}):
        assert AgreementVersion(**{**base.__dict__, **change}).digest() != base.digest(), change


def test_confirming_needs_every_party_where_the_court_requires_it():
    states = {1: "confirmed", 2: "pending"}
    problems = confirmation_problems(outcome="confirmed", required=True, states=states, waivers=[], names=NAMES)
    assert [p.code for p in problems] == ["decision.party_confirmation_missing"]
    assert "秀山县武陵建材有限公司" in problems[0].message
    assert confirmation_problems(outcome="confirmed", required=False, states=states, waivers=[], names=NAMES) == []
    assert confirmation_problems(outcome="rejected", required=True, states=states, waivers=[], names=NAMES) == []


def test_a_waiver_stands_for_a_party_that_could_not_confirm_and_must_say_why():
    states = {1: "confirmed", 2: "locked"}
    ok = [WaiverIn(party_id=2, reason="法定代表人无智能手机，已在视频核实时当面确认")]
    assert confirmation_problems(outcome="confirmed", required=True, states=states, waivers=ok, names=NAMES) == []
    codes = [p.code for p in confirmation_problems(
        outcome="confirmed", required=True, states=states, names=NAMES,
        waivers=[WaiverIn(party_id=2, reason=""), WaiverIn(party_id=1, reason="x"), WaiverIn(party_id=9, reason="x")])]
    assert codes == ["decision.waiver_reason_required", "decision.waiver_not_needed", "decision.waiver_unknown_party"]


def test_two_parties_with_one_phone_number_are_found():
    assert shared_addresses([(1, "13800000000"), (2, "13900000000"), (3, " 13800000000")]) == [(1, 3)]
    assert shared_addresses([(1, None), (2, "")]) == []
