"""Time from a judge's decision to the issued, sealed ruling, through the real service (not a test).

Run: .venv/bin/python bench/decision_to_ruling.py [N] [--postgres URL]

For each of N applications: file, claim, then POST the decision and time until the application is ``issued``
(the decision route waits for the in-process worker). The baseline, measured in the same run, is the bare
pipeline for the same ruling: render_ruling + the same court sealer at the configured level (B-LTA in development
mode) with the in-process TSA. The ratio says what
the service adds (database transactions, the outbox job, storage, audit and events).
"""

from __future__ import annotations

import statistics
import time

from service import arguments, bare_seal_ms, pct, running_service  # bench/service.py (puts the project on the path)

from tests.support import Staff, verification_now  # noqa: E402


def main() -> None:
    args = arguments()
    service_ms: list[float] = []
    with running_service(args.postgres) as (client, runtime, passwords):
        mediator, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
        ids = [mediator.filed() for _ in range(args.n + 2)]
        for app_id in ids:
            judge.post(f"/api/v1/applications/{app_id}/claim")
        for i, app_id in enumerate(ids):
            start = time.perf_counter()
            r = judge.post(f"/api/v1/applications/{app_id}/decision",
                           # one party in every case: from the 10th, risk.repeat_party is high and asks for a reason
                           json={"outcome": "confirmed", "grounds": [], "verification": verification_now(),
                                 "risk_reason": "基准测试：同一当事人的批量案件"})
            elapsed = (time.perf_counter() - start) * 1000
            assert r.status_code == 200 and r.json()["status"] == "issued", r.text
            if i >= 2:  # the first two warm up fonts, keys and connections
                service_ms.append(elapsed)
        # baseline: the same ruling through the bare pipeline
        plain_ms = bare_seal_ms(runtime, ids[-1], args.n)
    backend = "postgresql" if args.postgres else "sqlite"
    s_med, p_med = statistics.median(service_ms), statistics.median(plain_ms)
    print(f"decision→issued via the service ({backend}, n={len(service_ms)}): median {s_med:.0f} ms, "
          f"p90 {pct(service_ms, 0.9):.0f} ms, max {max(service_ms):.0f} ms")
    level = runtime.seals.level
    print(f"bare render + {level} seal of the same ruling (n={len(plain_ms)}): median {p_med:.0f} ms, "
          f"p90 {pct(plain_ms, 0.9):.0f} ms")
    print(f"ratio service/bare: {s_med / p_med:.2f}×")


if __name__ == "__main__":
    main()
