"""送达 rules (domain.md §7): what a recorded service must say, with no I/O.

On the spot the recipient signs the receipt (CPL 87–88). Electronically, with the recipient's consent, the ruling
goes to an address the recipient confirmed; service is complete when it arrives there, and the system makes an
electronic service voucher (CPL 90; 在线诉讼规则 29–32). The address is a mainland mobile number (a text message,
or the court's online platform, whose accounts are mobile numbers) or an e-mail address.

Consent is recorded with its basis, one of the ways 在线诉讼规则 29 ¶2 lists: the recipient said so expressly (item 1),
agreed to or undertook electronic service before the proceedings (item 2), or gave the address for service in the
application (item 3). The mobile number on the joint application is such an address, so it needs no other basis;
any other address does. Item 4 (accepting a service already made) cannot be known when service is recorded.

In person, an adult family member living with the recipient, or the recipient's agent or designated 代收人, may
sign for them (CPL 88): the receipt names that 收件人 and why they received it. When the recipient refuses to sign,
the ruling is left at the residence (留置送达, CPL 89): with the circumstances of the refusal, and either a witness
(a representative of the 基层组织 or the recipient's unit) or a photograph of the leaving.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal, get_args

from confirm.law.errors import FieldProblem
from confirm.law.identity import email_problem, phone_problem


class ServiceMethod(StrEnum):
    """How a party was served: in person, signing the receipt (CPL 87–88), or electronically (CPL 90)."""

    IN_PERSON = "in_person"
    ELECTRONIC = "electronic"
    LEFT_AT_RESIDENCE = "left_at_residence"  # 留置送达 (CPL 89): the recipient refused to sign


Channel = Literal["sms", "email", "platform"]
CHANNELS: tuple[Channel, ...] = get_args(Channel)
ConsentBasis = Literal["express", "prior_agreement", "address_in_application"]  # 在线诉讼规则 30 items 1–3
CONSENT_BASES: tuple[ConsentBasis, ...] = get_args(ConsentBasis)

CLOCK_TOLERANCE = timedelta(minutes=1)  # the tablet's and the server's clocks: a time just before the ruling
_CHANNELS_FOR: dict[str, tuple[Channel, ...]] = {"mobile": ("sms", "platform"), "email": ("email",)}


@dataclass(frozen=True)
class ElectronicService:
    """Where and how a ruling was served electronically, and why the recipient is taken to have consented.

    sent_at None means the sending time was not recorded."""

    address: str
    channel: Channel
    sent_at: datetime | None
    consent_basis: ConsentBasis


def address_kind(address: str) -> Literal["mobile", "email"] | None:
    """``mobile`` or ``email`` for an address a ruling can be served to, None for anything else."""
    if phone_problem(address) is None:
        return "mobile"
    if email_problem(address) is None:
        return "email"
    return None


def electronic_service(where: str, *, address: str | None, channel: Channel | None, sent_at: datetime | None,
                       consent_basis: ConsentBasis | None, served_at: datetime, issued_at: datetime,
                       phone_on_file: str | None) -> ElectronicService | list[FieldProblem]:
    """The electronic service of one recipient, or what is wrong with it.

    The address defaults to the mobile number the recipient gave on the application, and then so does the basis
    of consent (在线诉讼规则 30(3)); any other address needs its basis stated. The channel defaults to a text
    message for a mobile number and e-mail for an e-mail address. ``served_at`` is when the ruling arrived and
    ``issued_at`` when it was sealed: it cannot have been sent before that.
    """
    problems: list[FieldProblem] = []
    address = (address or phone_on_file or "").strip()
    kind = address_kind(address) if address else None
    if not address:
        problems.append(FieldProblem(f"{where}.electronic_address", "service.address_required",
                                     "请填写受送达人确认的电子送达地址（手机号码或电子邮箱）"))
    elif kind is None:
        problems.append(FieldProblem(f"{where}.electronic_address", "service.address_format",
                                     "电子送达地址应为手机号码或电子邮箱"))
    elif channel is not None and channel not in _CHANNELS_FOR[kind]:
        problems.append(FieldProblem(f"{where}.channel", "service.channel_mismatch",
                                     "送达渠道与电子送达地址不符：短信和在线服务平台用手机号码，电子邮件用邮箱"))
    if consent_basis is None and address and address == (phone_on_file or "").strip():
        consent_basis = "address_in_application"
    if consent_basis is None and kind is not None:
        problems.append(FieldProblem(f"{where}.consent_basis", "service.consent_basis_required",
                                     "该地址不是申请书中留存的手机号码，请选择受送达人同意电子送达的依据"
                                     "（明确表示同意，或诉前已约定、承诺电子送达）"))
    if sent_at is not None and sent_at.tzinfo is None:
        problems.append(FieldProblem(f"{where}.sent_at", "service.time_zone", "发送时间须带时区"))
    elif sent_at is not None and served_at.tzinfo is not None and sent_at > served_at:
        problems.append(FieldProblem(f"{where}.sent_at", "service.sent_after_arrival",
                                     "发送时间不能晚于到达时间（电子送达以到达之日为送达日期）"))
    elif sent_at is not None and sent_at < issued_at - CLOCK_TOLERANCE:
        problems.append(FieldProblem(f"{where}.sent_at", "service.sent_before_issue",
                                     "发送时间不能早于裁定书出具时间"))
    if problems or kind is None or consent_basis is None:
        return problems
    return ElectronicService(address=address, channel=channel or _CHANNELS_FOR[kind][0], sent_at=sent_at,
                             consent_basis=consent_basis)


def service_time_problems(field: str, served_at: datetime, *, issued_at: datetime,
                          now: datetime) -> list[FieldProblem]:
    """When a party was served (signed, or the message arrived): with its zone, not in the future, not before
    the ruling was sealed (a minute's tolerance for two machines' clocks)."""
    if served_at.tzinfo is None:
        return [FieldProblem(field, "service.time_zone", "送达时间须带时区")]
    if served_at > now + timedelta(minutes=5):
        return [FieldProblem(field, "service.in_future", "送达时间不能晚于现在")]
    if served_at < issued_at - CLOCK_TOLERANCE:
        return [FieldProblem(field, "service.before_issue", "送达时间不能早于裁定书出具时间")]
    return []


def in_person_problems(where: str, *, address: str | None, channel: str | None, sent_at: datetime | None,
                       consent_basis: str | None = None, arrived_at: datetime | None = None,
                       method: str = ServiceMethod.IN_PERSON) -> list[FieldProblem]:
    """Fields that belong to electronic service, given for a recipient served in person or by leaving the ruling
    (who is served when and where the request says: the signature is given, or the ruling left, there and then)."""
    how = "留置送达" if method == ServiceMethod.LEFT_AT_RESIDENCE else "直接送达"
    return [FieldProblem(f"{where}.{name}", "service.not_electronic",
                         f"{how}不填写电子送达地址、渠道、发送时间、到达时间或同意电子送达的依据")
            for name, value in (("electronic_address", address), ("channel", channel), ("sent_at", sent_at),
                                ("consent_basis", consent_basis), ("served_at", arrived_at))
            if value]


def electronic_signature_problem(where: str) -> FieldProblem:
    """An electronic recipient is not there to sign; a signature belongs to in-person service only."""
    return FieldProblem(f"{where}.signature_png", "service.signature_in_person_only",
                        "电子送达无需受送达人当场签名；当场签收请选择“直接送达”")


@dataclass(frozen=True)
class Refusal:
    """留置送达 (CPL 89): why and how the recipient refused, and who saw the ruling left or that it was photographed.

    witness_name and witness_unit are both given or both None; photographed is True when a photo was taken."""

    circumstances: str
    witness_name: str | None
    witness_unit: str | None
    photographed: bool


def proxy_receipt_problems(where: str, *, method: str, receiver_name: str | None, receiver_relation: str | None,
                           signed: bool) -> list[FieldProblem]:
    """Someone other than the recipient received the ruling for them (收件人及代收理由, CPL 88): only in person,
    with their name and why they may receive it (同住成年家属, 诉讼代理人, 指定代收人), and their signature."""
    if not receiver_name and not receiver_relation:
        return []
    if method != ServiceMethod.IN_PERSON:
        return [FieldProblem(f"{where}.receiver_name", "service.receiver_in_person_only",
                             "代收只适用于直接送达：由代收人在送达回证上签收")]
    problems = []
    if not receiver_name:
        problems.append(FieldProblem(f"{where}.receiver_name", "service.receiver_name_required", "请填写代收人姓名"))
    if not receiver_relation:
        problems.append(FieldProblem(f"{where}.receiver_relation", "service.receiver_relation_required",
                                     "请填写代收理由，如“受送达人的同住成年家属”“诉讼代理人”“受送达人指定的代收人”"))
    if not signed:
        problems.append(FieldProblem(f"{where}.signature_png", "service.receiver_signature_required",
                                     "代收人须在送达回证上签名"))
    return problems


def refusal(where: str, *, method: str, circumstances: str | None, witness_name: str | None,
            witness_unit: str | None, photographed: bool, signed: bool) -> Refusal | None | list[FieldProblem]:
    """The refusal a 留置送达 records (CPL 89), None for another method that says nothing of one, or what is wrong.

    The circumstances are required, and either a witness with their unit or a photo of the ruling left at the
    residence; the recipient refused to sign, so no signature is taken."""
    given = bool(circumstances or witness_name or witness_unit or photographed)
    if method != ServiceMethod.LEFT_AT_RESIDENCE:
        return [FieldProblem(f"{where}.refusal_circumstances", "service.not_left_at_residence",
                             "拒收情况、见证人和现场照片只用于留置送达")] if given else None
    problems = []
    if signed:
        problems.append(FieldProblem(f"{where}.signature_png", "service.signature_on_refusal",
                                     "受送达人拒绝签收的，留置送达不附受送达人签名"))
    if not circumstances:
        problems.append(FieldProblem(f"{where}.refusal_circumstances", "service.refusal_circumstances_required",
                                     "请写明受送达人拒绝签收的情况"))
    if bool(witness_name) != bool(witness_unit):
        field, what = ("witness_unit", "见证人的单位（基层组织或受送达人所在单位）") if witness_name else (
            "witness_name", "见证人姓名")
        problems.append(FieldProblem(f"{where}.{field}", "service.witness_incomplete", f"请填写{what}"))
    elif not witness_name and not photographed:
        problems.append(FieldProblem(f"{where}.witness_name", "service.refusal_evidence_required",
                                     "留置送达须有见证人到场，或对留置过程拍照、录像"))
    if problems:
        return problems
    assert circumstances is not None
    return Refusal(circumstances=circumstances, witness_name=witness_name or None,
                   witness_unit=witness_unit or None, photographed=photographed)
