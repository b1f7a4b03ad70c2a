"""Live events: a stream sees only its scope, and a client that reconnects with Last-Event-ID misses nothing."""

from __future__ import annotations

import json

import httpx

from tests.support import application_body


def read_events(base: str, token: str, last_event_id: str, count: int) -> list[tuple[str, str, dict]]:
    """Read ``count`` events from the stream starting after ``last_event_id``."""
    out: list[tuple[str, str, dict]] = []
    headers = {"Authorization": token, "Last-Event-ID": last_event_id}
    with httpx.Client(base_url=base, timeout=10) as http:
        with http.stream("GET", "/api/v1/events", headers=headers) as stream:
            event_id = event_type = ""
            for line in stream.iter_lines():
                if line.startswith("id: "):
                    event_id = line[4:]
                elif line.startswith("event: "):
                    event_type = line[7:]
                elif line.startswith("data: "):
                    out.append((event_id, event_type, json.loads(line[6:])))
                    if len(out) == count:
                        return out
    return out


def login(base: str, username: str, password: str) -> str:
    r = httpx.post(f"{base}/api/v1/auth/token", data={"username": username, "password": password})
    return f"Bearer {r.json()['access_token']}"


def test_reconnecting_with_last_event_id_misses_nothing(live_server):
    base, _jiudi, passwords = live_server
    mediator = login(base, "mediator", passwords["mediator"])
    judge = login(base, "judge", passwords["judge"])
    ids = []
    for _ in range(3):
        r = httpx.post(f"{base}/api/v1/applications", json=application_body(), headers={"Authorization": mediator})
        app_id = r.json()["id"]
        for kind in ("agreement", "joint_application"):
            httpx.post(f"{base}/api/v1/applications/{app_id}/documents", data={"kind": kind},
                       files={"file": ("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
                       headers={"Authorization": mediator})
        httpx.post(f"{base}/api/v1/applications/{app_id}/submit", headers={"Authorization": mediator})
        ids.append(app_id)
    first = read_events(base, judge, "0", 2)
    assert [(t, d["application_id"]) for _i, t, d in first] == [("application.submitted", ids[0]),
                                                               ("application.submitted", ids[1])]
    rest = read_events(base, judge, first[-1][0], 1)  # reconnect after the last event seen
    assert [(t, d["application_id"]) for _i, t, d in rest] == [("application.submitted", ids[2])]
