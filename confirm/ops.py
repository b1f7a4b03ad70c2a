"""Operations: liveness, readiness, Prometheus metrics, and the development timestamp authority endpoint."""

from __future__ import annotations

import hmac
import ipaddress

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlmodel import col, select

from confirm.core.clock import as_utc, china_today
from confirm.law.case_numbers import BLOCKS
from confirm.law.errors import DomainError
from confirm.models import (
    CaseNumberBlock,
    Court,
    Decision,
    IssuanceJob,
    JobKind,
    JobState,
    Message,
    MessageState,
    Ruling,
)
from confirm.web.deps import RuntimeDep

router = APIRouter()
LATENCY_BUCKETS = (0.25, 0.5, 1, 2, 5, 10, 30, 60, 300)


def _development_only() -> DomainError:
    """What the development PKI's and TSA's endpoints answer in production: they do not exist."""
    return DomainError("not_found", "请求的地址不存在", 404)


async def _small_body(request: Request, message: str) -> bytes:
    """An OCSP or timestamp request: a few hundred bytes; more than 64 KiB is refused (413)."""
    body = await request.body()
    if len(body) > 64 * 1024:
        raise DomainError("tsa.request_too_large", message, 413)
    return body


@router.get("/healthz", tags=["operations"])
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", tags=["operations"])
def readyz(runtime: RuntimeDep) -> JSONResponse:
    """Ready when the database answers and the seal keys load."""
    checks: dict[str, str] = {}
    try:
        with runtime.unit_of_work() as session:
            session.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports, it does not raise
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        checks["signer"] = "ok" if runtime.seals.trust_roots() else "error: no trust roots"
    except Exception as exc:
        checks["signer"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                        status_code=200 if ready else 503)


PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def _local_client(request: Request) -> bool:
    """A caller on this machine: a loopback address (127.0.0.0/8, ::1), and no proxy header (a same-host proxy
    connects from loopback on behalf of anyone)."""
    if any(name in request.headers for name in PROXY_HEADERS) or request.client is None:
        return False
    try:
        address = ipaddress.ip_address(request.client.host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool((mapped or address).is_loopback)


def metrics_access(request: Request, runtime: RuntimeDep) -> None:
    """``/metrics`` with JIUDI_METRICS_TOKEN set: ``Authorization: Bearer <token>`` only (401 otherwise). Without
    it: only a client on this machine (403 otherwise), so an exposed port does not publish the service's figures."""
    expected = runtime.settings.metrics_token
    if expected:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise DomainError("auth.required", "请提供指标令牌（Authorization: Bearer JIUDI_METRICS_TOKEN）", 401)
        if not hmac.compare_digest(token.strip().encode("utf-8"), expected.encode("utf-8")):
            raise DomainError("auth.invalid_token", "指标令牌不正确", 401)
        return
    if not _local_client(request):
        raise DomainError("auth.forbidden", "指标只对本机开放；远程采集请配置 JIUDI_METRICS_TOKEN", 403)


@router.get("/metrics", response_class=PlainTextResponse, tags=["operations"], dependencies=[Depends(metrics_access)])
def metrics(runtime: RuntimeDep) -> str:
    """Prometheus text. With JIUDI_METRICS_TOKEN set, only with that bearer token; without, only from this machine."""
    sealing = sa.and_(*(~col(IssuanceJob.kind).startswith(f"{kind}:")  # the jobs that make sealed documents
                        for kind in (JobKind.MESSAGE, JobKind.REPORT)))
    with runtime.unit_of_work() as session:
        states = dict(session.exec(select(IssuanceJob.state, sa.func.count()).where(sealing)
                                   .group_by(IssuanceJob.state)).all())
        retrying = session.exec(select(sa.func.count()).select_from(IssuanceJob).where(
            sealing, IssuanceJob.state == JobState.PENDING, IssuanceJob.attempts > 0)).one()
        rulings = session.exec(select(sa.func.count()).select_from(Ruling)).one()
        failures = session.exec(select(sa.func.coalesce(sa.func.sum(IssuanceJob.attempts), 0)).where(sealing)).one()
        messages = dict(session.exec(select(Message.state, sa.func.count()).group_by(Message.state)).all())
        pairs = session.exec(select(Decision.decided_at, Ruling.issued_at)
                             .join(Ruling, col(Ruling.application_id) == col(Decision.application_id))
                             .order_by(sa.desc(col(Ruling.id))).limit(10_000)).all()
        blocks = session.exec(select(Court.code, CaseNumberBlock.year, CaseNumberBlock.type_code,
                                     sa.func.sum(CaseNumberBlock.last - CaseNumberBlock.next + 1))
                              .join(Court, col(Court.id) == col(CaseNumberBlock.court_id))
                              .where(Court.case_number_source == BLOCKS, CaseNumberBlock.year >= china_today().year)
                              .group_by(col(Court.code), col(CaseNumberBlock.year), col(CaseNumberBlock.type_code))).all()
    latencies = [(as_utc(issued) - as_utc(decided)).total_seconds() for decided, issued in pairs]
    lines = [
        "# HELP jiudi_issuance_jobs Issuance jobs by state.",
        "# TYPE jiudi_issuance_jobs gauge",
        *[f'jiudi_issuance_jobs{{state="{s}"}} {states.get(s, 0)}' for s in JobState],
        "# HELP jiudi_issuance_jobs_retrying Jobs that failed at least once and wait to be retried.",
        "# TYPE jiudi_issuance_jobs_retrying gauge",
        f"jiudi_issuance_jobs_retrying {retrying}",
        "# HELP jiudi_issuance_failures_total Failed issuance attempts (each was retried).",
        "# TYPE jiudi_issuance_failures_total counter",
        f"jiudi_issuance_failures_total {failures}",
        "# HELP jiudi_issuance_latency_seconds From decision to recorded sealed ruling (last 10000 rulings).",
        "# TYPE jiudi_issuance_latency_seconds histogram",
        *[f'jiudi_issuance_latency_seconds_bucket{{le="{b}"}} {sum(1 for v in latencies if v <= b)}'
          for b in LATENCY_BUCKETS],
        f'jiudi_issuance_latency_seconds_bucket{{le="+Inf"}} {len(latencies)}',
        f"jiudi_issuance_latency_seconds_sum {sum(latencies):.3f}",
        f"jiudi_issuance_latency_seconds_count {len(latencies)}",
        "# HELP jiudi_rulings_total Sealed rulings recorded.",
        "# TYPE jiudi_rulings_total counter",
        f"jiudi_rulings_total {rulings}",
        "# HELP jiudi_messages Messages to the parties by delivery state (uncertain: interrupted, not resent).",
        "# TYPE jiudi_messages gauge",
        *[f'jiudi_messages{{state="{s}"}} {messages.get(s, 0)}' for s in MessageState],
        "# HELP jiudi_case_numbers_left Numbers left in the blocks a court reserved for Jiudi (alert when low: "
        "立案 stops at 0).",
        "# TYPE jiudi_case_numbers_left gauge",
        *[f'jiudi_case_numbers_left{{court="{c}",year="{y}",type="{t}"}} {n}' for c, y, t, n in blocks],
    ]
    return "\n".join(lines) + "\n"


@router.get("/dev/pki/root.crl", tags=["operations"])
def dev_crl(runtime: RuntimeDep) -> Response:
    """The development root's certificate revocation list (its URL is in every development certificate)."""
    if runtime.seals.revocation is None:
        raise _development_only()
    return Response(runtime.seals.revocation.crl_der(), media_type="application/pkix-crl")


@router.post("/dev/pki/ocsp", tags=["operations"])
async def dev_ocsp(request: Request, runtime: RuntimeDep) -> Response:
    """The development PKI's OCSP responder (RFC 6960)."""
    if runtime.seals.revocation is None:
        raise _development_only()
    body = await _small_body(request, "请求过大")
    answer = await run_in_threadpool(runtime.seals.revocation.respond_ocsp, body)
    return Response(answer, media_type="application/ocsp-response")


@router.post("/dev/tsa", tags=["operations"], include_in_schema=True)
async def dev_tsa(request: Request, runtime: RuntimeDep) -> Response:
    """The built-in development RFC 3161 timestamp authority (development mode only)."""
    if not runtime.settings.dev_mode:
        raise _development_only()
    body = await _small_body(request, "时间戳请求过大")
    answer = await run_in_threadpool(runtime.seals.dev_tsa.respond, body)
    return Response(answer, media_type="application/timestamp-reply")
