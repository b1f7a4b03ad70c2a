"""送达 rules: the electronic address, channel and sending time of an electronic service (CPL 90)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from confirm.law.serving import (
    CHANNELS,
    CONSENT_BASES,
    ElectronicService,
    Refusal,
    address_kind,
    electronic_service,
    electronic_signature_problem,
    in_person_problems,
    proxy_receipt_problems,
    refusal,
    service_time_problems,
)

CHINA = timezone(timedelta(hours=8))
ARRIVED = datetime(2026, 11, 28, 15, 20, 4, tzinfo=CHINA)
ISSUED = ARRIVED - timedelta(hours=1)


def codes(result: object) -> list[str]:
    assert isinstance(result, list), result
    return [p.code for p in result]


@pytest.mark.parametrize("address, kind", [
    ("13800138000", "mobile"), ("19912345678", "mobile"), ("zhang.san@example.com", "email"),
    ("a+b@mail.court.gov.cn", "email"), ("23800138000", None), ("1380013800", None), ("zhang@", None),
    ("@example.com", None), ("重庆市秀山县", None), ("zhang san@example.com", None), (".zhang@example.com", None),
    ("zhang..san@example.com", None), ("zhang.@example.com", None), ("zhang@-example.com", None),
    ("zhang@example-.com", None), ("zhang@example", None),
])
def test_address_kind(address, kind):
    assert address_kind(address) == kind


def serve(where="r", *, address=None, channel=None, sent_at=None, consent_basis=None, served_at=ARRIVED,
          issued_at=ISSUED, phone_on_file="13900000000"):
    return electronic_service(where, address=address, channel=channel, sent_at=sent_at, consent_basis=consent_basis,
                              served_at=served_at, issued_at=issued_at, phone_on_file=phone_on_file)


def test_the_mobile_number_on_the_application_is_the_default_address_by_text_message():
    """An address given in the application is consent by 在线诉讼规则 30(3), whether typed again or defaulted."""
    expected = ElectronicService(address="13900000000", channel="sms", sent_at=None,
                                 consent_basis="address_in_application")
    assert serve() == expected
    assert serve(address=" 13900000000 ") == expected


def test_any_other_address_needs_the_basis_of_consent():
    assert codes(serve(address="zhang@example.com")) == ["service.consent_basis_required"]
    assert serve(address="zhang@example.com")[0].field == "r.consent_basis"
    assert codes(serve(address="13800138000", phone_on_file=None)) == ["service.consent_basis_required"]
    express = serve(address="13800138000", consent_basis="express")
    assert isinstance(express, ElectronicService) and express.consent_basis == "express"
    # the basis stated wins over the default, and a malformed address is reported alone
    agreed = serve(consent_basis="prior_agreement")
    assert isinstance(agreed, ElectronicService) and agreed.consent_basis == "prior_agreement"
    assert codes(serve(address="0851-1234567")) == ["service.address_format"]


def test_an_email_address_defaults_to_email_and_a_mobile_may_use_the_platform():
    by_mail = serve(address=" zhang@example.com ", consent_basis="express")
    assert by_mail == ElectronicService(address="zhang@example.com", channel="email", sent_at=None,
                                        consent_basis="express")
    platform = serve(channel="platform", sent_at=ARRIVED - timedelta(minutes=3))
    assert isinstance(platform, ElectronicService) and platform.channel == "platform"


def test_an_address_is_required_and_must_be_a_mobile_or_an_email():
    missing = serve("recipients[1]", phone_on_file=None)
    assert codes(missing) == ["service.address_required"]
    assert missing[0].field == "recipients[1].electronic_address"
    assert codes(serve(address="0851-1234567", consent_basis="express")) == ["service.address_format"]


@pytest.mark.parametrize("address, channel", [("13800138000", "email"), ("zhang@example.com", "sms"),
                                              ("zhang@example.com", "platform")])
def test_the_channel_must_suit_the_address(address, channel):
    assert codes(serve(address=address, channel=channel, consent_basis="express")) == ["service.channel_mismatch"]


def test_a_message_is_sent_after_the_ruling_exists_and_before_it_arrives_and_times_carry_their_zone():
    assert codes(serve(sent_at=ARRIVED + timedelta(seconds=1))) == ["service.sent_after_arrival"]
    assert codes(serve(sent_at=datetime(2026, 11, 28, 15, 0))) == ["service.time_zone"]
    assert codes(serve(sent_at=ISSUED - timedelta(minutes=2))) == ["service.sent_before_issue"]
    assert codes(serve(sent_at=datetime(1, 1, 1, tzinfo=CHINA))) == ["service.sent_before_issue"]
    assert isinstance(serve(sent_at=ISSUED - timedelta(seconds=30)), ElectronicService)  # two machines' clocks


def test_in_person_service_takes_no_electronic_fields_and_electronic_service_no_signature():
    assert in_person_problems("r", address=None, channel=None, sent_at=None) == []
    problems = in_person_problems("r", address="13800138000", channel="sms", sent_at=None)
    assert [(p.field, p.code) for p in problems] == [("r.electronic_address", "service.not_electronic"),
                                                     ("r.channel", "service.not_electronic")]
    assert [p.field for p in in_person_problems("r", address=None, channel=None, sent_at=None,
                                                consent_basis="express")] == ["r.consent_basis"]
    assert electronic_signature_problem("r").code == "service.signature_in_person_only"


def test_a_service_time_has_its_zone_is_not_in_the_future_and_follows_the_ruling():
    now = ARRIVED + timedelta(minutes=1)
    assert service_time_problems("t", ARRIVED, issued_at=ISSUED, now=now) == []
    assert [p.code for p in service_time_problems("t", ARRIVED.replace(tzinfo=None), issued_at=ISSUED, now=now)] == [
        "service.time_zone"]
    assert [p.code for p in service_time_problems("t", now + timedelta(minutes=6), issued_at=ISSUED, now=now)] == [
        "service.in_future"]
    assert [p.code for p in service_time_problems("t", datetime(1, 1, 1, tzinfo=CHINA), issued_at=ISSUED,
                                                  now=now)] == ["service.before_issue"]
    assert [p.field for p in in_person_problems("r", address=None, channel=None, sent_at=None,
                                                arrived_at=ARRIVED)] == ["r.served_at"]


def test_every_channel_and_consent_basis_the_api_accepts_has_its_words_on_the_voucher():
    """The codes are the API's (plain Literals here); their printed words are the court's (voucher.yaml)."""
    from templates.texts import load_texts

    voucher = load_texts().voucher
    assert set(CHANNELS) <= set(voucher["channels"]) and set(CONSENT_BASES) <= set(voucher["consent_bases"])
    assert CONSENT_BASES == ("express", "prior_agreement", "address_in_application")


def refuse(*, method="left_at_residence", circumstances="受送达人拒绝签收，称不认可调解协议", witness_name=None,
           witness_unit=None, photographed=False, signed=False):
    return refusal("r", method=method, circumstances=circumstances, witness_name=witness_name,
                   witness_unit=witness_unit, photographed=photographed, signed=signed)


def test_a_ruling_left_at_the_residence_needs_a_witness_with_unit_or_a_photo():
    """CPL 89: 邀请有关基层组织或者所在单位的代表到场 … 也可以 … 采用拍照、录像等方式记录送达过程."""
    assert refuse(witness_name="王村委", witness_unit="秀山县中和街道中和社区居民委员会") == Refusal(
        circumstances="受送达人拒绝签收，称不认可调解协议", witness_name="王村委",
        witness_unit="秀山县中和街道中和社区居民委员会", photographed=False)
    assert refuse(photographed=True) == Refusal(circumstances="受送达人拒绝签收，称不认可调解协议",
                                                witness_name=None, witness_unit=None, photographed=True)
    assert codes(refuse()) == ["service.refusal_evidence_required"]
    assert codes(refuse(witness_name="王村委")) == ["service.witness_incomplete"]
    assert refuse(witness_name="王村委")[0].field == "r.witness_unit"
    assert codes(refuse(witness_unit="某社区居委会", photographed=True)) == ["service.witness_incomplete"]


def test_a_refusal_states_its_circumstances_and_carries_no_signature():
    assert codes(refuse(circumstances=None, photographed=True)) == ["service.refusal_circumstances_required"]
    assert codes(refuse(photographed=True, signed=True)) == ["service.signature_on_refusal"]


def test_refusal_fields_belong_to_a_ruling_left_at_the_residence_only():
    assert refuse(method="in_person", circumstances=None) is None
    assert codes(refuse(method="in_person")) == ["service.not_left_at_residence"]
    assert codes(refuse(method="electronic", circumstances=None, photographed=True)) == ["service.not_left_at_residence"]


def receive(*, method="in_person", name="李四", relation="受送达人的同住成年家属（配偶）", signed=True):
    return proxy_receipt_problems("r", method=method, receiver_name=name, receiver_relation=relation, signed=signed)


def test_someone_else_may_sign_for_the_recipient_with_a_name_a_reason_and_a_signature():
    """CPL 88: 同住的成年家属签收 … 诉讼代理人或者代收人签收."""
    assert receive() == []
    assert receive(name=None, relation=None, signed=False) == []
    assert codes(receive(name=None)) == ["service.receiver_name_required"]
    assert codes(receive(relation=None)) == ["service.receiver_relation_required"]
    assert codes(receive(signed=False)) == ["service.receiver_signature_required"]


def test_only_service_in_person_has_a_receiver():
    assert codes(receive(method="electronic")) == ["service.receiver_in_person_only"]
    assert codes(receive(method="left_at_residence", signed=False)) == ["service.receiver_in_person_only"]
