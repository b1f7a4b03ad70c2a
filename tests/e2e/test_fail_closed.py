"""Fail closed: when the timestamp authority cannot be reached, no weaker ruling is issued; sealing waits and
retries with backoff, the judge and the mediator see that it is queued, and it completes once the TSA is back."""

from __future__ import annotations

import http.server
import threading
import time
from dataclasses import replace

from keys import ensure_dev_pki
from signing import DevTimestampAuthority
from tests.e2e.conftest import _free_port
from tests.support import Staff, verification_now


class TsaServer:
    """A real RFC 3161 TSA over HTTP on a loopback port, which the test can stop and start again."""

    def __init__(self, port: int, tsa: DevTimestampAuthority) -> None:
        self.port, self.tsa, self.httpd = port, tsa, None

    def start(self) -> None:
        tsa = self.tsa

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                answer = tsa.respond(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()


def test_sealing_waits_for_the_timestamp_authority_and_never_issues_without_it(settings, caplog, monkeypatch):
    from fastapi.testclient import TestClient

    from confirm.app import create_app
    from confirm.bootstrap import initialize
    from tests.support import LOOPBACK

    port = _free_port()
    settings = replace(settings, tsa_url=f"http://127.0.0.1:{port}/tsa")
    runtime, result = initialize(settings, say=lambda _t: None)
    passwords = {u: p for u, _r, p in result.credentials}
    pki = ensure_dev_pki(settings.data_dir)
    tsa_server = TsaServer(port, DevTimestampAuthority(pki.tsa_cert, pki.tsa_key, [pki.root_cert]))
    with TestClient(create_app(runtime=runtime), client=LOOPBACK) as client:
        m, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
        app_id = m.filed()
        judge.post(f"/api/v1/applications/{app_id}/claim")
        import confirm.issuance.views as views

        monkeypatch.setattr(views, "DECISION_WAIT_SECONDS", 1.0)  # do not hold the request while the TSA is down
        r = judge.post(f"/api/v1/applications/{app_id}/decision",
                       json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
        assert r.status_code == 202 and r.json()["ruling"] is None
        deadline = time.monotonic() + 10
        while m.get(f"/api/v1/applications/{app_id}").json()["decision"]["issuance"] != "retrying":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        seen = m.get(f"/api/v1/applications/{app_id}").json()
        assert seen["status"] == "under_review" and seen["ruling"] is None
        assert m.get(f"/api/v1/applications/{app_id}/ruling.pdf").status_code == 409
        assert "jiudi_issuance_jobs_retrying 1" in client.get("/metrics").text
        assert any("ALERT issuance" in rec.getMessage() for rec in caplog.records)

        tsa_server.start()  # the authority is back: the queued sealing completes by itself
        try:
            deadline = time.monotonic() + 30
            while (app := m.get(f"/api/v1/applications/{app_id}").json())["status"] != "issued":
                assert time.monotonic() < deadline, app["decision"]
                time.sleep(0.2)
        finally:
            tsa_server.stop()
        assert app["ruling"]["level"] == "B-LTA"  # not lowered by the outage
        pdf = m.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
        genuine = client.post("/api/v1/verify", files={"file": ("r.pdf", pdf, "application/pdf")}).json()
        assert genuine["genuine"] is True and genuine["timestamp_at"], genuine

        # the authority goes away again: the voucher of an electronic service waits the same way, visibly
        company = app["parties"][1]
        served = m.post(f"/api/v1/applications/{app_id}/service", json={
            "served_at": app["ruling"]["issued_at"], "place": "调解室",
            "recipients": [{"party_id": company["id"], "method": "electronic"}]})
        assert served.status_code == 200, served.text

        def voucher_state() -> str:
            [r] = m.get(f"/api/v1/applications/{app_id}").json()["service"]["recipients"]
            return r["voucher_issuance"]

        deadline = time.monotonic() + 10
        while voucher_state() != "retrying":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        pending = m.get(f"/api/v1/applications/{app_id}/service-vouchers/{company['id']}.pdf")
        assert pending.status_code == 409 and pending.json()["error"]["code"] == "service.voucher_pending"
        # a voucher stuck retrying does not stop the court from voiding the service (say, a wrong address)…
        clerk = Staff(client, "clerk", passwords["clerk"])
        deadline = time.monotonic() + 10
        while (voided := clerk.post(f"/api/v1/applications/{app_id}/service/{company['id']}/void",
                                    json={"reason": "地址有误"})).status_code == 409:
            assert voided.json()["error"]["code"] == "service.sealing_in_progress"  # an attempt under way
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert voided.status_code == 200 and voided.json()["service"] is None, voided.text
        # …and the party is served again; the new voucher is sealed once the authority is back
        again = m.post(f"/api/v1/applications/{app_id}/service", json={
            "served_at": app["ruling"]["issued_at"], "place": "调解室",
            "recipients": [{"party_id": company["id"], "method": "electronic"}]})
        assert again.status_code == 200, again.text
        tsa_server.start()
        try:
            deadline = time.monotonic() + 30
            while voucher_state() != "done":
                assert time.monotonic() < deadline
                time.sleep(0.2)
        finally:
            tsa_server.stop()
        voucher = m.get(f"/api/v1/applications/{app_id}/service-vouchers/{company['id']}.pdf")
        assert voucher.status_code == 200 and voucher.content.startswith(b"%PDF")
    runtime.engine.dispose()


def test_retries_back_off_from_two_seconds_doubling_up_to_five_minutes():
    """The retry schedule while the TSA is down (docs: 2 s … 5 min): the first retry after 2 s, each wait twice
    the last, never more than five minutes — an outage is waited out, neither hammered nor given up on."""
    from datetime import timedelta

    from confirm.issuance.worker import backoff

    assert backoff(1) == timedelta(seconds=2)  # the worker's first retry: backoff(attempts + 1) with attempts 0
    waits = [backoff(attempt).total_seconds() for attempt in range(1, 41)]  # 40 attempts: a three-hour outage
    assert waits[:9] == [2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert set(waits[8:]) == {300}


def test_the_backoff_stays_at_five_minutes_through_a_day_long_outage():
    """About 290 attempts in a day at five minutes each. ``2 ** attempts`` once overflowed timedelta from attempt
    47 (about 3.5 h of outage), inside the worker's failure handler: the job was then neither rescheduled nor
    counted and waited for its lease instead."""
    from datetime import timedelta

    from confirm.issuance.worker import backoff

    assert all(backoff(attempt) == timedelta(minutes=5) for attempt in range(9, 300))
