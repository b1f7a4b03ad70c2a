"""The tables: courts, organisations, users, applications and everything that happens to them.

All times are stored in UTC (timezone-aware columns on PostgreSQL; SQLite keeps them naive, read back via
``clock.as_utc``). Applications use random UUIDs as ids so that no one can count or guess them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from confirm.core.clock import utcnow


def pk(row: SQLModel) -> int:
    """The integer primary key of a stored row (typed ``int | None`` until the row is flushed)."""
    value = getattr(row, "id", None)
    if not isinstance(value, int):
        raise ValueError(f"{type(row).__name__} has not been stored yet")
    return value


class Role(StrEnum):
    """What a staff account may do."""

    MEDIATOR = "mediator"  # 调解员: files applications for their organisation and serves rulings
    JUDGE = "judge"  # 审判员: claims, reviews and decides
    CLERK = "clerk"  # 书记员: named on rulings; sees the court's queue
    ADMIN = "admin"  # 管理员: courts, organisations and accounts
    ORG_HEAD = "org_head"  # 调解组织负责人: reads the evaluation figures of their organisation, no case files

    @property
    def name_zh(self) -> str:
        return {Role.MEDIATOR: "调解员", Role.JUDGE: "审判员", Role.CLERK: "书记员", Role.ADMIN: "管理员",
                Role.ORG_HEAD: "调解组织负责人"}[self]


class OrgKind(StrEnum):
    """调解组织的类型 (the seed's 一庭两所: police station, justice office, people's tribunal)."""

    POLICE_STATION = "police_station"
    JUDICIAL_OFFICE = "judicial_office"
    TRIBUNAL = "tribunal"
    OTHER = "other"

    @property
    def name_zh(self) -> str:
        return {OrgKind.POLICE_STATION: "派出所驻所调解室", OrgKind.JUDICIAL_OFFICE: "司法所/人民调解委员会",
                OrgKind.TRIBUNAL: "驻庭调解室", OrgKind.OTHER: "其他调解组织"}[self]


def _uuid() -> str:
    return uuid.uuid4().hex


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware in, UTC stored, UTC out, on every backend (SQLite would otherwise keep local wall time)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Jiudi stores only timezone-aware times")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


def _json(**kw: Any) -> Any:
    return Field(sa_type=sa.JSON, **kw)


class Court(SQLModel, table=True):
    """人民法院: a basic court with its court code (法院代字, e.g. 渝0241)."""

    __tablename__ = "courts"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=100)
    # whether confirming needs every party's own confirmation through Jiudi (required) or only records it
    party_confirmation: str = Field(default="required", max_length=20)
    # who may revoke a ruling: the judge who decided it (deciding_judge, the default) or any judge (any_judge)
    revocation: str = Field(default="deciding_judge", max_length=20)
    # an application after the 30-day window: accepted with a risk flag for the judge (flag, CPL 86 顺延) or refused
    late_applications: str = Field(default="flag", max_length=20)
    # whether the ruling prints a party's identity document number in full (yes, as before) or masked (no)
    print_full_id: bool = Field(default=True)
    # where its 民特 case numbers come from: Jiudi's own counter, blocks the court reserved, or its case system (http)
    case_number_source: str = Field(default="counter", max_length=20)
    created_at: datetime = _ts(default_factory=utcnow)


class Organization(SQLModel, table=True):
    """调解组织: a mediation room or committee under a court's jurisdiction."""

    __tablename__ = "organizations"
    __table_args__ = (sa.UniqueConstraint("court_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    court_id: int = Field(foreign_key="courts.id", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=30)
    created_at: datetime = _ts(default_factory=utcnow)


class User(SQLModel, table=True):
    """A mediator, judge, clerk or administrator."""

    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    name: str = Field(max_length=100)
    role: str = Field(max_length=20)
    court_id: int = Field(foreign_key="courts.id", index=True)
    organization_id: int | None = Field(default=None, foreign_key="organizations.id")
    password_hash: str = Field(max_length=200)
    disabled: bool = False
    created_at: datetime = _ts(default_factory=utcnow)


class RateCounter(SQLModel, table=True):
    """Hits of one rate-limit key in one fixed window, in the database so that every instance counts together
    and a restart forgets nothing (login failures per account, per address, per both)."""

    __tablename__ = "rate_counters"
    key: str = Field(primary_key=True, max_length=300)
    window_start: datetime = _ts(primary_key=True)
    hits: int = 0


class InstitutionKey(SQLModel, table=True):
    """A bulk verifier's key (a bank checking a batch of rulings): its verification look-ups are counted under the
    key at its own limit, not under its address. Only the key's SHA-256 is kept (the key is 256 random bits: a fast
    hash is enough); the administrator sees it once, when it is made."""

    __tablename__ = "institution_keys"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    key_hash: str = Field(max_length=64, unique=True)
    key_prefix: str = Field(max_length=12)  # the key's first characters, to tell keys apart on the admin page
    per_minute: int
    created_by: str = Field(max_length=100)
    created_at: datetime = _ts(default_factory=utcnow)
    revoked_at: datetime | None = _ts(default=None)
    revoked_by: str | None = Field(default=None, max_length=100)


class AuthToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is kept so a database leak does not leak sessions."""

    __tablename__ = "auth_tokens"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = _ts(default_factory=utcnow)
    expires_at: datetime = _ts()


class Application(SQLModel, table=True):
    """申请: a joint application for judicial confirmation of one mediation agreement."""

    __tablename__ = "applications"
    # the cross-case signals count a court's, an organisation's and a mediator's submissions in a window
    __table_args__ = (sa.Index("ix_applications_court_submitted", "court_id", "submitted_at"),
                      sa.Index("ix_applications_org_submitted", "organization_id", "submitted_at"),
                      sa.Index("ix_applications_mediator_submitted", "court_id", "mediator_name", "submitted_at"))
    id: str = Field(default_factory=_uuid, primary_key=True, max_length=32)
    status: str = Field(max_length=20, index=True)
    court_id: int = Field(foreign_key="courts.id", index=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    created_by: int = Field(foreign_key="users.id")
    dispute_type: str = Field(max_length=100)
    mediation_concluded_on: date
    mediation_place: str = Field(max_length=200)
    mediator_name: str = Field(max_length=100)
    agreement_text: str = Field(sa_type=sa.Text)
    agreement_amount: str | None = Field(default=None, max_length=20)
    case_number: str | None = Field(default=None, max_length=60, unique=True)
    submitted_at: datetime | None = _ts(default=None)
    # 收案: the first claim registered the case and took its number; 受理: the court accepted it (Interp. 355)
    registered_at: datetime | None = _ts(default=None)
    accepted_at: datetime | None = _ts(default=None)
    claimed_by: int | None = Field(default=None, foreign_key="users.id")
    return_reason: str | None = Field(default=None, sa_type=sa.Text)
    # 限期补正: the day by which the court asked for the supplement, and when it asked (Interp. 354 ¶2, 356 ¶2)
    supplement_deadline: date | None = None
    supplement_ordered_at: datetime | None = _ts(default=None)
    risk_flags: list[dict[str, Any]] = _json(default_factory=list)
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)


class Party(SQLModel, table=True):
    """申请人: one party to the agreement; all parties apply jointly (CPL 205)."""

    __tablename__ = "parties"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    position: int
    kind: str = Field(max_length=20)
    name: str = Field(max_length=200)
    # indexed: the cross-case signals look parties up by identity, phone, address and agent (confirm.law.signals)
    id_number: str | None = Field(default=None, max_length=32, index=True)
    credit_code: str | None = Field(default=None, max_length=32, index=True)
    representative: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32, index=True)
    email: str | None = Field(default=None, max_length=254)
    address: str | None = Field(default=None, max_length=300)
    ethnicity: str | None = Field(default=None, max_length=20)
    occupation: str | None = Field(default=None, max_length=100)
    agent: dict[str, Any] | None = _json(default=None)
    # a person's identity document (在线诉讼规则 7): which one (id_number holds its number), and what its number
    # does not carry: nationality (foreigners), sex and birth date as entered
    id_type: str = Field(default="resident_id", max_length=40)
    nationality: str | None = Field(default=None, max_length=50)
    sex: str | None = Field(default=None, max_length=2)
    birth_date: date | None = None
    # an organisation's 法定代表人 or 负责人 and their 职务
    representative_role: str = Field(default="legal_representative", max_length=30)
    representative_title: str | None = Field(default=None, max_length=50)
    # 法定代理人 (CPL 60): {"name", "relation"}; and whether the party was declared without full capacity
    without_capacity: bool = Field(default=False)
    guardian: dict[str, Any] | None = _json(default=None)
    # set at submission: the address and the agent as the cross-case signals compare them (law.signals)
    address_key: str | None = Field(default=None, max_length=300, index=True)
    agent_key: str | None = Field(default=None, max_length=140, index=True)


class Obligation(SQLModel, table=True):
    """履行义务: what one party owes another under the agreement — a sum (``amount`` in integer fen) or an act
    (``description``) — and by when; ``state`` is the performance as the obligee reports it (api.md v1.1)."""

    __tablename__ = "obligations"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    position: int
    # the parties' positions in the application (the API's indexes) and their rows
    obligor: int
    obligee: int
    obligor_party_id: int = Field(foreign_key="parties.id")
    obligee_party_id: int = Field(foreign_key="parties.id")
    kind: str = Field(max_length=10)  # money or act
    amount_fen: int | None = Field(default=None, sa_type=sa.BigInteger)
    description: str | None = Field(default=None, max_length=500)
    due_on: date | None = None
    state: str = Field(default="pending", max_length=20)
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)


class PerformanceNotice(SQLModel, table=True):
    """One scheduled message about one obligation, decided once (the unique pair is what makes it exactly once):
    the 履行提醒 to the obligor or the 履行情况询问 to the obligee, sent (``message_id``) or not, and why (``skipped``:
    ``performed``, ``past_due``, ``no_address``, ``ruling_revoked``)."""

    __tablename__ = "performance_notices"
    __table_args__ = (sa.UniqueConstraint("obligation_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    obligation_id: int = Field(foreign_key="obligations.id")
    kind: str = Field(max_length=20)  # reminder or question (confirm.law.follow_up)
    due_on: date
    party_id: int = Field(foreign_key="parties.id")  # to whom: the obligor (reminder) or the obligee (question)
    message_id: int | None = Field(default=None, foreign_key="messages.id")
    skipped: str | None = Field(default=None, max_length=40)
    created_at: datetime = _ts(default_factory=utcnow)


class PerformanceProof(SQLModel, table=True):
    """履行凭证: a transfer receipt or a photo of the handover, uploaded by the obligor from their link or by the
    case's mediator; the bytes are in the document store (by SHA-256), like every filed document."""

    __tablename__ = "performance_proofs"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    obligation_id: int = Field(foreign_key="obligations.id", index=True)
    party_id: int | None = Field(default=None, foreign_key="parties.id")  # the obligor who uploaded it
    user_id: int | None = Field(default=None, foreign_key="users.id")  # or the mediator
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=50)
    sha256: str = Field(max_length=64)
    size: int
    created_at: datetime = _ts(default_factory=utcnow)


class PerformanceAnswer(SQLModel, table=True):
    """One answer about an obligation's performance, kept for ever (the obligation's ``state`` is the last one):
    the obligee's own (``party_id``) or the mediator's record of what they witnessed (``user_id``, with a proof)."""

    __tablename__ = "performance_answers"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    obligation_id: int = Field(foreign_key="obligations.id", index=True)
    state: str = Field(max_length=20)  # performed, partly_performed or not_performed
    note: str | None = Field(default=None, max_length=500)
    party_id: int | None = Field(default=None, foreign_key="parties.id")
    user_id: int | None = Field(default=None, foreign_key="users.id")
    proof_id: int | None = Field(default=None, foreign_key="performance_proofs.id")
    answered_at: datetime = _ts(default_factory=utcnow)


class PerformanceCertificate(SQLModel, table=True):
    """自动履行证明书: sealed once every obligation of the case is performed; verified like a ruling (its own QR
    token and check code)."""

    __tablename__ = "performance_certificates"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", unique=True, max_length=32)
    token_nonce: str = Field(max_length=32)
    token_hash: str = Field(max_length=64, unique=True)
    check_code_hash: str = Field(max_length=64, unique=True)
    sha256: str = Field(max_length=64, unique=True)
    signer: str = Field(max_length=300)
    signer_cert_sha256: str = Field(max_length=64)
    level: str = Field(max_length=10)
    performed_on: date  # the day the last obligation was performed, as recorded
    issued_at: datetime = _ts(default_factory=utcnow)


class Document(SQLModel, table=True):
    """A filed document (调解协议, 申请书, identity, evidence), kept by content hash in the document store."""

    __tablename__ = "documents"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    kind: str = Field(max_length=30)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=50)
    sha256: str = Field(max_length=64)
    size: int
    uploaded_by: int = Field(foreign_key="users.id")
    created_at: datetime = _ts(default_factory=utcnow)


