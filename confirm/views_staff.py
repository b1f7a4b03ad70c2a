"""The staff API (api.md "Staff API"): thin routes over the domain services."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from confirm import applications, audit, auth, issuance, servicing, workflow
from confirm.clock import china_today
from confirm.context import Jiudi
from confirm.db import transaction
from confirm.deps import PartyId, current_user, get_jiudi
from confirm.domain.errors import DomainError
from confirm.domain.intake import ApplicationIn
from confirm.domain.lifecycle import Status
from confirm.domain.review import DecisionIn
from confirm.domain.uploads import MAX_DOCUMENT_BYTES
from confirm.faults import crash_point
from confirm.issuance import application_is_issued
from confirm.models import Application, Court, Organization, Ruling, User, pk
from confirm.ratelimit import client_address, limits
from templates.texts import outcome_grounds

router = APIRouter(prefix="/api/v1")
UserDep = Annotated[User, Depends(current_user)]
JiudiDep = Annotated[Jiudi, Depends(get_jiudi)]
DECISION_WAIT_SECONDS = 10.0


@router.post("/auth/token", tags=["auth"])
def login(request: Request, jiudi: JiudiDep, username: Annotated[str, Form()],
          password: Annotated[str, Form()]) -> dict[str, Any]:
    """Exchange a username and password for a bearer token (10 failures per 5 minutes, then 429)."""
    _user, token, expires_in = auth.login(jiudi.engine, limits(request).login_failures, username, password,
                                          client_address(request))
    return {"access_token": token, "token_type": "bearer", "expires_in": expires_in}


@router.get("/me", tags=["auth"])
def me(jiudi: JiudiDep, user: UserDep) -> dict[str, Any]:
    with transaction(jiudi.engine) as session:
        court = session.get(Court, user.court_id)
        org = session.get(Organization, user.organization_id) if user.organization_id else None
    return {"username": user.username, "name": user.name, "role": user.role,
            "court_code": court.code if court else None, "court_name": court.name if court else None,
            "organization": org.name if org else None}


def _app_json(jiudi: Jiudi, session: Any, app: Application) -> dict[str, Any]:
    return applications.application_json(session, app, public_base_url=jiudi.settings.public_base_url,
                                         secret=jiudi.secret)


@router.post("/applications", status_code=201, tags=["applications"])
def create_application(
    jiudi: JiudiDep, user: UserDep, body: ApplicationIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    """就地申请: a new draft. The same Idempotency-Key with the same body returns the first answer again."""

    def run(session: Any) -> tuple[int, dict[str, Any]]:
        app = applications.create_application(session, user, body, today=china_today())
        audit.append(session, actor=user.username, action="application.draft", application_id=app.id)
        return 201, _app_json(jiudi, session, app)

    status, payload = applications.idempotent(jiudi.engine, pk(user), idempotency_key, body.model_dump(mode="json"),
                                              run)
    return JSONResponse(payload, status_code=status)


@router.put("/applications/{application_id}", tags=["applications"])
def replace_application(jiudi: JiudiDep, user: UserDep, application_id: str, body: ApplicationIn) -> dict[str, Any]:
    with transaction(jiudi.engine) as session:
        app = applications.replace_application(session, user, application_id, body, today=china_today())
        audit.append(session, actor=user.username, action="application.edited", application_id=app.id)
        return _app_json(jiudi, session, app)


@router.get("/applications", tags=["applications"])
def list_applications(jiudi: JiudiDep, user: UserDep, status: str | None = None) -> dict[str, Any]:
    with transaction(jiudi.engine) as session:
        rows = applications.list_visible(session, user, status)
        return {"items": [applications.summary_json(session, a) for a in rows]}


@router.get("/applications/{application_id}", tags=["applications"])
def get_application(jiudi: JiudiDep, user: UserDep, application_id: str) -> dict[str, Any]:
    with transaction(jiudi.engine) as session:
        return _app_json(jiudi, session, applications.get_visible(session, user, application_id))


@router.post("/applications/{application_id}/documents", status_code=201, tags=["applications"])
def upload_document(jiudi: JiudiDep, user: UserDep, application_id: str, kind: Annotated[str, Form()],
                    file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """File a document (PDF, JPEG or PNG by content, at most 20 MB)."""
    content = file.file.read(MAX_DOCUMENT_BYTES + 1)
    with transaction(jiudi.engine) as session:
        doc = applications.add_document(session, jiudi.store, user, application_id, kind=kind,
                                        filename=file.filename or "", content=content)
        crash_point("during_upload")
        audit.append(session, actor=user.username, action="document.uploaded", application_id=application_id,
                     data={"kind": kind, "sha256": doc.sha256})
        return {"id": doc.id, "kind": doc.kind, "sha256": doc.sha256, "size": doc.size,
                "content_type": doc.content_type, "filename": doc.filename}


@router.get("/applications/{application_id}/documents/{document_id}", tags=["applications"])
def download_document(jiudi: JiudiDep, user: UserDep, application_id: str, document_id: int) -> Response:
    with transaction(jiudi.engine) as session:
        doc = applications.document_of(session, user, application_id, document_id)
    return Response(jiudi.store.get(doc.sha256), media_type=doc.content_type,
                    headers={"Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"})


def _transition(jiudi: Jiudi, user: User, application_id: str, change: Any) -> dict[str, Any]:
    with transaction(jiudi.engine) as session:
        app = change(session)
        payload = _app_json(jiudi, session, app)
    jiudi.bus.bump()
    return payload


@router.post("/applications/{application_id}/submit", tags=["applications"])
def submit(jiudi: JiudiDep, user: UserDep, application_id: str) -> dict[str, Any]:
    """Submit to the court: admissibility and required materials are checked; errors name the rule broken."""
    return _transition(jiudi, user, application_id, lambda s: workflow.submit(s, user, application_id))


@router.post("/applications/{application_id}/withdraw", tags=["applications"])
def withdraw(jiudi: JiudiDep, user: UserDep, application_id: str) -> dict[str, Any]:
    """The mediator withdraws an application before the court has accepted it (no case number yet)."""
    return _transition(jiudi, user, application_id, lambda s: workflow.withdraw(s, user, application_id))


@router.get("/review-queue", tags=["review"])
def review_queue(jiudi: JiudiDep, user: UserDep) -> dict[str, Any]:
    """The court's submitted and under-review applications, oldest first, with both clocks."""
    applications.require_role(user, "judge", "clerk")
    with transaction(jiudi.engine) as session:
        rows = session.exec(
            select(Application).where(Application.court_id == user.court_id,
                                      Application.status.in_([Status.SUBMITTED, Status.UNDER_REVIEW]))  # type: ignore[attr-defined]
            .order_by(col(Application.submitted_at))
        ).all()
        return {"items": [applications.summary_json(session, a) for a in rows]}


