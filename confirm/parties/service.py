"""A party's link, code, session and confirmation: what happens between the mediator's submission and the decision.

The link's token is derived from a stored nonce with the server secret (like the QR codes' tokens), so the
database alone cannot open links, yet the mediator's tablet can show a party's QR code again. Codes are stored
only as an HMAC, sessions only as a hash. Every refusal leaves the application unchanged; a wrong code is counted
on the link (five lock it and tell the court).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from confirm.core import audit
from confirm.core.clock import as_utc, iso, utcnow
from confirm.core.events import emit, queue_job
from confirm.core.messaging import mask_address
from confirm.core.runtime import Runtime
from confirm.core.verify_codes import digest
from confirm.law import parties as rules
from confirm.law.errors import DomainError, FieldProblem
from confirm.law.identity import email_problem, phone_problem
from confirm.law.inputs import DocumentInput, Paragraphs
from confirm.law.lifecycle import Status
from confirm.law.obligations import yuan
from confirm.law.performance import PerformanceState
from confirm.law.tables import party_texts
from confirm.messages.outbox import queue_message
from confirm.models import (
    Application,
    Court,
    Document,
    JobKind,
    Message,
    Obligation,
    Party,
    PartyLink,
    PartyLinkState,
    PartySession,
    PartyView,
    PerformanceCertificate,
    PerformanceProof,
    Ruling,
    User,
    job_kind,
    pk,
)
from confirm.parties import ratings

ACTIVE = (PartyLinkState.PENDING, PartyLinkState.CONFIRMED, PartyLinkState.DECLINED, PartyLinkState.LOCKED,
          PartyLinkState.WAIVED)
AGREEMENT_KINDS = ("agreement", "joint_application")  # the documents a party is shown
OPEN_FOR_CONFIRMATION = (Status.SUBMITTED, Status.UNDER_REVIEW)  # before the court has decided


def parties_of(session: Session, application_id: str) -> list[Party]:
    """申请人 of an application, in the order the application lists them."""
    return list(session.exec(select(Party).where(Party.application_id == application_id).order_by(col(Party.position))))


def link_token(secret: bytes, nonce: str) -> str:
    mac = hmac.new(secret, b"party-link|" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode().rstrip("=")


def link_url(runtime: Runtime, link: PartyLink) -> str:
    """``{JIUDI_PUBLIC_BASE_URL}/p/{token}``: the page for the party's phone."""
    return f"{runtime.settings.public_base_url}/p/{link_token(runtime.secret, link.nonce)}"


def _code_hash(secret: bytes, link_id: int, code: str) -> str:
    return hmac.new(secret, f"party-code|{link_id}|{code}".encode(), hashlib.sha256).hexdigest()


def agreement_version(session: Session, app: Application) -> rules.AgreementVersion:
    parties = tuple((p.kind, p.name, (p.id_number or p.credit_code or "").upper()) for p in parties_of(session, app.id))
    documents = tuple((d.kind, d.sha256) for d in session.exec(
        select(Document).where(Document.application_id == app.id, col(Document.kind).in_(AGREEMENT_KINDS))))
    return rules.AgreementVersion(dispute_type=app.dispute_type, text=app.agreement_text,
                                  amount=app.agreement_amount, parties=parties, documents=documents)


def current_links(session: Session, application_id: str) -> dict[int, PartyLink]:
    """Each party's link that counts now (not voided), by party id."""
    rows = session.exec(select(PartyLink).where(PartyLink.application_id == application_id,
                                                col(PartyLink.state).in_(ACTIVE)).order_by(col(PartyLink.id)))
    return {link.party_id: link for link in rows}


def confirmation_json(link: PartyLink | None) -> dict[str, Any]:
    """``parties[].confirmation`` in the staff API."""
    if link is None:
        return {"state": PartyLinkState.PENDING.value, "at": None}
    return {"state": link.state, "at": iso(link.decided_at)}  # when confirmed, declined, locked or waived