class StoredDocument(SQLModel, table=True):
    """A document in the database document store (core.storage.DatabaseStore), named by its SHA-256; its bytes are
    in ``stored_chunks``. Written once, never changed: rows of documents point to it by ``sha256``."""

    __tablename__ = "stored_documents"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int = Field(sa_type=sa.BigInteger)
    chunks: int


class StoredChunk(SQLModel, table=True):
    """One chunk (1 MiB, the last shorter) of a stored document's bytes, in order by ``chunk_no`` from 0."""

    __tablename__ = "stored_chunks"
    sha256: str = Field(primary_key=True, max_length=64, foreign_key="stored_documents.sha256")
    chunk_no: int = Field(primary_key=True)
    data: bytes = Field(sa_type=sa.LargeBinary)


class CaseCounter(SQLModel, table=True):
    """The last case number sequence given per court, year and type code (gapless, domain.md §5)."""

    __tablename__ = "case_counters"
    court_id: int = Field(foreign_key="courts.id", primary_key=True)
    year: int = Field(primary_key=True)
    type_code: str = Field(primary_key=True, max_length=10)
    last_sequence: int = 0


class CaseNumberBlock(SQLModel, table=True):
    """号段: a range of one year's series the court reserved for Jiudi (``case_number_source`` = blocks)."""

    __tablename__ = "case_number_blocks"
    id: int | None = Field(default=None, primary_key=True)
    court_id: int = Field(foreign_key="courts.id", index=True)
    year: int
    type_code: str = Field(max_length=10)
    first: int
    last: int
    next: int  # the next number to give; last + 1 once used up
    created_at: datetime = _ts(default_factory=utcnow)


