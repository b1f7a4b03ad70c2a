"""当场送达 in the staff API: recording service, voiding a record, and the sealed receipt and vouchers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import select

from confirm.accounts.deps import UserDep
from confirm.applications.views import AS_APPLICATION, ReasonIn, change_and_show
from confirm.issuance.worker import wait_for_worker
from confirm.law.errors import DomainError
from confirm.models import Ruling, ServiceReceipt
from confirm.parties.views import LinkDep
from confirm.serving import service as serving
from confirm.serving.schemas import ServiceIn
from confirm.web.deps import PartyId, RuntimeDep
from confirm.web.files import stored_document

router = APIRouter(prefix="/api/v1")
DOCUMENT_WAIT_SECONDS = 10.0
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}


@router.post("/applications/{application_id}/service", tags=["service"], **AS_APPLICATION)
def record_service(runtime: RuntimeDep, user: UserDep, application_id: str, body: ServiceIn) -> dict[str, Any]:
    """当场送达: record service on parties; ``served`` once every party is served."""
    return change_and_show(runtime, lambda s: serving.record_service(runtime, s, user, application_id, body))


@router.post("/applications/{application_id}/service/{party_id}/void", tags=["service"], **AS_APPLICATION)
def void_service(runtime: RuntimeDep, user: UserDep, application_id: str, party_id: PartyId,
                 body: ReasonIn) -> dict[str, Any]:
    """作废送达记录 (judge or clerk): the party's service record, and the voucher and receipt that recorded it, are
    voided with the reason (verification then says so); the party can be served again."""
    return change_and_show(runtime, lambda s: serving.void_service(s, user, application_id, party_id, body.reason))


@router.get("/party/me/ruling.pdf", tags=["party"], response_class=Response, responses=PDF)
def party_ruling(runtime: RuntimeDep, link: LinkDep) -> Response:
    """The party's copy of the sealed ruling (409 ``ruling.not_issued`` before). For a party who accepted
    electronic service, the first opening through the link the court sent records the court's own service."""
    with runtime.unit_of_work() as session:
        ruling = session.exec(select(Ruling).where(Ruling.application_id == link.application_id)).first()
        if ruling is None:
            raise DomainError("ruling.not_issued", "裁定书尚未出具", 409)
        serving.record_court_service(runtime, session, link)
    return stored_document(runtime.store, ruling.sha256, "application/pdf",
                           headers={"Content-Disposition": "inline", "Cache-Control": "private, no-store"})


@router.get("/party/me/service-receipt.pdf", tags=["party"], response_class=Response, responses=PDF)
def party_service_receipt(runtime: RuntimeDep, link: LinkDep) -> Response:
    """The party's copy of the sealed service receipt once every party is served (409 before)."""
    with runtime.unit_of_work() as session:
        receipt = session.exec(select(ServiceReceipt).where(ServiceReceipt.application_id == link.application_id)).first()
    if receipt is None:
        raise DomainError("service.receipt_pending", "送达回证尚未生成", 409)
    return stored_document(runtime.store, receipt.sha256, "application/pdf",
                           headers={"Content-Disposition": "inline", "Cache-Control": "private, no-store"})


@router.get("/applications/{application_id}/service-receipt.pdf", tags=["service"])
def service_receipt(runtime: RuntimeDep, user: UserDep, application_id: str) -> Response:
    """The sealed service receipt (送达回证); 409 ``service.receipt_pending`` while the worker still seals it."""
    pdf = wait_for_worker(runtime, lambda: serving.service_receipt_pdf(runtime, user, application_id),
                          DOCUMENT_WAIT_SECONDS)
    if pdf is None:
        raise DomainError("service.receipt_pending", "送达回证正在盖章生成，请稍后再试", 409)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": "inline"})


@router.get("/applications/{application_id}/service-vouchers/{party_id}.pdf", tags=["service"],
            response_class=Response, responses=PDF)
def service_voucher(runtime: RuntimeDep, user: UserDep, application_id: str, party_id: PartyId) -> Response:
    """The sealed electronic service voucher (电子送达凭证) of a party served electronically; 404
    ``service.voucher_not_found`` for a party not served electronically, 409 ``service.voucher_pending`` while
    the worker still seals it."""
    pdf = wait_for_worker(runtime, lambda: serving.service_voucher_pdf(runtime, user, application_id, party_id),
                          DOCUMENT_WAIT_SECONDS)
    if pdf is None:
        raise DomainError("service.voucher_pending", "电子送达凭证正在盖章生成，请稍后再试", 409)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": "inline"})
