"""The values templates/ renders: what a ruling (民事裁定书), a service receipt (送达回证), an electronic service
voucher (电子送达凭证) and a confirmation of the address for service (送达地址确认书) say.

confirm/ builds these from the database; templates/ turns them into PDF bytes and knows nothing else.
All values are frozen: a rendering is a pure function of its content (and of the wording in templates/texts/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

PartyKind = Literal["person", "organization"]
Outcome = Literal["confirmed", "rejected", "not_accepted", "withdrawal_permitted", "treated_as_withdrawn"]
VerificationMethod = Literal["video", "in_person"]
ServiceMethod = Literal["in_person", "electronic", "left_at_residence"]

OUTCOMES: tuple[str, ...] = (
    "confirmed",
    "rejected",
    "not_accepted",
    "withdrawal_permitted",
    "treated_as_withdrawn",
)

# The channels of electronic service a party may accept on the address confirmation (送达地址确认书), and the
# contact each goes to: a text message to the phone, an e-mail to the e-mail address.
ELECTRONIC_CHANNELS: tuple[str, ...] = ("sms", "email")


@dataclass(frozen=True)
class AgentInfo:
    """A party's authorised agent (委托诉讼代理人, CPL 61)."""

    name: str
    id_number: str | None = None  # as it is to be printed (masked by confirm/ where the court says so)
    authorization: str | None = None  # printed as given when no kind is recorded, e.g. "北京市某律师事务所律师"
    kind: str | None = None  # CPL 61 category: lawyer, legal_worker, relative, employee, recommended
    unit: str | None = None  # 律师事务所, 法律服务所, the employer or recommender
    relation: str | None = None  # a relative's relation to the party, e.g. "儿子"


@dataclass(frozen=True)
class GuardianInfo:
    """法定代理人 of a party under 18 or without full capacity (CPL 60)."""

    name: str
    relation: str  # to the party, e.g. "父亲"


@dataclass(frozen=True)
class PartyInfo:
    """One applicant (申请人): a natural person or an organisation."""

    kind: PartyKind
    name: str
    sex: str | None = None  # "男" / "女"
    birth_date: date | None = None
    ethnicity: str | None = None  # printed as given, e.g. "汉族"
    address: str | None = None  # 住所 of a person, 住所地 of an organisation
    id_number: str | None = None  # the identity document's number as it is to be printed (full or masked)
    credit_code: str | None = None  # 统一社会信用代码
    representative: str | None = None  # 法定代表人 (or 负责人) of an organisation
    agent: AgentInfo | None = None
    occupation: str | None = None  # 职业或工作单位, printed when given
    nationality: str | None = None  # a foreigner's 国籍, e.g. "美国"
    id_document: str | None = None  # the document's name when not the 居民身份证, e.g. "港澳居民来往内地通行证"
    representative_role: str = "法定代表人"  # or "负责人" (an unincorporated organisation)
    representative_title: str | None = None  # 职务
    guardian: GuardianInfo | None = None  # 法定代理人


@dataclass(frozen=True)
class PartyConfirmation:
    """How one party answered the agreement itself, as the system recorded it (当事人本人确认)."""

    name: str
    state: Literal["confirmed", "declined", "waived"]
    on: date | None  # the day the party answered online; None for a waiver
    reason: str | None = None  # a waiver: why the party could not confirm online (the judge's record)


class RulingFrame(Protocol):
    """What the title, the closing and the verification block of any 民事裁定书 print (the body is the document's)."""

    @property
    def court_name(self) -> str: ...
    @property
    def case_number(self) -> str: ...
    @property
    def judge_name(self) -> str: ...
    @property
    def clerk_name(self) -> str: ...
    @property
    def decided_on(self) -> date: ...
    @property
    def verify_url(self) -> str: ...
    @property
    def check_code(self) -> str: ...
    @property
    def verify_site(self) -> str | None: ...
    @property
    def dev_mode(self) -> bool: ...
    @property
    def preview(self) -> bool: ...


@dataclass(frozen=True)
class RulingContent:
    """Everything a ruling on an application for judicial confirmation (司法确认) prints."""

    court_name: str
    case_number: str  # e.g. "（2026）渝0241民特123号"
    outcome: Outcome
    parties: tuple[PartyInfo, ...]
    dispute_type: str  # 案由, e.g. "民间借贷纠纷"
    mediation_organization: str
    mediation_concluded_on: date
    applied_on: date
    accepted_on: date | None  # 受理 (立案); None for 不予受理, whose ruling must not state one
    agreement_text: str  # one clause per line
    verification_method: VerificationMethod | None
    verification_at: datetime | None
    grounds: tuple[str, ...]  # ground codes, see templates/texts/grounds.yaml
    reasoning: str
    judge_name: str
    clerk_name: str
    decided_on: date
    verify_url: str  # encoded in the QR code
    check_code: str  # printed under the QR code, typed in on the verification site
    dev_mode: bool
    verify_site: str | None = None  # printed in the instruction line; default: scheme and host of verify_url
    preview: bool = False  # an unsealed preview for the judge: marked 预览 on every page, never issued
    party_confirmations: tuple[PartyConfirmation, ...] = ()  # in the parties' order; only what was recorded
    # 限期补正 as the judge recorded it when returning the case (按撤回申请处理 states it; Interp. 357 ¶2)
    supplement_ordered_on: date | None = None
    supplement_deadline: date | None = None
    supplement_reason: str = ""
    # 准许撤回申请: who asked to withdraw (names, in the parties' order) and on which day, as the judge recorded it
    withdrawn_by: tuple[str, ...] = ()
    withdrawal_requested_on: date | None = None


