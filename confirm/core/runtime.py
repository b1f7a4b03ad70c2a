"""The running service's shared parts, made once per process: settings, database, store, seals, events.

``Runtime.unit_of_work()`` is the one way the service changes the database: one transaction, and after it commits
(never after a rollback) the live-event bus is bumped and the issuance worker woken if the change asked for it
(``core.db.after_commit``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine
from sqlmodel import Session

from confirm.core import audit
from confirm.core.audit import AuditKeys, load_or_create_audit_key, load_or_create_mac_key
from confirm.core.config import Settings
from confirm.core.db import make_engine, pending_after_commit, transaction
from confirm.core.events import EventBus
from confirm.core.messaging import Channel
from confirm.core.sealing_process import SealingProcess
from confirm.core.seals import CourtSeals, SealedDocument
from confirm.core.storage import DocumentStore, make_store
from confirm.core.verify_codes import load_or_create_secret
from confirm.law.calendar import RestDayCalendar, calendar_from_table
from confirm.law.evaluation import Weights, weights_from_table
from confirm.law.signals import merge_table
from confirm.law.tables import evaluation_table, holiday_table, signal_table
from templates.model import RenderedDocument

COURT_HOLIDAYS_FILE = "holidays.yaml"  # in the data directory: a court's years over the shipped holidays.yaml
COURT_SIGNALS_FILE = "signals.yaml"  # in the data directory: a court's thresholds over the shipped signals.yaml
COURT_EVALUATION_FILE = "evaluation.yaml"  # in the data directory: a court's scoring weights over the shipped ones


class Wakeable(Protocol):
    """What the service needs of an issuance worker running in its process."""

    def wake(self) -> None: ...


@dataclass
class Runtime:
    settings: Settings
    engine: Engine = field(init=False)
    store: DocumentStore = field(init=False)
    bus: EventBus = field(default_factory=EventBus)
    worker: Wakeable | None = None  # the in-process issuance worker, when this process runs one
    sealing: SealingProcess | None = None  # its sealing process, when it seals in a process of its own

    def __post_init__(self) -> None:
        self.engine = make_engine(self.settings.database_url)
        self.store = make_store(self.settings, self.engine)
        audit.bind(self.engine, self.audit_keys)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction; once it has committed, wake the live streams and the worker as the change asked."""
        with transaction(self.engine) as session:
            yield session
        todo = pending_after_commit(session)
        for callback in todo.callbacks:
            callback()
        if todo.bump_events or todo.wake_worker:
            self.bus.bump()
        if todo.wake_worker and self.worker is not None:
            self.worker.wake()

    @cached_property
    def secret(self) -> bytes:
        return load_or_create_secret(self.settings.data_dir / "keys" / "app-secret")

    @cached_property
    def audit_key(self) -> Ed25519PrivateKey:
        return load_or_create_audit_key(self.settings.data_dir / "keys" / "audit-key.pem")

    @cached_property
    def audit_keys(self) -> AuditKeys:
        """The audit chain's MAC key (shared by every instance, like the keys) and this instance's head file."""
        return AuditKeys(mac_key=load_or_create_mac_key(self.settings.data_dir / "keys" / "audit-mac.key"),
                         head_path=self.settings.data_dir / audit.HEAD_FILE)

    @cached_property
    def calendar(self) -> RestDayCalendar:
        """法定休假日 (CPL 85): the shipped State Council arrangements, with the years of the court's own
        ``<data_dir>/holidays.yaml`` replacing them; read once per process (restart to apply a change)."""
        path = self.settings.data_dir / COURT_HOLIDAYS_FILE
        court = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        return calendar_from_table(holiday_table(), court)

    @cached_property
    def signals(self) -> dict[str, Any]:
        """The cross-case signals' thresholds and windows: the shipped table with the court's
        ``<data_dir>/signals.yaml`` over it, key by key; read once per process (restart to apply a change)."""
        path = self.settings.data_dir / COURT_SIGNALS_FILE
        court = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        return merge_table(signal_table(), court)

    @cached_property
    def evaluation_weights(self) -> Weights:
        """The mediator evaluation's scoring weights: the shipped table with the court's
        ``<data_dir>/evaluation.yaml`` over it, key by key; read once per process (restart to apply a change)."""
        path = self.settings.data_dir / COURT_EVALUATION_FILE
        court = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        return weights_from_table(evaluation_table(), court)

    @cached_property
    def channels(self) -> dict[str, Channel]:
        """The configured message channels (``email``, ``sms``); none in a bare development set-up."""
        return self.settings.messaging.channels()

    def seal(self, render: Callable[[], RenderedDocument], court_code: str, court_name: str,
             reason: str) -> SealedDocument:
        """Render a document and seal it with its court's seal: in the sealing process when this process has one
        (``jiudi serve``: the worker shares its process with the web server), else here."""
        if self.sealing is not None:
            return self.sealing.seal(render, court_code, court_name, reason)
        return self.seals.seal(court_code, court_name, render(), reason)

    @cached_property
    def seals(self) -> CourtSeals:
        """Made on first use: in development mode that generates the PKI, so only a process that seals pays it."""
        return CourtSeals(self.settings)
