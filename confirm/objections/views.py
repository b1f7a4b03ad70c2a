"""异议 (Interp. 372) in the staff API: register an objection (民特监), decide it, fetch the sealed ruling on it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from sqlmodel import col, select

from confirm.accounts.deps import UserDep
from confirm.applications import service as applications
from confirm.applications.schemas import ApplicationOut
from confirm.applications.service import get_visible, require_role
from confirm.applications.views import ReasonIn, application_json
from confirm.core import audit
from confirm.issuance.worker import wait_for_worker
from confirm.law.errors import DomainError, required_text
from confirm.law.revocation import PUBLIC_REASONS
from confirm.models import Objection, Role
from confirm.objections import service
from confirm.objections.service import ObjectionDecisionIn, ObjectionIn
from confirm.web.deps import DbId, RuntimeDep
from confirm.web.files import stored_document

router = APIRouter(prefix="/api/v1", tags=["objections"])
DECISION_WAIT_SECONDS = 10.0


@router.post("/applications/{application_id}/objections", status_code=201)
def register_objection(runtime: RuntimeDep, user: UserDep, application_id: str, body: ObjectionIn) -> dict[str, Any]:
    """立案: an objection to the case's ruling (a party within 15 days of receiving it, an interested person within
    6 months of knowing of the harm; Interp. 372) becomes a 民特监 case with its own number. Court staff only."""
    serial = service.before_registering(runtime, user, application_id)
    with runtime.unit_of_work() as session:
        objection = service.register(runtime, session, user, application_id, body, serial)
        return service.objection_json(runtime, session, objection)


@router.get("/applications/{application_id}/objections")
def list_objections(runtime: RuntimeDep, user: UserDep, application_id: str) -> dict[str, Any]:
    with runtime.unit_of_work() as session:
        get_visible(session, user, application_id)
        rows = session.exec(select(Objection).where(Objection.application_id == application_id)
                            .order_by(col(Objection.serial)))
        return {"items": [service.objection_json(runtime, session, o) for o in rows]}


@router.get("/objections/{objection_id}")
def get_objection(runtime: RuntimeDep, user: UserDep, objection_id: DbId) -> dict[str, Any]:
    with runtime.unit_of_work() as session:
        return service.objection_json(runtime, session, service.get_objection(session, user, objection_id))


def decide_and_wait(runtime: RuntimeDep, user: UserDep, objection_id: DbId, body: ObjectionDecisionIn) -> bool:
    """Decide, then wait a little for the worker to seal the ruling on the objection; True once it is sealed."""
    with runtime.unit_of_work() as session:
        service.decide(session, user, objection_id, body)

    def sealed() -> bool | None:
        with runtime.unit_of_work() as session:
            row = session.get(Objection, objection_id)
            return (row is not None and row.sha256 is not None) or None

    return bool(wait_for_worker(runtime, sealed, DECISION_WAIT_SECONDS))


@router.post("/objections/{objection_id}/decision", responses={202: {"description": "sealing queued"}})
def decide_objection(runtime: RuntimeDep, user: UserDep, objection_id: DbId, body: ObjectionDecisionIn) -> JSONResponse:
    """The judge decides: ``revoked`` (撤销原裁定), ``changed`` (变更, with ``change_text``) or ``rejected`` (驳回异议).
    The ruling on the objection is sealed by the worker; the original stops standing when it is sealed. 200 once
    sealed, 202 while queued."""
    done = decide_and_wait(runtime, user, objection_id, body)
    with runtime.unit_of_work() as session:
        payload = service.objection_json(runtime, session, service.get_objection(session, user, objection_id))
    return JSONResponse(payload, status_code=200 if done else 202)


@router.get("/objections/{objection_id}/ruling.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def objection_ruling_pdf(runtime: RuntimeDep, user: UserDep, objection_id: DbId) -> Response:
    """The sealed ruling on the objection; every download is written to the audit log."""
    with runtime.unit_of_work() as session:
        objection = service.get_objection(session, user, objection_id)
        if objection.sha256 is None:
            raise DomainError("objection.not_issued", "异议案件的裁定书尚未出具", 409 if objection.outcome else 404)
        audit.append(session, actor=user.username, action="objection.ruling_downloaded",
                     application_id=objection.application_id, data={"sha256": objection.sha256})
        sha256, filename = objection.sha256, f"{objection.case_number}.pdf"
    return stored_document(runtime.store, sha256, "application/pdf",
                           headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}"})


class RevocationIn(ReasonIn):
    """The judge's reason (kept for the court's staff) and what the public is told, chosen from
    ``law.revocation.PUBLIC_REASONS`` (``revoked`` when not given)."""

    public_reason: str | None = Field(default=None, max_length=40, json_schema_extra={"enum": list(PUBLIC_REASONS)})


@router.post("/applications/{application_id}/ruling/revoke", tags=["review"],
             responses={200: {"model": ApplicationOut}, 202: {"model": ApplicationOut}})
def revoke_ruling(runtime: RuntimeDep, user: UserDep, application_id: str, body: RevocationIn) -> JSONResponse:
    """Revoke the ruling through the ruling on the case's registered objection (Interp. 372; ``POST
    …/objections`` first): the same as ``POST /objections/{id}/decision`` with ``outcome: revoked`` and ``reason``
    as its reasoning. 409 ``ruling.objection_required`` when no objection is pending. Only a judge of the court
    decides: the judge who decided, unless the court set ``revocation any_judge``. 200 once the ruling on the
    objection is sealed (the original then reads ``revoked``), 202 while queued."""
    require_role(user, Role.JUDGE)
    reason = required_text(body.reason, field="reason", code="ruling.revoke_reason_required", message="请写明撤销理由")
    with runtime.unit_of_work() as session:
        service.standing_ruling(session, applications.get_visible(session, user, application_id))
        objection_id = service.pending_objection(session, application_id).id
    assert objection_id is not None
    decide_and_wait(runtime, user, objection_id, ObjectionDecisionIn(
        outcome="revoked", reasoning=reason, public_reason=body.public_reason or "objection_upheld"))
    with runtime.unit_of_work() as session:
        payload = application_json(runtime, session, applications.get_visible(session, user, application_id))
    return JSONResponse(payload, status_code=200 if payload["ruling"]["revoked"] else 202)
