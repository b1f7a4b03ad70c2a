"""The OpenAPI schema says what the service answers (issue 17, item 15; ASVS 5.0 V4.1 / V13.4), and /metrics is
not public.

What each operation declares is checked against what it really answers, without credentials: every status seen
is declared, every error body is the Error schema with a documented code. The full property-based run against a
live instance is scripts/schemathesis.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from confirm.app import create_app
from confirm.core.config import Settings
from confirm.core.runtime import Runtime
from tests.support import Staff

ERROR = {"$ref": "#/components/schemas/Error"}
JSON_BODIES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """/openapi.json of an app that has not started (the schema needs no database)."""
    settings = Settings.from_env({"JIUDI_DATA_DIR": str(tmp_path_factory.mktemp("schema-only"))})
    r = TestClient(create_app(settings)).get("/openapi.json")  # outside `with`: no lifespan, no worker
    assert r.status_code == 200
    return r.json()


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in schema["paths"].items() for method, op in item.items()]


def declared(op: dict[str, Any]) -> set[int]:
    return {int(status) for status in op["responses"]}


def concrete(path: str) -> str:
    """A path with every parameter filled: nothing by these ids exists."""
    return re.sub(r"\{[^}]+\}", "1", path)


def assert_error_body(schema: dict[str, Any], body: Any, where: str) -> None:
    error = schema["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(body) == {"error"}, where
    assert body["error"]["code"] in error["properties"]["code"]["enum"], where
    assert isinstance(body["error"]["message"], str) and isinstance(body["error"]["fields"], dict), where


def test_every_status_answered_without_credentials_is_declared(client, schema):
    """Each operation called as a stranger (no token, made-up ids, an empty body): the status it answers is one
    it declares, and an error comes in the Error body with a documented code."""
    unauthenticated = []
    for method, path, op in operations(schema):
        if path == "/api/v1/events":
            continue  # a stream: its 401 is checked below, without opening one
        r = client.request(method, concrete(path))
        assert r.status_code in declared(op), f"{method} {path} answered {r.status_code}, declares {declared(op)}"
        if r.status_code >= 400 and path != "/readyz":
            assert_error_body(schema, r.json(), f"{method} {path}")
        if r.status_code == 401:
            unauthenticated.append(f"{method} {path}")
    assert len(unauthenticated) >= 25  # the staff API and the party's API really were refused
    stream = client.get("/api/v1/events")
    assert stream.status_code == 401 and stream.json()["error"]["code"] == "auth.required"
    # and the media types sent are the ones declared
    assert client.get("/dev/pki/root.crl").headers["content-type"] == "application/pkix-crl"
    assert client.post("/dev/tsa", content=b"").headers["content-type"] == "application/timestamp-reply"
    assert client.get("/metrics").headers["content-type"].startswith("text/plain")


def test_every_operation_that_needs_authentication_declares_401_and_its_scheme(schema):
    for method, path, op in operations(schema):
        staff = path.startswith("/api/v1/") and not path.startswith(("/api/v1/verify", "/api/v1/party/"))
        party = path.startswith("/api/v1/party/me")
        if (staff and path != "/api/v1/auth/token") or party or path == "/metrics":
            assert 401 in declared(op), f"{method} {path}"
            assert op.get("security"), f"{method} {path} names no security scheme"
            assert op["responses"]["401"]["content"] == {"application/json": {"schema": ERROR}}, f"{method} {path}"
        if staff and path not in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/auth/logout"):
            assert 403 in declared(op), f"{method} {path}: roles are checked by the services"
    schemes = schema["components"]["securitySchemes"]
    assert schemes["staffToken"] == {**schemes["staffToken"], "type": "http", "scheme": "bearer"}


def test_every_operation_with_a_body_or_parameters_declares_422_and_413(schema):
    for method, path, op in operations(schema):
        body = op.get("requestBody", {}).get("content", {})
        validated = any(media in body for media in JSON_BODIES)
        if validated or op.get("parameters"):
            assert 422 in declared(op), f"{method} {path}"
            assert op["responses"]["422"]["content"] == {"application/json": {"schema": ERROR}}, f"{method} {path}"
        if body:
            assert {400, 413} <= declared(op), f"{method} {path}"
        if any(p["in"] == "path" for p in op.get("parameters", [])):
            assert 404 in declared(op), f"{method} {path}"


def test_every_error_status_is_the_error_body(schema):
    """FastAPI's own validation body is never sent: no operation refers to it, and every 4xx and 5xx is Error."""
    for method, path, op in operations(schema):
        for status, response in op["responses"].items():
            if int(status) >= 400 and (method, path, status) != ("GET", "/readyz", "503"):
                assert response["content"] == {"application/json": {"schema": ERROR}}, f"{method} {path} {status}"
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_documents_are_declared_with_their_media_types(schema):
    pdfs = [(m, p, op) for m, p, op in operations(schema) if p.endswith(".pdf")]
    assert len(pdfs) >= 5
    for method, path, op in pdfs:
        assert set(op["responses"]["200"]["content"]) == {"application/pdf"}, f"{method} {path}"
        assert 409 in declared(op), f"{method} {path}: not sealed yet"
    paths = schema["paths"]
    assert set(paths["/api/v1/applications/{application_id}/decision/preview"]["post"]["responses"]["200"]["content"]) \
        == {"application/pdf"}
    assert set(paths["/api/v1/events"]["get"]["responses"]["200"]["content"]) == {"text/event-stream"}
    assert set(paths["/metrics"]["get"]["responses"]["200"]["content"]) == {"text/plain"}
    assert set(paths["/dev/pki/root.crl"]["get"]["responses"]["200"]["content"]) == {"application/pkix-crl"}
    assert set(paths["/dev/pki/ocsp"]["post"]["responses"]["200"]["content"]) == {"application/ocsp-response"}
    assert set(paths["/dev/pki/ocsp"]["post"]["requestBody"]["content"]) == {"application/ocsp-request"}
    assert set(paths["/dev/tsa"]["post"]["responses"]["200"]["content"]) == {"application/timestamp-reply"}


