"""The unit of work: a change wakes the live streams and the issuance worker once it has committed, in one place
for the API, the pages and the worker alike; a change that rolls back wakes nobody."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from confirm.app import create_app, document_kinds
from confirm.core.events import emit, queue_job
from confirm.issuance.worker import IssuanceWorker
from confirm.models import Application, IssuanceJob
from tests.support import Staff, application_body, issued, now_iso


def _an_application(runtime) -> Application:  # type: ignore[no-untyped-def]
    with runtime.unit_of_work() as session:
        return session.exec(select(Application)).first()


def test_a_committed_event_bumps_the_bus_and_a_queued_job_wakes_the_worker(client, runtime, passwords):
    Staff(client, "mediator", passwords["mediator"]).create(application_body())
    worker = IssuanceWorker(runtime, document_kinds())  # not started: only its wake-up is watched
    runtime.worker, app = worker, _an_application(runtime)
    seen = runtime.bus.generation
    with runtime.unit_of_work() as session:
        emit(session, "application.test", session.get(Application, app.id))
        assert runtime.bus.generation == seen  # nothing before the commit
    assert runtime.bus.generation > seen  # (on PostgreSQL its NOTIFY may wake the worker too: harmless)
    with runtime.unit_of_work() as session:
        queue_job(session, app.id, "voucher:999")
    assert worker._wake.is_set()


def test_a_change_that_rolls_back_wakes_nobody(client, runtime, passwords):
    Staff(client, "mediator", passwords["mediator"]).create(application_body())
    worker = IssuanceWorker(runtime, document_kinds())
    runtime.worker, app = worker, _an_application(runtime)
    seen = runtime.bus.generation
    with pytest.raises(RuntimeError), runtime.unit_of_work() as session:
        emit(session, "application.test", session.get(Application, app.id))
        queue_job(session, app.id, "voucher:999")
        raise RuntimeError("the change fails")
    assert runtime.bus.generation == seen and not worker._wake.is_set()
    with runtime.unit_of_work() as session:
        assert session.exec(select(IssuanceJob).where(IssuanceJob.kind == "voucher:999")).first() is None


def test_recording_an_electronic_service_wakes_the_worker_at_once(settings, initialized):
    """Recording service queues a voucher job: the worker takes it at once, not at its next poll (on SQLite too,
    where no NOTIFY wakes it)."""
    runtime, passwords = initialized
    with TestClient(create_app(runtime=runtime)) as client:
        m, app_id, app = issued(client, passwords)
        worker = runtime.worker
        assert isinstance(worker, IssuanceWorker)
        worker.poll_seconds = 3600.0  # only a wake-up can make it take the job within the test
        worker.wake()  # let it fall asleep again with the long poll
        person, company = app["parties"]
        r = m.post(f"/api/v1/applications/{app_id}/service", json={
            "served_at": now_iso(), "place": "调解室",
            "recipients": [{"party_id": company["id"], "method": "electronic"}]})
        assert r.status_code == 200, r.text
        import time
        deadline = time.monotonic() + 30
        while True:  # the API's own download would wake the worker: watch the record instead
            with runtime.unit_of_work() as session:
                job = session.exec(select(IssuanceJob).where(IssuanceJob.application_id == app_id,
                                                             IssuanceJob.kind == f"voucher:{company['id']}")).one()
            if job.state == "done":
                break
            assert time.monotonic() < deadline, "the voucher job waited for the worker's poll"
            time.sleep(0.05)
