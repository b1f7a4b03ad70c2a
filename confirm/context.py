"""The running service's shared parts, made once per process: settings, database, store, seals, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.engine import Engine

from confirm.config import Settings
from confirm.db import make_engine
from confirm.events import EventBus
from confirm.storage import DocumentStore
from confirm.tokens import load_or_create_secret


@dataclass
class Jiudi:
    settings: Settings
    engine: Engine = field(init=False)
    store: DocumentStore = field(init=False)
    bus: EventBus = field(default_factory=EventBus)
    worker: Any = None  # the in-process IssuanceWorker, when this process runs one

    def __post_init__(self) -> None:
        self.engine = make_engine(self.settings.database_url)
        self.store = DocumentStore(self.settings.store_dir)

    @cached_property
    def secret(self) -> bytes:
        return load_or_create_secret(self.settings.data_dir / "keys" / "app-secret")

    @cached_property
    def audit_key(self):  # type: ignore[no-untyped-def]
        from confirm.audit import load_or_create_audit_key

        return load_or_create_audit_key(self.settings.data_dir / "keys" / "audit-key.pem")

    @cached_property
    def seals(self):  # type: ignore[no-untyped-def]
        from confirm.seals import SealService

        return SealService(self.settings)