def _message_text(key: str, **values: Any) -> str:
    return str(party_texts()["messages"][key]).format(**values)


def void_links(session: Session, application_id: str, *, actor: str, reason: str) -> None:
    """The application changed (edited after being returned): earlier confirmations no longer speak for it; each
    party is asked again at the next submission."""
    now = utcnow()
    voided = []
    for link in current_links(session, application_id).values():
        link.state, link.voided_at = PartyLinkState.VOIDED, now
        session.add(link)
        voided.append(link.party_name)
    if voided:
        audit.append(session, actor=actor, action="party.links_voided", application_id=application_id,
                     data={"parties": voided, "reason": reason})


def open_links(runtime: Runtime, session: Session, app: Application, *, actor: str) -> list[PartyLink]:
    """At submission: each party gets a link to confirm this version of the agreement, sent to the phone on the
    application. A party who already answered about exactly this version keeps its answer."""
    court = session.get(Court, app.court_id)
    assert court is not None
    version = agreement_version(session, app).digest()
    parties = {pk(p): p for p in parties_of(session, app.id)}
    kept = {}
    now = utcnow()
    for party_id, link in current_links(session, app.id).items():
        usable = link.state != PartyLinkState.LOCKED and not (
            link.state == PartyLinkState.PENDING and as_utc(link.expires_at) <= now)  # an unanswered link that expired
        if party_id in parties and link.agreement_sha256 == version and usable:
            kept[party_id] = link
        else:
            link.state, link.voided_at = PartyLinkState.VOIDED, now
            session.add(link)
    days = runtime.settings.party_link_days
    opened = []
    for party_id, party in parties.items():
        if party_id in kept:
            continue
        nonce = secrets.token_hex(16)
        link = PartyLink(application_id=app.id, party_id=party_id, party_name=party.name, nonce=nonce,
                         token_hash=digest(link_token(runtime.secret, nonce)), agreement_sha256=version,
                         expires_at=now + timedelta(days=days))
        session.add(link)
        session.flush()
        opened.append(link)
        if party.phone:
            url = link_url(runtime, link)
            queue_message(session, application_id=app.id, kind="party.confirm_link", channel="sms", to=party.phone,
                          subject=_message_text("party.confirm_link_subject", court=court.name),
                          text=_message_text("party.confirm_link", court=court.name, name=party.name, days=days,
                                             link=url),
                          params={"court": court.name, "name": party.name, "link": url, "days": str(days)},
                          party_id=party_id,
                          link_id=pk(link))
    audit.append(session, actor=actor, action="party.links_opened", application_id=app.id,
                 data={"parties": [link.party_name for link in opened], "agreement_sha256": version})
    return opened


def send_ruling(runtime: Runtime, session: Session, app: Application) -> None:
    """在线回传 to the parties themselves: each party who confirmed and accepted electronic service is sent its
    link again, now to its copy of the sealed ruling, at the address it confirmed (在线诉讼规则 29 ¶2)."""
    court = session.get(Court, app.court_id)
    assert court is not None
    days = runtime.settings.party_link_days
    for link in current_links(session, app.id).values():
        if link.state != PartyLinkState.CONFIRMED or not link.electronic_service:
            continue
        link.expires_at = utcnow() + timedelta(days=days)  # the party needs its link to open the ruling
        session.add(link)
        values = {"court": court.name, "name": link.party_name, "case": app.case_number or "", "days": days,
                  "link": link_url(runtime, link)}
        for channel, address in (("sms", link.service_phone), ("email", link.service_email)):
            if address:
                queue_message(session, application_id=app.id, kind="ruling.served", channel=channel, to=address,
                              subject=_message_text("ruling.served_subject", **values),
                              text=_message_text("ruling.served", **values),
                              params={k: str(v) for k, v in values.items()}, party_id=link.party_id,
                              link_id=pk(link))


