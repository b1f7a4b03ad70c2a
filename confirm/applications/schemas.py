"""What the staff API answers about applications (api.md "Applications", "Review", "Service"): typed response
models, so ``/openapi.json`` documents every body, built from the stored rows by small parts.

Times are strings in ISO 8601 with China's offset (``clock.iso``), dates ``YYYY-MM-DD``, as the contract asks.
Fields that only one kind of party has are left out for the other (answer with ``exclude_unset``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from confirm.applications.service import party_facts
from confirm.core.clock import china_time, iso
from confirm.core.verify_codes import verify_url
from confirm.law.lifecycle import Status
from confirm.law.obligations import yuan
from confirm.law.review import acceptance_deadline, review_deadline
from confirm.law.serving import ServiceMethod
from confirm.models import (
    Application,
    Court,
    Decision,
    Document,
    IssuanceJob,
    JobKind,
    JobState,
    Objection,
    Obligation,
    Organization,
    Party,
    PartyLink,
    Ruling,
    ServiceReceipt,
    ServiceRecord,
    ServiceVoucher,
    User,
    VoidedService,
    job_kind,
    pk,
    voucher_job_kind,
)
from confirm.parties.service import confirmation_json, current_links, parties_of

Time = str  # ISO 8601 with +08:00
Day = str  # YYYY-MM-DD


class ConfirmationOut(BaseModel):
    """The party's own confirmation of the agreement (api.md v1.1)."""

    state: str = Field(description="pending, confirmed, declined, locked or waived")
    at: Time | None


class PartyOut(BaseModel):
    """申请人 as stored; sex and birth date come from a person's ID number."""

    id: int
    kind: str
    name: str
    phone: str | None
    address: str | None
    email: str | None = None
    confirmation: ConfirmationOut | None = None
    id_number: str | None = None
    ethnicity: str | None = None
    occupation: str | None = None
    sex: str | None = None
    birth_date: Day | None = None
    credit_code: str | None = None
    representative: str | None = None
    agent: dict[str, Any] | None = None
    # v1.2 (README "Party block")
    id_type: str | None = None
    nationality: str | None = None
    without_capacity: bool | None = None
    guardian: dict[str, Any] | None = None
    representative_role: str | None = None
    representative_title: str | None = None

    @classmethod
    def of(cls, p: Party, link: PartyLink | None) -> PartyOut:
        fields: dict[str, Any] = dict(id=p.id, kind=p.kind, name=p.name, phone=p.phone, address=p.address,
                                      confirmation=ConfirmationOut(**confirmation_json(link)))
        if p.email:
            fields["email"] = p.email
        if p.kind == "person":
            facts = party_facts(p)
            fields.update(id_number=p.id_number, ethnicity=p.ethnicity, occupation=p.occupation,
                          sex=facts.sex if facts else None,
                          birth_date=facts.birth_date.isoformat() if facts else None,
                          id_type=p.id_type, nationality=p.nationality, without_capacity=p.without_capacity,
                          guardian=p.guardian)
        else:
            fields.update(credit_code=p.credit_code, representative=p.representative,
                          representative_role=p.representative_role, representative_title=p.representative_title)
        if p.agent:
            fields["agent"] = p.agent
        return cls(**fields)


class MediationOut(BaseModel):
    concluded_on: Day
    place: str
    mediator_name: str


class AgreementOut(BaseModel):
    text: str
    amount: str | None


class ObligationOut(BaseModel):
    """履行义务 as filed (api.md v1.1): ``obligor``/``obligee`` index ``parties``; the amount in yuan."""

    id: int
    obligor: int
    obligee: int
    obligor_party_id: int
    obligee_party_id: int
    kind: str = Field(description="money or act")
    amount: str | None = Field(description="yuan with two decimals, e.g. 12000.00 (money only)")
    description: str | None
    due_on: Day | None
    state: str = Field(description="pending, performed, partly_performed or not_performed")

    @classmethod
    def of(cls, o: Obligation) -> ObligationOut:
        return cls(id=pk(o), obligor=o.obligor, obligee=o.obligee, obligor_party_id=o.obligor_party_id,
                   obligee_party_id=o.obligee_party_id, kind=o.kind, amount=yuan(o.amount_fen),
                   description=o.description, due_on=o.due_on.isoformat() if o.due_on else None, state=o.state)


