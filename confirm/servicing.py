"""当场送达: recording that each party was served, the sealed service receipt (送达回证, CPL 87–88) and, for each
party served electronically, the sealed electronic service voucher (电子送达凭证, CPL 90; 在线诉讼规则 29–32)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from confirm import audit
from confirm.applications import get_visible, parties_of, require_role
from confirm.clock import as_utc, china_time, iso, utcnow
from confirm.context import Jiudi
from confirm.domain.errors import DomainError, FieldProblem
from confirm.domain.lifecycle import Action, Status, require_allowed
from confirm.domain.service import (
    Channel,
    ConsentBasis,
    ElectronicService,
    electronic_service,
    electronic_signature_problem,
    in_person_problems,
    service_time_problems,
)
from confirm.domain.uploads import require_png
from confirm.models import (
    Application,
    Court,
    IssuanceJob,
    Organization,
    Party,
    Ruling,
    ServiceFacts,
    ServiceReceipt,
    ServiceRecord,
    ServiceVoucher,
    User,
    VoidedService,
    pk,
    voucher_job_kind,
)
from confirm.workflow import mark_served, service_voided
from templates import render_service_receipt, render_service_voucher
from templates.model import ReceiptContent, ReceiptRecipient, RenderedDocument, VoucherContent
from templates.texts import load_texts

RecipientMethod = Literal["in_person", "electronic"]


class RecipientIn(BaseModel):
    """One recipient; for ``electronic`` the address defaults to the party's mobile number on the application."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    party_id: int
    method: RecipientMethod
    signature_png: str | None = Field(default=None, max_length=3_000_000)
    electronic_address: str | None = Field(default=None, max_length=100)
    channel: Channel | None = None
    sent_at: datetime | None = None
    consent_basis: ConsentBasis | None = None
    served_at: datetime | None = None  # electronic only: when it arrived, if not the request's served_at


class ServiceIn(BaseModel):
    """The body of ``POST /api/v1/applications/{id}/service``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    served_at: datetime
    place: str = Field(default="", max_length=200)  # required when anyone is served in person
    recipients: list[RecipientIn] = Field(min_length=1, max_length=50)


def _decode_signature(index: int, text: str) -> bytes:
    try:
        raw = base64.b64decode(text.split(",", 1)[-1] if text.startswith("data:") else text, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError.for_field(f"recipients[{index}].signature_png", "service.signature_not_base64",
                                    "签名图片数据无法识别，请重新签名") from None
    require_png(raw)
    return raw


def _standing_ruling(session: Session, app: Application) -> Ruling:
    """The application's ruling; 409 ``service.ruling_revoked`` once it is revoked: nothing more is served."""
    ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).one()
    if ruling.revoked_at is not None:
        raise DomainError("service.ruling_revoked", "该裁定书已被撤销，不能再送达或重新送达", 409)
    return ruling


