"""First start: the database through Alembic, the development PKI, and (in development mode only) the demo court
with its users.

Idempotent: run on every ``jiudi serve`` and by ``jiudi init``. Demo passwords are generated, printed once, and
kept in a 0600 file under the data directory for whoever missed the console. With a configured signer
(production) nothing is created: courts, organisations and users are added with the CLI.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from sqlmodel import select

from confirm.accounts import admin
from confirm.core import migrate
from confirm.core.config import Settings
from confirm.core.db import transaction
from confirm.core.runtime import Runtime
from confirm.core.storage import make_private
from confirm.models import Court, OrgKind, Role

DEMO_COURT_CODE = "渝0241"
DEMO_COURT_NAME = "重庆市秀山土家族苗族自治县人民法院"
DEMO_ORG_NAME = "秀山县中和派出所驻所调解室"


class DemoUser(NamedTuple):
    username: str
    role: Role
    name: str
    organization: str | None = None


DEMO_USERS = (
    DemoUser("mediator", Role.MEDIATOR, "杨调解", DEMO_ORG_NAME),
    DemoUser("judge", Role.JUDGE, "田审判"),
    DemoUser("judge2", Role.JUDGE, "白审判"),
    DemoUser("clerk", Role.CLERK, "吴书记"),
    DemoUser("admin", Role.ADMIN, "系统管理员"),
)


@dataclass(frozen=True)
class InitResult:
    created_demo: bool
    credentials: tuple[tuple[str, str, str], ...]  # username, role, password


def initialize(settings: Settings, *, say: Callable[[str], None] = print) -> tuple[Runtime, InitResult]:
    """Create or upgrade everything the service needs under the data directory; returns the context."""
    # Everything this process creates is its own alone (the SQLite file and its -wal/-shm, the store, keys,
    # backups): files 0600, directories 0700, whatever the umask of the shell or unit that started it.
    os.umask(0o077)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    make_private(settings.data_dir)
    runtime = Runtime(settings)
    migrate.upgrade(runtime.engine)
    # The first use of the seal service generates the development PKI, or checks a configured signer: a
    # misconfigured JIUDI_SIGNER stops the start here, not at the first ruling.
    runtime.seals.trust_roots()
    credentials: list[tuple[str, str, str]] = []
    with transaction(runtime.engine) as session:
        # the demo court and its users exist only in development mode: production starts empty, and its courts and
        # accounts are made on purpose (jiudi court add, org add, user add), never with printed passwords
        created = settings.dev_mode and session.exec(select(Court)).first() is None
        if created:
            admin.add_court(session, DEMO_COURT_CODE, DEMO_COURT_NAME, actor="system:init")
            admin.add_organization(session, DEMO_COURT_CODE, DEMO_ORG_NAME, OrgKind.POLICE_STATION,
                                   actor="system:init")
            for username, role, name, org in DEMO_USERS:
                password = admin.generate_password()
                admin.add_user(session, username, role=role, court_code=DEMO_COURT_CODE, password=password,
                               organization=org, name=name, actor="system:init")
                credentials.append((username, str(role), password))
        courts = [(c.code, c.name) for c in session.exec(select(Court))]
    if settings.dev_mode:
        for code, name in courts:
            runtime.seals.ensure_court(code, name)
    if created:
        _announce(settings, credentials, say)
    return runtime, InitResult(created, tuple(credentials))


def _announce(settings: Settings, credentials: list[tuple[str, str, str]], say: Callable[[str], None]) -> None:
    lines = [
        "",
        "=" * 72,
        f"就地 Jiudi — first start. Demo court {DEMO_COURT_CODE} {DEMO_COURT_NAME}",
        f"Mediation organisation: {DEMO_ORG_NAME}",
        "Demo users (passwords are shown once; development mode only):",
        *[f"  {u:<10} {r:<9} {p}" for u, r, p in credentials],
        "=" * 72,
        "",
    ]
    text = "\n".join(lines)
    say(text)
    if settings.dev_mode:
        path = settings.data_dir / "dev-credentials.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        say(f"(also written to {path}, readable only by you)")
