"""The ruling on an objection (民特监) as a document kind of the one sealing pipeline. Recording it is where the
original ruling stops standing: in the same transaction, a ruling that revokes or changes it marks the original
revoked and names itself as the revoking ruling (``rulings.revoked_by``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from sqlmodel import Session, select

from confirm.core import audit
from confirm.core.clock import china_time, utcnow
from confirm.core.events import emit
from confirm.core.runtime import Runtime
from confirm.core.seals import SealedDocument
from confirm.core.verify_codes import check_code_for, digest, new_nonce, token_for, verify_url
from confirm.issuance.pipeline import DocumentKind, Prepared, prepared_for
from confirm.issuance.ruling import party_info
from confirm.law.objections import ObjectionOutcome
from confirm.law.review import Outcome
from confirm.models import Application, Court, Decision, JobTarget, Objection, Party, Ruling, User
from confirm.parties.service import parties_of
from templates.model import ObjectionRulingContent, PartyInfo
from templates.objection import render_objection_ruling

ORIGINAL_OUTCOME = {  # the original ruling's result in the words of the objection ruling's narrative
    "confirmed": "确认调解协议有效", "rejected": "驳回司法确认申请", "not_accepted": "对司法确认申请不予受理",
    "withdrawal_permitted": "准许撤回司法确认申请", "treated_as_withdrawn": "对司法确认申请按撤回申请处理",
}


@dataclass(frozen=True)
class ObjectionRulingFacts:
    outcome: str
    nonce: str
    check_code: str


def objection_content(runtime: Runtime, session: Session, objection: Objection, *, url: str,
                      check_code: str) -> ObjectionRulingContent:
    """Everything the ruling on the objection says, from what was recorded."""
    app = session.get(Application, objection.application_id)
    court = session.get(Court, objection.court_id)
    ruling = session.exec(select(Ruling).where(Ruling.application_id == objection.application_id)).one()
    # the original's date as its closing states it: the recorded decision, not when the worker sealed it
    decision = session.exec(select(Decision).where(Decision.application_id == objection.application_id)).one()
    judge = session.get(User, objection.decided_by)
    clerk = session.get(User, objection.clerk_id)
    assert app and court and judge and clerk and objection.decided_at and objection.outcome and app.case_number
    if objection.party_id is not None:
        party = session.get(Party, objection.party_id)
        assert party is not None
        objector = party_info(party, print_full_id=court.print_full_id)
    else:
        objector = PartyInfo(kind="person", name=objection.objector_name, address=objection.objector_address)
    return ObjectionRulingContent(
        court_name=court.name, case_number=objection.case_number,
        outcome=cast(Any, objection.outcome), objector_kind=cast(Any, objection.objector_kind),
        objector=objector, applicants=tuple(p.name for p in parties_of(session, app.id)),
        original_case_number=app.case_number, original_decided_on=china_time(decision.decided_at).date(),
        original_outcome=ORIGINAL_OUTCOME.get(ruling.outcome, Outcome(ruling.outcome).name_zh),
        filed_on=objection.filed_on, request=objection.request, reasoning=objection.reasoning or "",
        change_text=objection.change_text or "", judge_name=judge.name, clerk_name=clerk.name,
        decided_on=china_time(objection.decided_at).date(), verify_url=url, check_code=check_code,
        dev_mode=runtime.settings.dev_mode,
    )


class ObjectionRulingDocument(DocumentKind[ObjectionRulingFacts]):
    """The one sealed ruling of a decided objection (the job names the objection)."""

    def prepare(self, runtime: Runtime, session: Session, target: JobTarget) -> Prepared[ObjectionRulingFacts] | None:
        objection = session.get(Objection, target.ref)
        if objection is None or objection.sha256 is not None or objection.outcome is None:
            return None
        app = session.get(Application, objection.application_id)
        assert app is not None
        nonce = new_nonce()
        check_code = check_code_for(runtime.secret, nonce)
        content = objection_content(runtime, session, objection,
                                    url=verify_url(runtime.settings.public_base_url, runtime.secret, nonce),
                                    check_code=check_code)
        return prepared_for(session, app, partial(render_objection_ruling, content),
                            f"{objection.case_number} 民事裁定书", ObjectionRulingFacts(objection.outcome, nonce,
                                                                                  check_code))

    def record(self, runtime: Runtime, session: Session, target: JobTarget,
               prepared: Prepared[ObjectionRulingFacts], sealed: SealedDocument, sha256: str) -> None:
        objection = session.exec(select(Objection).where(Objection.id == target.ref).with_for_update()).one()
        nonce = prepared.facts.nonce
        objection.token_nonce, objection.token_hash = nonce, digest(token_for(runtime.secret, nonce))
        objection.check_code_hash, objection.sha256 = digest(prepared.facts.check_code), sha256
        objection.signer, objection.signer_cert_sha256 = sealed.signer, sealed.signer_cert_sha256
        objection.level, objection.issued_at = sealed.level, utcnow()
        session.add(objection)
        app = session.get(Application, objection.application_id)
        assert app is not None
        if ObjectionOutcome(prepared.facts.outcome).ends_original:
            original = session.exec(select(Ruling).where(Ruling.application_id == app.id).with_for_update()).one()
            if original.revoked_at is None:
                original.revoked_at, original.revoked_by = objection.decided_at, objection.id
                original.revoke_reason, original.revoke_public_reason = objection.reasoning, objection.public_reason
                session.add(original)
                audit.append(session, actor="system:issuance", action="ruling.revoked", application_id=app.id,
                              data={"sha256": original.sha256, "by": objection.case_number})
                emit(session, "ruling.revoked", app, by=objection.case_number)
        session.flush()
        audit.append(session, actor="system:issuance", action="objection.ruling_issued", application_id=app.id,
                     data={"objection_id": objection.id, "sha256": sha256, "outcome": objection.outcome})
        emit(session, "objection.ruling_issued", app, objection_id=objection.id, outcome=objection.outcome)