def link_for_token(session: Session, token: str, *, for_update: bool = False) -> PartyLink:
    """The link behind a token; 404 ``party.link_not_found`` for any unknown token."""
    query = select(PartyLink).where(PartyLink.token_hash == digest(token[:200]))
    if for_update:
        query = query.with_for_update()
    link = session.exec(query).first()
    if link is None:
        raise DomainError("party.link_not_found", "链接无效，请核对短信中的链接，或联系调解员", 404)
    return link


def require_usable(link: PartyLink, now: datetime) -> None:
    """A link can be used until it expires, is replaced by a newer version of the agreement, or is locked."""
    if link.state == PartyLinkState.VOIDED:
        raise DomainError("party.link_voided", "调解协议已修改，此链接已失效；新的确认链接将另行发送给您", 410)
    if link.state == PartyLinkState.LOCKED:
        raise DomainError("party.locked", "验证码输错次数过多，此链接已锁定；法院已收到通知，请联系调解员或法院", 423)
    if as_utc(link.expires_at) <= now:
        raise DomainError("party.link_expired", "此链接已过期，请联系调解员重新发送", 410)


def _party_of(session: Session, link: PartyLink) -> Party:
    party = session.get(Party, link.party_id)
    if party is None:  # replaced by an edit: the link was voided with it
        raise DomainError("party.link_voided", "调解协议已修改，此链接已失效；新的确认链接将另行发送给您", 410)
    return party


def send_code(runtime: Runtime, session: Session, token: str, *, channel: str | None = None) -> dict[str, str]:
    """A 6-digit code to the party's own phone (or the e-mail on the application, if asked); 429 when the link or
    the number has had too many codes."""
    now = utcnow()
    link = link_for_token(session, token, for_update=True)
    require_usable(link, now)
    party = _party_of(session, link)
    if channel == "email":
        if not party.email:
            raise DomainError.for_field("channel", "party.no_email", "申请中没有留存您的电子邮箱，请选择发送到手机")
        to, via = party.email, "email"
    else:
        if not party.phone:
            raise DomainError("party.no_phone", "申请中没有留存您的手机号码，请联系调解员", 409)
        to, via = party.phone, "sms"
    hour_ago = now - timedelta(hours=1)
    codes = (Message.kind == "party.code", col(Message.created_at) >= hour_ago)
    to_address = session.exec(select(sa.func.count(), sa.func.count(sa.distinct(col(Message.link_id))))
                              .where(*codes, Message.to_address == to)).one()
    wait = rules.resend_wait(
        now=now, last_code_at=as_utc(link.code_expires_at) - rules.CODE_LIFETIME if link.code_expires_at else None,
        codes_for_link_last_hour=session.exec(select(sa.func.count()).where(*codes, Message.link_id == link.id)).one(),
        resends_to_address_last_hour=to_address[0] - to_address[1])
    if wait is not None:
        raise DomainError("party.code_rate_limited",
                          f"验证码发送过于频繁，请在{int(wait.total_seconds()) + 1}秒后再试", 429)
    code = f"{secrets.randbelow(10 ** rules.CODE_DIGITS):0{rules.CODE_DIGITS}d}"
    link.code_hash = _code_hash(runtime.secret, pk(link), code)
    link.code_expires_at, link.code_channel, link.code_sent_to = now + rules.CODE_LIFETIME, via, mask_address(to)
    session.add(link)
    app = session.get(Application, link.application_id)
    assert app is not None
    court = session.get(Court, app.court_id)
    court_name = court.name if court else ""
    queue_message(session, application_id=link.application_id, kind="party.code", channel=via, to=to,
                  subject=_message_text("party.code_subject", court=court_name),
                  text=_message_text("party.code", court=court_name, code=code), params={"code": code},
                  party_id=link.party_id, link_id=pk(link))
    return {"channel": via, "sent_to": mask_address(to)}


