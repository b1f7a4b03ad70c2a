"""Performance after the ruling: each answer is one change — the history row, the obligation's state, the audit
record, the live event and, when it completes the case, the certificate's job — in the caller's transaction."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field
from sqlmodel import Session, col, select

from confirm.applications.schemas import obligations_of
from confirm.applications.service import get_visible, require_role
from confirm.core import audit
from confirm.core.events import emit, queue_job
from confirm.core.storage import DocumentStore
from confirm.law import performance as rules
from confirm.law.errors import DomainError
from confirm.law.inputs import DocumentInput, Paragraphs
from confirm.law.uploads import require_acceptable_document
from confirm.models import (
    Application,
    JobKind,
    Obligation,
    PartyLink,
    PerformanceAnswer,
    PerformanceCertificate,
    PerformanceProof,
    Role,
    Ruling,
    User,
    job_kind,
    pk,
)


class PerformanceIn(DocumentInput):
    """The body of ``POST /api/v1/party/me/performance`` (api.md v1.1)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    obligation_id: int = Field(ge=1, le=2**31 - 1)
    state: str = Field(max_length=30, description="performed, partly_performed or not_performed")
    note: Paragraphs | None = Field(default=None, max_length=rules.NOTE_MAX)


class WitnessedIn(DocumentInput):
    """The mediator's record of performance witnessed (the form fields of
    ``POST /api/v1/applications/{id}/obligations/{oid}/performance``, beside the optional ``file``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    state: str = Field(max_length=30, description="performed, partly_performed or not_performed")
    note: Paragraphs | None = Field(default=None, max_length=rules.NOTE_MAX)
    proof_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="a proof already on file")


def _obligation_not_found() -> DomainError:
    return DomainError("performance.obligation_not_found", "本案没有这项履行义务", 404)


def _locked_case(session: Session, application_id: str) -> Application:
    """The application, locked: answers on one case are taken one at a time, so the answer that completes the case
    sees every other answer (and the certificate is queued exactly once)."""
    return session.exec(select(Application).where(Application.id == application_id).with_for_update()).one()


def _obligation(session: Session, application_id: str, obligation_id: int) -> Obligation:
    obligation = session.exec(select(Obligation).where(Obligation.id == obligation_id).with_for_update()).first()
    if obligation is None or obligation.application_id != application_id:
        raise _obligation_not_found()
    return obligation


def _require_ruling_in_force(session: Session, application_id: str) -> None:
    ruling = session.exec(select(Ruling).where(Ruling.application_id == application_id)).first()
    rules.require_ruling_in_force(ruling.outcome if ruling else None, bool(ruling and ruling.revoked_at))


def _record(session: Session, app: Application, obligation: Obligation, state: rules.PerformanceState,
            note: str | None, *, actor: str, party_id: int | None = None, user_id: int | None = None,
            proof_id: int | None = None) -> PerformanceAnswer:
    """The one writer of ``Obligation.state``: the answer kept, the state, the audit record, the event, and the
    certificate's job once every obligation of the case is performed."""
    answer = PerformanceAnswer(application_id=app.id, obligation_id=pk(obligation), state=state.value, note=note,
                               party_id=party_id, user_id=user_id, proof_id=proof_id)
    session.add(answer)
    obligation.state, obligation.updated_at = state.value, answer.answered_at
    session.add(obligation)
    session.flush()
    audit.append(session, actor=actor, action="performance.answered", application_id=app.id,
                 data={"obligation_id": obligation.id, "state": state.value, "note": note, "proof_id": proof_id,
                       "by": "obligee" if party_id is not None else "mediator"})
    emit(session, "performance.answered", app, obligation_id=obligation.id, state=state.value)
    states = session.exec(select(Obligation.state).where(Obligation.application_id == app.id)).all()
    if rules.all_performed(states):
        queue_job(session, app.id, job_kind(JobKind.PERFORMANCE))
        audit.append(session, actor=actor, action="performance.completed", application_id=app.id,
                     data={"obligations": len(states)})
        emit(session, "performance.completed", app)
    return answer


def answer(session: Session, link: PartyLink, body: PerformanceIn) -> Obligation:
    """The obligee's answer about one obligation: performed, partly, or not at all (api.md v1.1)."""
    state = rules.answer_state(body.state)
    app = _locked_case(session, link.application_id)
    obligation = _obligation(session, app.id, body.obligation_id)
    rules.require_obligee(link.party_id, obligation.obligee_party_id)
    _require_ruling_in_force(session, app.id)
    rules.require_open(obligation.state)
    _record(session, app, obligation, state, body.note or None, actor=f"party:{link.id}", party_id=link.party_id)
    return obligation


def add_proof(session: Session, store: DocumentStore, link: PartyLink, obligation_id: int, *, filename: str,
              content: bytes) -> PerformanceProof:
    """履行凭证 from the obligor's phone: PDF, JPEG or PNG by content, at most 20 MB; the bytes are stored before
    the row that points to them is committed."""
    app = _locked_case(session, link.application_id)
    obligation = _obligation(session, app.id, obligation_id)
    rules.require_obligor(link.party_id, obligation.obligor_party_id)
    _require_ruling_in_force(session, app.id)
    return _store_proof(session, store, app, obligation, filename=filename, content=content,
                        actor=f"party:{link.id}", party_id=link.party_id)


