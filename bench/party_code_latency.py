"""Time from the mediator's submission to the parties' messages in the development outbox, through the real
service (the worker delivers each message as a durable job).

Run: .venv/bin/python bench/party_code_latency.py [N] [--postgres URL]

For each of N applications: create and file the documents, then time (a) from the start of ``POST …/submit`` to
the first party's link message being delivered (``sent`` in the outbox), and (b) from the start of a party's
``POST /api/v1/party/{token}/code`` to its code being delivered. The baseline, measured in the same run, is the
``POST …/submit`` request alone: the ratio says what queueing and delivering through the worker adds.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from service import arguments, pct, running_service  # bench/service.py (puts the project on the path)

from tests.support import Staff, a_pdf, application_body, outbox  # noqa: E402


def delivered(client: Any, app_id: str, kind: str, after: int) -> dict:
    while True:
        for m in outbox(client, application_id=app_id, kind=kind):
            if m["id"] > after and m["status"] == "sent":
                return m
        time.sleep(0.002)


def main() -> None:
    args = arguments()
    submit_ms, link_ms, code_ms = [], [], []
    with running_service(args.postgres) as (client, _runtime, passwords):
        m = Staff(client, "mediator", passwords["mediator"])
        for i in range(args.n + 2):
            app_id = m.create(application_body()).json()["id"]
            for kind in ("agreement", "joint_application"):
                m.upload(app_id, kind, a_pdf(kind))
            last = max([x["id"] for x in outbox(client)] or [0])
            start = time.perf_counter()
            assert m.post(f"/api/v1/applications/{app_id}/submit").status_code == 200
            answered = time.perf_counter()
            link = delivered(client, app_id, "party.confirm_link", last)
            linked = time.perf_counter()
            token = link["text"].split("/p/", 1)[1].split()[0]
            start_code = time.perf_counter()
            assert client.post(f"/api/v1/party/{token}/code").status_code == 202
            delivered(client, app_id, "party.code", last)
            coded = time.perf_counter()
            if i >= 2:  # the first two warm up connections and caches
                submit_ms.append((answered - start) * 1000)
                link_ms.append((linked - start) * 1000)
                code_ms.append((coded - start_code) * 1000)
    backend = "postgresql" if args.postgres else "sqlite"
    print(f"({backend}, n={len(submit_ms)})")
    print(f"POST submit alone (baseline): median {statistics.median(submit_ms):.0f} ms, p90 {pct(submit_ms, .9):.0f} ms")
    print(f"submit → link message delivered to the outbox: median {statistics.median(link_ms):.0f} ms, "
          f"p90 {pct(link_ms, .9):.0f} ms, max {max(link_ms):.0f} ms "
          f"(ratio {statistics.median(link_ms) / statistics.median(submit_ms):.2f}× the submission)")
    print(f"code requested → code delivered to the outbox: median {statistics.median(code_ms):.0f} ms, "
          f"p90 {pct(code_ms, .9):.0f} ms, max {max(code_ms):.0f} ms")


if __name__ == "__main__":
    main()