class CaseNumberAllocation(SQLModel, table=True):
    """A number the court's case system allocated to an application, recorded before the claim that uses it, so a
    claim that fails afterwards loses nothing: the next claim takes the same number (``case_number_source`` = http)."""

    __tablename__ = "case_number_allocations"
    __table_args__ = (sa.UniqueConstraint("court_id", "year", "type_code", "sequence"),)
    key: str = Field(primary_key=True, max_length=80)  # the idempotency key sent to the allocator
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    court_id: int = Field(foreign_key="courts.id")
    year: int
    type_code: str = Field(max_length=10)
    sequence: int
    allocated_at: datetime = _ts(default_factory=utcnow)


class Decision(SQLModel, table=True):
    """The judge's decision (裁定结果) with grounds and the record of the joint verification."""

    __tablename__ = "decisions"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", unique=True, max_length=32)
    outcome: str = Field(max_length=30)
    grounds: list[str] = _json(default_factory=list)
    reasoning: str = Field(default="", sa_type=sa.Text)
    verification_method: str | None = Field(default=None, max_length=20)
    verification_at: datetime | None = _ts(default=None)
    judge_id: int = Field(foreign_key="users.id")
    clerk_id: int = Field(foreign_key="users.id")
    decided_at: datetime = _ts(default_factory=utcnow)
    # the judge's record of why a party could not confirm through Jiudi and how it confirmed instead:
    # [{"party_id", "reason"}]
    party_waivers: list[dict[str, Any]] = _json(default_factory=list)
    # 准许撤回申请: who asked to withdraw and on which day, as the judge recorded it: {"party_ids", "on"}
    withdrawal: dict[str, Any] | None = _json(default=None)
    # why the judge confirmed over a high risk flag (confirm.law.signals.risk_reason_problems)
    risk_reason: str | None = Field(default=None, sa_type=sa.Text)