def record_service(jiudi: Jiudi, session: Session, user: User, application_id: str, body: ServiceIn) -> Application:
    """Record service on the listed parties; once every party is served the application is ``served``."""
    require_role(user, "mediator")
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.SERVE)
    ruling = _standing_ruling(session, app)
    parties = {p.id: p for p in parties_of(session, app.id)}
    already = {r.party_id for r in session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id))}
    issued_at, now = as_utc(ruling.issued_at), utcnow()
    problems = service_time_problems("served_at", body.served_at, issued_at=issued_at, now=now)
    if not body.place and any(r.method == "in_person" for r in body.recipients):
        problems.append(FieldProblem("place", "service.place_required", "请填写送达地点"))
    seen: set[int] = set()
    electronic: dict[int, ElectronicService] = {}
    for index, r in enumerate(body.recipients):
        where = f"recipients[{index}]"
        if r.party_id not in parties:
            problems.append(FieldProblem(f"{where}.party_id", "service.unknown_party", "受送达人不是本案申请人"))
        elif r.party_id in already or r.party_id in seen:
            problems.append(FieldProblem(f"{where}.party_id", "service.already_served",
                                         f"{parties[r.party_id].name}已经登记送达"))
        elif r.method == "electronic":
            if r.signature_png:
                problems.append(electronic_signature_problem(where))
            arrived = r.served_at or body.served_at
            if r.served_at is not None:
                problems += service_time_problems(f"{where}.served_at", r.served_at, issued_at=issued_at, now=now)
            checked = electronic_service(where, address=r.electronic_address, channel=r.channel, sent_at=r.sent_at,
                                         consent_basis=r.consent_basis, served_at=arrived,
                                         issued_at=issued_at, phone_on_file=parties[r.party_id].phone)
            if isinstance(checked, ElectronicService):
                electronic[r.party_id] = checked
            else:
                problems += checked
        else:
            problems += in_person_problems(where, address=r.electronic_address, channel=r.channel, sent_at=r.sent_at,
                                           consent_basis=r.consent_basis, arrived_at=r.served_at)
        seen.add(r.party_id)
    if problems:
        status = 409 if all(p.code == "service.already_served" for p in problems) else 422
        raise DomainError.from_problems(problems, status)
    for index, r in enumerate(body.recipients):
        signature_sha = jiudi.store.put(_decode_signature(index, r.signature_png)) if r.signature_png else None
        sent = electronic.get(r.party_id)
        served_at = (r.served_at if sent else None) or body.served_at
        session.add(ServiceRecord(application_id=app.id, party_id=r.party_id, method=r.method,
                                  served_at=served_at, place=body.place, signature_sha256=signature_sha,
                                  electronic_address=sent.address if sent else None,
                                  channel=sent.channel if sent else None,
                                  sent_at=sent.sent_at if sent else None,
                                  consent_basis=sent.consent_basis if sent else None, recorded_by=pk(user)))
        if sent is not None:  # the worker seals the voucher: only it holds the seal key
            session.add(IssuanceJob(application_id=app.id, kind=voucher_job_kind(r.party_id)))
        audit.append(session, actor=user.username, action="service.recorded", application_id=app.id, data={
            "party_id": r.party_id, "method": r.method, "served_at": iso(served_at), "place": body.place,
            "signature_sha256": signature_sha, "electronic_address": sent.address if sent else None,
            "channel": sent.channel if sent else None, "sent_at": iso(sent.sent_at) if sent else None,
            "consent_basis": sent.consent_basis if sent else None})
    session.flush()
    if already | seen >= set(parties):
        mark_served(session, user, app)
    return app


def void_service(session: Session, user: User, application_id: str, party_id: int, reason: str) -> Application:
    """作废送达记录: the court voids one party's service record (a wrong address, the wrong person signed…).

    The record, and the sealed voucher and receipt that recorded it, move to ``voided_services`` with the reason,
    so that those files verify as voided; the party can then be served again, and a served application is
    ``issued`` again until it is. Refused while a voucher or the receipt is still being sealed, so that the worker
    never records a document for a record that is gone.
    """
    require_role(user, "judge", "clerk")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError.for_field("reason", "service.void_reason_required", "请写明作废送达记录的理由")
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.VOID_SERVICE)
    _standing_ruling(session, app)  # after a revocation the party could not be served again: leave it as it is
    record = session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id,
                                                      ServiceRecord.party_id == party_id)).first()
    if record is None:
        raise DomainError("service.not_recorded", "该申请人没有送达记录", 404)
    touched = [voucher_job_kind(party_id), "receipt"]
    jobs = {j.kind: j for j in session.exec(select(IssuanceJob).where(
        IssuanceJob.application_id == app.id, col(IssuanceJob.kind).in_(touched)).with_for_update())}
    now = utcnow()
    if any(j.state == "running" and j.locked_until is not None and as_utc(j.locked_until) > now
           for j in jobs.values()):  # a worker holds it: wait for the document rather than race it
        raise DomainError("service.sealing_in_progress", "送达文书正在盖章生成，请稍后再作废", 409)
    voucher = session.exec(select(ServiceVoucher).where(ServiceVoucher.application_id == app.id,
                                                        ServiceVoucher.party_id == party_id)).first()
    receipt = session.exec(select(ServiceReceipt).where(ServiceReceipt.application_id == app.id)).first()
    voided = VoidedService(
        **{name: getattr(record, name) for name in ServiceFacts.model_fields}, recorded_at=record.created_at,
        voucher_sha256=voucher.sha256 if voucher else None, voucher_created_at=voucher.created_at if voucher else None,
        receipt_sha256=receipt.sha256 if receipt else None, receipt_created_at=receipt.created_at if receipt else None,
        voided_by=pk(user), reason=reason[:2000])
    session.add(voided)
    for row in (record, voucher, receipt, *jobs.values()):
        if row is not None:
            session.delete(row)
    audit.append(session, actor=user.username, action="service.voided", application_id=app.id, data={
        "party_id": party_id, "method": record.method, "served_at": iso(record.served_at),
        "electronic_address": record.electronic_address, "voucher_sha256": voided.voucher_sha256,
        "receipt_sha256": voided.receipt_sha256, "reason": voided.reason})
    session.flush()
    service_voided(session, user, app, party_id, voided.reason)
    return app