def obligations_of(session: Session, application_id: str) -> list[Obligation]:
    return list(session.exec(select(Obligation).where(Obligation.application_id == application_id)
                             .order_by(col(Obligation.position))))


class DocumentOut(BaseModel):
    """A filed document; ``url`` downloads it (staff only)."""

    id: int
    kind: str
    filename: str
    content_type: str
    sha256: str
    size: int
    url: str


class RiskFlagOut(BaseModel):
    code: str
    message: str
    # api.md v1.1: the other applications the flag connects (cross-case signals, confirm.law.signals)
    related_application_ids: list[str] = Field(default_factory=list)
    # an extension (README "Cross-case signals"): a confirmation over a high flag needs a risk_reason
    severity: str = "normal"


class DecisionOut(BaseModel):
    outcome: str
    grounds: list[str]
    decided_at: Time | None
    issuance: str = Field(description="sealing the ruling: queued, sealing, retrying or done")
    risk_reason: str | None = None  # why the judge confirmed over a high risk flag


class RulingOut(BaseModel):
    outcome: str
    issued_at: Time | None
    verify_url: str
    pdf_url: str
    sha256: str
    level: str
    revoked: bool
    revoked_by: str | None = None  # the case number of the ruling on an objection that revoked or changed it


class RecipientOut(BaseModel):
    party_id: int
    method: str
    served_at: Time | None
    place: str | None
    signed: bool
    electronic_address: str | None
    channel: str | None
    sent_at: Time | None
    consent_basis: str | None
    voucher_url: str | None
    voucher_issuance: str | None
    receiver_name: str | None = None  # 代收 (CPL 88)
    receiver_relation: str | None = None
    refusal_circumstances: str | None = None  # 留置送达 (CPL 89)
    witness_name: str | None = None
    witness_unit: str | None = None
    photo_sha256: str | None = None


class ServiceOut(BaseModel):
    served_at: Time | None
    complete: bool
    receipt_url: str | None
    receipt_issuance: str | None
    recipients: list[RecipientOut]


class VoidedServiceOut(BaseModel):
    party_id: int
    method: str
    served_at: Time | None
    electronic_address: str | None
    voided_at: Time | None
    reason: str


class ClocksOut(BaseModel):
    """The two review clocks (3 days to accept, 30 days to decide) and who holds the application."""

    submitted_at: Time | None
    claimed_by: str | None
    claimed_by_name: str | None
    acceptance_deadline: Day | None
    review_deadline: Day | None
    risk_flags: list[RiskFlagOut]

    @classmethod
    def fields_of(cls, session: Session, app: Application) -> dict[str, Any]:
        claimed = session.get(User, app.claimed_by) if app.claimed_by else None
        submitted_day = china_time(app.submitted_at).date() if app.submitted_at else None
        accepted_day = china_time(app.accepted_at).date() if app.accepted_at else None
        return dict(
            submitted_at=iso(app.submitted_at), claimed_by=claimed.username if claimed else None,
            claimed_by_name=claimed.name if claimed else None,
            acceptance_deadline=acceptance_deadline(submitted_day).isoformat() if submitted_day else None,
            review_deadline=review_deadline(accepted_day).isoformat() if accepted_day else None,
            risk_flags=[RiskFlagOut(**f) for f in app.risk_flags],
        )


