"""The sealed service documents as document kinds of the sealing pipeline: the service receipt (送达回证, CPL
87–88) once every party is served, for each party served electronically the electronic service voucher
(电子送达凭证, CPL 90; 在线诉讼规则 29–32), and for each party who confirmed an address for service on their own
phone the 送达地址确认书 (在线诉讼规则 29 ¶2). Only the issuance worker seals them (it alone holds the seal key)."""

from __future__ import annotations

from functools import partial
from typing import cast

from sqlmodel import Session, col, select

from confirm.core.clock import china_time
from confirm.core.runtime import Runtime
from confirm.core.seals import SealedDocument
from confirm.issuance.pipeline import DocumentKind, Prepared, prepared_for, run_pipeline
from confirm.law.lifecycle import Status
from confirm.law.serving import ServiceMethod
from confirm.models import (
    AddressConfirmation,
    Application,
    Court,
    Decision,
    JobTarget,
    Organization,
    Party,
    PartyLink,
    PartyLinkState,
    Role,
    Ruling,
    ServiceReceipt,
    ServiceRecord,
    ServiceVoucher,
    User,
)
from confirm.parties.service import parties_of
from templates import render_address_confirmation, render_service_receipt, render_service_voucher
from templates.model import (
    AddressConfirmationContent,
    ReceiptContent,
    ReceiptRecipient,
    ReceiptRefusal,
    VoucherContent,
)
from templates.model import ServiceMethod as TemplateServiceMethod
from templates.texts import load_texts


def receipt_content(runtime: Runtime, session: Session, app: Application) -> ReceiptContent:
    court = session.get(Court, app.court_id)
    org = session.get(Organization, app.organization_id)
    assert court and org and app.case_number
    parties: dict[int | None, Party] = {p.id: p for p in parties_of(session, app.id)}
    records = session.exec(select(ServiceRecord).where(ServiceRecord.application_id == app.id)
                           .order_by(col(ServiceRecord.id))).all()
    recorders = {r.recorded_by: session.get(User, r.recorded_by) for r in records}
    # the mediators who served in person did so on the court's behalf (代为送达); the court's clerk is 送达人
    delivered_by = "、".join(sorted({f"{u.name}（{org.name}）" for u in recorders.values()
                                     if u and u.role == Role.MEDIATOR}))
    decision = session.exec(select(Decision).where(Decision.application_id == app.id)).one()
    clerk = session.get(User, decision.clerk_id)
    assert clerk is not None
    issued_by = list(dict.fromkeys(u.name for u in (recorders[r.recorded_by] for r in records) if u))
    return ReceiptContent(
        court_name=court.name, case_number=app.case_number, document_name="民事裁定书",
        recipients=tuple(_receipt_recipient(runtime, r, parties[r.party_id]) for r in records),
        served_by=clerk.name, delivered_by=delivered_by or None, organization=court.name,
        dev_mode=runtime.settings.dev_mode, dispute_type=app.dispute_type,
        # 填发人: who recorded the service (the mediator; the court's clerk for its own electronic service)
        issued_by="、".join(issued_by),
        remarks=tuple(dict.fromkeys(r.remarks for r in records if r.remarks)),
    )


def _receipt_recipient(runtime: Runtime, record: ServiceRecord, party: Party) -> ReceiptRecipient:
    """One row of the receipt, only from what the service record says."""
    electronic = record.method == ServiceMethod.ELECTRONIC
    refusal = ReceiptRefusal(circumstances=record.refusal_circumstances, witness_name=record.witness_name,
                             witness_unit=record.witness_unit, photo_sha256=record.photo_sha256) \
        if record.method == ServiceMethod.LEFT_AT_RESIDENCE and record.refusal_circumstances else None
    return ReceiptRecipient(
        name=party.name, method=cast(TemplateServiceMethod, record.method), served_at=china_time(record.served_at),
        place=record.electronic_address if electronic and record.electronic_address else record.place,
        signature_png=runtime.store.get(record.signature_sha256) if record.signature_sha256 else None,
        receiver_name=record.receiver_name, receiver_relation=record.receiver_relation, refusal=refusal)


class ReceiptDocument(DocumentKind[None]):
    """The one sealed receipt of a fully served application (``service_receipts.application_id`` is unique)."""

    def prepare(self, runtime: Runtime, session: Session, target: JobTarget) -> Prepared[None] | None:
        app = session.get(Application, target.application_id)
        assert app is not None
        if app.status != Status.SERVED or session.exec(  # (not served any more: a service was voided since)
                select(ServiceReceipt).where(ServiceReceipt.application_id == app.id)).first() is not None:
            return None
        content = receipt_content(runtime, session, app)
        return prepared_for(session, app, partial(render_service_receipt, content), f"{content.case_number} 送达回证",
                            None)

    def record(self, runtime: Runtime, session: Session, target: JobTarget, prepared: Prepared[None],
               sealed: SealedDocument, sha256: str) -> None:
        session.add(ServiceReceipt(application_id=target.application_id, sha256=sha256))


