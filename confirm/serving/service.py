"""当场送达: recording that each party was served (CPL 87–88, 90; 在线诉讼规则 29–32), voiding a mistaken record, and
the sealed receipt and vouchers once the worker has made them (``confirm.serving.documents``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from confirm.applications.service import get_visible, require_role
from confirm.applications.transitions import mark_served, service_voided
from confirm.core import audit
from confirm.core.clock import as_utc, iso, utcnow
from confirm.core.events import emit, queue_job
from confirm.core.runtime import Runtime
from confirm.follow_up import schedule as follow_up
from confirm.law.errors import DomainError, FieldProblem, required_text
from confirm.law.lifecycle import Action, Status, require_allowed
from confirm.law.serving import (
    ElectronicService,
    Refusal,
    ServiceMethod,
    electronic_service,
    electronic_signature_problem,
    in_person_problems,
    proxy_receipt_problems,
    refusal,
    service_time_problems,
)
from confirm.law.uploads import require_photo, require_png
from confirm.models import (
    Application,
    Decision,
    IssuanceJob,
    JobKind,
    JobState,
    Message,
    MessageState,
    Party,
    PartyLink,
    Role,
    Ruling,
    ServiceFacts,
    ServiceReceipt,
    ServiceRecord,
    ServiceVoucher,
    User,
    VoidedService,
    job_kind,
    pk,
    voucher_job_kind,
)
from confirm.parties.service import parties_of
from confirm.serving.schemas import ServiceIn, decode_data_url


def _signature_png(index: int, text: str) -> bytes:
    """The recipient's signature as the receipt will show it; refused (never stored) unless it is a PNG of a
    signature pad's size that decodes completely (``require_png``)."""
    field = f"recipients[{index}].signature_png"
    raw = decode_data_url(text, field=field, code="service.signature_not_base64", message="签名图片数据无法识别，请重新签名")
    require_png(raw, field=field)
    return raw


def _photo(index: int, text: str) -> bytes:
    """The photo of a ruling left at the residence (留置送达), kept as evidence; refused unless it is a JPEG or PNG
    a phone takes (``require_photo``)."""
    field = f"recipients[{index}].photo"
    raw = decode_data_url(text, field=field, code="service.photo_not_base64", message="现场照片数据无法识别，请重新上传")
    require_photo(raw, field=field)
    return raw


def _standing_ruling(session: Session, app: Application) -> Ruling:
    """The application's ruling; 409 ``service.ruling_revoked`` once it is revoked: nothing more is served."""
    ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).one()
    if ruling.revoked_at is not None:
        raise DomainError("service.ruling_revoked", "该裁定书已被撤销，不能再送达或重新送达", 409)
    return ruling


def _checked(body: ServiceIn, parties: dict[int | None, Party], already: set[int], *, issued_at: datetime,
             now: datetime) -> tuple[dict[int, ElectronicService], dict[int, Refusal]]:
    """Every problem with a service record at once (422; 409 when each party named was served already), or the
    electronic services and the refusals (留置送达) it records, by party."""
    problems = service_time_problems("served_at", body.served_at, issued_at=issued_at, now=now)
    if not body.place and any(r.method != ServiceMethod.ELECTRONIC for r in body.recipients):
        problems.append(FieldProblem("place", "service.place_required", "请填写送达地点"))
    seen: set[int] = set()
    electronic: dict[int, ElectronicService] = {}
    refusals: dict[int, Refusal] = {}
    for index, r in enumerate(body.recipients):
        where = f"recipients[{index}]"
        if r.party_id not in parties:
            problems.append(FieldProblem(f"{where}.party_id", "service.unknown_party", "受送达人不是本案申请人"))
            continue
        if r.party_id in already or r.party_id in seen:
            problems.append(FieldProblem(f"{where}.party_id", "service.already_served",
                                         f"{parties[r.party_id].name}已经登记送达"))
            continue
        seen.add(r.party_id)
        problems += proxy_receipt_problems(where, method=r.method, receiver_name=r.receiver_name,
                                           receiver_relation=r.receiver_relation, signed=bool(r.signature_png))
        refused = refusal(where, method=r.method, circumstances=r.refusal_circumstances, witness_name=r.witness_name,
                          witness_unit=r.witness_unit, photographed=bool(r.photo),
                          signed=bool(r.signature_png))
        if isinstance(refused, Refusal):
            refusals[r.party_id] = refused
        elif refused is not None:
            problems += refused
        if r.method == ServiceMethod.ELECTRONIC:
            if r.signature_png:
                problems.append(electronic_signature_problem(where))
            if r.served_at is not None:
                problems += service_time_problems(f"{where}.served_at", r.served_at, issued_at=issued_at, now=now)
            checked = electronic_service(where, address=r.electronic_address, channel=r.channel, sent_at=r.sent_at,
                                         consent_basis=r.consent_basis, served_at=r.served_at or body.served_at,
                                         issued_at=issued_at, phone_on_file=parties[r.party_id].phone)
            if isinstance(checked, ElectronicService):
                electronic[r.party_id] = checked
            else:
                problems += checked
        else:
            problems += in_person_problems(where, address=r.electronic_address, channel=r.channel, sent_at=r.sent_at,
                                           consent_basis=r.consent_basis, arrived_at=r.served_at, method=r.method)
    if problems:
        status = 409 if all(p.code == "service.already_served" for p in problems) else 422
        raise DomainError.from_problems(problems, status)
    return electronic, refusals


