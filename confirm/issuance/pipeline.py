"""The one sealing pipeline every sealed document goes through: the ruling, the service receipt, each electronic
service voucher (and the documents to come).

Prepare (read) in a short transaction → render → seal (outside any transaction) → store → record under a unique
constraint and finish the job, in one transaction. A document *kind* says only what differs: what the document
says (``prepare``) and where the record goes (``record``), like pyHanko's ``TimeStamper`` backends. A second
worker's copy, or a retry after a crash between sealing and recording, loses on the unique constraint and keeps
nothing; a job whose reason went away meanwhile (a voided service) records nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from confirm.core.clock import utcnow
from confirm.core.crash_points import crash_point
from confirm.core.events import jobs_changed
from confirm.core.runtime import Runtime
from confirm.core.seals import SealedDocument
from confirm.models import Application, Court, IssuanceJob, JobState
from templates.model import RenderedDocument

log = logging.getLogger("jiudi.issuance")
F = TypeVar("F")


class Target(NamedTuple):
    """What one job seals: a document of an application, for one party where the kind is per party."""

    application_id: str
    party_id: int | None = None


@dataclass(frozen=True)
class Prepared(Generic[F]):
    """A document read from the database, to be rendered and sealed outside the transaction, with the facts its
    record needs (``facts``: the kind's own)."""

    court_code: str
    court_name: str
    render: Callable[[], RenderedDocument]  # e.g. functools.partial(render_ruling, content)
    reason: str  # the seal's /Reason: the case number and the document's name
    facts: F


def prepared_for(session: Session, application: Application, render: Callable[[], RenderedDocument], reason: str,
                 facts: F) -> Prepared[F]:
    """A document of ``application``, to be sealed with its court's seal."""
    court = session.get(Court, application.court_id)
    assert court is not None
    return Prepared(court_code=court.code, court_name=court.name, render=render, reason=reason, facts=facts)


class DocumentKind(Generic[F]):
    """One kind of sealed document: its two steps of the pipeline."""

    def prepare(self, runtime: Runtime, session: Session, target: Target) -> Prepared[F] | None:
        """Read what the document says; None when there is nothing (left) to make."""
        raise NotImplementedError

    def record(self, runtime: Runtime, session: Session, target: Target, prepared: Prepared[F],
               sealed: SealedDocument, sha256: str) -> None:
        """Record the stored sealed document (a unique constraint makes a second copy fail)."""
        raise NotImplementedError


def finish_job(session: Session, job_id: int | None) -> None:
    """Mark a job done, in the caller's transaction (the one that records what the job made)."""
    if job_id is None:
        return
    job = session.get(IssuanceJob, job_id)
    if job is not None:
        job.state, job.finished_at, job.locked_until = JobState.DONE, utcnow(), None
        session.add(job)
        jobs_changed(session)


def _job_still_open(session: Session, job_id: int | None) -> bool:
    """False when the job is gone (its service voided) or another worker's copy finished it (locked meanwhile)."""
    if job_id is None:
        return True
    job = session.exec(select(IssuanceJob).where(IssuanceJob.id == job_id).with_for_update()).first()
    return job is not None and job.state != JobState.DONE


def run_pipeline(runtime: Runtime, kind: DocumentKind[Any], target: Target, job_id: int | None = None) -> bool:
    """Make one sealed document and record it, finishing its job in the same transaction; True when this call
    recorded it. A failure before the record leaves nothing behind but an unreferenced file in the store."""
    with runtime.unit_of_work() as session:
        prepared = kind.prepare(runtime, session, target)
        if prepared is None:
            finish_job(session, job_id)
            return False
    rendered = prepared.render()
    crash_point("during_sealing")
    sealed = runtime.seals.seal(prepared.court_code, prepared.court_name, rendered, prepared.reason)
    sha256 = runtime.store.put(sealed.pdf)
    crash_point("after_sealing")
    try:
        with runtime.unit_of_work() as session:
            if not _job_still_open(session, job_id):
                return False
            kind.record(runtime, session, target, prepared, sealed, sha256)
            session.flush()
            finish_job(session, job_id)
    except IntegrityError:
        log.info("%s was already recorded by another attempt; this copy is discarded", prepared.reason)
        with runtime.unit_of_work() as session:
            finish_job(session, job_id)
        return False
    log.info("sealed: %s sha256=%s", prepared.reason, sha256)
    return True
