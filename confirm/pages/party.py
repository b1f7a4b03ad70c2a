"""The party's pages (a cheap Android phone's browser, zh-CN, no account, no JavaScript needed): open the link from
the text message (or the QR code on the mediator's tablet), prove who you are, read the whole agreement and the
warning against false litigation, confirm or decline, confirm the address for service; afterwards, the state of
the case, the ruling when it is ready, how to check it, and what a rejection leaves open (CPL 206).

The same service functions as the party's JSON API (``confirm.parties.views``); a session is a cookie holding the
party's bearer token, and the confirmation form carries a CSRF token derived from it.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from confirm.core.clock import chinese_datetime_text, utcnow
from confirm.execution import service as execution
from confirm.law.errors import DomainError
from confirm.law.masking import mask_person_name
from confirm.law.parties import SESSION_LIFETIME
from confirm.law.review import Outcome
from confirm.law.tables import party_texts
from confirm.law.uploads import MAX_DOCUMENT_BYTES
from confirm.models import PartyLink
from confirm.pages.session import form_errors
from confirm.parties import pages_of_documents, ratings, service
from confirm.parties.views import PARTY_COOKIE, SessionIn, open_party_session
from confirm.performance import service as performance
from confirm.web.deps import get_runtime
from confirm.web.html import render
from confirm.web.ratelimit import client_address

router = APIRouter(include_in_schema=False)
DONE_NOTICES = {"performance": "已登记履行情况，谢谢", "proof": "履行凭证已上传，权利人和法院可以查看"}


def _csrf(request: Request, bearer: str) -> str:
    return hmac.new(get_runtime(request).secret, b"party-csrf:" + bearer.encode(), hashlib.sha256).hexdigest()


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return render(request, f"party/{name}.html", dev_mode=get_runtime(request).settings.dev_mode,
                  status_code=status_code, texts=party_texts(), **context)


def _error(request: Request, exc: DomainError) -> HTMLResponse:
    return _page(request, "error", status_code=exc.status, message=exc.message)


def _signed_in(request: Request, token: str) -> tuple[PartyLink, str] | None:
    """The party's session for this very link, if the phone has one."""
    bearer = request.cookies.get(PARTY_COOKIE, "")
    if not bearer:
        return None
    runtime = get_runtime(request)
    try:
        with runtime.unit_of_work() as session:
            link = service.link_for_session(session, bearer)
            if link.id != service.link_for_token(session, token).id:
                return None
    except DomainError:
        return None
    return link, bearer