@dataclass(frozen=True)
class ReceiptRecipient:
    """One person served (受送达人) and how."""

    name: str
    method: ServiceMethod
    served_at: datetime
    place: str
    signature_png: bytes | None  # the recipient's (or the 收件人's) signature, captured on the spot
    # 代收 (CPL 88): who received and signed for the recipient, and why they may
    receiver_name: str | None = None
    receiver_relation: str | None = None
    refusal: ReceiptRefusal | None = None  # left_at_residence only (留置送达, CPL 89)


@dataclass(frozen=True)
class ReceiptRefusal:
    """留置送达 (CPL 89): how the recipient refused, and the witness or the photo of the ruling left."""

    circumstances: str  # 拒收事由和情况
    witness_name: str | None = None
    witness_unit: str | None = None  # the 基层组织 or the recipient's unit the witness represents
    photo_sha256: str | None = None  # the photo of the leaving, kept by the court


@dataclass(frozen=True)
class ReceiptContent:
    """A service receipt (送达回证, CPL 87–88)."""

    court_name: str
    case_number: str
    document_name: str  # e.g. "民事裁定书"
    recipients: tuple[ReceiptRecipient, ...]
    served_by: str  # 送达人: the court's clerk
    organization: str  # the serving body, e.g. the court or its people's tribunal
    dev_mode: bool
    issued_on: date | None = None  # the date under the seal; default: the last service date
    # 代为送达: who delivered in person on the court's behalf, e.g. "杨调解（秀山县中和派出所驻所调解室）"
    delivered_by: str | None = None
    dispute_type: str = ""  # the case's 案由 as recorded, e.g. "民间借贷纠纷"
    issued_by: str = ""  # 填发人: who recorded the service and so made out the receipt
    remarks: tuple[str, ...] = ()  # 备考 the mediator noted, printed after the receipt's own remarks


@dataclass(frozen=True)
class VoucherContent:
    """An electronic service voucher (电子送达凭证, CPL 90; 人民法院在线诉讼规则 29–32).

    Made by the system when a document is served to an electronic address the recipient confirmed; it has the
    effect of a service receipt. Service is complete when the message arrives (arrived_at).
    """

    court_name: str
    case_number: str
    document_name: str  # e.g. "民事裁定书"
    recipient: str  # 受送达人
    channel: str  # how it was sent, e.g. "手机短信" or "人民法院在线服务平台"
    electronic_address: str  # 电子送达地址: a mobile number, an e-mail address or a platform account
    sent_at: datetime | None  # 发送时间, None when it was not recorded
    arrived_at: datetime  # 到达时间: the service date (CPL 90 ¶2)
    document_sha256: str  # hex digest of the PDF served, so the voucher names exactly one document
    served_by: str  # 送达人
    dev_mode: bool
    read_at: datetime | None = None  # 查阅时间, when the platform saw it opened
    issued_on: date | None = None  # the date under the seal; default: the day it arrived
    # why the recipient is taken to have consented (在线诉讼规则 30): a key of voucher.yaml's consent_bases
    # (express, prior_agreement, address_in_application); None prints that no basis was recorded
    consent_basis: str | None = None


@dataclass(frozen=True)
class AddressConfirmationContent:
    """A confirmation of the address for service (送达地址确认书, 法发〔2017〕19号 3–5; 人民法院在线诉讼规则 29).

    What one party recorded on their own phone after a one-time code proved who they are: where the court may
    serve them, their phone and e-mail, and whether they accept electronic service and through which channels.
    Every value is the party's own: an address, phone or e-mail they did not give is printed as not given, never
    filled in from elsewhere.
    """

    court_name: str
    case_number: str | None  # None while the court has not registered the case: application_ref is printed
    application_ref: str  # e.g. the first 8 characters of the application id, printed as 申请编号
    dispute_type: str  # 案由
    party_name: str  # 受送达人
    party_kind: str  # "person" or "organization" (a PartyKind; checked when rendered)
    address: str | None  # 送达地址
    phone: str | None  # 联系电话
    email: str | None  # 电子邮箱
    electronic_service: bool  # 同意电子送达
    electronic_channels: tuple[str, ...]  # ELECTRONIC_CHANNELS codes (sms, email), in the party's order
    confirmed_at: datetime  # when the party confirmed, timezone-aware; printed in China time
    confirmed_via: str  # where the one-time code went, masked as recorded, e.g. "138****0000"
    dev_mode: bool
    issued_on: date | None = None  # the date under the seal; default: the day confirmed (China time)


