"""The one sealing pipeline every sealed document goes through: the ruling, the service receipt, each electronic
service voucher (and the documents to come).

Prepare (read) in a short transaction → render → seal (outside any transaction; both in the sealing process when
there is one: ``core.sealing_process``) → store → record under a unique constraint and finish the job, in one
transaction. A document *kind* says only what differs: what the document
says (``prepare``) and where the record goes (``record``), like pyHanko's ``TimeStamper`` backends. A second
worker's copy, or a retry after a crash between sealing and recording, loses on the unique constraint and keeps
nothing; a job whose reason went away meanwhile (a voided service) records nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from confirm.core.crash_points import crash_point
from confirm.core.events import finish_job
from confirm.core.runtime import Runtime
from confirm.core.seals import SealedDocument
from confirm.models import Application, Court, IssuanceJob, JobState, JobTarget
from templates.model import RenderedDocument

log = logging.getLogger("jiudi.issuance")
F = TypeVar("F")


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


class JobHandler(Protocol):
    """What the worker does with one kind of job (a sealed document, a message)."""

    def run(self, runtime: Runtime, target: JobTarget, job_id: int | None) -> bool:
        """Do the job, finishing it in the transaction that records what it made; True when this call did."""
        ...


class DocumentKind(Generic[F]):
    """One kind of sealed document: its two steps of the pipeline."""

    def run(self, runtime: Runtime, target: JobTarget, job_id: int | None) -> bool:
        return run_pipeline(runtime, self, target, job_id)

    def prepare(self, runtime: Runtime, session: Session, target: JobTarget) -> Prepared[F] | None:
        """Read what the document says; None when there is nothing (left) to make."""
        raise NotImplementedError

    def record(self, runtime: Runtime, session: Session, target: JobTarget, prepared: Prepared[F],
               sealed: SealedDocument, sha256: str) -> None:
        """Record the stored sealed document (a unique constraint makes a second copy fail)."""
        raise NotImplementedError


def _job_still_open(session: Session, job_id: int | None) -> bool:
    """False when the job is gone (its service voided) or another worker's copy finished it (locked meanwhile)."""
    if job_id is None:
        return True
    job = session.exec(select(IssuanceJob).where(IssuanceJob.id == job_id).with_for_update()).first()
    return job is not None and job.state != JobState.DONE


def run_pipeline(runtime: Runtime, kind: DocumentKind[Any], target: JobTarget, job_id: int | None = None) -> bool:
    """Make one sealed document and record it, finishing its job in the same transaction; True when this call
    recorded it. A failure before the record leaves nothing behind but an unreferenced file in the store."""
    with runtime.unit_of_work() as session:
        prepared = kind.prepare(runtime, session, target)
        if prepared is None:
            finish_job(session, job_id)
            return False
    crash_point("during_sealing")
    sealed = runtime.seal(prepared.render, prepared.court_code, prepared.court_name, prepared.reason)
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