@dataclass(frozen=True)
class Opened:
    """A new party session, or the refusal to answer once the wrong try is counted."""

    token: str | None
    refusal: DomainError | None


def open_session(runtime: Runtime, session: Session, token: str, *, id_tail: str, code: str, address: str,
                 user_agent: str) -> Opened:
    """Check the last characters of the ID number (or credit code) and the code; a session for this party's link
    only. A wrong try is counted and committed (returned, not raised); the fifth locks the link and tells the
    court."""
    now = utcnow()
    link = link_for_token(session, token, for_update=True)
    require_usable(link, now)
    party = _party_of(session, link)
    right = (not rules.is_malformed_code(code) and link.code_hash is not None and link.code_expires_at is not None
             and as_utc(link.code_expires_at) > now
             and hmac.compare_digest(link.code_hash, _code_hash(runtime.secret, pk(link), code))
             and rules.id_tail_matches(party.id_number or party.credit_code, id_tail))
    if not right:
        link.failed_attempts += 1
        session.add(link)
        if link.failed_attempts >= rules.MAX_WRONG_TRIES:
            _lock(session, link, now)
            return Opened(None, DomainError("party.locked", "验证码输错次数过多，此链接已锁定；法院已收到通知，请联系调解员或法院", 423))
        left = rules.MAX_WRONG_TRIES - link.failed_attempts
        return Opened(None, DomainError("party.bad_code",
                                        f"身份证号码后六位或验证码不正确（还可尝试{left}次）；验证码10分钟内有效", 401))
    link.code_hash = None  # one use
    link.evidence = {**link.evidence, "verified_at": iso(now), "code_channel": link.code_channel,
                     "code_sent_to": link.code_sent_to, "address": address[:100], "user_agent": user_agent[:300]}
    session.add(link)
    bearer = secrets.token_urlsafe(32)
    session.add(PartySession(token_hash=digest(bearer), link_id=pk(link), expires_at=now + rules.SESSION_LIFETIME))
    return Opened(bearer, None)


def _lock(session: Session, link: PartyLink, now: datetime) -> None:
    link.state, link.decided_at, link.code_hash = PartyLinkState.LOCKED, now, None
    session.add(link)
    app = session.exec(select(Application).where(Application.id == link.application_id).with_for_update()).one()
    _flag(app, "risk.party_locked", f"申请人{link.party_name}的本人确认链接因验证码连续输错{rules.MAX_WRONG_TRIES}次被锁定，"
                                    "请核实是否有人冒用其身份")
    session.add(app)
    audit.append(session, actor=f"party:{link.id}", action="party.locked", application_id=app.id,
                 data={"party": link.party_name})
    emit(session, "party.locked", app, party_id=link.party_id)


def _flag(app: Application, code: str, message: str) -> None:
    app.risk_flags = [*app.risk_flags, {"code": code, "message": message}]


def link_for_session(session: Session, bearer: str) -> PartyLink:
    """The link a party's bearer token opens; 401 ``party.session_invalid`` otherwise."""
    row = session.exec(select(PartySession).where(PartySession.token_hash == digest(bearer[:200]))).first()
    link = session.get(PartyLink, row.link_id) if row is not None and as_utc(row.expires_at) > utcnow() else None
    if link is None or link.state in (PartyLinkState.VOIDED, PartyLinkState.LOCKED):
        raise DomainError("party.session_invalid", "登录已失效，请重新打开短信中的链接并验证", 401)
    return link


def record_view(session: Session, link: PartyLink, *, document_id: int | None, page: int) -> None:
    session.add(PartyView(link_id=pk(link), document_id=document_id, page=page))


def agreement_documents(session: Session, application_id: str) -> list[Document]:
    return list(session.exec(select(Document).where(Document.application_id == application_id,
                                                    col(Document.kind).in_(AGREEMENT_KINDS))
                             .order_by(col(Document.id))))