def test_the_error_codes_enumerate_each_family(schema):
    """A code of a ``.*`` family leads real error bodies (a missing document on submission, an inadmissible
    dispute type): the Error schema spells the members out, and a body that cannot be parsed has its code too."""
    codes = schema["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]
    assert {"application.missing_document.agreement", "application.missing_document.joint_application",
            "verify.too_complex", "request.invalid", "request.malformed"} <= set(codes)
    assert any(code.startswith("application.inadmissible.") for code in codes)
    assert not any(code.endswith(".*") for code in codes)


def test_an_unparseable_body_is_a_declared_400(client, schema, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    r = m.post("/api/v1/applications/1/return", content=b"\xff\xfe{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert 400 in declared(schema["paths"]["/api/v1/applications/{application_id}/return"]["post"])
    assert_error_body(schema, r.json(), "POST /api/v1/applications/{application_id}/return")


# /metrics: a token when one is configured; otherwise this machine only


def metrics_client(runtime, token: str | None, address: str) -> TestClient:  # type: ignore[no-untyped-def]
    settings = replace(runtime.settings, metrics_token=token)
    return TestClient(create_app(runtime=Runtime(settings)), client=(address, 50000))


def test_metrics_refuse_a_request_without_the_configured_token(runtime):
    with metrics_client(runtime, "a-long-random-metrics-token", "127.0.0.1") as c:
        r = c.get("/metrics")
        assert r.status_code == 401 and r.json()["error"]["code"] == "auth.required"
        r = c.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "auth.invalid_token"
        r = c.get("/metrics", headers={"Authorization": "Basic a-long-random-metrics-token"})
        assert r.status_code == 401
        r = c.get("/metrics", headers={"Authorization": "Bearer a-long-random-metrics-token"})
        assert r.status_code == 200 and "jiudi_rulings_total" in r.text
    with metrics_client(runtime, "a-long-random-metrics-token", "203.0.113.9") as c:  # from anywhere, with it
        assert c.get("/metrics", headers={"Authorization": "Bearer a-long-random-metrics-token"}).status_code == 200


def test_metrics_without_a_token_answer_this_machine_only(runtime):
    for address in ("127.0.0.1", "::1", "127.0.0.53"):
        with metrics_client(runtime, None, address) as c:
            assert c.get("/metrics").status_code == 200, address
    for address in ("203.0.113.9", "10.0.0.2", "::ffff:10.0.0.2", "2001:db8::1"):
        with metrics_client(runtime, None, address) as c:
            r = c.get("/metrics")
            assert r.status_code == 403 and r.json()["error"]["code"] == "auth.forbidden", address
    with metrics_client(runtime, None, "127.0.0.1") as c:  # a proxy on this machine connects for anyone
        for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
            assert c.get("/metrics", headers={header: "203.0.113.9"}).status_code == 403, header


def test_the_metrics_token_is_read_from_the_environment_and_never_shown(tmp_path):
    settings = Settings.from_env({"JIUDI_DATA_DIR": str(tmp_path), "JIUDI_METRICS_TOKEN": "a-long-random-metrics-token"})
    assert settings.metrics_token == "a-long-random-metrics-token"
    assert "a-long-random-metrics-token" not in repr(settings)  # settings may be logged
    assert Settings.from_env({"JIUDI_DATA_DIR": str(tmp_path)}).metrics_token is None


def test_a_405_names_every_method_the_path_answers(client):
    """Starlette named only the first matching route's methods (schemathesis ST205)."""
    r = client.request("DELETE", "/api/v1/applications")
    assert r.status_code == 405 and r.json()["error"]["code"] == "request.method_not_allowed"
    assert {"GET", "POST"} <= {m.strip() for m in r.headers["Allow"].split(",")}
    r = client.request("PATCH", "/api/v1/verify")
    assert {"GET", "POST"} <= {m.strip() for m in r.headers["Allow"].split(",")}
