"""A page's live stream misses no event sent while the page was loading (issue 14 item 6): the page resumes its
stream from the newest event at rendering, so the ruling event that arrives during a reload still comes."""

from __future__ import annotations

import json
import re
import time

import httpx

from tests.support import Staff, confirm_parties, page_login, verification_now


def test_an_event_sent_between_rendering_and_connecting_still_arrives(live_server):
    base, _runtime, passwords = live_server
    with httpx.Client(base_url=base, timeout=30) as page_client, httpx.Client(base_url=base, timeout=30) as api:
        m = Staff(api, "mediator", passwords["mediator"])
        app_id = m.filed(confirmed=False)
        confirm_parties(api, m, app_id)
        assert page_login(page_client, "mediator", passwords["mediator"]).status_code == 303
        page = page_client.get(f"/m/a/{app_id}").text  # the page is rendered…
        stream_url = re.search(r'data-events="([^"]+)"', page).group(1).replace("&amp;", "&")
        assert "last_event_id=" in stream_url
        judge = Staff(api, "judge", passwords["judge"])  # …the court claims and rules before its stream connects…
        judge.post(f"/api/v1/applications/{app_id}/claim")
        r = judge.post(f"/api/v1/applications/{app_id}/decision",
                       json={"outcome": "confirmed", "grounds": [], "verification": verification_now()})
        assert r.json()["status"] == "issued"
        seen: list[str] = []
        deadline = time.monotonic() + 10
        with page_client.stream("GET", stream_url) as stream:  # …and the stream still brings the ruling
            event_type = ""
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    event_type = line[7:]
                elif line.startswith("data: ") and json.loads(line[6:]).get("application_id") == app_id:
                    seen.append(event_type)
                    if event_type == "ruling.issued":
                        break
                assert time.monotonic() < deadline, seen
        assert seen[:1] == ["application.claimed"] and seen[-1] == "ruling.issued"


def test_a_last_event_id_that_is_not_a_small_number_starts_from_now(live_server):
    base, _runtime, passwords = live_server
    token = httpx.post(f"{base}/api/v1/auth/token", data={"username": "judge", "password": passwords["judge"]}
                       ).json()["access_token"]
    for bad in ("9" * 5000, "١٢٣", "-1"):
        with httpx.stream("GET", f"{base}/api/v1/events", timeout=10,
                          headers={"Authorization": f"Bearer {token}", "Last-Event-ID": bad.encode()}) as stream:
            assert stream.status_code == 200
            assert next(stream.iter_lines()) == "retry: 2000"
