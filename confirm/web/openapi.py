"""The OpenAPI schema as the service really answers (api.md "Errors", "Operations").

FastAPI documents 200 and, where there are parameters, 422 with its own validation body, and assumes every answer
is JSON. Jiudi answers every error with one body (``components.schemas.Error``), refuses callers and states, and
serves PDFs, an event stream, Prometheus text and DER. ``openapi_schema`` post-processes the generated schema,
once per process, so that every operation declares every status it can answer, each error with the Error body,
and the media type it really sends.

The statuses come from rules, not from a list of routes, so that a new route is documented by what it is:

===================================================  =========================================================
what the route has                                    it may answer
===================================================  =========================================================
a dependency named in ``DEPENDENCY_STATUSES``        its statuses: the staff token → 401 and 403 (roles are
                                                     checked by the services, ``require_role``); a party's
                                                     token → 401; the verification rate limit → 429
a path parameter                                     404 (absent, or not the caller's to see: api.md)
a path parameter and a method other than GET         409 (the thing exists, its state forbids the change)
a parameter or a request body                        422 (``request.invalid`` and the rules' field errors)
a request body                                       400 (it cannot be parsed: not UTF-8 JSON, broken
                                                     multipart) and 413 (larger than the service reads)
a path ending in ``.pdf``                            200 as application/pdf; 409 until the worker sealed it
===================================================  =========================================================

and ``OPERATION_STATUSES`` adds what only a route's own code knows (a login's 401 and 429, an upload's 415, a
development endpoint's 404 in production, …); ``MEDIA_TYPES`` names the non-JSON answers that FastAPI cannot see
because the route builds its ``Response`` itself. A rule's entry that matches no route fails the build of the
schema, so a renamed dependency or route cannot silently drop out of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from confirm.law.intake import REQUIRED_DOCUMENT_KINDS
from confirm.law.tables import inadmissible_dispute_types
from confirm.web.error_codes import ERROR_CODES
from verify.problems import PROBLEM_MESSAGES

ERROR_REF = {"$ref": "#/components/schemas/Error"}
BINARY = {"type": "string", "format": "binary"}
STAFF_SCHEME, PARTY_SCHEME, METRICS_SCHEME = "staffToken", "partyToken", "metricsToken"
READS = frozenset({"GET", "HEAD", "OPTIONS"})

# A dependency (by module and name: this module sits below the features in the layers, so it names them rather
# than importing them) → the statuses every route that depends on it may answer, and the security scheme it checks.
DEPENDENCY_STATUSES: dict[str, tuple[tuple[int, ...], str | None]] = {
    "confirm.accounts.deps.current_user": ((401, 403), STAFF_SCHEME),
    "confirm.parties.views.party_bearer": ((401,), PARTY_SCHEME),
    "confirm.verification.views.limited": ((429,), None),
    "confirm.ops.metrics_access": ((401, 403), METRICS_SCHEME),
}

# Staff routes open to every role: no service refuses a role there, so they do not declare 403.
EVERY_STAFF_ROLE = frozenset({("GET", "/api/v1/me"), ("POST", "/api/v1/auth/logout")})

# What only the route's own code knows: (method, path) → statuses beyond the rules.
OPERATION_STATUSES: dict[tuple[str, str], tuple[int, ...]] = {
    ("POST", "/api/v1/auth/token"): (401, 429),  # wrong credentials; too many failures
    ("POST", "/api/v1/applications"): (400, 409),  # a malformed Idempotency-Key; the same key with another body
    ("POST", "/api/v1/applications/{application_id}/documents"): (400, 415),  # an empty file; not PDF/JPEG/PNG
    ("POST", "/api/v1/applications/{application_id}/service"): (415,),  # a signature that is not a PNG
    ("POST", "/api/v1/party/{token}/code"): (410, 423, 429),  # an expired, voided or locked link; resent too often
    ("POST", "/api/v1/party/{token}/session"): (401, 410, 423),  # a wrong code; an expired link; locked
    ("POST", "/api/v1/party/me/confirmation"): (409,),  # decided already, the case closed, the agreement changed
    ("POST", "/api/v1/party/me/rating"): (409,),  # not served on the party yet; rated already
    # no confirming ruling, not served on every party, nothing reported unperformed
    ("GET", "/api/v1/applications/{application_id}/execution-filing.json"): (409,),
    ("GET", "/api/v1/verify"): (404,),  # an unknown check code
    ("POST", "/api/v1/verify"): (503,),  # every check slot is taken (with Retry-After)
    ("GET", "/dev/outbox"): (404,),  # development mode only
    ("GET", "/dev/pki/root.crl"): (404,),
    ("POST", "/dev/pki/ocsp"): (404, 413),  # and a request over 64 KiB
    ("POST", "/dev/tsa"): (404, 413),
}

# Statuses a route answers with its success body rather than an Error: (method, path) → statuses.
OWN_BODY_STATUSES: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/readyz"): (503,),  # the same report, with the check that failed
}

# Answers the route builds itself: (method, path) → the media types of its success, and of a request body that the
# route reads raw (so FastAPI cannot see it).
MEDIA_TYPES: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "/api/v1/events"): ("text/event-stream",),
    ("GET", "/api/v1/applications/{application_id}/documents/{document_id}"): (
        "application/pdf", "image/jpeg", "image/png"),
    ("GET", "/metrics"): ("text/plain",),
    ("GET", "/api/v1/reports/joint-meeting.xlsx"): ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
    ("GET", "/dev/pki/root.crl"): ("application/pkix-crl",),
    ("POST", "/dev/pki/ocsp"): ("application/ocsp-response",),
    ("POST", "/dev/tsa"): ("application/timestamp-reply",),
}
RAW_REQUEST_BODIES: dict[tuple[str, str], str] = {
    ("POST", "/dev/pki/ocsp"): "application/ocsp-request",
    ("POST", "/dev/tsa"): "application/timestamp-query",
}

# The members of each family of error codes (``x.*`` in ERROR_CODES) that can lead an error body; the Error
# schema's ``code`` enumerates them. A family with no entry here fails the build of the schema.
FAMILY_MEMBERS: dict[str, Callable[[], Iterable[str]]] = {
    "application.inadmissible.*": lambda: {ground for ground, _item, _reason in inadmissible_dispute_types().values()},
    "application.missing_document.*": lambda: REQUIRED_DOCUMENT_KINDS,
    # problems[].code of a verification report
    "verify.*": lambda: [code.removeprefix("verify.") for code in PROBLEM_MESSAGES],
    "request.*": lambda: (),  # only in details[].code, which the schema leaves open
}

REASONS = {
    400: "Bad input that is not a field error", 401: "Not logged in, or the token is invalid or expired",
    403: "Not allowed for the caller", 404: "Not found, or not the caller's to see",
    409: "Conflict with the current state", 410: "The link has expired or was replaced",
    413: "Request too large", 415: "Wrong file type", 422: "Field validation failed", 423: "Locked",
    429: "Too many requests", 503: "Temporarily unavailable",
}


def error_codes() -> list[str]:
    """Every code an error body can lead with: the table's codes, with each family's members spelled out."""
    codes = {code for code in ERROR_CODES if not code.endswith(".*")}
    for family in (code for code in ERROR_CODES if code.endswith(".*")):
        if family not in FAMILY_MEMBERS:
            raise LookupError(f"confirm/web/openapi.py: FAMILY_MEMBERS does not say what {family} holds")
        codes.update(f"{family[:-1]}{member}" for member in FAMILY_MEMBERS[family]())
    return sorted(codes)


def error_schema() -> dict[str, Any]:
    """``components.schemas.Error``: the body of every error response (api.md "Errors")."""
    return {
        "type": "object",
        "description": "Every error response: {\"error\": {\"code\", \"message\", \"fields\"}}. The codes are "
                       "stable; x-error-codes lists each with its HTTP status and meaning.",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message", "fields"], "properties": {
            "code": {"type": "string", "enum": error_codes()},
            "message": {"type": "string", "description": "Chinese, for the person who must act"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            "details": {"type": "array", "items": {"type": "object", "properties": {
                "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}},
        }}},
        "x-error-codes": {code: {"status": status, "description": text}
                          for code, (status, text) in sorted(ERROR_CODES.items())},
    }


def _dependencies(dependant: Dependant) -> Iterator[str]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield f"{getattr(sub.call, '__module__', '')}.{getattr(sub.call, '__qualname__', '')}"
        yield from _dependencies(sub)


def statuses_of(route: APIRoute, method: str) -> tuple[set[int], set[str]]:
    """The error statuses an operation may answer, and the security schemes it checks (the rules above)."""
    statuses: set[int] = set()
    schemes: set[str] = set()
    for name in _dependencies(route.dependant):
        implied, scheme = DEPENDENCY_STATUSES.get(name, ((), None))
        statuses.update(implied)
        if scheme:
            schemes.add(scheme)
    if STAFF_SCHEME in schemes and (method, route.path_format) in EVERY_STAFF_ROLE:
        statuses.discard(403)
    if route.dependant.path_params:
        statuses.add(404)
        if method not in READS:
            statuses.add(409)
    has_body = route.body_field is not None or (method, route.path_format) in RAW_REQUEST_BODIES
    if route.body_field is not None or route.dependant.query_params or route.dependant.header_params \
            or route.dependant.path_params:
        statuses.add(422)
    if has_body:
        statuses.update((400, 413))
    if route.path_format.endswith(".pdf"):
        statuses.add(409)
    statuses.update(OPERATION_STATUSES.get((method, route.path_format), ()))
    return statuses, schemes


def _success_media(route: APIRoute, method: str) -> tuple[str, ...] | None:
    if route.path_format.endswith(".pdf"):
        return ("application/pdf",)
    return MEDIA_TYPES.get((method, route.path_format))


def _document(operation: dict[str, Any], route: APIRoute, method: str) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    statuses, schemes = statuses_of(route, method)
    for status in sorted(statuses):
        entry = responses.setdefault(str(status), {"description": REASONS.get(status, "Error")})
        entry["content"] = {"application/json": {"schema": ERROR_REF}}
    successes = [entry for code, entry in responses.items() if code.startswith("2") and code != "204"]
    for status in OWN_BODY_STATUSES.get((method, route.path_format), ()):
        responses[str(status)] = {**(successes[0] if successes else {}), "description": REASONS.get(status, "Error")}
    media = _success_media(route, method)
    if media:
        text = all(m.startswith("text/") for m in media)
        for entry in successes:
            entry["content"] = {m: {"schema": {"type": "string"} if text else BINARY} for m in media}
    raw = RAW_REQUEST_BODIES.get((method, route.path_format))
    if raw:  # a missing or malformed request is answered in the protocol itself (OCSP malformedRequest, …)
        operation["requestBody"] = {"required": False, "content": {raw: {"schema": BINARY}}}
    if schemes:
        operation["security"] = [{scheme: []} for scheme in sorted(schemes)]


def api_routes(app: FastAPI) -> list[APIRoute]:
    """The routes in the schema. FastAPI ≥ 0.160 keeps included routers as they are and gives each route in a
    context (its prefix and the router's settings) that answers like an APIRoute."""
    contexts: Iterable[Any] = getattr(routing, "iter_route_contexts", lambda routes: routes)(app.routes)
    return [c for c in contexts
            if isinstance(getattr(c, "original_route", c), APIRoute) and c.include_in_schema]


def _check_rules_match(app: FastAPI, routes: list[APIRoute]) -> None:
    """Every entry of the tables names something that exists: a renamed route or dependency fails loudly."""
    operations = {(m, r.path_format) for r in routes for m in r.methods or ()}
    names = {name for r in routes for name in _dependencies(r.dependant)}
    tables = [*OPERATION_STATUSES, *OWN_BODY_STATUSES, *MEDIA_TYPES, *RAW_REQUEST_BODIES, *EVERY_STAFF_ROLE]
    stale = [f"{m} {p}" for m, p in tables if (m, p) not in operations]
    stale += [name for name in DEPENDENCY_STATUSES if name not in names]
    if stale:
        raise LookupError(f"confirm/web/openapi.py names what the app {app.title!r} does not have: {stale}")


def openapi_schema(app: FastAPI) -> dict[str, Any]:
    """The generated schema with the Error body, every status and media type, and the security schemes."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = error_schema()
    components["securitySchemes"] = {
        STAFF_SCHEME: {"type": "http", "scheme": "bearer", "description":
                       "A staff token from POST /api/v1/auth/token (GET also takes the pages' session cookie)"},
        PARTY_SCHEME: {"type": "http", "scheme": "bearer", "description":
                       "A party's token from POST /api/v1/party/{token}/session: that party's link only"},
        METRICS_SCHEME: {"type": "http", "scheme": "bearer", "description":
                         "JIUDI_METRICS_TOKEN; without it configured, /metrics answers local clients only"},
    }
    routes = api_routes(app)
    _check_rules_match(app, routes)
    for route in routes:
        item = schema["paths"].get(route.path_format, {})
        for method in route.methods or ():
            if method.lower() in item:
                _document(item[method.lower()], route, method)
    # FastAPI's own validation bodies are never sent: every 422 is an Error
    schemas = components["schemas"]
    text = repr(schema["paths"])
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{unused}" not in text and unused in schemas:
            del schemas[unused]
    app.openapi_schema = schema
    return schema


def install(app: FastAPI) -> None:
    """Serve ``openapi_schema`` at /openapi.json (and to /docs)."""
    app.openapi = lambda: openapi_schema(app)  # type: ignore[method-assign]