def voucher_content(runtime: Runtime, session: Session, app: Application, party_id: int) -> VoucherContent:
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
        document_sha256=ruling.sha256, dev_mode=runtime.settings.dev_mode, consent_basis=record.consent_basis,
        # the court's own service (its clerk, through Jiudi), or the mediator's record of a service on its behalf
        served_by=f"{recorder.name}（{court.name if recorder.role == Role.CLERK else org.name}）",
        read_at=china_time(record.opened_at) if record.opened_at else None,
    )


class VoucherDocument(DocumentKind[None]):
    """One party's sealed electronic service voucher (unique per application and party)."""

    def prepare(self, runtime: Runtime, session: Session, target: JobTarget) -> Prepared[None] | None:
        assert target.ref is not None
        party_id = target.ref
        done = session.exec(select(ServiceVoucher).where(ServiceVoucher.application_id == target.application_id,
                                                         ServiceVoucher.party_id == party_id)).first() is not None
        done = done or session.exec(select(ServiceRecord).where(  # voided since the job was queued
            ServiceRecord.application_id == target.application_id, ServiceRecord.party_id == party_id)).first() is None
        if done:
            return None
        app = session.get(Application, target.application_id)
        assert app is not None
        content = voucher_content(runtime, session, app, party_id)
        return prepared_for(session, app, partial(render_service_voucher, content),
                            f"{content.case_number} 电子送达凭证（{content.recipient}）", None)

    def record(self, runtime: Runtime, session: Session, target: JobTarget, prepared: Prepared[None],
               sealed: SealedDocument, sha256: str) -> None:
        assert target.ref is not None
        session.add(ServiceVoucher(application_id=target.application_id, party_id=target.ref, sha256=sha256))


def address_content(runtime: Runtime, session: Session, link: PartyLink) -> AddressConfirmationContent:
    """The 送达地址确认书 of one party's confirmation: only what the party recorded on their phone."""
    app = session.get(Application, link.application_id)
    party = session.get(Party, link.party_id)
    assert app is not None and link.decided_at is not None
    court = session.get(Court, app.court_id)
    assert court is not None
    electronic = bool(link.electronic_service)
    channels = tuple(c for c, given in (("sms", link.service_phone), ("email", link.service_email)) if given)
    return AddressConfirmationContent(
        court_name=court.name, case_number=app.case_number, application_ref=app.id[:8],
        dispute_type=app.dispute_type, party_name=link.party_name, party_kind=party.kind if party else "person",
        address=link.service_address, phone=link.service_phone, email=link.service_email,
        electronic_service=electronic, electronic_channels=channels if electronic else (),
        confirmed_at=china_time(link.decided_at), confirmed_via=link.code_sent_to or "未记录",
        dev_mode=runtime.settings.dev_mode)


class AddressDocument(DocumentKind[None]):
    """The sealed 送达地址确认书 of one party link's confirmation (``address_confirmations.link_id`` is unique)."""

    def prepare(self, runtime: Runtime, session: Session, target: JobTarget) -> Prepared[None] | None:
        link = session.get(PartyLink, target.ref)
        if link is None or link.state != PartyLinkState.CONFIRMED or session.exec(
                select(AddressConfirmation).where(AddressConfirmation.link_id == link.id)).first() is not None:
            return None  # (voided since: the application was edited and the party is asked again)
        app = session.get(Application, link.application_id)
        assert app is not None
        content = address_content(runtime, session, link)
        return prepared_for(session, app, partial(render_address_confirmation, content),
                            f"{content.case_number or app.id[:8]} 送达地址确认书（{link.party_name}）", None)

    def record(self, runtime: Runtime, session: Session, target: JobTarget, prepared: Prepared[None],
               sealed: SealedDocument, sha256: str) -> None:
        assert target.ref is not None
        session.add(AddressConfirmation(application_id=target.application_id, link_id=target.ref, sha256=sha256))


def issue_receipt(runtime: Runtime, application_id: str, job_id: int | None = None) -> bool:
    """Seal and record the receipt now (what the worker does with a receipt job); True when this call did."""
    return run_pipeline(runtime, ReceiptDocument(), JobTarget(application_id), job_id)


def issue_voucher(runtime: Runtime, application_id: str, party_id: int, job_id: int | None = None) -> bool:
    """Seal and record one party's voucher now (what the worker does with a voucher job); True when this call
    did, False when it exists already or its service record was voided."""
    return run_pipeline(runtime, VoucherDocument(), JobTarget(application_id, party_id), job_id)
