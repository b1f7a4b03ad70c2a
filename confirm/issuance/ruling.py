"""在线回传: the civil ruling (民事裁定书) as a document kind of the sealing pipeline, and its unsealed preview.

What the ruling says is read from what was recorded: the application, its parties, and the judge's decision
(``DecisionFacts``); nothing comes from a form default or from "now" but the preview's decision date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any, Literal, cast

from sqlmodel import Session, select

from confirm.applications.service import get_visible, is_issued, party_facts, require_role
from confirm.applications.transitions import clerk_for, mark_issued, require_fits_acceptance
from confirm.core.clock import as_utc, china_time, china_today, utcnow
from confirm.core.runtime import Runtime
from confirm.core.seals import SealedDocument
from confirm.core.verify_codes import check_code_for, digest, new_nonce, token_for, verify_url
from confirm.issuance.pipeline import DocumentKind, Prepared, prepared_for
from confirm.issuance.worker import wait_for_worker
from confirm.law.acceptance import accepted_by_decision
from confirm.law.errors import DomainError
from confirm.law.identity import FOREIGN_DOCUMENTS, ID_DOCUMENTS, RESIDENT_ID, mask_document_number
from confirm.law.intake import REPRESENTATIVE_ROLES
from confirm.law.review import DecisionIn, require_lawful_decision
from confirm.models import (
    Application,
    Court,
    Decision,
    JobTarget,
    Organization,
    Party,
    PartyLinkState,
    Role,
    Ruling,
    User,
    pk,
)
from confirm.parties.service import current_links, parties_of, send_ruling
from templates import render_ruling
from templates.model import (
    AgentInfo,
    GuardianInfo,
    Outcome,
    PartyConfirmation,
    PartyInfo,
    PartyKind,
    RulingContent,
    VerificationMethod,
)


@dataclass(frozen=True)
class DecisionFacts:
    """The decision as the ruling states it: outcome, grounds, the judge's reasoning, the joint verification
    (核实) as recorded, who decided and who is named as clerk, and when."""

    outcome: str
    grounds: tuple[str, ...]
    reasoning: str
    verification_method: str | None
    verification_at: datetime | None
    judge: User
    clerk: User
    decided_at: datetime
    waivers: Mapping[int, str] = field(default_factory=dict)  # party id → why it could not confirm online
    withdrawal: Mapping[str, Any] | None = None  # 准许撤回: {"party_ids", "on"} as recorded


def party_confirmations(session: Session, app: Application, waivers: Mapping[int, str]) -> tuple[PartyConfirmation, ...]:
    """How each party answered the agreement itself, from the links' record (and, for a preview, the waivers the
    judge proposes); a party with no answer on record is not mentioned."""
    links = current_links(session, app.id)
    out = []
    for party in parties_of(session, app.id):
        link = links.get(pk(party))
        if pk(party) in waivers or (link is not None and link.state == PartyLinkState.WAIVED):
            reason = waivers.get(pk(party)) or (link.waived_reason if link else None)
            out.append(PartyConfirmation(name=party.name, state="waived", on=None, reason=reason))
        elif link is not None and link.decided_at is not None and link.state in (PartyLinkState.CONFIRMED,
                                                                                  PartyLinkState.DECLINED):
            out.append(PartyConfirmation(name=party.name, state=cast(Literal["confirmed", "declined"], link.state),
                                         on=china_time(link.decided_at).date()))
    return tuple(out)


def _content(runtime: Runtime, session: Session, app: Application, decision: DecisionFacts, *, verify_url: str,
             check_code: str, preview: bool) -> RulingContent:
    assert app.case_number and app.submitted_at
    accepted_on = china_time(app.accepted_at).date() if app.accepted_at else None
    if accepted_on is None and preview and accepted_by_decision(decision.outcome, accepted=False):
        accepted_on = china_today()  # the previewed decision would accept the case today
    court = session.get(Court, app.court_id)
    org = session.get(Organization, app.organization_id)
    assert court and org
    parties = [party_info(p, print_full_id=court.print_full_id) for p in parties_of(session, app.id)]
    withdrawal = decision.withdrawal or {}
    names = {pk(p): p.name for p in parties_of(session, app.id)}
    return RulingContent(
        court_name=court.name, case_number=app.case_number, outcome=cast(Outcome, decision.outcome),
        parties=tuple(parties), dispute_type=app.dispute_type, mediation_organization=org.name,
        mediation_concluded_on=app.mediation_concluded_on,
        applied_on=china_time(app.submitted_at).date(), accepted_on=accepted_on,
        agreement_text=app.agreement_text,
        verification_method=cast(VerificationMethod | None, decision.verification_method),
        verification_at=china_time(decision.verification_at) if decision.verification_at else None,
        grounds=decision.grounds, reasoning=decision.reasoning, judge_name=decision.judge.name,
        clerk_name=decision.clerk.name, decided_on=china_time(decision.decided_at).date(), verify_url=verify_url,
        check_code=check_code, dev_mode=runtime.settings.dev_mode, preview=preview,
        party_confirmations=party_confirmations(session, app, decision.waivers),
        supplement_ordered_on=china_time(app.supplement_ordered_at).date() if app.supplement_ordered_at else None,
        supplement_deadline=app.supplement_deadline, supplement_reason=app.return_reason or "",
        withdrawn_by=tuple(names[pid] for pid in names if pid in set(withdrawal.get("party_ids", ()))),
        withdrawal_requested_on=date.fromisoformat(withdrawal["on"]) if withdrawal.get("on") else None,
    )


def party_info(p: Party, *, print_full_id: bool) -> PartyInfo:
    """One party as the ruling prints it, from what was recorded at intake; identity numbers full or masked as the
    court set (``jiudi court set --print-full-id``)."""
    facts = party_facts(p)

    def shown(kind: str, number: str | None) -> str | None:
        return number if number is None or print_full_id else mask_document_number(kind, number)

    agent = None
    if p.agent:
        agent = AgentInfo(**{**p.agent, "id_number": shown(RESIDENT_ID, p.agent.get("id_number"))})
    person = p.kind == "person"
    return PartyInfo(
        kind=cast(PartyKind, p.kind), name=p.name, sex=facts.sex if facts else None,
        birth_date=facts.birth_date if facts else None, ethnicity=p.ethnicity if person else None,
        address=p.address, id_number=shown(p.id_type, p.id_number) if person else None, credit_code=p.credit_code,
        representative=p.representative, agent=agent, occupation=p.occupation if person else None,
        nationality=p.nationality if person and p.id_type in FOREIGN_DOCUMENTS else None,
        id_document=ID_DOCUMENTS[p.id_type] if person and p.id_type != RESIDENT_ID else None,
        representative_role=REPRESENTATIVE_ROLES.get(p.representative_role, "法定代表人"),
        representative_title=p.representative_title,
        guardian=GuardianInfo(name=p.guardian["name"], relation=p.guardian["relation"]) if p.guardian else None,
    )


def recorded_decision(session: Session, application_id: str) -> DecisionFacts:
    """The decision as it was recorded (``decisions`` row), with its judge and clerk."""
    decision = session.exec(select(Decision).where(Decision.application_id == application_id)).one()
    judge = session.get(User, decision.judge_id)
    clerk = session.get(User, decision.clerk_id)
    assert judge and clerk
    return DecisionFacts(outcome=decision.outcome, grounds=tuple(decision.grounds), reasoning=decision.reasoning,
                         verification_method=decision.verification_method,
                         verification_at=decision.verification_at, judge=judge, clerk=clerk,
                         decided_at=decision.decided_at, withdrawal=decision.withdrawal)


def ruling_content(runtime: Runtime, session: Session, application_id: str, nonce: str) -> RulingContent:
    """Everything the ruling says, with the QR code and check code of the verification nonce ``nonce``."""
    app = session.get(Application, application_id)
    assert app is not None
    return _content(runtime, session, app, recorded_decision(session, application_id),
                    verify_url=verify_url(runtime.settings.public_base_url, runtime.secret, nonce),
                    check_code=check_code_for(runtime.secret, nonce), preview=False)


@dataclass(frozen=True)
class RulingFacts:
    """What the ruling's record needs of what was rendered."""

    content: RulingContent
    nonce: str


