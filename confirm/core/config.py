"""Configuration: environment variables (and an optional ``.env`` file), read once into an immutable value."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from confirm.core.messaging import MessagingConfig
from confirm.law.follow_up import require_reminder_days


def _read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


REVOCATION_MAX_AGE_LIMIT = 86_400.0  # a day: validation data older than that is not "fresh" in any policy


def require_revocation_max_age(value: float) -> float:
    """``JIUDI_REVOCATION_MAX_AGE``: 0 (no cache) to a day, in seconds (an unbounded age would overflow the
    cache's expiry and fail every seal at run time instead of the start)."""
    if not 0 <= value <= REVOCATION_MAX_AGE_LIMIT:  # NaN and infinity too
        raise ValueError(f"JIUDI_REVOCATION_MAX_AGE must be 0 to {REVOCATION_MAX_AGE_LIMIT:.0f} seconds, not {value}")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything Jiudi needs to know about where it runs (api.md, "Configuration")."""

    data_dir: Path
    database_url: str
    public_base_url: str
    tsa_url: str | None
    signer: str | None
    issuance_in_process: bool = True
    # the in-process worker renders and seals in a child process of its own (core.sealing_process), so that the
    # seal does not wait for the web server's requests (issue 18 item 5); JIUDI_SEALING_PROCESS=0: in its thread
    sealing_process: bool = True
    seal_level: str | None = None  # B-B, B-T, B-LT or B-LTA; default B-LTA in development mode
    # B-LT/B-LTA: the seal and TSA chains' revocation data (OCSP, CRL) is given again to seals for at most this
    # many seconds, never past its nextUpdate; 0: every seal asks the responders (signing.revocation_cache)
    revocation_max_age: float = 300.0
    issuance_lease_seconds: float = 300.0  # a sealing job whose worker died is taken again after this
    party_link_days: int = 7  # how long a party's confirmation link stays usable
    # the obligor's 履行提醒 goes out this many days before each due date (0 to 30; confirm.law.follow_up)
    performance_reminder_days: int = 3
    # e-mail (SMTP) and SMS: with neither configured, development mode keeps messages in its outbox
    messaging: MessagingConfig = field(default_factory=MessagingConfig)
    # Bearer token for GET /metrics; without one, /metrics answers only clients on this machine (loopback, no proxy)
    metrics_token: str | None = field(default=None, repr=False)
    # the reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); none by default:
    # every limit then sees each connection's own address, and a forged header changes nothing
    trusted_proxies: str | None = None
    # the court's case system that allocates 民特 case numbers (courts whose case_number_source is http), its Bearer
    # token and how long one request may take before the claim fails and can be made again
    case_allocator_url: str | None = None
    case_allocator_token: str | None = field(default=None, repr=False)
    case_allocator_timeout: float = 10.0
    # a court's reserved blocks (case_number_source blocks): warn once fewer numbers than this remain in a year
    case_number_warn_below: int = 20
    # where documents are kept: "directory" (data_dir/store) or "database" (PostgreSQL only, shared by every
    # instance); unset: the database on PostgreSQL, the directory on SQLite (core.storage.store_kind)
    document_store: str | None = None
    # where verification look-ups are counted: memory (this process; the default), database (every instance on this
    # database) or a limits storage URI such as redis://host:6379/0 (core.limits.storage_for)
    rate_limit_storage: str | None = None
    # how many server processes share this machine's port (jiudi serve --workers sets it for them): with in-memory
    # limits each process allows its share, so the machine's total stays within the limit
    server_processes: int = 1

    @property
    def dev_mode(self) -> bool:
        """Development keys are generated and used: every seal and page must say so."""
        return self.signer is None

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        env = {**_read_dotenv(Path(".env")), **(environ if environ is not None else os.environ)}
        data_dir = Path(env.get("JIUDI_DATA_DIR") or "./var").resolve()
        database_url = env.get("JIUDI_DATABASE_URL") or f"sqlite:///{data_dir / 'jiudi.sqlite3'}"
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            public_base_url=(env.get("JIUDI_PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
            tsa_url=env.get("JIUDI_TSA_URL") or None,
            signer=env.get("JIUDI_SIGNER") or None,
            issuance_in_process=(env.get("JIUDI_ISSUANCE_IN_PROCESS", "1") != "0"),
            sealing_process=(env.get("JIUDI_SEALING_PROCESS", "1") != "0"),
            seal_level=env.get("JIUDI_SEAL_LEVEL") or None,
            revocation_max_age=require_revocation_max_age(float(env.get("JIUDI_REVOCATION_MAX_AGE") or 300)),
            issuance_lease_seconds=float(env.get("JIUDI_ISSUANCE_LEASE_SECONDS") or 300),
            party_link_days=int(env.get("JIUDI_PARTY_LINK_DAYS") or 7),
            performance_reminder_days=require_reminder_days(int(env.get("JIUDI_PERFORMANCE_REMINDER_DAYS") or 3)),
            messaging=MessagingConfig.from_env(env),
            metrics_token=env.get("JIUDI_METRICS_TOKEN") or None,
            trusted_proxies=env.get("JIUDI_TRUSTED_PROXIES") or None,
            case_allocator_url=env.get("JIUDI_CASE_ALLOCATOR_URL") or None,
            case_allocator_token=env.get("JIUDI_CASE_ALLOCATOR_TOKEN") or None,
            case_allocator_timeout=float(env.get("JIUDI_CASE_ALLOCATOR_TIMEOUT") or 10),
            case_number_warn_below=int(env.get("JIUDI_CASE_NUMBER_WARN_BELOW") or 20),
            document_store=_document_store(env.get("JIUDI_DOCUMENT_STORE") or None, database_url),
            rate_limit_storage=env.get("JIUDI_RATE_LIMIT_STORAGE") or None,
            server_processes=max(1, int(env.get("JIUDI_SERVER_PROCESSES") or 1)),
        )


def _document_store(value: str | None, database_url: str) -> str | None:
    """JIUDI_DOCUMENT_STORE, refused at start when it cannot work (the database store needs PostgreSQL)."""
    if value is None:
        return None
    if value not in ("directory", "database"):
        raise ValueError(f"JIUDI_DOCUMENT_STORE must be directory or database, not {value!r}")
    if value == "database" and database_url.startswith("sqlite"):
        raise ValueError("JIUDI_DOCUMENT_STORE=database needs PostgreSQL (JIUDI_DATABASE_URL); SQLite keeps documents"
                         " in the data directory")
    return value
