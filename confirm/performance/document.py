"""The certificate of voluntary performance (自动履行证明书) as a document kind of the one sealing pipeline: queued in
the transaction of the answer that left every obligation of the case performed, sealed once (a unique constraint
per case), verified like a ruling (its own QR token and check code)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import partial

from sqlmodel import Session, col, select

from confirm.core import audit
from confirm.core.clock import china_time
from confirm.core.events import emit
from confirm.core.runtime import Runtime
from confirm.core.seals import SealedDocument
from confirm.core.verify_codes import check_code_for, digest, new_nonce, token_for, verify_url
from confirm.issuance.pipeline import DocumentKind, Prepared, prepared_for
from confirm.law import performance as rules
from confirm.law.obligations import yuan
from confirm.models import (
    Application,
    Court,
    Decision,
    JobTarget,
    Obligation,
    PerformanceAnswer,
    PerformanceCertificate,
    Ruling,
    User,
)
from confirm.parties.service import parties_of
from templates.model import PerformanceCertificateContent, PerformedObligation
from templates.performance import performance_texts, render_performance_certificate

_PAYING = re.compile(r"^(支付|给付|归还|偿还|返还|赔偿|退还|补偿)")


@dataclass(frozen=True)
class CertificateFacts:
    nonce: str
    check_code: str
    performed_on: date


def what_was_owed(o: Obligation) -> str:
    """The obligation as the certificate names it, from what was filed: a sum with its purpose, or the act."""
    if o.kind == "money":
        purpose = (o.description or "").strip().rstrip("。")
        verb = purpose if _PAYING.match(purpose) else f"支付{purpose}"
        return f"{verb}人民币{yuan(o.amount_fen)}元"
    return (o.description or "").strip().rstrip("。")


def closing_answers(session: Session, application_id: str) -> dict[int, PerformanceAnswer]:
    """For each obligation, the recorded answer that closed it (performed; an obligation closes once)."""
    rows = session.exec(select(PerformanceAnswer).where(
        PerformanceAnswer.application_id == application_id,
        PerformanceAnswer.state == rules.PerformanceState.PERFORMED.value).order_by(col(PerformanceAnswer.id)))
    out: dict[int, PerformanceAnswer] = {}
    for row in rows:
        out.setdefault(row.obligation_id, row)
    return out


def certificate_content(runtime: Runtime, session: Session, app: Application, *, url: str, check_code: str,
                        preview: bool = False) -> PerformanceCertificateContent | None:
    """What the certificate says, from the records only; None unless every obligation has a recorded answer
    saying it was performed."""
    obligations = list(session.exec(select(Obligation).where(Obligation.application_id == app.id)
                                    .order_by(col(Obligation.position))))
    closing = closing_answers(session, app.id)
    if not rules.all_performed(o.state for o in obligations) or any(o.id not in closing for o in obligations):
        return None
    court = session.get(Court, app.court_id)
    decision = session.exec(select(Decision).where(Decision.application_id == app.id)).one()
    assert court is not None and app.case_number
    names = {p.id: p.name for p in parties_of(session, app.id)}
    wording = performance_texts()["confirmed_by"]
    items = []
    for o in obligations:
        answer = closing[o.id]  # type: ignore[index]
        if answer.party_id is not None:
            by = str(wording["obligee"]).format(name=names.get(answer.party_id, ""))
        else:
            mediator = session.get(User, answer.user_id)
            by = str(wording["mediator"]).format(name=mediator.name if mediator else "")
        items.append(PerformedObligation(obligor=names[o.obligor_party_id], obligee=names[o.obligee_party_id],
                                         what=what_was_owed(o), performed_on=china_time(answer.answered_at).date(),
                                         confirmed_by=by))
    return PerformanceCertificateContent(
        court_name=court.name, case_number=app.case_number, parties=tuple(names.values()),
        ruling_decided_on=china_time(decision.decided_at).date(), obligations=tuple(items),
        decided_on=max(i.performed_on for i in items), verify_url=url, check_code=check_code,
        dev_mode=runtime.settings.dev_mode, preview=preview)


class PerformanceCertificateDocument(DocumentKind[CertificateFacts]):
    """The one 自动履行证明书 of a case whose obligations are all performed (the job names the application)."""

    def prepare(self, runtime: Runtime, session: Session,
                target: JobTarget) -> Prepared[CertificateFacts] | None:
        app = session.get(Application, target.application_id)
        if app is None or session.exec(select(PerformanceCertificate).where(
                PerformanceCertificate.application_id == app.id)).first() is not None:
            return None
        ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).first()
        if ruling is None or ruling.revoked_at is not None:  # a revoked ruling binds no one: nothing to certify
            return None
        nonce = new_nonce()
        check_code = check_code_for(runtime.secret, nonce)
        content = certificate_content(runtime, session, app, check_code=check_code,
                                      url=verify_url(runtime.settings.public_base_url, runtime.secret, nonce))
        if content is None:
            return None
        return prepared_for(session, app, partial(render_performance_certificate, content),
                            f"{app.case_number} 自动履行证明书", CertificateFacts(nonce, check_code, content.decided_on))

    def record(self, runtime: Runtime, session: Session, target: JobTarget,
               prepared: Prepared[CertificateFacts], sealed: SealedDocument, sha256: str) -> None:
        app = session.get(Application, target.application_id)
        assert app is not None
        nonce = prepared.facts.nonce
        row = PerformanceCertificate(
            application_id=app.id, token_nonce=nonce, token_hash=digest(token_for(runtime.secret, nonce)),
            check_code_hash=digest(prepared.facts.check_code), sha256=sha256, signer=sealed.signer,
            signer_cert_sha256=sealed.signer_cert_sha256, level=sealed.level,
            performed_on=prepared.facts.performed_on)
        session.add(row)
        session.flush()
        audit.append(session, actor="system:issuance", action="performance.certificate_issued",
                     application_id=app.id, data={"sha256": sha256})
        emit(session, "performance.certificate_issued", app)