@dataclass(frozen=True)
class SealBox:
    """Where the court's seal goes: PDF points, origin bottom-left of page `page_index` (0-based)."""

    page_index: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered, unsealed PDF and the square its seal is to cover."""

    pdf: bytes
    seal_box: SealBox


@dataclass(frozen=True)
class ObjectionRulingContent:
    """Everything a ruling on an objection (异议, Interp. 372; a 民特监 case) prints."""

    court_name: str
    case_number: str  # the objection's own number, e.g. "（2026）渝0241民特监1号"
    outcome: Literal["revoked", "changed", "rejected"]
    objector_kind: Literal["party", "interested_person"]
    objector: PartyInfo  # as the ruling on the application prints a party (an interested person: what was recorded)
    applicants: tuple[str, ...]  # the original applicants' names, in their order
    original_case_number: str
    original_decided_on: date
    original_outcome: str  # the original ruling's result in a clause (from the record)
    filed_on: date
    request: str  # 异议请求及理由, as filed
    reasoning: str  # 本院认为
    change_text: str  # 变更后的内容 (changed only; "" otherwise)
    judge_name: str
    clerk_name: str
    decided_on: date
    verify_url: str
    check_code: str
    dev_mode: bool
    verify_site: str | None = None
    preview: bool = False


@dataclass(frozen=True)
class ExecutionItemText:
    """One item of 申请执行事项 as recorded: ``amount``/``remaining`` are yuan with two places ("12000.00"); a
    partly performed sum whose remaining part no record states has ``remaining`` None (a blank to fill in)."""

    kind: Literal["money", "act"]
    obligor: str
    description: str | None
    amount: str | None
    remaining: str | None
    due_on: date | None
    state: Literal["not_performed", "partly_performed"]


@dataclass(frozen=True)
class ExecutionApplicationContent:
    """What the obligee's 强制执行申请书 says, every fact from the case's records; not a court document (no seal)."""

    court_name: str
    case_number: str
    decided_on: date
    served_on: date
    dispute_type: str
    concluded_on: date
    organization: str
    applicant: PartyInfo
    respondents: tuple[PartyInfo, ...]
    items: tuple[ExecutionItemText, ...]
    total: str | None  # yuan of the money items whose remaining sum is recorded; None when there is no money item
    total_complete: bool
    apply_by: date
    prepared_on: date
    dev_mode: bool = False


@dataclass(frozen=True)
class PerformedObligation:
    """One obligation of the agreement as the certificate states it: what, by whom to whom, and when it was
    performed and on whose word (the recorded answer)."""

    obligor: str
    obligee: str
    what: str  # "支付货款人民币7000.00元" or the act as filed ("返还样品一批")
    performed_on: date
    confirmed_by: str  # "权利人张三确认" / "调解员杨调解见证（附履行凭证）"


@dataclass(frozen=True)
class PerformanceCertificateContent:
    """Everything a 自动履行证明书 prints; every fact from what was recorded (the ruling, the obligations, the answers)."""

    court_name: str
    case_number: str  # the ruling's case number: the certificate is of that case
    parties: tuple[str, ...]  # the applicants' names, in their order
    ruling_decided_on: date
    obligations: tuple[PerformedObligation, ...]
    decided_on: date  # the certificate's date: the day the last obligation was performed
    verify_url: str
    check_code: str
    dev_mode: bool
    judge_name: str = ""  # not printed: the certificate is the court's, signed by its seal alone
    clerk_name: str = ""
    verify_site: str | None = None
    preview: bool = False


@dataclass(frozen=True)
class ReportChart:
    """One bar chart of a report, drawn the same on the page (ECharts) and in the PDF (reportlab graphics).

    ``series`` are (name, values), one value per category; None is a bar not drawn (no figure, e.g. a rate of
    nothing). ``percent``: the values are shares from 0 to 1, shown as percentages."""

    key: str
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    stacked: bool = False
    percent: bool = False


@dataclass(frozen=True)
class ReportTable:
    """A table of a report: a title, the header and the rows (already worded; the first cell names the row)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class JointMeetingContent:
    """Everything the joint-meeting report (联席会议报表) prints: worded tables and charts, the court and period."""

    court_name: str
    period_label: str  # e.g. "2026年3月1日至2026年3月31日（31日）"
    issued_on: date  # the day it was sealed, printed at the foot under the seal
    tables: tuple[ReportTable, ...]
    charts: tuple[ReportChart, ...]
    notes: tuple[str, ...] = ()
    dev_mode: bool = False
