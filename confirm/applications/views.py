"""就地申请 and 同步审核 in the staff API (api.md "Staff API"): filing, documents, the transitions before the
decision, and the review queue. Thin routes: parse, call one service function in a unit of work, shape."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from confirm.accounts.deps import UserDep
from confirm.applications import schemas, transitions
from confirm.applications import service as applications
from confirm.applications.idempotency import idempotent
from confirm.applications.schemas import ApplicationOut, QueueOut
from confirm.core.clock import china_today
from confirm.core.runtime import Runtime
from confirm.law.intake import ApplicationIn
from confirm.law.review import OUTCOMES, Outcome, grounds_for
from confirm.models import Application, pk
from confirm.web.deps import DbId, RuntimeDep
from confirm.web.files import stored_document

router = APIRouter(prefix="/api/v1")
# every route that answers with an application: its body is ApplicationOut (fields of the other kind of party left out)
AS_APPLICATION: dict[str, Any] = {"response_model": ApplicationOut, "response_model_exclude_unset": True}


def application_json(runtime: Runtime, session: Session, app: Application) -> dict[str, Any]:
    """The application as api.md shows it to staff, with links under the public base URL."""
    return schemas.application_json(session, app, public_base_url=runtime.settings.public_base_url,
                                    secret=runtime.secret)


def change_and_show(runtime: Runtime, change: Callable[[Session], Application]) -> dict[str, Any]:
    """Make one change in a unit of work and answer with the application as it now is."""
    with runtime.unit_of_work() as session:
        return application_json(runtime, session, change(session))


class UploadedDocumentOut(BaseModel):
    id: int
    kind: str
    sha256: str
    size: int
    content_type: str
    filename: str


class OutcomeOut(BaseModel):
    outcome: Outcome
    grounds: dict[str, str] = Field(description="ground code → its printed label")


class OutcomesOut(BaseModel):
    items: list[OutcomeOut]


class ReasonIn(BaseModel):
    """A reason the court gives (returning, voiding a service, revoking)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=2000)


@router.post("/applications", status_code=201, tags=["applications"], response_model=ApplicationOut,
             response_model_exclude_unset=True)