def receipt_content(jiudi: Jiudi, session: Session, app: Application) -> ReceiptContent:
    court = session.get(Court, app.court_id)
    org = session.get(Organization, app.organization_id)
    assert court and org and app.case_number
    parties: dict[int | None, Party] = {p.id: p for p in parties_of(session, app.id)}
    records = session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id)
                           .order_by(col(ServiceRecord.id))).all()
    recorders = {r.recorded_by: session.get(User, r.recorded_by) for r in records}
    served_by = "、".join(sorted({u.name for u in recorders.values() if u}))
    return ReceiptContent(
        court_name=court.name, case_number=app.case_number, document_name="民事裁定书",
        recipients=tuple(
            ReceiptRecipient(name=parties[r.party_id].name, method=cast(RecipientMethod, r.method), served_at=china_time(r.served_at),
                             place=r.electronic_address if r.method == "electronic" and r.electronic_address
                             else r.place,
                             signature_png=jiudi.store.get(r.signature_sha256) if r.signature_sha256 else None)
            for r in records
        ),
        served_by=served_by, organization=org.name, dev_mode=jiudi.settings.dev_mode,
    )


def issue_receipt(jiudi: Jiudi, application_id: str, job_id: int | None = None) -> bool:
    """Render, seal and record the receipt (run by the issuance worker, the only holder of the seal key)."""
    from confirm.db import transaction

    with transaction(jiudi.engine) as session:
        app = session.get(Application, application_id)
        assert app is not None
        done = app.status != Status.SERVED or session.exec(
            select(ServiceReceipt).where(ServiceReceipt.application_id == application_id)).first() is not None
        if not done:  # (not served any more: a service was voided since the job was queued)
            content = receipt_content(jiudi, session, app)
            court = session.get(Court, app.court_id)
            assert court is not None
    if done:
        return _nothing_to_do(jiudi, job_id)
    return _seal_and_record(jiudi, court, render_service_receipt(content), f"{content.case_number} 送达回证",
                            ServiceReceipt(application_id=application_id, sha256=""), job_id)


def voucher_content(jiudi: Jiudi, session: Session, app: Application, party_id: int) -> VoucherContent:
    """What the voucher of one party's electronic service records: the trail and the digest of the ruling served."""
    court = session.get(Court, app.court_id)
    party = session.get(Party, party_id)
    record = session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id,
                                                      ServiceRecord.party_id == party_id)).one()
    ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).one()
    recorder = session.get(User, record.recorded_by)
    org = session.get(Organization, app.organization_id)
    assert court and party and recorder and org and app.case_number and record.electronic_address
    channels = load_texts().voucher["channels"]
    arrived = china_time(record.served_at)
    return VoucherContent(
        court_name=court.name, case_number=app.case_number, document_name="民事裁定书", recipient=party.name,
        channel=str(channels.get(record.channel, record.channel)), electronic_address=record.electronic_address,
        sent_at=china_time(record.sent_at) if record.sent_at else None, arrived_at=arrived,
        document_sha256=ruling.sha256, served_by=f"{recorder.name}（{org.name}）", dev_mode=jiudi.settings.dev_mode,
        consent_basis=record.consent_basis,
    )