def me_json(session: Session, link: PartyLink) -> dict[str, Any]:
    """What the party sees of their own case (api.md v1.1 ``GET /api/v1/party/me``), and nothing of another."""
    app = session.get(Application, link.application_id)
    assert app is not None
    court = session.get(Court, app.court_id)
    ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).first()
    party = session.get(Party, link.party_id)
    texts = party_texts()
    return {
        "application_id": app.id, "party_id": link.party_id, "party_name": link.party_name,
        "court": court.name if court else None, "case_number": app.case_number, "status": app.status,
        "outcome": ruling.outcome if ruling else None, "ruling_revoked": bool(ruling and ruling.revoked_at),
        "dispute_type": app.dispute_type,
        "agreement": {"text": app.agreement_text, "amount": app.agreement_amount, "sha256": link.agreement_sha256,
                      "documents": [{"id": d.id, "kind": d.kind, "content_type": d.content_type,
                                     "url": f"/api/v1/party/me/documents/{d.id}"}
                                    for d in agreement_documents(session, app.id)]},
        "parties": [p.name for p in parties_of(session, app.id)],
        "confirmation": confirmation_json(link), "note": link.note,
        # what the party confirmed, or, until then, what the application says (for the party to confirm or correct)
        "service_address": {"address": link.service_address, "phone": link.service_phone, "email": link.service_email}
        if link.decided_at else {"address": party.address if party else None, "phone": party.phone if party else None,
                                 "email": party.email if party else None},
        "electronic_service": link.electronic_service,
        "warning": texts["warning"], "obligations": party_obligations(session, link),
        "performance_certificate_url": "/api/v1/party/me/performance-certificate.pdf" if session.exec(
            select(PerformanceCertificate.id).where(PerformanceCertificate.application_id == app.id)).first()
        else None,
        "rating": ratings.rating_json(session, link),
    }


def party_obligations(session: Session, link: PartyLink) -> list[dict[str, Any]]:
    """The case's obligations as a party sees them (api.md v1.1): each with its state, who owes whom, whether this
    party is its obligee (and so answers) or its obligor (and so may upload proof), and the proofs on file."""
    names = {pk(p): p.name for p in parties_of(session, link.application_id)}
    proofs = session.exec(select(PerformanceProof).where(PerformanceProof.application_id == link.application_id)
                          .order_by(col(PerformanceProof.id))).all()
    rows = session.exec(select(Obligation).where(Obligation.application_id == link.application_id)
                        .order_by(col(Obligation.position)))
    return [{
        "id": o.id, "kind": o.kind, "amount": yuan(o.amount_fen), "description": o.description,
        "due_on": o.due_on.isoformat() if o.due_on else None, "state": o.state,
        "state_name": PerformanceState(o.state).name_zh,
        "obligor": names.get(o.obligor_party_id), "obligee": names.get(o.obligee_party_id),
        "role": "obligee" if o.obligee_party_id == link.party_id else "obligor"
        if o.obligor_party_id == link.party_id else None,
        "proofs": [{"id": p.id, "filename": p.filename, "content_type": p.content_type,
                    "url": f"/api/v1/party/me/performance-proofs/{p.id}"} for p in proofs if p.obligation_id == o.id],
    } for o in rows]


class ServiceAddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    address: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)