def create_application(
    runtime: RuntimeDep, user: UserDep, body: ApplicationIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    """就地申请: a new draft. The same Idempotency-Key with the same body returns the first answer again."""

    def run(session: Session) -> tuple[int, dict[str, Any]]:
        app = applications.create_application(session, user, body, today=china_today(),
                                             calendar=runtime.calendar)
        return 201, application_json(runtime, session, app)

    status, payload = idempotent(runtime, pk(user), idempotency_key, body.model_dump(mode="json"), run)
    return JSONResponse(payload, status_code=status)


@router.put("/applications/{application_id}", tags=["applications"], **AS_APPLICATION)
def replace_application(runtime: RuntimeDep, user: UserDep, application_id: str,
                        body: ApplicationIn) -> dict[str, Any]:
    """Replace a draft's or a returned application's content (validated as at creation)."""
    return change_and_show(runtime, lambda s: applications.replace_application(
        s, user, application_id, body, today=china_today(), calendar=runtime.calendar))


@router.get("/applications", tags=["applications"], response_model=QueueOut)
def list_applications(runtime: RuntimeDep, user: UserDep, status: str | None = None) -> dict[str, Any]:
    with runtime.unit_of_work() as session:
        rows = applications.list_visible(session, user, status)
        return {"items": [schemas.summary_json(session, a) for a in rows]}


@router.get("/applications/{application_id}", tags=["applications"], **AS_APPLICATION)
def get_application(runtime: RuntimeDep, user: UserDep, application_id: str) -> dict[str, Any]:
    with runtime.unit_of_work() as session:
        return application_json(runtime, session, applications.get_visible(session, user, application_id))


@router.post("/applications/{application_id}/documents", status_code=201, tags=["applications"])
def upload_document(runtime: RuntimeDep, user: UserDep, application_id: str, kind: Annotated[str, Form()],
                    file: Annotated[UploadFile, File()]) -> UploadedDocumentOut:
    """File a document (PDF, JPEG or PNG by content, at most 20 MB)."""
    with runtime.unit_of_work() as session:  # the upload, spooled to disk, is stored a chunk at a time
        doc = applications.add_document(session, runtime.store, user, application_id, kind=kind,
                                        filename=file.filename or "", content=file.file)
        return UploadedDocumentOut(id=pk(doc), kind=doc.kind, sha256=doc.sha256, size=doc.size,
                                   content_type=doc.content_type, filename=doc.filename)


@router.delete("/applications/{application_id}/documents/{document_id}", tags=["applications"], **AS_APPLICATION)
def remove_document(runtime: RuntimeDep, user: UserDep, application_id: str, document_id: DbId) -> dict[str, Any]:
    """Take back a wrong upload: only while the application is a draft or returned (409
    ``application.invalid_state``), only by the mediator who uploaded it (403 ``document.not_uploader``). The
    answer is the application as it now is."""
    return change_and_show(runtime, lambda session: applications.remove_document(session, user, application_id,
                                                                                   document_id))


@router.get("/applications/{application_id}/documents/{document_id}", tags=["applications"])
def download_document(runtime: RuntimeDep, user: UserDep, application_id: str, document_id: DbId) -> Response:
    with runtime.unit_of_work() as session:
        doc = applications.document_of(session, user, application_id, document_id)
    return stored_document(runtime.store, doc.sha256, doc.content_type,
                           headers={"Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"})


@router.post("/applications/{application_id}/submit", tags=["applications"], **AS_APPLICATION)
def submit(runtime: RuntimeDep, user: UserDep, application_id: str) -> dict[str, Any]:
    """Submit to the court: admissibility and required materials are checked; errors name the rule broken."""
    return change_and_show(runtime, lambda s: transitions.submit(runtime, s, user, application_id))


@router.post("/applications/{application_id}/withdraw", tags=["applications"], **AS_APPLICATION)
def withdraw(runtime: RuntimeDep, user: UserDep, application_id: str) -> dict[str, Any]:
    """The mediator withdraws an application before the court has accepted it (no case number yet)."""
    return change_and_show(runtime, lambda s: transitions.withdraw(s, user, application_id))


@router.get("/review-queue", tags=["review"], response_model=QueueOut)
def review_queue(runtime: RuntimeDep, user: UserDep) -> dict[str, Any]:
    """The court's submitted and under-review applications, oldest first, with both clocks."""
    with runtime.unit_of_work() as session:
        return {"items": [schemas.summary_json(session, a) for a in applications.review_queue(session, user)]}


@router.post("/applications/{application_id}/claim", tags=["review"], **AS_APPLICATION)
def claim(runtime: RuntimeDep, user: UserDep, application_id: str) -> dict[str, Any]:
    transitions.before_claim(runtime, user, application_id)
    return change_and_show(runtime, lambda s: transitions.claim(runtime, s, user, application_id))


@router.post("/applications/{application_id}/accept", tags=["review"], **AS_APPLICATION)
def accept(runtime: RuntimeDep, user: UserDep, application_id: str) -> dict[str, Any]:
    """受理 (v1.1): the claiming judge accepts the registered case. Before it, a defect of Interp. 355 is ruled
    不予受理; after it, 驳回 (¶2). A decision on the merits of a case not yet accepted accepts it too."""
    return change_and_show(runtime, lambda s: transitions.accept(s, user, application_id))


@router.post("/applications/{application_id}/release", tags=["review"], **AS_APPLICATION)
def release(runtime: RuntimeDep, user: UserDep, application_id: str) -> dict[str, Any]:
    return change_and_show(runtime, lambda s: transitions.release(s, user, application_id))


class ReturnIn(ReasonIn):
    """退回补正: what to supplement and (v1.1) by when; past that day the judge may rule 按撤回申请处理."""

    deadline: date | None = Field(None, description="补正期限: after today, within 30 days (optional for "
                                  "integrations written before v1.1; without it the case cannot be treated as withdrawn)")


@router.post("/applications/{application_id}/return", tags=["review"], **AS_APPLICATION)
def return_application(runtime: RuntimeDep, user: UserDep, application_id: str, body: ReturnIn) -> dict[str, Any]:
    return change_and_show(runtime, lambda s: transitions.return_for_correction(s, user, application_id,
                                                                                body.reason, body.deadline))


@router.get("/outcomes", tags=["review"])
def outcomes(user: UserDep) -> OutcomesOut:
    """The outcome codes and, for each, the grounds that belong to it (the court's lists, templates/texts)."""
    return OutcomesOut(items=[OutcomeOut(outcome=o, grounds=grounds_for(o)) for o in OUTCOMES])