def issue_voucher(jiudi: Jiudi, application_id: str, party_id: int, job_id: int | None = None) -> bool:
    """Render, seal and record one party's electronic service voucher (run by the issuance worker)."""
    from confirm.db import transaction

    with transaction(jiudi.engine) as session:
        done = session.exec(select(ServiceVoucher).where(ServiceVoucher.application_id == application_id,
                                                         ServiceVoucher.party_id == party_id)).first() is not None
        done = done or session.exec(select(ServiceRecord).where(  # voided since the job was queued
            ServiceRecord.application_id == application_id, ServiceRecord.party_id == party_id)).first() is None
        if not done:
            app = session.get(Application, application_id)
            assert app is not None
            content = voucher_content(jiudi, session, app, party_id)
            court = session.get(Court, app.court_id)
            assert court is not None
    if done:
        return _nothing_to_do(jiudi, job_id)
    return _seal_and_record(jiudi, court, render_service_voucher(content),
                            f"{content.case_number} 电子送达凭证（{content.recipient}）",
                            ServiceVoucher(application_id=application_id, party_id=party_id, sha256=""), job_id)


def _nothing_to_do(jiudi: Jiudi, job_id: int | None) -> bool:
    from confirm.db import transaction
    from confirm.issuance import finish_job

    with transaction(jiudi.engine) as session:
        finish_job(session, job_id)
    return False


def _seal_and_record(jiudi: Jiudi, court: Court, rendered: RenderedDocument, reason: str,
                     row: ServiceReceipt | ServiceVoucher, job_id: int | None) -> bool:
    """Seal a rendered service document, keep it, and record ``row`` (its sha256 filled in) with the job done.

    A unique constraint makes a second worker's copy lose: it finishes its job and keeps nothing."""
    from confirm.db import transaction
    from confirm.issuance import finish_job, seal_document

    sealed, _level = seal_document(jiudi, court, rendered.pdf, rendered.seal_box, reason=reason)
    row.sha256 = jiudi.store.put(sealed)
    try:
        with transaction(jiudi.engine) as session:
            if job_id is not None:  # the job is gone (its service voided) or another worker's copy finished it
                job = session.exec(select(IssuanceJob).where(IssuanceJob.id == job_id).with_for_update()).first()
                if job is None or job.state == "done":
                    return False
            session.add(row)
            session.flush()
            finish_job(session, job_id)
    except IntegrityError:
        return _nothing_to_do(jiudi, job_id)
    jiudi.bus.bump()
    return True


def service_receipt_pdf(jiudi: Jiudi, user: User, application_id: str) -> bytes | None:
    """The sealed receipt once the worker has made it; None while it is still being sealed."""
    from confirm.db import transaction

    with transaction(jiudi.engine) as session:
        app = get_visible(session, user, application_id)
        if app.status != Status.SERVED:
            raise DomainError("service.not_complete", "尚未向全部申请人送达，送达回证尚未生成", 409)
        existing = session.exec(select(ServiceReceipt).where(ServiceReceipt.application_id == app.id)).first()
    return jiudi.store.get(existing.sha256) if existing is not None else None


def service_voucher_pdf(jiudi: Jiudi, user: User, application_id: str, party_id: int) -> bytes | None:
    """The sealed voucher of a party served electronically; None while the worker still seals it."""
    from confirm.db import transaction

    with transaction(jiudi.engine) as session:
        app = get_visible(session, user, application_id)
        record = session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id,
                                                          ServiceRecord.party_id == party_id)).first()
        if record is None or record.method != "electronic":
            raise DomainError("service.voucher_not_found", "该当事人不是电子送达，没有电子送达凭证", 404)
        existing = session.exec(select(ServiceVoucher).where(ServiceVoucher.application_id == app.id,
                                                             ServiceVoucher.party_id == party_id)).first()
    return jiudi.store.get(existing.sha256) if existing is not None else None
