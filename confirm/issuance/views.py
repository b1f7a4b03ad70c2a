"""在线回传 in the staff API: the decision, its unsealed preview and the sealed ruling (revocation goes through an
objection: confirm/objections)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from sqlmodel import select

from confirm.accounts.deps import UserDep
from confirm.applications import service as applications
from confirm.applications import transitions
from confirm.applications.schemas import ApplicationOut
from confirm.applications.views import application_json
from confirm.core import audit
from confirm.issuance.ruling import preview_ruling, wait_for_ruling
from confirm.law.errors import DomainError
from confirm.law.lifecycle import Status
from confirm.law.review import DecisionIn
from confirm.models import Ruling
from confirm.web.deps import RuntimeDep
from confirm.web.files import stored_document

router = APIRouter(prefix="/api/v1")
DECISION_WAIT_SECONDS = 10.0


class DecisionBody(DecisionIn):
    clerk: str | None = Field(default=None, max_length=100, description="书记员 username; default the court's first")


@router.post("/applications/{application_id}/decision", tags=["review"],
             responses={200: {"model": ApplicationOut}, 202: {"model": ApplicationOut}})
def decide(runtime: RuntimeDep, user: UserDep, application_id: str, body: DecisionBody) -> JSONResponse:
    """作出裁定. The ruling is sealed by the issuance worker; 200 once issued, 202 while sealing is queued."""
    decision = DecisionIn.model_validate(body.model_dump(exclude={"clerk"}))
    with runtime.unit_of_work() as session:
        transitions.decide(session, user, application_id, decision, clerk_username=body.clerk)
    wait_for_ruling(runtime, application_id, DECISION_WAIT_SECONDS)
    with runtime.unit_of_work() as session:
        payload = application_json(runtime, session, applications.get_visible(session, user, application_id))
    return JSONResponse(payload, status_code=200 if payload["ruling"] else 202)


@router.post("/applications/{application_id}/decision/preview", tags=["review"],
             response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def preview_decision(runtime: RuntimeDep, user: UserDep, application_id: str, body: DecisionBody) -> Response:
    """The ruling the proposed decision would make, unsealed and marked 预览 on every page; nothing is stored."""
    decision = DecisionIn.model_validate(body.model_dump(exclude={"clerk"}))
    pdf = preview_ruling(runtime, user, application_id, decision, body.clerk)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": "inline"})


@router.get("/applications/{application_id}/ruling.pdf", tags=["review"])
def ruling_pdf(runtime: RuntimeDep, user: UserDep, application_id: str) -> Response:
    """The sealed civil ruling (民事裁定书); every download is written to the audit log."""
    with runtime.unit_of_work() as session:
        app = applications.get_visible(session, user, application_id)
        ruling = session.exec(select(Ruling).where(Ruling.application_id == app.id)).first()
        if ruling is None:
            raise DomainError("ruling.not_issued", "裁定书尚未出具", 409 if app.status == Status.UNDER_REVIEW else 404)
        audit.append(session, actor=user.username, action="ruling.downloaded", application_id=app.id,
                     data={"sha256": ruling.sha256})
        filename = f"{app.case_number}.pdf"
    return stored_document(runtime.store, ruling.sha256, "application/pdf",
                           headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}"})