def record_service(runtime: Runtime, session: Session, user: User, application_id: str, body: ServiceIn) -> Application:
    """Record service on the listed parties; once every party is served the application is ``served``."""
    require_role(user, Role.MEDIATOR)
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.SERVE)
    ruling = _standing_ruling(session, app)
    parties = {p.id: p for p in parties_of(session, app.id)}
    already = {r.party_id for r in session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id))}
    electronic, refusals = _checked(body, parties, already, issued_at=as_utc(ruling.issued_at), now=utcnow())
    for index, r in enumerate(body.recipients):
        sent = electronic.get(r.party_id)
        refused = refusals.get(r.party_id)
        record = ServiceRecord(
            application_id=app.id, party_id=r.party_id, method=r.method,
            served_at=(r.served_at if sent else None) or body.served_at, place=body.place,
            signature_sha256=runtime.store.put(_signature_png(index, r.signature_png)) if r.signature_png else None,
            electronic_address=sent.address if sent else None, channel=sent.channel if sent else None,
            sent_at=sent.sent_at if sent else None, consent_basis=sent.consent_basis if sent else None,
            receiver_name=r.receiver_name or None, receiver_relation=r.receiver_relation or None,
            refusal_circumstances=refused.circumstances if refused else None,
            witness_name=refused.witness_name if refused else None,
            witness_unit=refused.witness_unit if refused else None,
            photo_sha256=runtime.store.put(_photo(index, r.photo)) if refused and r.photo else None,
            remarks=body.remarks or None, recorded_by=pk(user))
        session.add(record)
        if sent is not None:  # the worker seals the voucher: only it holds the seal key
            queue_job(session, app.id, voucher_job_kind(r.party_id))
        audit.append(session, actor=user.username, action="service.recorded", application_id=app.id, data={
            "party_id": r.party_id, "method": r.method, "served_at": iso(record.served_at), "place": body.place,
            "signature_sha256": record.signature_sha256, "electronic_address": record.electronic_address,
            "channel": record.channel, "sent_at": iso(record.sent_at), "consent_basis": record.consent_basis,
            "receiver_name": record.receiver_name, "receiver_relation": record.receiver_relation,
            "refusal_circumstances": record.refusal_circumstances, "witness_name": record.witness_name,
            "witness_unit": record.witness_unit, "photo_sha256": record.photo_sha256, "remarks": record.remarks})
    session.flush()
    if already | {r.party_id for r in body.recipients} >= set(parties):
        mark_served(session, user, app)
        follow_up.plan(runtime, session, app, actor=user.username)  # the agreement now binds: follow its dates
    return app