class QueueRow(ClocksOut):
    """A row of the review queue or of a list: enough to triage without opening the application."""

    id: str
    status: str
    case_number: str | None
    dispute_type: str
    organization: str | None
    parties: list[str]
    amount: str | None
    confirmations: list[str] = Field(description="each party's own confirmation state, in the parties' order")

    @classmethod
    def of(cls, session: Session, app: Application) -> QueueRow:
        org = session.get(Organization, app.organization_id)
        parties = parties_of(session, app.id)
        links = current_links(session, app.id)
        return cls(id=app.id, status=app.status, case_number=app.case_number, dispute_type=app.dispute_type,
                   organization=org.name if org else None, parties=[p.name for p in parties],
                   amount=app.agreement_amount,
                   confirmations=[confirmation_json(links.get(pk(p)))["state"] for p in parties],
                   **ClocksOut.fields_of(session, app))


class QueueOut(BaseModel):
    items: list[QueueRow]


def issuance_state(job: IssuanceJob | None, sealed: bool) -> str:
    """What the judge and the mediator are told about sealing a document (the ruling, the receipt, a voucher):
    queued, sealing, retrying (a failed attempt: it fails closed and is tried again) or done."""
    if sealed:
        return "done"
    if job is None:
        return "queued"
    if job.attempts > 0:
        return "retrying"
    return "sealing" if job.state == JobState.RUNNING else "queued"


def _service(session: Session, app: Application, base: str, jobs: dict[str, IssuanceJob]) -> ServiceOut | None:
    served = list(session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id)
                               .order_by(col(ServiceRecord.id))))
    if not served:
        return None
    sealed_vouchers = {v.party_id for v in session.exec(
        select(ServiceVoucher).where(ServiceVoucher.application_id == app.id))}
    complete = app.status == Status.SERVED
    receipt_sealed = session.exec(
        select(ServiceReceipt).where(ServiceReceipt.application_id == app.id)).first() is not None

    def recipient(r: ServiceRecord) -> RecipientOut:
        electronic = r.method == ServiceMethod.ELECTRONIC
        return RecipientOut(
            party_id=r.party_id, method=r.method, served_at=iso(r.served_at), place=r.place,
            signed=r.signature_sha256 is not None, electronic_address=r.electronic_address, channel=r.channel,
            sent_at=iso(r.sent_at), consent_basis=r.consent_basis, receiver_name=r.receiver_name,
            receiver_relation=r.receiver_relation, refusal_circumstances=r.refusal_circumstances,
            witness_name=r.witness_name, witness_unit=r.witness_unit, photo_sha256=r.photo_sha256,
            voucher_url=f"{base}/service-vouchers/{r.party_id}.pdf" if electronic else None,
            voucher_issuance=issuance_state(jobs.get(voucher_job_kind(r.party_id)), r.party_id in sealed_vouchers)
            if electronic else None)

    return ServiceOut(
        served_at=iso(max(r.served_at for r in served)), complete=complete,
        receipt_url=f"{base}/service-receipt.pdf" if complete else None,
        receipt_issuance=issuance_state(jobs.get(job_kind(JobKind.RECEIPT)), receipt_sealed) if complete else None,
        recipients=[recipient(r) for r in served])