class RulingDocument(DocumentKind[RulingFacts]):
    """The one sealed ruling of an application (``rulings.application_id`` is unique)."""

    def prepare(self, runtime: Runtime, session: Session, target: JobTarget) -> Prepared[RulingFacts] | None:
        if session.exec(select(Ruling).where(Ruling.application_id == target.application_id)).first() is not None:
            return None
        app = session.get(Application, target.application_id)
        assert app is not None
        nonce = new_nonce()
        content = ruling_content(runtime, session, target.application_id, nonce)
        return prepared_for(session, app, partial(render_ruling, content), f"{content.case_number} 民事裁定书",
                            RulingFacts(content, nonce))

    def record(self, runtime: Runtime, session: Session, target: JobTarget, prepared: Prepared[RulingFacts],
               sealed: SealedDocument, sha256: str) -> None:
        content, nonce = prepared.facts.content, prepared.facts.nonce
        app = session.exec(select(Application).where(Application.id == target.application_id)
                           .with_for_update()).one()
        session.add(Ruling(
            application_id=app.id, outcome=content.outcome, token_nonce=nonce,
            token_hash=digest(token_for(runtime.secret, nonce)), check_code_hash=digest(content.check_code),
            sha256=sha256, size=len(sealed.pdf), signer=sealed.signer, signer_cert_sha256=sealed.signer_cert_sha256,
            level=sealed.level,
        ))
        session.flush()
        mark_issued(session, app, outcome=content.outcome, sha256=sha256)
        send_ruling(runtime, session, app)