def _store_proof(session: Session, store: DocumentStore, app: Application, obligation: Obligation, *,
                 filename: str, content: bytes, actor: str, party_id: int | None = None,
                 user_id: int | None = None) -> PerformanceProof:
    media_type = require_acceptable_document(content)
    digest = store.put(content)
    proof = PerformanceProof(application_id=app.id, obligation_id=pk(obligation), party_id=party_id, user_id=user_id,
                             filename=(filename or "proof")[:255], content_type=media_type, sha256=digest,
                             size=len(content))
    session.add(proof)
    session.flush()
    audit.append(session, actor=actor, action="performance.proof_uploaded", application_id=app.id,
                 data={"obligation_id": obligation.id, "proof_id": proof.id, "sha256": digest})
    emit(session, "performance.proof_uploaded", app, obligation_id=obligation.id)
    return proof


def record_witnessed(session: Session, store: DocumentStore, user: User, application_id: str, obligation_id: int,
                     body: WitnessedIn, upload: tuple[str, bytes] | None = None) -> Obligation:
    """The case's mediator records performance they witnessed: ``performed`` only with a proof — one the obligor
    uploaded for this obligation (``proof_id``) or one uploaded now."""
    require_role(user, Role.MEDIATOR)
    get_visible(session, user, application_id)
    app = _locked_case(session, application_id)
    if app.created_by != pk(user):
        raise DomainError("performance.not_case_mediator", "只有本案的调解员可以登记见证的履行情况", 403)
    parsed = rules.answer_state(body.state)
    obligation = _obligation(session, app.id, obligation_id)
    _require_ruling_in_force(session, app.id)
    rules.require_open(obligation.state)
    proof: PerformanceProof | None = None
    if body.proof_id is not None:
        proof = session.get(PerformanceProof, body.proof_id)
        if proof is None or proof.obligation_id != obligation.id:
            raise DomainError.for_field("proof_id", "performance.proof_not_found", "所选履行凭证不属于这项义务", 422)
    elif upload is not None:
        proof = _store_proof(session, store, app, obligation, filename=upload[0], content=upload[1],
                             actor=user.username, user_id=pk(user))
    rules.require_proof_for_witnessed(parsed, proof is not None)
    _record(session, app, obligation, parsed, body.note or None, actor=user.username,
            user_id=pk(user), proof_id=proof.id if proof else None)
    return obligation


def proofs_of(session: Session, application_id: str) -> list[PerformanceProof]:
    return list(session.exec(select(PerformanceProof).where(PerformanceProof.application_id == application_id)
                             .order_by(col(PerformanceProof.id))))


def answers_of(session: Session, application_id: str) -> list[PerformanceAnswer]:
    return list(session.exec(select(PerformanceAnswer).where(PerformanceAnswer.application_id == application_id)
                             .order_by(col(PerformanceAnswer.id))))


def proof_json(proof: PerformanceProof, *, base: str) -> dict[str, Any]:
    return {"id": proof.id, "obligation_id": proof.obligation_id, "filename": proof.filename,
            "content_type": proof.content_type, "sha256": proof.sha256, "size": proof.size,
            "by": "obligor" if proof.party_id is not None else "mediator",
            "url": f"{base}/{proof.id}"}


def performance_json(session: Session, app: Application) -> dict[str, Any]:
    """The staff view: each obligation's state, its answers (who, when, what, note) and proofs, the certificate."""
    base = f"/api/v1/applications/{app.id}/performance-proofs"
    answers = answers_of(session, app.id)
    proofs = proofs_of(session, app.id)
    certificate = session.exec(select(PerformanceCertificate)
                               .where(PerformanceCertificate.application_id == app.id)).first()
    return {
        "obligations": [{"id": o.id, "state": o.state,
                         "answers": [{"state": a.state, "note": a.note, "at": a.answered_at.isoformat(),
                                      "by": "obligee" if a.party_id is not None else "mediator",
                                      "proof_id": a.proof_id} for a in answers if a.obligation_id == o.id],
                         "proofs": [proof_json(p, base=base) for p in proofs if p.obligation_id == o.id]}
                        for o in obligations_of(session, app.id)],
        "certificate_url": f"/api/v1/applications/{app.id}/performance-certificate.pdf" if certificate else None,
    }


def proof_for_staff(session: Session, user: User, application_id: str, proof_id: int) -> PerformanceProof:
    get_visible(session, user, application_id)
    proof = session.get(PerformanceProof, proof_id)
    if proof is None or proof.application_id != application_id:
        raise DomainError("not_found", "履行凭证不存在", 404)
    return proof


def proof_for_party(session: Session, link: PartyLink, proof_id: int) -> PerformanceProof:
    proof = session.get(PerformanceProof, proof_id)
    if proof is None or proof.application_id != link.application_id:
        raise DomainError("not_found", "履行凭证不存在", 404)
    return proof


def sealed_certificate(session: Session, application_id: str) -> PerformanceCertificate | None:
    return session.exec(select(PerformanceCertificate)
                        .where(PerformanceCertificate.application_id == application_id)).first()


def certificate_pending(session: Session, application_id: str) -> bool:
    """Every obligation is performed: the certificate is queued (or being sealed) if it is not there yet."""
    return rules.all_performed(session.exec(select(Obligation.state)
                                            .where(Obligation.application_id == application_id)).all())


def not_issued() -> DomainError:
    return DomainError("performance.certificate_not_issued", "各项义务尚未全部履行完毕，或自动履行证明书正在盖章生成", 409)
