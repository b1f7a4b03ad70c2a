"""The invariants the README promises, each driven in the order that would break it (not only the order that hides
it): exactly one ruling per application, gapless and unique case numbers.

Every test here runs on SQLite and again on PostgreSQL (``scripts/test``); ``scripts/mutants`` checks that each
fails when its guarantee is removed.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from confirm.core.db import is_postgresql, transaction
from confirm.core.verify_codes import new_nonce
from confirm.issuance.pipeline import Prepared, prepared_for, run_pipeline
from confirm.issuance.ruling import RulingDocument, RulingFacts, ruling_content
from confirm.models import Application, Court, IssuanceJob, JobKind, JobTarget, Ruling, job_kind
from templates import render_ruling
from tests.support import issued


def _ruling_job(session: Session, app_id: str) -> IssuanceJob:
    return session.exec(select(IssuanceJob).where(IssuanceJob.application_id == app_id,
                                                  IssuanceJob.kind == job_kind(JobKind.RULING))).one()


def test_a_stalled_worker_that_finishes_after_another_worker_issued_records_nothing(client, passwords, runtime):
    """Worker A read the decision and started sealing; its lease ran out and worker B sealed and recorded the
    ruling. When A finally reaches the recording step, its copy is discarded: one ruling, B's."""
    _m, app_id, answer = issued(client, passwords)  # worker B (the in-process worker) has issued
    with Session(runtime.engine) as session:
        app = session.get(Application, app_id)
        assert app is not None
        nonce = new_nonce()
        content = ruling_content(runtime, session, app_id, nonce)  # what A had read before B recorded
        a_prepared = prepared_for(session, app, lambda: render_ruling(content), f"{content.case_number} 民事裁定书",
                                  RulingFacts(content, nonce))
        job_id = _ruling_job(session, app_id).id

    class StalledWorker(RulingDocument):
        def prepare(self, runtime, session, target) -> Prepared[RulingFacts]:  # type: ignore[no-untyped-def]
            return a_prepared

    assert run_pipeline(runtime, StalledWorker(), JobTarget(app_id), job_id) is False
    with Session(runtime.engine) as session:
        rulings = session.exec(select(Ruling).where(Ruling.application_id == app_id)).all()
        assert [r.sha256 for r in rulings] == [answer["ruling"]["sha256"]]


def test_the_database_refuses_a_second_ruling_for_an_application(client, passwords, runtime):
    """The last line of defence, whatever the code above it does: ``UNIQUE(rulings.application_id)``."""
    _m, app_id, _answer = issued(client, passwords)
    with pytest.raises(IntegrityError):
        with transaction(runtime.engine) as session:
            first = session.exec(select(Ruling).where(Ruling.application_id == app_id)).one()
            session.add(Ruling(**{**first.model_dump(exclude={"id"}), "token_nonce": "x" * 32,
                                  "token_hash": "1" * 64, "check_code_hash": "2" * 64, "sha256": "3" * 64}))


# --- case numbers -----------------------------------------------------------------------------------------

def _court(runtime) -> Court:  # type: ignore[no-untyped-def]
    with Session(runtime.engine) as session:
        return session.exec(select(Court).where(Court.code == "渝0241")).one()


def _allocate(runtime, court: Court, year: int):  # type: ignore[no-untyped-def]
    from confirm.applications.numbering import allocate_case_number

    with transaction(runtime.engine) as session:
        return allocate_case_number(session, court, year).sequence


def _wait_until_blocked(runtime, errors: list[BaseException], seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Until another PostgreSQL backend waits on a lock (on SQLite, a short pause: BEGIN IMMEDIATE queues it)."""
    if not is_postgresql(runtime.engine):
        time.sleep(0.3)
        return
    deadline = time.monotonic() + seconds
    with runtime.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )).scalar_one()
            conn.rollback()  # pg_stat_activity is a snapshot per transaction: take a new one each time
            if waiting:
                return
            assert not errors, errors
            time.sleep(0.02)
        activity = conn.execute(sa.text(
            "SELECT state, wait_event_type, wait_event, left(query, 80) FROM pg_stat_activity "
            "WHERE datname = current_database()")).all()
    raise AssertionError(f"the second allocation never waited for the first: {activity}")


def test_two_allocations_that_overlap_get_consecutive_numbers(runtime):
    """The second claim's allocation starts while the first claim's transaction, holding number N, is still open:
    it must wait and get N+1 (a read-then-write counter hands both N on PostgreSQL)."""
    from confirm.applications.numbering import allocate_case_number

    court, year = _court(runtime), 2031
    assert _allocate(runtime, court, year) == 1  # the year's counter row exists: no insert to wait on below
    got: list[int] = []
    with transaction(runtime.engine) as first:
        got.append(allocate_case_number(first, court, year).sequence)
        errors: list[BaseException] = []

        def allocate_second() -> None:
            try:
                got.append(_allocate(runtime, court, year))
            except BaseException as exc:
                errors.append(exc)

        second = threading.Thread(target=allocate_second)
        second.start()
        _wait_until_blocked(runtime, errors)
    second.join(timeout=30)
    assert not errors and got == [2, 3]


def test_a_claim_that_rolls_back_gives_its_number_back(runtime):
    """Gapless: a number taken in a transaction that fails is given to the next claim."""
    from confirm.applications.numbering import allocate_case_number

    court, year = _court(runtime), 2032

    class ClaimFailed(Exception):
        pass

    with pytest.raises(ClaimFailed):
        with transaction(runtime.engine) as session:
            assert allocate_case_number(session, court, year).sequence == 1
            raise ClaimFailed
    assert _allocate(runtime, court, year) == 1
    assert _allocate(runtime, court, year) == 2


def test_a_year_starts_its_own_series(runtime):
    """(Years far from now, so the series of this year's real claims is not touched.)"""
    court = _court(runtime)
    assert [_allocate(runtime, court, 2033), _allocate(runtime, court, 2034), _allocate(runtime, court, 2033)] == \
        [1, 1, 2]
