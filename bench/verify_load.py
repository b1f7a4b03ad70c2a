"""Load test of public verification (issue 18): ``GET /api/v1/verify/{token}`` and ``/v/{token}`` at 32 concurrent
keep-alive connections, spread over many loopback source addresses (127.x.y.z) so that the per-address limit does
not turn it into a measurement of 429s: each connection makes ``--per-address`` requests (under the limit), then
closes and opens again from a fresh address. A small asyncio client speaking HTTP/1.1 itself, so that the client
takes little of the CPU it shares with the server.

It starts ``jiudi serve`` on the data directory (and database) of the environment twice — the baseline
(``--baseline-workers``, default 1) and the candidate (``--workers``, default 2) — measures each for
``--duration`` seconds, and prints requests a second, p50/p99/max latency, the slow responses and the ratio::

    JIUDI_DATA_DIR=/tmp/vs/sqlite python bench/verify_load.py --tokens /tmp/vs/sqlite-tokens.txt --duration 60

Before measuring it reads the database into the operating system's page cache (``--cold`` not to): the steady
state of a database server, not the first touch of each page on disk. The processes' own caches start cold.
Or measure a running service only: ``--url http://127.0.0.1:8000``. Fill the database first (bench/fill_rulings.py).

Two questions, two modes. By default each connection sends its next request as soon as the last is answered: the
most the service answers (its throughput), with the machine saturated — the latencies then are mostly queueing.
``--rate 1000`` offers a fixed 1,000 requests a second over the same connections, each request at its time in a
schedule, its latency counted from that time (so a stall is charged to every request it delays): the latency a
client sees when the service is asked for 1,000 a second.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from served import Server  # bench/served.py

PATHS = {"api": "/api/v1/verify/{}", "page": "/v/{}"}
SLOW = 0.200


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0
    client_cpu: float = 0.0

    def line(self, label: str) -> str:
        lat = sorted(self.latencies)
        if not lat:
            return f"{label}: no responses ({self.errors} errors)"

        def pct(q: float) -> float:
            return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000

        slow = sum(1 for v in lat if v > SLOW)
        return (f"{label}: {len(lat) / self.elapsed:7.0f} rps  p50 {pct(0.5):6.1f} ms  p99 {pct(0.99):6.1f} ms  "
                f"max {lat[-1] * 1000:6.1f} ms  >200 ms: {slow}  statuses {dict(sorted(self.statuses.items()))}"
                f"  errors {self.errors}")

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def address(n: int) -> str:
    """The n-th loopback source address, skipping .0 and .255: 127.1.0.1, 127.1.0.2 …"""
    n, d = divmod(n, 254)
    n, c = divmod(n, 256)
    return f"127.{1 + n % 250}.{c}.{d + 1}"


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


def requests_for(host: str, tokens: list[str], paths: list[str], headers: bytes) -> list[list[bytes]]:
    """Each request's bytes, made once before the measurement (per path, per token): the client's CPU is the
    server's loss on a shared machine."""
    return [[f"GET {path.format(token)} HTTP/1.1\r\nHost: {host}\r\n".encode() + headers + b"\r\n"
             for token in tokens] for path in paths]


