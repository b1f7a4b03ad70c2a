"""Click to print: the time from the judge's 盖章出具 click to the sealed ruling on the mediator's open page, measured
in a real browser (issue 18 item 5).

Run: .venv/bin/python bench/click_to_print.py [N] [--postgres URL] [--sealing-thread | --workers W]

The service is the real command, ``jiudi serve`` (``--workers W``: ``jiudi serve --workers W``, W server processes
and the issuance worker in their supervisor; ``--sealing-thread``: ``JIUDI_SEALING_PROCESS=0``), in processes of its
own on a loopback port, with SQLite in a temporary directory or an empty PostgreSQL database: the measuring client
shares no interpreter with it. Debian's Chromium driven by Playwright: one browser is the judge's desktop, one
the mediator's tablet. For each of N cases (after two warm-ups) the judge claims the case and decides on the review page; the
mediator has the case's page open; the clock starts as the judge's click on 盖章出具 (#seal) reaches the page
(a capturing listener reads Date.now()) and stops when the mediator's page shows 打开裁定书 PDF (#ruling-link): the frame after
the link entered the page when the page swaps in its fresh main part (what it does), or the first contentful
paint of the reloaded page (its fallback): the decision's request, the seal by the worker, the live event, the
page's update and its paint, as the mediator sees them. Both ends are read from the browser's wall clock, so the
automation's own delays (Playwright's actionability checks, its polling) are not counted. Every ruling is then
checked to be issued. On PostgreSQL a probe times one-row commits meanwhile (``CommitProbe``): a slow decision
that met a slow flush of the database server's disk shows there.

The baseline, measured in the same run, is the bare pipeline for the same ruling: render_ruling + the same court
sealer (B-LTA in development mode, the in-process TSA). The ratio says what the browser, the HTTP round trips, the
live event and the page reload add to the seal itself.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx  # noqa: E402
from served import Server as Served  # bench/served.py
from service import arguments, bare_seal_ms, pct  # bench/service.py (puts the project on the path)

from confirm.bootstrap import initialize  # noqa: E402
from confirm.core.config import Settings  # noqa: E402
from tests.e2e.conftest import _free_port  # noqa: E402
from tests.support import Staff, application_body, decided_on_review_page  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DESKTOP, TABLET = {"width": 1440, "height": 900}, {"width": 1024, "height": 768}


def unrelated_parties(n: int) -> list[dict[str, str]]:
    """Two people of their own in each case, so that no repeat-party flag asks the judge for a reason."""
    from tests.api.test_signals_api import resident_id

    return [{"kind": "person", "name": name, "id_number": resident_id(f"50024119900101{n:02d}{side}"),
             "phone": f"135{n:04d}{side}000", "address": f"重庆市秀山土家族苗族自治县中和街道{n}-{side}号",
             "ethnicity": "汉族"} for side, name in ((1, "张三"), (2, "李四"))]


# On the mediator's page, before the click: the moment #ruling-link enters the page, taken in the task after the
# next animation frame (the frame that paints it). A reload (the page's fallback) loses the marker.
SHOWN_OBSERVER = """(() => {
  window.__samePage = true; window.__shown = undefined;
  new MutationObserver((_, observer) => {
    if (!document.getElementById('ruling-link')) return;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { window.__shown = Date.now(); }, 0));
  }).observe(document.documentElement, { childList: true, subtree: true });
})()"""


def settled_evaluate(page, expression: str):  # type: ignore[no-untyped-def]
    """Evaluate on a page that may be navigating (the judge's page falls back to a reload when a swap cannot be
    made); window.name survives it."""
    from playwright.sync_api import Error

    for _ in range(100):
        try:
            return page.evaluate(expression)
        except Error as error:
            if "Execution context was destroyed" not in str(error):
                raise
            page.wait_for_load_state()
    raise RuntimeError("the page never settled")


def logged_in(browser, base: str, username: str, password: str, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page


def cpu_times() -> list[int]:
    """The machine's CPU time so far by kind, in clock ticks (/proc/stat's first line: user, nice, system, idle,
    iowait, irq, softirq, steal)."""
    return [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


def stolen_share(before: list[int], after: list[int]) -> float:
    """The share of this virtual machine's CPU time that its host gave to others meanwhile (steal): a run slowed
    by a busy neighbour shows it here, not in the service."""
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return spent[7] / max(1, sum(spent))


class CommitProbe:
    """One-row durable commits every 20 ms on a table of its own, in a thread, while the browsers decide the cases:
    what a commit cost on this database server meanwhile (each decision waits for several: the decision, the job's
    lease, the stored ruling, its record). On a virtual disk a commit's flush to the disk now and then takes far
    longer than its median; this shows whether a slow decision met one."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.engine = sa.create_engine(url)
        with self.engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE IF NOT EXISTS bench_commit_probe (n integer)"))
        self.ms: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            while not self._stop.wait(0.02):
                conn.execute(sa.text("INSERT INTO bench_commit_probe VALUES (1)"))
                start = time.perf_counter()
                conn.commit()
                self.ms.append((time.perf_counter() - start) * 1000)

    def stop(self) -> list[float]:
        self._stop.set()
        self._thread.join(timeout=30)
        self.engine.dispose()
        return self.ms