@router.post("/applications/{application_id}/claim", tags=["review"])
def claim(jiudi: JiudiDep, user: UserDep, application_id: str) -> dict[str, Any]:
    return _transition(jiudi, user, application_id, lambda s: workflow.claim(s, user, application_id))


@router.post("/applications/{application_id}/release", tags=["review"])
def release(jiudi: JiudiDep, user: UserDep, application_id: str) -> dict[str, Any]:
    return _transition(jiudi, user, application_id, lambda s: workflow.release(s, user, application_id))


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=2000)


@router.post("/applications/{application_id}/return", tags=["review"])
def return_application(jiudi: JiudiDep, user: UserDep, application_id: str, body: ReturnIn) -> dict[str, Any]:
    return _transition(jiudi, user, application_id,
                       lambda s: workflow.return_for_correction(s, user, application_id, body.reason))


class DecisionBody(DecisionIn):
    clerk: str | None = Field(default=None, max_length=100, description="书记员 username; default the court's first")


@router.post("/applications/{application_id}/decision", tags=["review"])
def decide(jiudi: JiudiDep, user: UserDep, application_id: str, body: DecisionBody) -> JSONResponse:
    """作出裁定. The ruling is sealed by the issuance worker; 200 once issued, 202 while sealing is queued."""
    decision = DecisionIn.model_validate(body.model_dump(exclude={"clerk"}))
    with transaction(jiudi.engine) as session:
        workflow.decide(session, user, application_id, decision,
                        allowed_grounds=outcome_grounds(decision.outcome), clerk_username=body.clerk)
    crash_point("after_decision_commit")
    jiudi.bus.bump()
    worker = jiudi.worker
    if worker is not None:
        worker.wake()
    _wait_for(jiudi, lambda: application_is_issued(jiudi, application_id) or None)
    with transaction(jiudi.engine) as session:
        app = applications.get_visible(session, user, application_id)
        payload = _app_json(jiudi, session, app)
    return JSONResponse(payload, status_code=200 if payload["ruling"] else 202)


