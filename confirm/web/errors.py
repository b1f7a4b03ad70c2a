"""Every error answered in the contract's shape: ``{"error": {"code", "message", "fields"}}`` (api.md "Errors")."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from confirm.law.errors import DomainError

log = logging.getLogger("jiudi.http")

_PYDANTIC_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不允许的字段",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "too_long": "项目过多",
    "too_short": "项目过少",
    "literal_error": "取值不在允许范围内",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601，例如 2026-11-28T10:30:00+08:00",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601，例如 2026-11-28T10:30:00+08:00",
    "datetime_type": "时间格式应为 ISO 8601，例如 2026-11-28T10:30:00+08:00",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "json_invalid": "请求内容不是有效的JSON",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
}


# a value outside a closed list is one error whether the model declares the list as a Literal or an Enum
_SAME_AS = {"enum": "literal_error"}


def error_body(code: str, message: str, fields: dict[str, str] | None = None,
               details: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields or {}}
    if details:
        body["details"] = details
    return {"error": body}


def field_path(loc: tuple[Any, ...]) -> str:
    """A pydantic error location as the contract names a field: ``parties[0].id_number``."""
    parts = [p for p in loc if p not in ("body", "query", "path", "header", "form")]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        fields = {p.field: p.message for p in exc.problems}
        details = [{"field": p.field, "code": p.code, "message": p.message} for p in exc.problems]
        return JSONResponse(error_body(exc.code, exc.message, fields, details), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields: dict[str, str] = {}
        details = []
        for err in exc.errors():
            path = field_path(tuple(err.get("loc", ())))
            kind = _SAME_AS.get(err.get("type", "invalid"), err.get("type", "invalid"))
            message = _PYDANTIC_MESSAGES.get(kind, "格式不正确")
            fields.setdefault(path, message)
            details.append({"field": path, "code": f"request.{kind}", "message": message})
        first = next(iter(fields.items()), ("body", "请求内容不正确"))
        return JSONResponse(
            error_body("request.invalid", f"请求内容有误：{first[0]} {first[1]}", fields, details), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: ("not_found", "请求的地址不存在"), 405: ("request.method_not_allowed", "不支持该请求方法"),
                 401: ("auth.required", "请先登录"), 413: ("request.too_large", "请求内容过大"),
                 400: ("request.malformed", "请求内容无法解析（不是 UTF-8 编码的 JSON，或 multipart 格式错误）")}
        code, message = codes.get(exc.status_code, (f"http.{exc.status_code}", str(exc.detail)))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # Starlette names only the first matching route's methods
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(error_body("internal.error", "系统内部错误，请稍后重试；如持续出现请联系管理员"), status_code=500)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route of this path answers (RFC 9110 15.5.6)."""
    methods: set[str] = set()
    for context in iter_route_contexts(request.app.routes):  # through included routers
        if context.matches(request.scope)[0] != Match.NONE:
            methods |= set(getattr(context, "methods", None) or ())
    return sorted(methods)

