"""Click to print: the time from the judge's 盖章出具 click to the sealed ruling on the mediator's open page, measured
in a real browser (issue 18 item 5).

Run: .venv/bin/python bench/click_to_print.py [N] [--postgres URL]

A live service (real uvicorn on a loopback port, the in-process issuance worker, SQLite in a temporary directory or
an empty PostgreSQL database) and Debian's Chromium driven by Playwright: one window is the judge's, one the
mediator's. For each of N cases (after two warm-ups) the judge claims the case and decides on the review page; the
mediator has the case's page open; the clock starts as the judge's click on 盖章出具 (#seal) reaches the page
(a capturing listener reads Date.now()) and stops at the first contentful paint of the mediator's page that holds
打开裁定书 PDF (#ruling-link): the decision's request, the seal by the worker, the live event, the page's reload
and its first paint, as the mediator sees them. Both ends are read from the browser's wall clock, so the
automation's own delays (Playwright's actionability checks, its polling) are not counted. Every ruling is then
checked to be issued.

The baseline, measured in the same run, is the bare pipeline for the same ruling: render_ruling + the same court
sealer (B-LTA in development mode, the in-process TSA). The ratio says what the browser, the HTTP round trips, the
live event and the page reload add to the seal itself.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from service import arguments, bare_seal_ms, pct  # bench/service.py (puts the project on the path)

from confirm.app import create_app  # noqa: E402
from confirm.bootstrap import initialize  # noqa: E402
from confirm.core.config import Settings  # noqa: E402
from tests.e2e.conftest import _free_port  # noqa: E402
from tests.support import Staff, application_body  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DESKTOP, TABLET = {"width": 1440, "height": 900}, {"width": 1024, "height": 768}


def unrelated_parties(n: int) -> list[dict[str, str]]:
    """Two people of their own in each case, so that no repeat-party flag asks the judge for a reason."""
    from tests.api.test_signals_api import resident_id

    return [{"kind": "person", "name": name, "id_number": resident_id(f"50024119900101{n:02d}{side}"),
             "phone": f"135{n:04d}{side}000", "address": f"重庆市秀山土家族苗族自治县中和街道{n}-{side}号",
             "ethnicity": "汉族"} for side, name in ((1, "张三"), (2, "李四"))]


def logged_in(browser, base: str, username: str, password: str, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page


T = []
def _wrap(obj, name, label):
    f = getattr(obj, name)
    def w(*a, **k):
        t0 = time.time()
        try:
            return f(*a, **k)
        finally:
            T.append((label, t0 * 1000, (time.time() - t0) * 1000))
    setattr(obj, name, w)

import cProfile, pstats
PROF = cProfile.Profile()
def _prof(obj, name):
    f = getattr(obj, name)
    def w(*a, **k):
        PROF.enable()
        try:
            return f(*a, **k)
        finally:
            PROF.disable()
    setattr(obj, name, w)

def main() -> None:
    import confirm.issuance.worker as W, confirm.issuance.pipeline as P
    _wrap(W.IssuanceWorker, "_checkpoint_audit_log", "checkpoint")
    _wrap(W.IssuanceWorker, "_take_job", "take")
    _wrap(P, "run_pipeline", "pipeline")
    _prof(P, "run_pipeline")
    W.run_pipeline = P.run_pipeline if hasattr(W, "run_pipeline") else None

    args = arguments(default_n=30)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        settings = Settings(data_dir=Path(tmp) / "data", database_url=args.postgres or f"sqlite:///{tmp}/bench.sqlite3",
                            public_base_url=base, tsa_url=None, signer=None)
        runtime, result = initialize(settings, say=lambda _t: None)
        passwords = {u: p for u, _r, p in result.credentials}
        _wrap(runtime.seals, "seal", "seal")
        app = create_app(runtime=runtime)
        @app.middleware("http")
        async def timing(request, call_next):
            t0 = time.time()
            r = await call_next(request)
            T.append((request.method + " " + request.url.path, t0 * 1000, (time.time() - t0) * 1000))
            return r
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="warning", timeout_graceful_shutdown=1))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        with httpx.Client(base_url=base, timeout=60) as client:
            mediator_api = Staff(client, "mediator", passwords["mediator"])
            ids = [mediator_api.filed(application_body(parties=unrelated_parties(i))) for i in range(args.n + 2)]

        click_ms: list[float] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            judge = logged_in(browser, base, "judge", passwords["judge"], DESKTOP)
            mediator = logged_in(browser, base, "mediator", passwords["mediator"], TABLET)
            for i, app_id in enumerate(ids):
                judge.goto(f"{base}/j/a/{app_id}")
                judge.click("#claim")
                judge.wait_for_selector("#decision-form input[name=outcome]")
                judge.check("input[name=outcome][value=confirmed]")
                judge.select_option("#verification_method", "video")
                judge.click("#verification-now")
                with judge.expect_navigation():
                    judge.click("#decide")
                mediator.goto(f"{base}/m/a/{app_id}")
                mediator.wait_for_load_state("networkidle")  # its live connection is open
                # both clocks are this machine's wall clock (Date.now, performance.timeOrigin); window.name
                # survives the judge's page navigating after the click
                judge.evaluate("document.getElementById('seal').addEventListener('click', "
                               "() => { window.name = String(Date.now()); }, { capture: true })")
                mediator.evaluate("""(() => { sessionStorage.clear(); ['application.decided','ruling.issued'].forEach(t =>
                    window.jiudiEvents.addEventListener(t, () => sessionStorage.setItem(t, String(Date.now())))); })()""")
                judge.click("#seal", no_wait_after=True)
                mediator.wait_for_selector("#ruling-link", timeout=60_000, state="attached")
                mediator.wait_for_load_state("domcontentloaded")
                judge.wait_for_load_state()
                clicked = float(judge.evaluate("window.name"))
                shown = mediator.evaluate(
                    "(() => { const p = performance.getEntriesByName('first-contentful-paint')[0];"
                    " const n = performance.getEntriesByType('navigation')[0];"
                    " return performance.timeOrigin + (p ? p.startTime : n.domContentLoadedEventEnd); })()")
                ev = mediator.evaluate("[sessionStorage.getItem('application.decided'), sessionStorage.getItem('ruling.issued'), performance.timeOrigin]")
                for lab, t0, d in T:
                    if t0 >= clicked - 5: print("   %-40s +%.0f  %.1f ms" % (lab, t0 - clicked, d))
                T.clear()
                print("decided +%s issued +%s nav +%.0f shown +%.0f" % (int(ev[0]) - clicked if ev[0] else None, int(ev[1]) - clicked if ev[1] else None, ev[2]-clicked, shown - clicked), flush=True)
                if i >= 2:  # the first two warm up fonts, keys, connections and the browser's caches
                    click_ms.append(shown - clicked)
            browser.close()

        with httpx.Client(base_url=base, timeout=60) as client:
            mediator_api = Staff(client, "mediator", passwords["mediator"])
            states = {mediator_api.get(f"/api/v1/applications/{a}").json()["status"] for a in ids}
        assert states == {"issued"}, states

        plain_ms = bare_seal_ms(runtime, ids[-1], args.n)
        server.should_exit = True
        thread.join(timeout=15)
        if runtime.worker is not None:
            runtime.worker.stop()
        runtime.engine.dispose()

    import sys as _s; _s.stdout.flush(); pstats.Stats(PROF, stream=open("/tmp/prof.txt","w")).sort_stats("cumulative").sort_stats("cumulative").print_stats(60)
    backend = "postgresql" if args.postgres else "sqlite"
    c_med, p_med = statistics.median(click_ms), statistics.median(plain_ms)
    print(f"click 盖章出具 → ruling on the mediator's page ({backend}, Chromium, n={len(click_ms)}): "
          f"p50 {c_med:.0f} ms, p99 {pct(click_ms, 0.99):.0f} ms, max {max(click_ms):.0f} ms")
    print(f"bare render + {runtime.seals.level} seal of the same ruling (n={len(plain_ms)}): median {p_med:.0f} ms, "
          f"p99 {pct(plain_ms, 0.99):.0f} ms")
    print(f"ratio click-to-print/bare seal (medians): {c_med / p_med:.2f}×")
    sys.exit(0)


if __name__ == "__main__":
    main()
