"""送达 rules: the electronic address, channel and sending time of an electronic service (CPL 90)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from confirm.domain.service import (
    ElectronicService,
    address_kind,
    electronic_service,
    electronic_signature_problem,
    in_person_problems,
)

CHINA = timezone(timedelta(hours=8))
ARRIVED = datetime(2026, 11, 28, 15, 20, 4, tzinfo=CHINA)


def codes(result: object) -> list[str]:
    assert isinstance(result, list), result
    return [p.code for p in result]


@pytest.mark.parametrize("address, kind", [
    ("13800138000", "mobile"), ("19912345678", "mobile"), ("zhang.san@example.com", "email"),
    ("a+b@mail.court.gov.cn", "email"), ("23800138000", None), ("1380013800", None), ("zhang@", None),
    ("@example.com", None), ("重庆市秀山县", None), ("zhang san@example.com", None),
])
def test_address_kind(address, kind):
    assert address_kind(address) == kind


def test_the_mobile_number_on_the_application_is_the_default_address_by_text_message():
    result = electronic_service("r", address=None, channel=None, sent_at=None, served_at=ARRIVED,
                                phone_on_file="13900000000")
    assert result == ElectronicService(address="13900000000", channel="sms", sent_at=None)


def test_an_email_address_defaults_to_email_and_a_mobile_may_use_the_platform():
    by_mail = electronic_service("r", address=" zhang@example.com ", channel=None, sent_at=None, served_at=ARRIVED,
                                 phone_on_file="13900000000")
    assert by_mail == ElectronicService(address="zhang@example.com", channel="email", sent_at=None)
    platform = electronic_service("r", address="13800138000", channel="platform", sent_at=ARRIVED - timedelta(minutes=3),
                                  served_at=ARRIVED, phone_on_file=None)
    assert isinstance(platform, ElectronicService) and platform.channel == "platform"


def test_an_address_is_required_and_must_be_a_mobile_or_an_email():
    missing = electronic_service("recipients[1]", address=None, channel=None, sent_at=None, served_at=ARRIVED,
                                 phone_on_file=None)
    assert codes(missing) == ["service.address_required"]
    assert missing[0].field == "recipients[1].electronic_address"
    assert codes(electronic_service("r", address="0851-1234567", channel=None, sent_at=None, served_at=ARRIVED,
                                    phone_on_file="13900000000")) == ["service.address_format"]


@pytest.mark.parametrize("address, channel", [("13800138000", "email"), ("zhang@example.com", "sms"),
                                              ("zhang@example.com", "platform")])
def test_the_channel_must_suit_the_address(address, channel):
    assert codes(electronic_service("r", address=address, channel=channel, sent_at=None, served_at=ARRIVED,
                                    phone_on_file=None)) == ["service.channel_mismatch"]


def test_a_message_is_not_sent_after_it_arrives_and_times_carry_their_zone():
    late = electronic_service("r", address=None, channel=None, sent_at=ARRIVED + timedelta(seconds=1),
                              served_at=ARRIVED, phone_on_file="13900000000")
    assert codes(late) == ["service.sent_after_arrival"]
    naive = electronic_service("r", address=None, channel=None, sent_at=datetime(2026, 11, 28, 15, 0),
                               served_at=ARRIVED, phone_on_file="13900000000")
    assert codes(naive) == ["service.time_zone"]


def test_in_person_service_takes_no_electronic_fields_and_electronic_service_no_signature():
    assert in_person_problems("r", address=None, channel=None, sent_at=None) == []
    problems = in_person_problems("r", address="13800138000", channel="sms", sent_at=None)
    assert [(p.field, p.code) for p in problems] == [("r.electronic_address", "service.not_electronic"),
                                                     ("r.channel", "service.not_electronic")]
    assert electronic_signature_problem("r").code == "service.signature_in_person_only"
