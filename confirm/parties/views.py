"""The party's JSON API (api.md v1.1 "A party's link"): a code to the party's own phone, a session for the party's
link only, what the party sees of the case, each page of the agreement, and the party's confirmation.

No account: the link's token, the last characters of the ID number and the code are the whole proof. A party's
bearer token opens that party's link and nothing else; staff tokens open nothing here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from confirm.core.runtime import Runtime
from confirm.law.errors import DomainError
from confirm.models import Document, PartyLink
from confirm.parties import pages_of_documents, ratings, service
from confirm.web.deps import DbId, RuntimeDep, get_runtime
from confirm.web.files import stored_document
from confirm.web.ratelimit import client_address

router = APIRouter(prefix="/api/v1/party", tags=["party"])
PARTY_COOKIE = "jiudi_party"
PageNumber = Annotated[int, Path(ge=1, le=500)]


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Literal["sms", "email"] | None = None


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id_tail: str = Field(max_length=20, description="the last 6 characters of the ID number or credit code")
    code: str = Field(max_length=20, description="the 6-digit code sent to the party's own phone or e-mail")


class PartyTokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


def party_bearer(request: Request) -> str:
    """The party's token: ``Authorization: Bearer …``, or on GET the party page's cookie."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if not token and request.method in ("GET", "HEAD"):
        scheme, token = "bearer", request.cookies.get(PARTY_COOKIE, "")
    if scheme.lower() != "bearer" or not token.strip():
        raise DomainError("party.session_invalid", "请先打开短信中的链接并验证身份", 401)
    return token.strip()


def current_link(request: Request, bearer: Annotated[str, Depends(party_bearer)]) -> PartyLink:
    with get_runtime(request).unit_of_work() as session:
        return service.link_for_session(session, bearer)


LinkDep = Annotated[PartyLink, Depends(current_link)]


@router.post("/{token}/code", status_code=202)
def send_code(runtime: RuntimeDep, token: str, body: CodeIn | None = None) -> dict[str, str]:
    """A 6-digit code to the party's own phone (or e-mail); 429 ``party.code_rate_limited`` when resent too often."""
    with runtime.unit_of_work() as session:
        return service.send_code(runtime, session, token, channel=body.channel if body else None)


def open_party_session(runtime: Runtime, request: Request, token: str, body: SessionIn) -> PartyTokenOut:
    """Check the ID characters and the code; a wrong try is counted even though it is refused."""
    with runtime.unit_of_work() as session:
        opened = service.open_session(runtime, session, token, id_tail=body.id_tail, code=body.code,
                                      address=client_address(request),
                                      user_agent=request.headers.get("user-agent", ""))
    if opened.refusal is not None:
        raise opened.refusal
    assert opened.token is not None
    return PartyTokenOut(access_token=opened.token, expires_in=int(service.rules.SESSION_LIFETIME.total_seconds()))


@router.post("/{token}/session")
def open_session(runtime: RuntimeDep, request: Request, token: str, body: SessionIn) -> PartyTokenOut:
    """A bearer token for this party's link only; 401 ``party.bad_code``, 423 ``party.locked`` after five wrong
    tries, 410 ``party.link_expired``."""
    return open_party_session(runtime, request, token, body)


@router.get("/me")
def me(runtime: RuntimeDep, link: LinkDep) -> dict[str, Any]:
    """The party's own case: the agreement to confirm (text and documents), the state of the confirmation, and
    later the ruling. Reading it records that the party was shown the typed agreement."""
    with runtime.unit_of_work() as session:
        service.record_view(session, link, document_id=None, page=0)
        return service.me_json(session, link)


def _document(runtime: Runtime, link: PartyLink, document_id: int) -> Document:
    with runtime.unit_of_work() as session:
        doc = session.get(Document, document_id)
        if doc is None or doc.application_id != link.application_id or doc.kind not in service.AGREEMENT_KINDS:
            raise DomainError("not_found", "文件不存在", 404)
        return doc


@router.get("/me/documents/{document_id}", tags=["party"], response_class=Response,
            responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}})
def document_file(runtime: RuntimeDep, link: LinkDep, document_id: DbId) -> Response:
    """A document of the agreement as filed (the ``url`` of ``/me``'s documents); its opening is recorded."""
    doc = _document(runtime, link, document_id)
    with runtime.unit_of_work() as session:
        service.record_view(session, link, document_id=doc.id, page=0)
    return stored_document(runtime.store, doc.sha256, doc.content_type,
                           headers={"Content-Disposition": "inline", "Cache-Control": "private, no-store"})


@router.get("/me/documents/{document_id}/pages", tags=["party"])
def document_pages(runtime: RuntimeDep, link: LinkDep, document_id: DbId) -> dict[str, Any]:
    """How many pages a document of the agreement has, and where each page's image is."""
    doc = _document(runtime, link, document_id)
    count = pages_of_documents.page_count(runtime.store.get(doc.sha256), doc.content_type)
    return {"document_id": doc.id, "kind": doc.kind, "pages": [
        f"/api/v1/party/me/documents/{doc.id}/pages/{n}.png" for n in range(1, count + 1)]}


@router.get("/me/documents/{document_id}/pages/{page}.png", response_class=Response,
            responses={200: {"content": {"image/png": {}}}})
async def document_page(runtime: RuntimeDep, link: LinkDep, document_id: DbId, page: PageNumber) -> Response:
    """One page of the uploaded agreement as an image a cheap phone can show; each page shown is recorded."""
    doc = _document(runtime, link, document_id)
    png = await run_in_threadpool(pages_of_documents.page_png, runtime.store.get(doc.sha256), doc.content_type, page)
    with runtime.unit_of_work() as session:
        service.record_view(session, link, document_id=doc.id, page=page)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, no-store"})


@router.post("/me/confirmation")
def confirmation(runtime: RuntimeDep, request: Request, link: LinkDep, body: service.ConfirmationIn) -> dict[str, Any]:
    """The party confirms or declines the agreement, with a note, the address for service and whether it accepts
    electronic service; 409 ``party.already_decided`` for a second answer."""
    with runtime.unit_of_work() as session:
        service.confirm(runtime, session, link, body, address=client_address(request),
                        user_agent=request.headers.get("user-agent", ""))
        return service.me_json(session, session.get(PartyLink, link.id) or link)


@router.post("/me/rating")
def rating(runtime: RuntimeDep, link: LinkDep, body: ratings.RatingIn) -> dict[str, Any]:
    """The party rates the mediation (1–5 stars and a comment), once, after the ruling was served on them: 409
    ``rating.not_served`` / ``rating.already_given``, 422 ``rating.stars_out_of_range`` / ``rating.comment_too_long``.
    The mediator sees it only in the evaluation's figures, without the party's name."""
    with runtime.unit_of_work() as session:
        ratings.rate(session, link, body)
        return ratings.rating_json(session, link)