class ApplicationOut(ClocksOut):
    """The application as api.md shows it to staff."""

    id: str
    status: str
    court_code: str | None
    court_name: str | None
    organization: str | None
    dispute_type: str
    parties: list[PartyOut]
    mediation: MediationOut
    agreement: AgreementOut
    obligations: list[ObligationOut] = Field(default_factory=list, description="v1.1: the agreement's obligations")
    documents: list[DocumentOut]
    case_number: str | None
    registered_at: Time | None = Field(None, description="收案: when the first claim registered the case and took "
                                       "its number")
    accepted_at: Time | None = Field(None, description="受理: when the court accepted the case (POST …/accept, or "
                                     "with a decision on the merits); null before")
    return_reason: str | None
    supplement_deadline: Day | None = Field(None, description="the day by which the court asked for the supplement "
                                            "(returned cases); past it, the judge may rule 按撤回申请处理")
    decision: DecisionOut | None
    ruling: RulingOut | None
    service: ServiceOut | None
    service_voided: list[VoidedServiceOut]
    created_at: Time | None
    updated_at: Time | None

    @classmethod
    def of(cls, session: Session, app: Application, *, public_base_url: str, secret: bytes) -> ApplicationOut:
        """Read from the stored rows; links are under ``public_base_url`` (empty: relative, for the pages)."""
        court = session.get(Court, app.court_id)
        org = session.get(Organization, app.organization_id)
        ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).first()
        decision = session.exec(select(Decision).where(Decision.application_id == app.id)).first()
        jobs = {j.kind: j for j in session.exec(select(IssuanceJob).where(IssuanceJob.application_id == app.id))}
        base = f"{public_base_url}/api/v1/applications/{app.id}"
        links = current_links(session, app.id)
        docs = session.exec(select(Document).where(Document.application_id == app.id).order_by(col(Document.id)))
        voided = session.exec(select(VoidedService).where(VoidedService.application_id == app.id)
                              .order_by(col(VoidedService.id)))
        return cls(
            id=app.id, status=app.status, court_code=court.code if court else None,
            court_name=court.name if court else None, organization=org.name if org else None,
            dispute_type=app.dispute_type, parties=[PartyOut.of(p, links.get(pk(p))) for p in parties_of(session, app.id)],
            mediation=MediationOut(concluded_on=app.mediation_concluded_on.isoformat(), place=app.mediation_place,
                                   mediator_name=app.mediator_name),
            agreement=AgreementOut(text=app.agreement_text, amount=app.agreement_amount),
            obligations=[ObligationOut.of(o) for o in obligations_of(session, app.id)],
            documents=[DocumentOut(id=d.id or 0, kind=d.kind, filename=d.filename, content_type=d.content_type,
                                   sha256=d.sha256, size=d.size, url=f"{base}/documents/{d.id}") for d in docs],
            case_number=app.case_number, registered_at=iso(app.registered_at), accepted_at=iso(app.accepted_at), return_reason=app.return_reason,
            supplement_deadline=app.supplement_deadline.isoformat() if app.supplement_deadline else None,
            decision=None if decision is None else DecisionOut(
                outcome=decision.outcome, grounds=decision.grounds, decided_at=iso(decision.decided_at),
                risk_reason=decision.risk_reason, issuance=issuance_state(jobs.get(job_kind(JobKind.RULING)), ruling is not None)),
            ruling=None if ruling is None else RulingOut(
                outcome=ruling.outcome, issued_at=iso(ruling.issued_at),
                verify_url=verify_url(public_base_url, secret, ruling.token_nonce), pdf_url=f"{base}/ruling.pdf",
                sha256=ruling.sha256, level=ruling.level, revoked=ruling.revoked_at is not None,
                revoked_by=_revoking_case_number(session, ruling)),
            service=_service(session, app, base, jobs),
            service_voided=[VoidedServiceOut(party_id=v.party_id, method=v.method, served_at=iso(v.served_at),
                                             electronic_address=v.electronic_address, voided_at=iso(v.voided_at),
                                             reason=v.reason) for v in voided],
            created_at=iso(app.created_at), updated_at=iso(app.updated_at),
            **ClocksOut.fields_of(session, app),
        )


def application_json(session: Session, app: Application, *, public_base_url: str, secret: bytes) -> dict[str, Any]:
    """``ApplicationOut`` as the JSON the API answers (and the idempotency record and the pages keep)."""
    return ApplicationOut.of(session, app, public_base_url=public_base_url, secret=secret).model_dump(
        mode="json", exclude_unset=True)


def summary_json(session: Session, app: Application) -> dict[str, Any]:
    return QueueRow.of(session, app).model_dump(mode="json")


def _revoking_case_number(session: Session, ruling: Ruling) -> str | None:
    objection = session.get(Objection, ruling.revoked_by) if ruling.revoked_by else None
    return objection.case_number if objection else None