class IssuanceJob(SQLModel, table=True):
    """Transactional outbox: committed with the decision (or the last service record); the worker turns it into
    the sealed ruling (or service receipt, or an electronic service voucher), so only the worker ever uses a seal key."""

    __tablename__ = "issuance_jobs"
    __table_args__ = (sa.UniqueConstraint("application_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    kind: str = Field(default="ruling", max_length=20)  # a JobKind, for a voucher with ":<party id>" (job_kind)
    state: str = Field(default="pending", max_length=20, index=True)  # a JobState
    attempts: int = 0
    next_attempt_at: datetime = _ts(default_factory=utcnow)
    locked_until: datetime | None = _ts(default=None)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = _ts(default_factory=utcnow)
    finished_at: datetime | None = _ts(default=None)


class JobState(StrEnum):
    """Where an issuance job is: waiting (again, after a failed attempt: ``attempts`` > 0), taken, or done."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"


class JobKind(StrEnum):
    """The sealed document an issuance job makes."""

    RULING = "ruling"  # 民事裁定书
    RECEIPT = "receipt"  # 送达回证
    VOUCHER = "voucher"  # 电子送达凭证, one per party served electronically
    ADDRESS = "address"  # 送达地址确认书, one per party's confirmation (the job names the party link)
    MESSAGE = "message"  # a message to a party (the job names the message)
    REPORT = "report"  # asking the SMS provider whether a message reached the phone (the job names the message)
    OBJECTION = "objection"  # 民事裁定书 on an objection (民特监; the job names the objection)
    REMINDER = "reminder"  # 履行提醒 to the obligor before a due date (the job names the obligation; waits until its day)
    QUESTION = "question"  # 履行情况询问 to the obligee the day after a due date (the job names the obligation)
    PERFORMANCE = "performance"  # 自动履行证明书, once every obligation of the case is performed (one per case)


_KINDS_WITH_REF = (JobKind.VOUCHER, JobKind.ADDRESS, JobKind.MESSAGE, JobKind.REPORT, JobKind.OBJECTION,
                   JobKind.REMINDER, JobKind.QUESTION)


class JobTarget(NamedTuple):
    """What one job is about: an application, and the one thing of it the job names (``job_kind``'s ref)."""

    application_id: str
    ref: int | None = None


def job_kind(kind: JobKind, ref: int | None = None) -> str:
    """The stored ``IssuanceJob.kind``: ``ruling``, ``receipt``, or ``<kind>:<ref>`` for a job about one thing (a
    voucher's party, an address confirmation's party link, a message)."""
    if (kind in _KINDS_WITH_REF) != (ref is not None):
        raise ValueError(f"a {kind} job {'names' if kind in _KINDS_WITH_REF else 'names no'} reference")
    return kind if ref is None else f"{kind}:{ref}"


def parse_job_kind(stored: str) -> tuple[JobKind, int | None]:
    """``job_kind`` read back: the kind and its reference (a party id, a party link id, a message id)."""
    kind, _, party = stored.partition(":")
    return JobKind(kind), int(party) if party else None


def voucher_job_kind(party_id: int) -> str:
    """The outbox kind of the job that seals one party's electronic service voucher."""
    return job_kind(JobKind.VOUCHER, party_id)


class Ruling(SQLModel, table=True):
    """民事裁定书: the one authoritative sealed PDF of an application (unique per application)."""

    __tablename__ = "rulings"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", unique=True, max_length=32)
    outcome: str = Field(max_length=30)
    token_nonce: str = Field(max_length=32)
    token_hash: str = Field(max_length=64, unique=True)
    check_code_hash: str = Field(max_length=64, unique=True)
    sha256: str = Field(max_length=64, unique=True)
    size: int
    signer: str = Field(max_length=300)
    signer_cert_sha256: str = Field(max_length=64)
    level: str = Field(max_length=10)
    issued_at: datetime = _ts(default_factory=utcnow)
    revoked_at: datetime | None = _ts(default=None)
    revoke_reason: str | None = Field(default=None, sa_type=sa.Text)  # the judge's own words: staff only
    revoke_public_reason: str | None = Field(default=None, max_length=40)  # law.revocation.PUBLIC_REASONS
    revoked_by: int | None = Field(default=None, foreign_key="objections.id")  # the 民特监 ruling that did it


class Objection(SQLModel, table=True):
    """异议 (Interp. 372): an objection to an issued ruling, registered as a 民特监 case of its own and decided by a
    sealed ruling (撤销, 变更 or 驳回异议). The original ruling no longer stands once a ruling that revokes or changes
    it is sealed; verification then names that ruling (``rulings.revoked_by``)."""

    __tablename__ = "objections"
    __table_args__ = (sa.UniqueConstraint("application_id", "serial"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)  # the original case
    serial: int  # the case's first, second … objection (the key its 民特监 number is allocated under)
    court_id: int = Field(foreign_key="courts.id", index=True)
    objector_kind: str = Field(max_length=20)  # law.objections.ObjectorKind
    party_id: int | None = Field(default=None, foreign_key="parties.id")  # a party objecting
    objector_name: str = Field(max_length=100)
    objector_id_number: str | None = Field(default=None, max_length=40)  # an interested person's
    objector_address: str | None = Field(default=None, max_length=200)
    starts_on: date  # the party received the ruling / the interested person knew of the harm
    filed_on: date
    request: str = Field(sa_type=sa.Text)  # 异议请求及理由, as filed
    case_number: str = Field(max_length=60, unique=True)  # 民特监
    registered_by: int = Field(foreign_key="users.id")
    registered_at: datetime = _ts(default_factory=utcnow)
    # the decision: set once, by a judge; the ruling is sealed by the worker afterwards
    outcome: str | None = Field(default=None, max_length=20)  # law.objections.ObjectionOutcome
    reasoning: str | None = Field(default=None, sa_type=sa.Text)  # 本院认为, printed
    change_text: str | None = Field(default=None, sa_type=sa.Text)  # 变更后的内容, printed (changed only)
    public_reason: str | None = Field(default=None, max_length=40)  # law.revocation.PUBLIC_REASONS
    decided_by: int | None = Field(default=None, foreign_key="users.id")
    clerk_id: int | None = Field(default=None, foreign_key="users.id")
    decided_at: datetime | None = _ts(default=None)
    # the sealed ruling on the objection
    token_nonce: str | None = Field(default=None, max_length=32)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    check_code_hash: str | None = Field(default=None, max_length=64, unique=True)
    sha256: str | None = Field(default=None, max_length=64, unique=True)
    signer: str | None = Field(default=None, max_length=300)
    signer_cert_sha256: str | None = Field(default=None, max_length=64)
    level: str | None = Field(default=None, max_length=10)
    issued_at: datetime | None = _ts(default=None)


class ServiceFacts(SQLModel):
    """What a service record says: shared by the live record and, once the court voids it, its kept copy."""

    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    party_id: int = Field(foreign_key="parties.id")
    method: str = Field(max_length=20)
    served_at: datetime = _ts()
    place: str = Field(max_length=200)
    signature_sha256: str | None = Field(default=None, max_length=64)
    # electronic service (CPL 90): the address the recipient confirmed, the channel, and when it was sent;
    # served_at is when it arrived, the service date
    electronic_address: str | None = Field(default=None, max_length=100)
    channel: str | None = Field(default=None, max_length=20)
    sent_at: datetime | None = _ts(default=None)
    # why the recipient is taken to have consented to electronic service (在线诉讼规则 29 ¶2): express,
    # prior_agreement or address_in_application; None for service in person
    consent_basis: str | None = Field(default=None, max_length=30)
    recorded_by: int = Field(foreign_key="users.id")
    # the court's own electronic service: when the party opened the document served (查阅时间), from the system's log
    opened_at: datetime | None = _ts(default=None)
    # 代收 (CPL 88): who received and signed for the recipient, and why they may (同住成年家属, 诉讼代理人 …)
    receiver_name: str | None = Field(default=None, max_length=50)
    receiver_relation: str | None = Field(default=None, max_length=100)
    # 留置送达 (CPL 89): how the recipient refused, the witness and their unit, and the photo of the leaving
    refusal_circumstances: str | None = Field(default=None, max_length=500)
    witness_name: str | None = Field(default=None, max_length=50)
    witness_unit: str | None = Field(default=None, max_length=100)
    photo_sha256: str | None = Field(default=None, max_length=64)
    # 备考: what the mediator noted when recording the service, printed on the receipt
    remarks: str | None = Field(default=None, max_length=500)


class ServiceRecord(ServiceFacts, table=True):
    """送达: one party served, with the method, place, time and (in person) the recipient's signature."""

    __tablename__ = "service_records"
    __table_args__ = (sa.UniqueConstraint("application_id", "party_id"),)
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _ts(default_factory=utcnow)


class VoidedService(ServiceFacts, table=True):
    """A service record the court voided (a wrong address, the wrong person signed…), kept whole with why, and the
    sealed voucher and receipt that recorded it, so that verification says "voided" for those files."""

    __tablename__ = "voided_services"
    id: int | None = Field(default=None, primary_key=True)
    recorded_at: datetime = _ts()
    voucher_sha256: str | None = Field(default=None, max_length=64, index=True)
    voucher_created_at: datetime | None = _ts(default=None)
    receipt_sha256: str | None = Field(default=None, max_length=64, index=True)
    receipt_created_at: datetime | None = _ts(default=None)
    voided_by: int = Field(foreign_key="users.id")
    voided_at: datetime = _ts(default_factory=utcnow)
    reason: str = Field(sa_type=sa.Text)


class ServiceReceipt(SQLModel, table=True):
    """送达回证: the sealed receipt made once every party has been served."""

    __tablename__ = "service_receipts"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", unique=True, max_length=32)
    sha256: str = Field(max_length=64)
    created_at: datetime = _ts(default_factory=utcnow)


class ServiceVoucher(SQLModel, table=True):
    """电子送达凭证: the sealed voucher of one party's electronic service; it has the effect of a receipt."""

    __tablename__ = "service_vouchers"
    __table_args__ = (sa.UniqueConstraint("application_id", "party_id"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    party_id: int = Field(foreign_key="parties.id")
    sha256: str = Field(max_length=64)
    created_at: datetime = _ts(default_factory=utcnow)


class IdempotencyRecord(SQLModel, table=True):
    """The first response to a request with an Idempotency-Key, replayed for retries of the same body."""

    __tablename__ = "idempotency_records"
    user_id: int = Field(foreign_key="users.id", primary_key=True)
    key: str = Field(max_length=255, primary_key=True)
    request_sha256: str = Field(max_length=64)
    status_code: int
    response: dict[str, Any] = _json()
    created_at: datetime = _ts(default_factory=utcnow)


class PartyLinkState(StrEnum):
    """Where a party's own confirmation stands."""

    PENDING = "pending"  # sent, not answered
    CONFIRMED = "confirmed"  # the party confirmed the agreement
    DECLINED = "declined"  # the party said it did not agree
    LOCKED = "locked"  # five wrong codes: nobody can use the link; the court is told
    WAIVED = "waived"  # the judge recorded why the party could not confirm and how it confirmed instead
    VOIDED = "voided"  # the application was edited since: the party is asked again


class PartyLink(SQLModel, table=True):
    """当事人确认: one party's own link to confirm one version of the agreement from their phone, and what the party
    did with it — the evidence the court relies on that the parties really agreed (CPL 115–116)."""

    __tablename__ = "party_links"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    party_id: int = Field(index=True)  # no foreign key: an edit replaces the parties, the voided link stays
    party_name: str = Field(max_length=200)
    nonce: str = Field(max_length=32, unique=True)  # the link's token is HMAC(server secret, nonce)
    token_hash: str = Field(max_length=64, unique=True)
    agreement_sha256: str = Field(max_length=64)  # the version of the agreement the party is asked about
    state: str = Field(default=PartyLinkState.PENDING, max_length=20)
    created_at: datetime = _ts(default_factory=utcnow)
    expires_at: datetime = _ts()
    failed_attempts: int = 0
    code_hash: str | None = Field(default=None, max_length=64)  # the current one-time code's HMAC, never the code
    code_expires_at: datetime | None = _ts(default=None)
    code_channel: str | None = Field(default=None, max_length=20)
    code_sent_to: str | None = Field(default=None, max_length=100)  # masked
    decided_at: datetime | None = _ts(default=None)
    note: str | None = Field(default=None, sa_type=sa.Text)
    # what the party saw and from where: agreement_sha256 seen, pages viewed, address, user agent, code channel
    evidence: dict[str, Any] = _json(default_factory=dict)
    service_address: str | None = Field(default=None, max_length=300)
    service_phone: str | None = Field(default=None, max_length=32)
    service_email: str | None = Field(default=None, max_length=254)
    electronic_service: bool | None = None
    waived_reason: str | None = Field(default=None, sa_type=sa.Text)
    waived_by: int | None = Field(default=None, foreign_key="users.id")
    voided_at: datetime | None = _ts(default=None)


class MediationRating(SQLModel, table=True):
    """听取群众意见: one party's rating of the mediation of one case (1–5 stars and a comment), given after the
    ruling was served on that party; read by the mediator only in aggregate and without the party's name."""

    __tablename__ = "mediation_ratings"
    __table_args__ = (sa.UniqueConstraint("application_id", "party_id", name="uq_mediation_ratings_party"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    party_id: int = Field(foreign_key="parties.id")
    stars: int
    comment: str | None = Field(default=None, max_length=500)
    created_at: datetime = _ts(default_factory=utcnow)


class PartySession(SQLModel, table=True):
    """A party's bearer token after the code and ID check: for this party's link only, short-lived."""

    __tablename__ = "party_sessions"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    link_id: int = Field(foreign_key="party_links.id", index=True)
    created_at: datetime = _ts(default_factory=utcnow)
    expires_at: datetime = _ts()


class PartyView(SQLModel, table=True):
    """One page of the agreement shown to a party (the typed text is page 0 of no document)."""

    __tablename__ = "party_views"
    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="party_links.id", index=True)
    document_id: int | None = None
    page: int = 0
    at: datetime = _ts(default_factory=utcnow)


class AddressConfirmation(SQLModel, table=True):
    """送达地址确认书: the sealed record of the address for service a party confirmed (在线诉讼规则 29 ¶2)."""

    __tablename__ = "address_confirmations"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    link_id: int = Field(foreign_key="party_links.id", unique=True)
    sha256: str = Field(max_length=64, unique=True)
    created_at: datetime = _ts(default_factory=utcnow)


class MessageState(StrEnum):
    """A message's delivery: at most once — one whose sending was interrupted is never sent again blindly."""

    QUEUED = "queued"
    SENDING = "sending"  # handed to the provider; a worker that dies here leaves it uncertain, not resent
    SENT = "sent"
    FAILED = "failed"  # refused for good (a bad address, a rejected template)
    UNCERTAIN = "uncertain"  # the worker died while sending: the court decides whether to send again


class Message(SQLModel, table=True):
    """A message Jiudi sends to a party (a link, a one-time code, the served ruling): a durable job, or, in
    development mode without a configured channel, an entry of the development outbox."""

    __tablename__ = "messages"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True, max_length=32)
    party_id: int | None = None
    link_id: int | None = Field(default=None, index=True)
    kind: str = Field(max_length=40)
    channel: str = Field(max_length=10)  # sms or email
    to_address: str = Field(max_length=254, index=True)
    subject: str = Field(default="", max_length=200)
    text: str = Field(sa_type=sa.Text)
    params: dict[str, Any] = _json(default_factory=dict)
    state: str = Field(default=MessageState.QUEUED, max_length=20)
    attempts: int = 0
    outbox: bool = False  # kept in the development outbox instead of sent
    provider_id: str | None = Field(default=None, max_length=200)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = _ts(default_factory=utcnow, index=True)
    sent_at: datetime | None = _ts(default=None)
    # what the provider reported afterwards (SMS): delivered to the phone at delivered_at, failed, or unknown
    delivery_state: str | None = Field(default=None, max_length=20)
    delivered_at: datetime | None = _ts(default=None)


class Event(SQLModel, table=True):
    """A live event (SSE); the id orders events and lets a client resume with Last-Event-ID."""

    __tablename__ = "events"
    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(max_length=50)
    application_id: str = Field(max_length=32, index=True)
    court_id: int = Field(index=True)
    organization_id: int = Field(index=True)
    data: dict[str, Any] = _json()
    created_at: datetime = _ts(default_factory=utcnow)


class AuditRecord(SQLModel, table=True):
    """Append-only audit log; each record carries the hash of the previous one (a hash chain)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(default_factory=utcnow)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=50)
    application_id: str | None = Field(default=None, max_length=32, index=True)
    data: dict[str, Any] = _json()
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class AuditCheckpoint(SQLModel, table=True):
    """A signed statement of the audit chain's head: "record N has hash H", signed with the separate audit key."""

    __tablename__ = "audit_checkpoints"
    id: int | None = Field(default=None, primary_key=True)
    last_record_id: int
    last_hash: str = Field(max_length=64)
    signed_at: datetime = _ts(default_factory=utcnow)
    key_fingerprint: str = Field(max_length=64)
    signature: str = Field(max_length=200)