def wait_for_ruling(runtime: Runtime, application_id: str, seconds: float) -> bool:
    """Hold a request until the ruling of a decision just committed is recorded by this process's worker; False
    when ``seconds`` pass first, or when this process runs no worker (the ruling then comes with the live events)."""
    def issued() -> bool | None:
        with runtime.unit_of_work() as session:
            return is_issued(session, application_id) or None

    return bool(wait_for_worker(runtime, issued, seconds))


def preview_ruling(runtime: Runtime, user: User, application_id: str, decision: DecisionIn,
                   clerk_username: str | None = None) -> bytes:
    """The ruling as the proposed decision would make it, unsealed and marked 预览 on every page, for the
    claiming judge to read before deciding. Nothing is stored; the QR code points at no record."""
    require_role(user, Role.JUDGE)
    with runtime.unit_of_work() as session:
        app = get_visible(session, user, application_id)
        if app.case_number is None or app.submitted_at is None:
            raise DomainError("application.invalid_state", "领取审查（收案）后才能预览裁定书", 409)
        require_lawful_decision(decision, submitted_at=as_utc(app.submitted_at), now=utcnow(),
                                party_ids=[pk(p) for p in parties_of(session, app.id)])
        require_fits_acceptance(app, decision)
        facts = DecisionFacts(
            outcome=decision.outcome, grounds=tuple(decision.grounds), reasoning=decision.reasoning,
            verification_method=decision.verification.method if decision.verification else None,
            verification_at=decision.verification.at if decision.verification else None,
            judge=user, clerk=clerk_for(session, app.court_id, clerk_username), decided_at=utcnow(),
            waivers={w.party_id: w.reason for w in decision.waivers},
            withdrawal=decision.withdrawal.as_record()
            if decision.withdrawal and decision.outcome == "withdrawal_permitted" else None,
        )
        content = _content(runtime, session, app, facts, verify_url=f"{runtime.settings.public_base_url}/v/preview",
                           check_code="预览件", preview=True)
    return render_ruling(content).pdf