async def _connection(host: str, port: int, requests: list[list[bytes]], per_address: int,
                      addresses: itertools.count[int], stop_at: float, result: Result, interval: float = 0.0) -> None:
    """One keep-alive connection after another, each from a fresh source address. With ``interval`` (paced: the
    offered rate's share of this connection) each request has its time in a fixed schedule and its latency counts
    from that time, not from when it could be sent — a slow answer delays the next requests of the connection and
    they are charged for the wait (wrk2's correction of coordinated omission)."""
    rng = random.Random()
    due = time.monotonic() + rng.random() * interval  # spread the connections' schedules over one interval
    while time.monotonic() < stop_at:
        started = time.monotonic()
        try:
            reader, writer = await asyncio.open_connection(host, port, local_addr=(address(next(addresses)), 0))
        except OSError:
            result.errors += 1
            await asyncio.sleep(0.01)
            continue
        try:
            for i in range(per_address):
                if interval:
                    wait = due - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    started = due  # a connection opened late (after its request's time) is charged for it
                    due += interval
                if time.monotonic() >= stop_at:
                    break
                writer.write(rng.choice(requests[i % len(requests)]))
                status = await _read_response(reader)
                now = time.monotonic()
                result.latencies.append(now - started)  # the first request of a connection includes connecting
                result.statuses[status] = result.statuses.get(status, 0) + 1
                started = now
        except (OSError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
        finally:
            writer.close()


async def measure(url: str, tokens: list[str], paths: list[str], connections: int, duration: float,
                  per_address: int, key: str | None, first_address: int = 0, rate: float = 0.0) -> Result:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    headers = f"X-Jiudi-Institution-Key: {key}\r\n".encode() if key else b""
    requests = requests_for(host, tokens, paths, headers)
    result = Result()
    addresses = itertools.count(first_address)
    started, cpu = time.monotonic(), time.process_time()
    stop_at = started + duration
    interval = connections / rate if rate else 0.0
    await asyncio.gather(*(_connection(host, port, requests, per_address, addresses, stop_at, result, interval)
                           for _ in range(connections)))
    result.elapsed = time.monotonic() - started
    result.client_cpu = time.process_time() - cpu
    return result


def _run(coroutine: Any) -> Any:
    """uvloop's event loop where it is installed (it is a dependency of the service): less client CPU."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prewarm() -> str:
    """Read the environment's database into the operating system's page cache, as on a database server that has
    been running: without it the first reads of each page in a run wait for the disk (this machine's page cache
    did not hold the files after the fill), and the run measures the disk. The processes' own caches stay cold."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import sqlalchemy as sa

    from confirm.core.config import Settings

    url = sa.make_url(Settings.from_env().database_url)
    if url.get_backend_name() == "sqlite":
        read = 0
        with open(url.database or "", "rb") as f:
            while chunk := f.read(1 << 24):
                read += len(chunk)
        return f"page cache: {read >> 20} MB of {url.database} read"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            blocks = conn.exec_driver_sql(
                "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')").scalar_one()
    finally:
        engine.dispose()
    return f"page cache: {int(blocks) * 8 >> 10} MB of tables and indexes read (pg_prewarm)"


def run(args: argparse.Namespace, label: str, url: str, tokens: list[str], first_address: int,
        server: Server | None = None) -> Result:
    paths = [PATHS[p] for p in (["api", "page"] if args.paths == "both" else [args.paths])]
    _run(measure(url, tokens, paths, args.connections, min(3.0, args.duration), args.per_address, args.key,
                 first_address + 5_000_000, args.rate))  # warm-up: each process's caches and connections
    cpu = server.cpu_seconds() if server else 0.0
    load = os.getloadavg()[0]
    result = _run(measure(url, tokens, paths, args.connections, args.duration, args.per_address, args.key,
                          first_address, args.rate))
    extra = f"  load average {load:.1f}→{os.getloadavg()[0]:.1f}"
    if server is not None and result.latencies:
        extra += f"  server CPU {(server.cpu_seconds() - cpu) * 1000 / len(result.latencies):.2f} ms/request"
    if result.latencies:
        extra += f"  client CPU {result.client_cpu * 1000 / len(result.latencies):.2f} ms/request"
    print(result.line(label) + extra, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=Path, required=True, help="tokens written by bench/fill_rulings.py")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--per-address", type=int, default=25,
                        help="requests on one connection (one source address) before the next address; keep it "
                        "under the per-address limit's share (60 a minute over every server process)")
    parser.add_argument("--paths", choices=["api", "page", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline-workers", type=int, default=1)
    parser.add_argument("--url", help="measure this running service only (no baseline)")
    parser.add_argument("--key", help="an institution key to send (X-Jiudi-Institution-Key)")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="paced: offer this many requests a second in all (each connection its share, on a fixed "
                        "schedule; latency counted from each request's scheduled time). Default: as fast as answered")
    parser.add_argument("--cold", action="store_true",
                        help="do not read the database into the page cache first (measure the disk too)")
    args = parser.parse_args()
    tokens = args.tokens.read_text().split()
    if not args.cold:
        print(prewarm(), flush=True)
    if args.url:
        run(args, args.url, args.url, tokens, 0)
        return
    results = []
    for i, workers in enumerate((args.baseline_workers, args.workers)):
        server = Server(workers, _free_port())
        try:
            results.append(run(args, f"--workers {workers}", server.url, tokens, i * 1_000_000, server))
        finally:
            server.stop()
    baseline, candidate = results
    print(f"ratio --workers {args.workers} / --workers {args.baseline_workers}: "
          f"{candidate.rps / baseline.rps if baseline.rps else float('nan'):.2f}x requests a second")


if __name__ == "__main__":
    main()