class ConfirmationIn(DocumentInput):
    """The body of ``POST /api/v1/party/me/confirmation``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    decision: Literal["confirm", "decline"]
    note: Paragraphs | None = Field(default=None, max_length=2000)
    service_address: ServiceAddressIn | None = None
    electronic_service: bool = False


def confirm(runtime: Runtime, session: Session, link: PartyLink, body: ConfirmationIn, *, address: str,
            user_agent: str) -> PartyLink:
    """The party's answer about the version of the agreement the link names, with what the party saw, from where,
    and the address for service (在线诉讼规则 29 ¶2); the judge sees it at once."""
    link = session.exec(select(PartyLink).where(PartyLink.id == link.id).with_for_update()).one()
    if link.state != PartyLinkState.PENDING:
        raise DomainError("party.already_decided", "您已经作出过确认，不能重复提交；如需更改请联系调解员或法院", 409)
    app = session.exec(select(Application).where(Application.id == link.application_id).with_for_update()).one()
    if app.status not in OPEN_FOR_CONFIRMATION:
        raise DomainError("party.case_closed", "法院已经对本案作出处理，无需再确认；如有疑问请联系法院", 409)
    if agreement_version(session, app).digest() != link.agreement_sha256:
        raise DomainError("party.agreement_changed", "调解协议已被修改，请重新打开新的确认链接", 409)
    given = body.service_address or ServiceAddressIn()
    problems: list[FieldProblem] = []
    if given.phone and (bad := phone_problem(given.phone)) is not None:
        problems.append(FieldProblem("service_address.phone", *bad))
    if given.email and (bad := email_problem(given.email)) is not None:
        problems.append(FieldProblem("service_address.email", *bad))
    if body.decision == "confirm" and body.electronic_service and not (given.phone or given.email):
        problems.append(FieldProblem("service_address.phone", "party.electronic_address_required",
                                     "同意电子送达的，请填写接收文书的手机号码或电子邮箱"))
    if problems:
        raise DomainError.from_problems(problems)
    now = utcnow()
    views = session.exec(select(PartyView).where(PartyView.link_id == link.id)).all()
    link.state = PartyLinkState.CONFIRMED if body.decision == "confirm" else PartyLinkState.DECLINED
    link.decided_at, link.note = now, body.note or None
    link.service_address, link.service_phone, link.service_email = given.address, given.phone, given.email
    link.electronic_service = body.electronic_service if body.decision == "confirm" else None
    link.evidence = {**link.evidence, "decided_at": iso(now), "agreement_sha256_seen": link.agreement_sha256,
                     "pages_viewed": sorted({(v.document_id or 0, v.page) for v in views}),
                     "address": address[:100], "user_agent": user_agent[:300]}
    session.add(link)
    if link.state == PartyLinkState.DECLINED:
        _flag(app, "risk.party_declined", f"申请人{link.party_name}本人确认时表示不同意调解协议内容"
                                          + (f"：{link.note}" if link.note else ""))
        session.add(app)
    elif any((given.address, given.phone, given.email)):  # the worker seals the 送达地址确认书
        queue_job(session, app.id, job_kind(JobKind.ADDRESS, pk(link)))
    audit.append(session, actor=f"party:{link.id}", action=f"party.{link.state}", application_id=app.id, data={
        "party": link.party_name, "agreement_sha256": link.agreement_sha256, "note": link.note,
        "electronic_service": link.electronic_service, "evidence": link.evidence})
    emit(session, f"party.{link.state}", app, party_id=link.party_id)
    return link


def waive(session: Session, user: User, app: Application, waivers: list[rules.WaiverIn]) -> None:
    """Record, with the decision, the judge's reasons for each party that confirmed at the joint verification
    instead of through Jiudi."""
    links = current_links(session, app.id)
    for waiver in waivers:
        link = links.get(waiver.party_id)
        if link is None:
            continue
        link.state, link.waived_reason, link.waived_by = PartyLinkState.WAIVED, waiver.reason, pk(user)
        link.decided_at = utcnow()
        session.add(link)


def confirmation_states(session: Session, app: Application) -> tuple[dict[int, str], dict[int, str]]:
    """Each party's confirmation state and name, by party id (a party with no link yet is pending)."""
    links = current_links(session, app.id)
    parties = parties_of(session, app.id)
    return ({pk(p): (links[pk(p)].state if pk(p) in links else PartyLinkState.PENDING.value) for p in parties},
            {pk(p): p.name for p in parties})