def record_court_service(runtime: Runtime, session: Session, link: PartyLink) -> bool:
    """The court's own electronic service: a party who accepted it opened, through its link, the ruling the court
    sent it. Recorded from the system's log, not typed by anyone: sent when the message left, arrived when the SMS
    provider reported it on the phone, else when it left (the service date, CPL 90 ¶2), opened now; the clerk named
    on the ruling is 送达人. True when this recorded it."""
    app = session.exec(select(Application).where(Application.id == link.application_id).with_for_update()).one()
    if not link.electronic_service or app.status != Status.ISSUED:
        return False
    if session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id,
                                                ServiceRecord.party_id == link.party_id)).first() is not None:
        return False  # served already (in person by the mediator, or by this link before)
    message = session.exec(select(Message).where(Message.link_id == link.id, Message.kind == "ruling.served",
                                                 Message.state == MessageState.SENT)
                           .order_by(col(Message.sent_at))).first()
    ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).one()
    if message is None or message.sent_at is None or ruling.revoked_at is not None:
        return False  # the court's message has not left: nothing was served through it yet
    decision = session.exec(select(Decision).where(Decision.application_id == app.id)).one()
    clerk = session.get(User, decision.clerk_id)
    assert clerk is not None
    record = ServiceRecord(  # arrived: when the operator reported it on the phone, else when it left
        application_id=app.id, party_id=link.party_id, method=ServiceMethod.ELECTRONIC,
        served_at=message.delivered_at or message.sent_at,
        place=message.to_address, electronic_address=message.to_address, channel=message.channel,
        sent_at=message.sent_at, consent_basis="express", recorded_by=pk(clerk), opened_at=utcnow())
    session.add(record)
    queue_job(session, app.id, voucher_job_kind(link.party_id))
    audit.append(session, actor=f"party:{link.id}", action="service.recorded", application_id=app.id, data={
        "party_id": link.party_id, "method": record.method, "served_at": iso(record.served_at),
        "electronic_address": record.electronic_address, "channel": record.channel, "sent_at": iso(record.sent_at),
        "opened_at": iso(record.opened_at), "consent_basis": record.consent_basis, "by": "court"})
    session.flush()
    served = {r.party_id for r in session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id))}
    if served >= {pk(p) for p in parties_of(session, app.id)}:
        mark_served(session, clerk, app)
        follow_up.plan(runtime, session, app, actor=f"party:{link.id}")
    else:
        emit(session, "application.service_recorded", app, party_id=link.party_id)
    return True


def void_service(session: Session, user: User, application_id: str, party_id: int, reason: str) -> Application:
    """作废送达记录: the court voids one party's service record (a wrong address, the wrong person signed…).

    The record, and the sealed voucher and receipt that recorded it, move to ``voided_services`` with the reason,
    so that those files verify as voided; the party can then be served again, and a served application is
    ``issued`` again until it is. Refused while a voucher or the receipt is still being sealed, so that the worker
    never records a document for a record that is gone.
    """
    require_role(user, Role.JUDGE, Role.CLERK)
    reason = required_text(reason, field="reason", code="service.void_reason_required",
                           message="请写明作废送达记录的理由")
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.VOID_SERVICE)
    _standing_ruling(session, app)  # after a revocation the party could not be served again: leave it as it is
    record = session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id,
                                                      ServiceRecord.party_id == party_id)).first()
    if record is None:
        raise DomainError("service.not_recorded", "该申请人没有送达记录", 404)
    touched = [voucher_job_kind(party_id), job_kind(JobKind.RECEIPT)]
    jobs = {j.kind: j for j in session.exec(select(IssuanceJob).where(
        IssuanceJob.application_id == app.id, col(IssuanceJob.kind).in_(touched)).with_for_update())}
    now = utcnow()
    if any(j.state == JobState.RUNNING and j.locked_until is not None and as_utc(j.locked_until) > now
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


def service_receipt_pdf(runtime: Runtime, user: User, application_id: str) -> bytes | None:
    """The sealed receipt once the worker has made it; None while it is still being sealed."""
    with runtime.unit_of_work() as session:
        app = get_visible(session, user, application_id)
        if app.status != Status.SERVED:
            raise DomainError("service.not_complete", "尚未向全部申请人送达，送达回证尚未生成", 409)
        existing = session.exec(select(ServiceReceipt).where(ServiceReceipt.application_id == app.id)).first()
    return runtime.store.get(existing.sha256) if existing is not None else None


def service_voucher_pdf(runtime: Runtime, user: User, application_id: str, party_id: int) -> bytes | None:
    """The sealed voucher of a party served electronically; None while the worker still seals it."""
    with runtime.unit_of_work() as session:
        app = get_visible(session, user, application_id)
        record = session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id,
                                                          ServiceRecord.party_id == party_id)).first()
        if record is None or record.method != ServiceMethod.ELECTRONIC:
            raise DomainError("service.voucher_not_found", "该当事人不是电子送达，没有电子送达凭证", 404)
        existing = session.exec(select(ServiceVoucher).where(ServiceVoucher.application_id == app.id,
                                                             ServiceVoucher.party_id == party_id)).first()
    return runtime.store.get(existing.sha256) if existing is not None else None