def _wait_for(jiudi: Jiudi, ready: Callable[[], Any]) -> Any:
    """Hold the request briefly for the in-process worker: what ``ready`` returns once it is not None."""
    deadline = time.monotonic() + DECISION_WAIT_SECONDS
    seen = jiudi.bus.generation
    while (result := ready()) is None and jiudi.worker is not None:
        jiudi.worker.wake()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        seen = jiudi.bus.wait_for_change(seen, min(remaining, 0.5))
    return result


@router.post("/applications/{application_id}/decision/preview", tags=["review"],
             response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def preview_decision(jiudi: JiudiDep, user: UserDep, application_id: str, body: DecisionBody) -> Response:
    """The ruling the proposed decision would make, unsealed and marked 预览 on every page; nothing is stored."""
    decision = DecisionIn.model_validate(body.model_dump(exclude={"clerk"}))
    pdf = issuance.preview_ruling(jiudi, user, application_id, decision, body.clerk)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": "inline"})


@router.get("/applications/{application_id}/ruling.pdf", tags=["review"])
def ruling_pdf(jiudi: JiudiDep, user: UserDep, application_id: str) -> Response:
    """The sealed civil ruling (民事裁定书); every download is written to the audit log."""
    with transaction(jiudi.engine) as session:
        app = applications.get_visible(session, user, application_id)
        ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).first()
        if ruling is None:
            raise DomainError("ruling.not_issued", "裁定书尚未出具", 409 if app.status == Status.UNDER_REVIEW else 404)
        audit.append(session, actor=user.username, action="ruling.downloaded", application_id=app.id,
                     data={"sha256": ruling.sha256})
        filename = f"{app.case_number}.pdf"
    from urllib.parse import quote

    return Response(jiudi.store.get(ruling.sha256), media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}"})


@router.post("/applications/{application_id}/ruling/revoke", tags=["review"])
def revoke_ruling(jiudi: JiudiDep, user: UserDep, application_id: str, body: ReturnIn) -> dict[str, Any]:
    """Revoke an issued ruling (after an objection, Interp. 372); verification then says ``revoked``."""
    return _transition(jiudi, user, application_id,
                       lambda s: workflow.revoke_ruling(s, user, application_id, body.reason))


@router.post("/applications/{application_id}/service", tags=["service"])
def record_service(jiudi: JiudiDep, user: UserDep, application_id: str,
                   body: servicing.ServiceIn) -> dict[str, Any]:
    """当场送达: record service on parties; ``served`` once every party is served."""
    return _transition(jiudi, user, application_id,
                       lambda s: servicing.record_service(jiudi, s, user, application_id, body))


@router.post("/applications/{application_id}/service/{party_id}/void", tags=["service"])
def void_service(jiudi: JiudiDep, user: UserDep, application_id: str, party_id: PartyId,
                 body: ReturnIn) -> dict[str, Any]:
    """作废送达记录 (judge or clerk): the party's service record, and the voucher and receipt that recorded it, are
    voided with the reason (verification then says so); the party can be served again."""
    return _transition(jiudi, user, application_id,
                       lambda s: servicing.void_service(s, user, application_id, party_id, body.reason))


@router.get("/applications/{application_id}/service-receipt.pdf", tags=["service"])
def service_receipt(jiudi: JiudiDep, user: UserDep, application_id: str) -> Response:
    """The sealed service receipt (送达回证); 409 ``service.receipt_pending`` while the worker still seals it."""
    pdf = _wait_for(jiudi, lambda: servicing.service_receipt_pdf(jiudi, user, application_id))
    if pdf is None:
        raise DomainError("service.receipt_pending", "送达回证正在盖章生成，请稍后再试", 409)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": "inline"})


@router.get("/applications/{application_id}/service-vouchers/{party_id}.pdf", tags=["service"],
            response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def service_voucher(jiudi: JiudiDep, user: UserDep, application_id: str, party_id: PartyId) -> Response:
    """The sealed electronic service voucher (电子送达凭证) of a party served electronically; 404
    ``service.voucher_not_found`` for a party not served electronically, 409 ``service.voucher_pending`` while
    the worker still seals it."""
    pdf = _wait_for(jiudi, lambda: servicing.service_voucher_pdf(jiudi, user, application_id, party_id))
    if pdf is None:
        raise DomainError("service.voucher_pending", "电子送达凭证正在盖章生成，请稍后再试", 409)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": "inline"})


@router.get("/outcomes", tags=["review"])
def outcomes(user: UserDep) -> dict[str, Any]:
    """The outcome codes and, for each, the grounds that belong to it (from templates/texts)."""
    from confirm.domain.review import OUTCOMES

    return {"items": [{"outcome": o, "grounds": outcome_grounds(o)} for o in OUTCOMES]}
