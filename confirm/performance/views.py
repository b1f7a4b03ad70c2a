"""Performance after the ruling in the API: the obligee's answer and the obligor's proofs from the party's link
(api.md v1.1 ``POST /api/v1/party/me/performance``), the mediator's record of performance witnessed, the proofs
for the court's staff and the parties, and the sealed 自动履行证明书."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError

from confirm.accounts.deps import UserDep
from confirm.applications.service import get_visible
from confirm.core import audit
from confirm.core.runtime import Runtime
from confirm.issuance.worker import wait_for_worker
from confirm.law.errors import DomainError
from confirm.law.uploads import MAX_DOCUMENT_BYTES
from confirm.models import PerformanceCertificate, pk
from confirm.parties import service as parties
from confirm.parties.views import LinkDep
from confirm.performance import service
from confirm.performance.service import PerformanceIn, WitnessedIn
from confirm.web.deps import DbId, RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["performance"])
CERTIFICATE_WAIT_SECONDS = 10.0
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}
FILE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}}


@router.post("/party/me/performance")
def answer(runtime: RuntimeDep, link: LinkDep, body: PerformanceIn) -> dict[str, Any]:
    """The obligee's answer about one obligation: ``performed``, ``partly_performed`` or ``not_performed``, with a
    note. 403 ``performance.not_obligee`` for anyone else, 409 ``performance.obligation_closed`` once it is
    performed, 404 ``performance.obligation_not_found``. Answers ``GET /party/me`` as it now is."""
    with runtime.unit_of_work() as session:
        service.answer(session, link, body)
    with runtime.unit_of_work() as session:
        return parties.me_json(session, link)


@router.post("/party/me/performance-proofs", status_code=201)
def upload_proof(runtime: RuntimeDep, link: LinkDep, obligation_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
                 file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """履行凭证 (a transfer receipt) from the obligor of that obligation: PDF, JPEG or PNG by content, at most 20 MB
    (415 ``document.unsupported_type``, 413 ``document.too_large``); 403 ``performance.not_obligor``."""
    content = file.file.read(MAX_DOCUMENT_BYTES + 1)
    with runtime.unit_of_work() as session:
        proof = service.add_proof(session, runtime.store, link, obligation_id, filename=file.filename or "",
                                  content=content)
        return service.proof_json(proof, base="/api/v1/party/me/performance-proofs")


def certificate_row(runtime: Runtime, application_id: str) -> PerformanceCertificate:
    """The sealed certificate; once every obligation is performed, wait a little for the worker to seal it; 409
    ``performance.certificate_not_issued`` otherwise."""
    def ready() -> PerformanceCertificate | None:
        with runtime.unit_of_work() as session:
            return service.sealed_certificate(session, application_id)

    row = ready()
    if row is None:
        with runtime.unit_of_work() as session:
            pending = service.certificate_pending(session, application_id)
        row = wait_for_worker(runtime, ready, CERTIFICATE_WAIT_SECONDS) if pending else None
    if row is None:
        raise service.not_issued()
    return row


def _file(runtime: RuntimeDep, sha256: str, content_type: str, filename: str) -> Response:
    return Response(runtime.store.get(sha256), media_type=content_type,
                    headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}",
                             "Cache-Control": "private, no-store"})


@router.get("/party/me/performance-proofs/{proof_id}", response_class=Response, responses=FILE)
def party_proof(runtime: RuntimeDep, link: LinkDep, proof_id: DbId) -> Response:
    """A proof of this case, for either party."""
    with runtime.unit_of_work() as session:
        proof = service.proof_for_party(session, link, proof_id)
    return _file(runtime, proof.sha256, proof.content_type, proof.filename)


@router.get("/party/me/performance-certificate.pdf", response_class=Response, responses=PDF)
def party_certificate(runtime: RuntimeDep, link: LinkDep) -> Response:
    """The sealed 自动履行证明书, from either party's link; 409 ``performance.certificate_not_issued`` before."""
    row = certificate_row(runtime, link.application_id)
    with runtime.unit_of_work() as session:
        audit.append(session, actor=f"party:{link.id}", action="performance.certificate_downloaded",
                     application_id=link.application_id, data={"sha256": row.sha256})
    return _file(runtime, row.sha256, "application/pdf", "自动履行证明书.pdf")


@router.post("/applications/{application_id}/obligations/{obligation_id}/performance")
def record_witnessed(runtime: RuntimeDep, user: UserDep, application_id: str, obligation_id: DbId,
                     state: Annotated[str, Form(max_length=30)], note: Annotated[str, Form(max_length=500)] = "",
                     proof_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
                     file: Annotated[UploadFile | None, File()] = None) -> dict[str, Any]:
    """The case's own mediator records performance they witnessed (multipart: ``state``, ``note``, and a proof:
    ``file`` or the ``proof_id`` of one on file). ``performed`` without a proof is 422
    ``performance.proof_required``; another mediator 403 ``performance.not_case_mediator``."""
    try:
        body = WitnessedIn(state=state, note=note or None, proof_id=proof_id)
    except ValidationError as exc:  # the form's fields as a JSON body would be refused
        raise DomainError("request.invalid", "请求内容不符合要求", 422) from exc
    upload = None
    if file is not None and file.filename:
        upload = (file.filename, file.file.read(MAX_DOCUMENT_BYTES + 1))
    with runtime.unit_of_work() as session:
        service.record_witnessed(session, runtime.store, user, application_id, obligation_id, body, upload)
    with runtime.unit_of_work() as session:
        return service.performance_json(session, get_visible(session, user, application_id))


@router.get("/applications/{application_id}/performance")
def performance(runtime: RuntimeDep, user: UserDep, application_id: str) -> dict[str, Any]:
    """Each obligation's state with its answers (who, when, what, note) and proofs, and the certificate's link."""
    with runtime.unit_of_work() as session:
        return service.performance_json(session, get_visible(session, user, application_id))


@router.get("/applications/{application_id}/performance-proofs/{proof_id}", response_class=Response,
            responses=FILE)
def staff_proof(runtime: RuntimeDep, user: UserDep, application_id: str, proof_id: DbId) -> Response:
    """A proof, for the court's staff and the case's organisation."""
    with runtime.unit_of_work() as session:
        proof = service.proof_for_staff(session, user, application_id, proof_id)
        audit.append(session, actor=user.username, action="performance.proof_downloaded",
                     application_id=application_id, data={"proof_id": pk(proof)})
    return _file(runtime, proof.sha256, proof.content_type, proof.filename)


@router.get("/applications/{application_id}/performance-certificate.pdf", response_class=Response, responses=PDF)
def certificate(runtime: RuntimeDep, user: UserDep, application_id: str) -> Response:
    """The sealed 自动履行证明书 (api.md v1.1); 409 ``performance.certificate_not_issued`` before."""
    with runtime.unit_of_work() as session:
        name = f"{get_visible(session, user, application_id).case_number} 自动履行证明书.pdf"
    row = certificate_row(runtime, application_id)
    with runtime.unit_of_work() as session:
        audit.append(session, actor=user.username, action="performance.certificate_downloaded",
                     application_id=application_id, data={"sha256": row.sha256})
    return _file(runtime, row.sha256, "application/pdf", name)
