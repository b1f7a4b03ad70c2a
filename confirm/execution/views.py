"""强制执行 in the API: the obligee's 强制执行申请书 (PDF, staff and the obligee's link) and the execution-filing
record for the court's case system (JSON, staff). Both are read-only views of the records; Jiudi files nothing."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlmodel import Session

from confirm.accounts.deps import UserDep
from confirm.applications.service import get_visible
from confirm.execution import service
from confirm.models import Application
from confirm.parties.views import LinkDep
from confirm.web.deps import RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["execution"])
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}


def _pdf(pdf: bytes, filename: str) -> Response:
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}",
                             "Cache-Control": "private, no-store"})


def _application(session: Session, application_id: str) -> Application:
    app = session.get(Application, application_id)
    assert app is not None
    return app


@router.get("/applications/{application_id}/execution-application.pdf", response_class=Response, responses=PDF)
def execution_application(runtime: RuntimeDep, user: UserDep, application_id: str,
                          party_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    """The filled-in 强制执行申请书 of the obligee (``party_id``, needed only when several obligees reported
    non-performance), from the records; not sealed, the obligee's to sign. The case's staff only (404 for others).
    409 ``execution.not_confirmed`` / ``execution.ruling_revoked`` / ``execution.not_served`` /
    ``execution.nothing_unperformed`` before it can be prepared."""
    with runtime.unit_of_work() as session:
        app = get_visible(session, user, application_id)
        pdf, filename = service.application_pdf(runtime, session, app, party_id, actor=user.username)
    return _pdf(pdf, filename)


@router.get("/party/me/execution-application.pdf", tags=["party"], response_class=Response, responses=PDF)
def party_execution_application(runtime: RuntimeDep, link: LinkDep) -> Response:
    """The obligee's own 强制执行申请书 from their link (403 ``execution.not_obligee`` for a party owed nothing
    unperformed; 409 as the staff route before non-performance)."""
    with runtime.unit_of_work() as session:
        pdf, filename = service.application_pdf(runtime, session, _application(session, link.application_id),
                                                link.party_id, actor=f"party:{link.party_id}")
    return _pdf(pdf, filename)


@router.get("/applications/{application_id}/execution-filing.json")
def execution_filing(runtime: RuntimeDep, user: UserDep, application_id: str) -> dict[str, Any]:
    """The execution-filing record for the court's case system (README "Execution filing record"): the ruling as
    执行依据, applicants, respondents with identity numbers, the unperformed obligations in fen and yuan, and the
    last day to apply (CPL 250). The case's staff only; 409 as the PDF before non-performance."""
    with runtime.unit_of_work() as session:
        return service.filing_json(runtime, session, get_visible(session, user, application_id))
