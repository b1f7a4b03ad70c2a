"""Applications (申请): creating, editing, filing documents, seeing them, and their JSON form (api.md)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from confirm.clock import china_time, iso, utcnow
from confirm.domain.errors import DomainError, not_found
from confirm.domain.identity import normalize_id_number, person_facts
from confirm.domain.intake import DOCUMENT_KINDS, ApplicationIn, require_valid_application
from confirm.domain.lifecycle import Action, Status, require_allowed
from confirm.domain.review import acceptance_deadline, review_deadline
from confirm.domain.uploads import require_acceptable_document
from confirm.models import (
    Application,
    Court,
    Decision,
    Document,
    IdempotencyRecord,
    IssuanceJob,
    Organization,
    Party,
    Ruling,
    ServiceReceipt,
    ServiceRecord,
    ServiceVoucher,
    User,
    VoidedService,
    pk,
    voucher_job_kind,
)
from confirm.storage import DocumentStore
from confirm.tokens import verify_url


def scope_clause(user: User) -> Any:
    """What a user may see: a mediator their organisation's applications, court staff their court's."""
    if user.role == "mediator":
        return Application.organization_id == user.organization_id
    return Application.court_id == user.court_id


def get_visible(session: Session, user: User, application_id: str, *, for_update: bool = False) -> Application:
    """The application if the user may see it; 404 alike for missing and for out-of-scope."""
    query = select(Application).where(Application.id == application_id, scope_clause(user))
    if for_update:
        query = query.with_for_update()
    app = session.exec(query).first()
    if app is None:
        raise not_found()
    return app


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise DomainError("auth.forbidden", "当前账号无权进行此操作", 403)


def _store_parties(session: Session, app: Application, body: ApplicationIn) -> None:
    for old in session.exec(select(Party).where(Party.application_id == app.id)):
        session.delete(old)
    session.flush()
    for position, p in enumerate(body.parties):
        session.add(Party(
            application_id=app.id, position=position, kind=p.kind, name=p.name,
            id_number=normalize_id_number(p.id_number) if p.id_number else None,
            credit_code=p.credit_code.upper() if p.credit_code else None,
            representative=p.representative, phone=p.phone, address=p.address, ethnicity=p.ethnicity,
            occupation=p.occupation, agent=p.agent.model_dump() if p.agent else None,
        ))


def _apply_body(app: Application, body: ApplicationIn) -> None:
    app.dispute_type = body.dispute_type
    app.mediation_concluded_on = body.mediation.concluded_on
    app.mediation_place = body.mediation.place
    app.mediator_name = body.mediation.mediator_name
    app.agreement_text = body.agreement.text
    app.agreement_amount = body.agreement.amount
    app.updated_at = utcnow()


def _require_court_of_organization(session: Session, user: User, court_code: str) -> Court:
    court = session.exec(select(Court).where(Court.code == court_code)).first()
    if court is None:
        raise DomainError.for_field("court_code", "application.unknown_court", "法院代字不存在")
    if court.id != user.court_id:
        raise DomainError.for_field(
            "court_code", "application.court_not_competent", "本调解组织只能向其所属辖区法院申请司法确认"
        )
    return court


def create_application(session: Session, user: User, body: ApplicationIn, *, today: date) -> Application:
    """就地申请: a mediator stores a new draft for their own organisation (validated in full first)."""
    require_role(user, "mediator")
    require_valid_application(body, today=today)
    court = _require_court_of_organization(session, user, body.court_code)
    assert user.organization_id is not None
    app = Application(status=Status.DRAFT, court_id=pk(court), organization_id=user.organization_id,
                      created_by=pk(user), dispute_type="", mediation_concluded_on=body.mediation.concluded_on,
                      mediation_place="", mediator_name="", agreement_text="")
    _apply_body(app, body)
    session.add(app)
    session.flush()
    _store_parties(session, app, body)
    return app


def replace_application(session: Session, user: User, application_id: str, body: ApplicationIn, *,
                        today: date) -> Application:
    """Replace a draft's or a returned application's content."""
    require_role(user, "mediator")
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.EDIT)
    require_valid_application(body, today=today)
    _require_court_of_organization(session, user, body.court_code)
    _apply_body(app, body)
    _store_parties(session, app, body)
    return app


def add_document(session: Session, store: DocumentStore, user: User, application_id: str, *, kind: str,
                 filename: str, content: bytes) -> Document:
    """File one document; the bytes are stored durably before the row that points to them is committed."""
    require_role(user, "mediator")
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.UPLOAD)
    if kind not in DOCUMENT_KINDS:
        raise DomainError.for_field("kind", "document.unknown_kind",
                                            "材料类型应为 agreement、joint_application、identity 或 evidence")
    media_type = require_acceptable_document(content)
    digest = store.put(content)
    doc = Document(application_id=app.id, kind=kind, filename=(filename or "upload")[:255], content_type=media_type,
                   sha256=digest, size=len(content), uploaded_by=pk(user))
    session.add(doc)
    app.updated_at = utcnow()
    session.flush()
    return doc


def list_visible(session: Session, user: User, status: str | None = None) -> list[Application]:
    query = select(Application).where(scope_clause(user))
    if status:
        if status not in {s.value for s in Status}:
            raise DomainError.for_field("status", "request.unknown_status", "状态值不正确")
        query = query.where(Application.status == status)
    return list(session.exec(query.order_by(sa.desc(col(Application.created_at)))))


def document_of(session: Session, user: User, application_id: str, document_id: int) -> Document:
    get_visible(session, user, application_id)
    doc = session.get(Document, document_id)
    if doc is None or doc.application_id != application_id:
        raise not_found("材料")
    return doc


# --- idempotency -------------------------------------------------------------------------------------------

def request_digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def idempotent(
    engine: Any, user_id: int, key: str | None, payload: Any, run: Callable[[Session], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any]]:
    """Run ``run`` once per (user, key): a retry with the same body replays the first answer; another body is 409."""
    from confirm.db import transaction

    if key is None:
        with transaction(engine) as session:
            return run(session)
    if not key or len(key) > 255:
        raise DomainError("request.bad_idempotency_key", "Idempotency-Key 长度应为1到255个字符", 400)
    digest = request_digest(payload)
    for _attempt in range(2):
        try:
            with transaction(engine) as session:
                seen = session.get(IdempotencyRecord, (user_id, key))
                if seen is not None:
                    if seen.request_sha256 != digest:
                        raise DomainError("request.idempotency_conflict",
                                          "该幂等键已用于另一份不同的请求内容，请使用新的 Idempotency-Key", 409)
                    return seen.status_code, seen.response
                status, body = run(session)
                session.add(IdempotencyRecord(user_id=user_id, key=key, request_sha256=digest,
                                              status_code=status, response=body))
                session.flush()
                return status, body
        except IntegrityError:
            continue  # a concurrent request with the same key won: replay its answer
    raise DomainError("request.idempotency_conflict", "同一请求正在处理，请稍后重试", 409)


# --- the JSON form of an application ---------------------------------------------------------------------

def party_json(p: Party) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "kind": p.kind, "name": p.name, "phone": p.phone, "address": p.address}
    if p.kind == "person":
        facts = person_facts(p.id_number) if p.id_number else None
        out.update(id_number=p.id_number, ethnicity=p.ethnicity, occupation=p.occupation,
                   sex=facts.sex if facts else None,
                   birth_date=facts.birth_date.isoformat() if facts else None)
    else:
        out.update(credit_code=p.credit_code, representative=p.representative)
    if p.agent:
        out["agent"] = p.agent
    return out


def parties_of(session: Session, application_id: str) -> list[Party]:
    return list(session.exec(select(Party).where(Party.application_id == application_id).order_by(col(Party.position))))


def application_json(session: Session, app: Application, *, public_base_url: str, secret: bytes) -> dict[str, Any]:
    """The application as api.md shows it."""
    court = session.get(Court, app.court_id)
    org = session.get(Organization, app.organization_id)
    claimed = session.get(User, app.claimed_by) if app.claimed_by else None
    docs = session.exec(select(Document).where(Document.application_id == app.id).order_by(col(Document.id)))
    ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).first()
    decision = session.exec(select(Decision).where(Decision.application_id == app.id)).first()
    jobs = {j.kind: j for j in session.exec(select(IssuanceJob).where(IssuanceJob.application_id == app.id))}
    job = jobs.get("ruling")
    served = list(session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id)
                               .order_by(col(ServiceRecord.id))))
    sealed_vouchers: set[int] = set()
    receipt_sealed = False
    if served:
        sealed_vouchers = {v.party_id for v in session.exec(
            select(ServiceVoucher).where(ServiceVoucher.application_id == app.id))}
        receipt_sealed = session.exec(
            select(ServiceReceipt).where(ServiceReceipt.application_id == app.id)).first() is not None
    base = f"{public_base_url}/api/v1/applications/{app.id}"
    submitted_day = china_time(app.submitted_at).date() if app.submitted_at else None
    accepted_day = china_time(app.accepted_at).date() if app.accepted_at else None
    return {
        "id": app.id,
        "status": app.status,
        "court_code": court.code if court else None,
        "court_name": court.name if court else None,
        "organization": org.name if org else None,
        "dispute_type": app.dispute_type,
        "parties": [party_json(p) for p in parties_of(session, app.id)],
        "mediation": {"concluded_on": app.mediation_concluded_on.isoformat(), "place": app.mediation_place,
                      "mediator_name": app.mediator_name},
        "agreement": {"text": app.agreement_text, "amount": app.agreement_amount},
        "documents": [{"id": d.id, "kind": d.kind, "filename": d.filename, "content_type": d.content_type,
                       "sha256": d.sha256, "size": d.size, "url": f"{base}/documents/{d.id}"} for d in docs],
        "case_number": app.case_number,
        "submitted_at": iso(app.submitted_at),
        "accepted_at": iso(app.accepted_at),
        "claimed_by": claimed.username if claimed else None,
        "claimed_by_name": claimed.name if claimed else None,
        "acceptance_deadline": acceptance_deadline(submitted_day).isoformat() if submitted_day else None,
        "review_deadline": review_deadline(accepted_day).isoformat() if accepted_day else None,
        "return_reason": app.return_reason,
        "risk_flags": app.risk_flags,
        "decision": None if decision is None else {
            "outcome": decision.outcome, "grounds": decision.grounds, "decided_at": iso(decision.decided_at),
            "issuance": _issuance_state(job, ruling is not None),
        },
        "ruling": None if ruling is None else {
            "outcome": ruling.outcome, "issued_at": iso(ruling.issued_at),
            "verify_url": verify_url(public_base_url, secret, ruling.token_nonce), "pdf_url": f"{base}/ruling.pdf",
            "sha256": ruling.sha256, "level": ruling.level, "revoked": ruling.revoked_at is not None,
        },
        "service": None if not served else {
            "served_at": iso(max(r.served_at for r in served)),
            "complete": app.status == Status.SERVED,
            "receipt_url": f"{base}/service-receipt.pdf" if app.status == Status.SERVED else None,
            "receipt_issuance": _issuance_state(jobs.get("receipt"), receipt_sealed)
            if app.status == Status.SERVED else None,
            "recipients": [{"party_id": r.party_id, "method": r.method, "served_at": iso(r.served_at),
                            "place": r.place, "signed": r.signature_sha256 is not None,
                            "electronic_address": r.electronic_address, "channel": r.channel,
                            "sent_at": iso(r.sent_at), "consent_basis": r.consent_basis,
                            "voucher_url": f"{base}/service-vouchers/{r.party_id}.pdf"
                            if r.method == "electronic" else None,
                            "voucher_issuance": _issuance_state(jobs.get(voucher_job_kind(r.party_id)),
                                                                r.party_id in sealed_vouchers)
                            if r.method == "electronic" else None} for r in served],
        },
        "service_voided": [{"party_id": v.party_id, "method": v.method, "served_at": iso(v.served_at),
                            "electronic_address": v.electronic_address, "voided_at": iso(v.voided_at),
                            "reason": v.reason} for v in session.exec(
            select(VoidedService).where(VoidedService.application_id == app.id).order_by(col(VoidedService.id)))],
        "created_at": iso(app.created_at),
        "updated_at": iso(app.updated_at),
    }


def _issuance_state(job: IssuanceJob | None, sealed: bool) -> str:
    """What the judge and the mediator are told about sealing a document (the ruling, the receipt, a voucher):
    queued, sealing, retrying (a failed attempt: it fails closed and is tried again) or done."""
    if sealed:
        return "done"
    if job is None:
        return "queued"
    if job.attempts > 0:
        return "retrying"
    return "sealing" if job.state == "running" else "queued"


def summary_json(session: Session, app: Application) -> dict[str, Any]:
    """A queue row: enough to triage without opening the application."""
    org = session.get(Organization, app.organization_id)
    claimed = session.get(User, app.claimed_by) if app.claimed_by else None
    submitted_day = china_time(app.submitted_at).date() if app.submitted_at else None
    accepted_day = china_time(app.accepted_at).date() if app.accepted_at else None
    return {
        "id": app.id, "status": app.status, "case_number": app.case_number, "dispute_type": app.dispute_type,
        "organization": org.name if org else None,
        "parties": [p.name for p in parties_of(session, app.id)],
        "amount": app.agreement_amount,
        "submitted_at": iso(app.submitted_at), "claimed_by": claimed.username if claimed else None,
        "claimed_by_name": claimed.name if claimed else None,
        "acceptance_deadline": acceptance_deadline(submitted_day).isoformat() if submitted_day else None,
        "review_deadline": review_deadline(accepted_day).isoformat() if accepted_day else None,
        "risk_flags": app.risk_flags,
    }