def main() -> None:
    args = arguments(default_n=30, sealing=True)
    if args.sealing_thread and args.workers > 1:
        raise SystemExit("--sealing-thread is for one process: with --workers W the supervisor's worker seals")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        settings = Settings(data_dir=Path(tmp) / "data", database_url=args.postgres or f"sqlite:///{tmp}/bench.sqlite3",
                            public_base_url=base, tsa_url=None, signer=None)
        runtime, result = initialize(settings, say=lambda _t: None)  # the first start: the demo users' passwords
        passwords = {u: p for u, _r, p in result.credentials}
        # the real command in processes of its own (the measuring client shares no interpreter with the service),
        # on the same data directory and database
        served = Served(args.workers, port, {"JIUDI_DATA_DIR": str(settings.data_dir),
                                             "JIUDI_DATABASE_URL": settings.database_url,
                                             "JIUDI_PUBLIC_BASE_URL": base,
                                             "JIUDI_SEALING_PROCESS": "0" if args.sealing_thread else "1"})
        with httpx.Client(base_url=base, timeout=60) as client:
            mediator_api = Staff(client, "mediator", passwords["mediator"])
            ids = [mediator_api.filed(application_body(parties=unrelated_parties(i))) for i in range(args.n + 2)]

        click_ms: list[float] = []
        cpu_before = cpu_times()
        swapped = 0
        probe = CommitProbe(settings.database_url) if args.postgres else None
        with sync_playwright() as p:
            # two devices, two browsers: the judge's desktop and the mediator's tablet (one browser would put both
            # pages' work through one browser process and one GPU process, as no two devices do)
            browsers = [p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                        for _device in ("desktop", "tablet")]
            judge = logged_in(browsers[0], base, "judge", passwords["judge"], DESKTOP)
            mediator = logged_in(browsers[1], base, "mediator", passwords["mediator"], TABLET)
            for i, app_id in enumerate(ids):
                decided_on_review_page(judge, base, app_id)
                mediator.goto(f"{base}/m/a/{app_id}")
                mediator.wait_for_load_state("networkidle")  # its live connection is open
                # both clocks are this machine's wall clock (Date.now, performance.timeOrigin); window.name
                # survives the judge's page navigating after the click
                judge.evaluate("document.getElementById('seal').addEventListener('click', "
                               "() => { window.name = String(Date.now()); }, { capture: true })")
                mediator.evaluate(SHOWN_OBSERVER)
                judge.click("#seal", no_wait_after=True)  # the page records it without a reload (its parts swapped)
                # waited for by asking every 50 ms, not at every animation frame (wait_for_selector's way): a
                # page asked at every frame keeps drawing frames, which a tablet's GPU does but this machine's two
                # cores would do in software, beside the service being measured
                with contextlib.suppress(PlaywrightError):  # the page reloaded (its fallback): waited for below
                    mediator.wait_for_function("window.__samePage !== true || window.__shown !== undefined",
                                              polling=50, timeout=60_000)
                mediator.wait_for_selector("#ruling-link", timeout=60_000, state="attached")
                mediator.wait_for_load_state("domcontentloaded")
                clicked = float(settled_evaluate(judge, "window.name"))
                if mediator.evaluate("window.__samePage === true"):  # swapped in: the frame after it arrived
                    mediator.wait_for_function("window.__shown !== undefined")
                    shown = float(mediator.evaluate("window.__shown"))
                    swapped += i >= 2  # (the warm-ups are not counted)
                else:  # reloaded (the fallback): the fresh page's first contentful paint
                    shown = mediator.evaluate(
                        "(() => { const p = performance.getEntriesByName('first-contentful-paint')[0];"
                        " const n = performance.getEntriesByType('navigation')[0];"
                        " return performance.timeOrigin + (p ? p.startTime : n.domContentLoadedEventEnd); })()")
                if i >= 2:  # the first two warm up fonts, keys, connections and the browser's caches
                    click_ms.append(shown - clicked)
                elif i == 0:
                    first_ms = shown - clicked
            for browser in browsers:
                browser.close()

        with httpx.Client(base_url=base, timeout=60) as client:
            mediator_api = Staff(client, "mediator", passwords["mediator"])
            states = {mediator_api.get(f"/api/v1/applications/{a}").json()["status"] for a in ids}
        assert states == {"issued"}, states

        stolen = stolen_share(cpu_before, cpu_times())
        commits = probe.stop() if probe is not None else None
        plain_ms = bare_seal_ms(runtime, ids[-1], args.n)
        served.stop()
        runtime.engine.dispose()

    backend = "postgresql" if args.postgres else "sqlite"
    c_med, p_med = statistics.median(click_ms), statistics.median(plain_ms)
    where = (f"jiudi serve --workers {args.workers}, the supervisor's worker" if args.workers > 1 else
             "jiudi serve, the worker's thread" if args.sealing_thread else "jiudi serve, the sealing process")
    print(f"click 盖章出具 → ruling on the mediator's page ({backend}, sealed in {where}, Chromium, n={len(click_ms)}): "
          f"p50 {c_med:.0f} ms, p99 {pct(click_ms, 0.99):.0f} ms, max {max(click_ms):.0f} ms "
          f"({swapped} swapped in, {len(click_ms) - swapped} reloaded)")
    print(f"CPU time stolen by the host meanwhile (steal, /proc/stat): {stolen:.1%}")
    print(f"the first decision after the service started (not counted above): {first_ms:.0f} ms")
    print(f"bare render + {runtime.seals.level} seal of the same ruling (n={len(plain_ms)}): median {p_med:.0f} ms, "
          f"p99 {pct(plain_ms, 0.99):.0f} ms")
    print(f"ratio click-to-print/bare seal (medians): {c_med / p_med:.2f}×")
    if commits:
        print(f"PostgreSQL's commit meanwhile (a probe's one-row commits every 20 ms, n={len(commits)}): "
              f"p50 {statistics.median(commits):.1f} ms, p99 {pct(commits, 0.99):.0f} ms, max {max(commits):.0f} ms, "
              f"{sum(c > 200 for c in commits)} over 200 ms")
    sys.exit(0)


if __name__ == "__main__":
    main()