def _verify_page(request: Request, token: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    runtime = get_runtime(request)
    with runtime.unit_of_work() as session:
        link = service.link_for_token(session, token)
        service.require_usable(link, utcnow())
        court = service.me_json(session, link)["court"]
    return _page(request, "verify", status_code=status_code, token=token, court=court,
                 masked_name=mask_person_name(link.party_name), **context)


def _case_page(request: Request, token: str, link: PartyLink, bearer: str, status_code: int = 200,
               **context: Any) -> HTMLResponse:
    """The agreement to answer (with each page of the uploaded documents) or, once answered, the case."""
    runtime = get_runtime(request)
    with runtime.unit_of_work() as session:
        service.record_view(session, link, document_id=None, page=0)
        view = service.me_json(session, link)
        documents = service.agreement_documents(session, link.application_id)
        execution_offered = execution.offered_to(session, link.application_id, link.party_id)
    pages = [(doc.id, doc.kind, pages_of_documents.page_count(runtime.store.get(doc.sha256), doc.content_type))
             for doc in documents]
    outcome = Outcome(view["outcome"]).name_zh if view["outcome"] else None
    asked = view["confirmation"]["state"] == "pending" and view["status"] in service.OPEN_FOR_CONFIRMATION
    name = "agreement" if asked else "case"
    return _page(request, name, status_code=status_code, case=view, token=token, pages=pages, outcome=outcome,
                 csrf=_csrf(request, bearer), decided_at=chinese_datetime_text(link.decided_at),
                 execution_offered=execution_offered,
                 fields=context.pop("fields", {}), form=context.pop("form", {}), **context)


@router.get("/p/{token}", response_class=HTMLResponse)
def party_home(request: Request, token: str, done: str = "") -> Response:
    """The link from the text message: verify first, then the agreement (or, once answered, the case)."""
    try:
        signed = _signed_in(request, token)
        if signed is None:
            return _verify_page(request, token)
        link, bearer = signed
        return _case_page(request, token, link, bearer, notice=DONE_NOTICES.get(done))
    except DomainError as exc:
        return _error(request, exc)


@router.post("/p/{token}/code", response_class=HTMLResponse)
async def party_code(request: Request, token: str) -> Response:
    form = await request.form()
    runtime = get_runtime(request)
    try:
        with runtime.unit_of_work() as session:
            sent = service.send_code(runtime, session, token, channel=str(form.get("channel", "")) or None)
    except DomainError as exc:
        try:
            return _verify_page(request, token, status_code=exc.status, message=exc.message,
                                id_tail=str(form.get("id_tail", "")))
        except DomainError as again:
            return _error(request, again)
    channel = "手机" if sent["channel"] == "sms" else "邮箱"
    return _verify_page(request, token, notice=f"验证码已发送至您的{channel} {sent['sent_to']}，10分钟内有效",
                        id_tail=str(form.get("id_tail", "")), code_sent=True)


@router.post("/p/{token}/session", response_class=HTMLResponse)
async def party_session(request: Request, token: str) -> Response:
    form = await request.form()
    runtime = get_runtime(request)
    try:
        body = SessionIn.model_validate({"id_tail": str(form.get("id_tail", "")), "code": str(form.get("code", ""))})
        opened = open_party_session(runtime, request, token, body)
    except (DomainError, ValidationError) as exc:
        message, _fields, status = form_errors(exc)
        try:
            return _verify_page(request, token, status_code=status, message=message,
                                id_tail=str(form.get("id_tail", "")), code_sent=True)
        except DomainError as again:
            return _error(request, again)
    response = RedirectResponse(f"/p/{token}", status_code=303)
    response.set_cookie(PARTY_COOKIE, opened.access_token, max_age=int(SESSION_LIFETIME.total_seconds()),
                        httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")
    return response


def _confirmation_body(form: FormData) -> service.ConfirmationIn:
    return service.ConfirmationIn.model_validate({
        "decision": str(form.get("decision", "")), "note": str(form.get("note", "")) or None,
        "service_address": {"address": str(form.get("address", "")) or None, "phone": str(form.get("phone", "")) or None,
                            "email": str(form.get("email", "")) or None},
        "electronic_service": form.get("electronic_service") == "yes"})


async def _party_form(request: Request, token: str) -> tuple[PartyLink, str, FormData] | Response:
    """A form posted from the signed-in party's page, its CSRF token checked: (link, bearer, form), or the answer
    to give instead (back to the link's sign-in, or 403)."""
    signed = _signed_in(request, token)
    if signed is None:
        return RedirectResponse(f"/p/{token}", status_code=303)
    link, bearer = signed
    form = await request.form()
    if not hmac.compare_digest(str(form.get("csrf", "")), _csrf(request, bearer)):
        return _error(request, DomainError("request.csrf", "页面已过期，请刷新后重试", 403))
    return link, bearer, form


@router.post("/p/{token}/confirm", response_class=HTMLResponse)
async def party_confirm(request: Request, token: str) -> Response:
    posted = await _party_form(request, token)
    if isinstance(posted, Response):
        return posted
    link, bearer, form = posted
    runtime = get_runtime(request)
    try:
        body = _confirmation_body(form)
        with runtime.unit_of_work() as session:
            service.confirm(runtime, session, link, body, address=client_address(request),
                            user_agent=request.headers.get("user-agent", ""))
    except (DomainError, ValidationError) as exc:
        message, fields, status = form_errors(exc)
        return _case_page(request, token, link, bearer, status_code=status, message=message, fields=fields,
                          form=dict(form))
    return RedirectResponse(f"/p/{token}", status_code=303)


async def _performance_form(request: Request, token: str, act: Any, done: str) -> Response:
    """A performance form from the party's page (answer or proof): the same service functions as the JSON API."""
    posted = await _party_form(request, token)
    if isinstance(posted, Response):
        return posted
    link, bearer, form = posted
    runtime = get_runtime(request)
    try:
        obligation_id = int(str(form.get("obligation_id", "")))
    except ValueError:
        return _error(request, DomainError("performance.obligation_not_found", "本案没有这项履行义务", 404))
    try:
        await act(runtime, link, obligation_id, form)
    except (DomainError, ValidationError) as exc:
        message, _fields, status = form_errors(exc)
        return _case_page(request, token, link, bearer, status_code=status, message=message)
    return RedirectResponse(f"/p/{token}?done={done}", status_code=303)


@router.post("/p/{token}/performance", response_class=HTMLResponse)
async def party_performance(request: Request, token: str) -> Response:
    """已履行 / 部分履行 / 未履行: the obligee's answer (``POST /api/v1/party/me/performance``)."""
    async def act(runtime: Any, link: PartyLink, obligation_id: int, form: FormData) -> None:
        body = performance.PerformanceIn.model_validate({"obligation_id": obligation_id,
                                                         "state": str(form.get("state", "")),
                                                         "note": str(form.get("note", "")) or None})
        with runtime.unit_of_work() as session:
            performance.answer(session, link, body)
    return await _performance_form(request, token, act, "performance")


@router.post("/p/{token}/proof", response_class=HTMLResponse)
async def party_proof(request: Request, token: str) -> Response:
    """履行凭证 from the obligor's phone (``POST /api/v1/party/me/performance-proofs``)."""
    async def act(runtime: Any, link: PartyLink, obligation_id: int, form: FormData) -> None:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise DomainError.for_field("file", "page.file_required", "请选择要上传的文件")
        content = await upload.read(MAX_DOCUMENT_BYTES + 1)
        with runtime.unit_of_work() as session:
            performance.add_proof(session, runtime.store, link, obligation_id, filename=upload.filename,
                                  content=content)
    return await _performance_form(request, token, act, "proof")


@router.post("/p/{token}/rating", response_class=HTMLResponse)
async def party_rating(request: Request, token: str) -> Response:
    """The party rates the mediation from the case page (once, after the ruling was served on them)."""
    posted = await _party_form(request, token)
    if isinstance(posted, Response):
        return posted
    link, bearer, form = posted
    runtime = get_runtime(request)
    try:
        stars = str(form.get("stars", ""))
        body = ratings.RatingIn.model_validate({"stars": int(stars) if stars.isdigit() else 0,
                                               "comment": str(form.get("comment", "")) or None})
        with runtime.unit_of_work() as session:
            ratings.rate(session, link, body)
    except (DomainError, ValidationError) as exc:
        message, fields, status = form_errors(exc)
        return _case_page(request, token, link, bearer, status_code=status, message=message, fields=fields,
                          form=dict(form))
    return RedirectResponse(f"/p/{token}?rated=1", status_code=303)
