"""Fill a Jiudi database with N verifiable rulings, fast, for the verification load test (issue 18).

Each ruling is a whole public record as verification reads it: an issued application with its case number, two
parties, the judge's decision and the ruling row whose token and check code are derived from the data directory's
secret exactly as issuance derives them — so ``GET /api/v1/verify/{token}`` and ``/v/{token}`` answer 200 for
each. No PDF is sealed (verification by token never opens one). Bulk inserts: executemany in large transactions
on SQLite, COPY on PostgreSQL. Writes a sample of tokens, spread over the whole range, for bench/verify_load.py.

    JIUDI_DATA_DIR=/tmp/vs/sqlite python bench/fill_rulings.py --count 1000000 --tokens /tmp/vs/sqlite/tokens.txt
    JIUDI_DATA_DIR=/tmp/vs/pg JIUDI_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/jiudi_bench \\
        python bench/fill_rulings.py --count 1000000 --tokens /tmp/vs/pg/tokens.txt
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import select  # noqa: E402

from confirm.bootstrap import initialize  # noqa: E402
from confirm.core.config import Settings  # noqa: E402
from confirm.core.db import is_postgresql, transaction  # noqa: E402
from confirm.core.verify_codes import CHECK_ALPHABET, CHECK_LENGTH, check_code_for, digest, token_for  # noqa: E402
from confirm.models import Court, Organization, Ruling, User  # noqa: E402

BATCH = 20_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


NAMES = [s + g1 + g2 for s in SURNAMES for g1 in GIVEN for g2 in GIVEN]


def token_and_code_hashes(secret: bytes, nonce: str) -> tuple[str, str, str]:
    """``verify_codes.token_for`` and the check code's hash with the C HMAC (``hmac.digest``): the same values
    (``fill`` checks them against the service's own functions), several times faster."""
    mac = hmac.digest(secret, b"verify-token|" + nonce.encode(), "sha256")
    token = base64.urlsafe_b64encode(mac[:24]).decode().rstrip("=")
    value = int.from_bytes(hmac.digest(secret, b"check-code|" + nonce.encode(), "sha256")[:8], "big")
    chars = []
    for _ in range(CHECK_LENGTH):
        value, index = divmod(value, len(CHECK_ALPHABET))
        chars.append(CHECK_ALPHABET[index])
    code = "".join(chars)
    return token, _sha(token), _sha(f"{code[:5]}-{code[5:]}")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


COLUMNS = {
    "applications": ("id", "status", "court_id", "organization_id", "created_by", "dispute_type",
                     "mediation_concluded_on", "mediation_place", "mediator_name", "agreement_text", "agreement_amount",
                     "case_number", "submitted_at", "registered_at", "accepted_at", "claimed_by", "risk_flags",
                     "created_at", "updated_at"),
    "parties": ("application_id", "position", "kind", "name", "id_type", "without_capacity", "representative_role"),
    "decisions": ("application_id", "outcome", "grounds", "reasoning", "judge_id", "clerk_id", "decided_at",
                  "party_waivers"),
    "rulings": ("application_id", "outcome", "token_nonce", "token_hash", "check_code_hash", "sha256", "size",
                "signer", "signer_cert_sha256", "level", "issued_at"),
}


def rows_for(first: int, count: int, ids: dict[str, int], secret: bytes, rng: random.Random,
             tokens: list[str], postgres: bool) -> dict[str, list[tuple[Any, ...]]]:
    """``count`` rulings from serial ``first``: the rows of each table (``COLUMNS``), as verification reads them,
    in the values the driver takes (SQLite: times as SQLAlchemy stores them, UTC text)."""
    out: dict[str, list[tuple[Any, ...]]] = {name: [] for name in COLUMNS}
    applications, parties, decisions, rulings = (out[n] for n in COLUMNS)
    base = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)
    concluded = date(2026, 1, 1) if postgres else "2026-01-01"
    for n in range(first, first + count):
        app_id = os.urandom(16).hex()
        moment = base + timedelta(seconds=n * 20)
        at: Any = moment if postgres else moment.strftime("%Y-%m-%d %H:%M:%S.000000")
        applications.append((app_id, "issued", ids["court"], ids["org"], ids["mediator"], "买卖合同纠纷", concluded,
                             "人民调解委员会调解室", "调解员", "双方自愿达成如下协议。", "5000.00",
                             f"（{moment.year}）渝0242民特{n + 1}号", at, at, at, ids["judge"], "[]", at, at))
        parties.append((app_id, 0, "person", rng.choice(NAMES), "resident_id", False, "legal_representative"))
        parties.append((app_id, 1, "person", rng.choice(NAMES), "resident_id", False, "legal_representative"))
        decisions.append((app_id, "confirmed", "[]", "", ids["judge"], ids["clerk"], at, "[]"))
        nonce = os.urandom(16).hex()
        token, token_hash, check_code_hash = token_and_code_hashes(secret, nonce)
        if rng.random() < 0.01:
            tokens.append(token)
        rulings.append((app_id, "confirmed", nonce, token_hash, check_code_hash, os.urandom(32).hex(), 80_000,
                        "CN=重庆市秀山土家族苗族自治县人民法院 (DEV)", "0" * 64, "B-LTA", at))
    return out


def _copy(raw: Any, name: str, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL's COPY: the fastest bulk load there is."""
    with raw.cursor() as cursor, cursor.copy(f"COPY {name} ({', '.join(COLUMNS[name])}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _executemany(raw: Any, name: str, rows: list[tuple[Any, ...]]) -> None:
    """sqlite3's executemany with the values as stored: no per-row work in SQLAlchemy."""
    columns = COLUMNS[name]
    raw.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)


def fill(settings: Settings, count: int, tokens_path: Path | None, seed: int = 18) -> None:
    runtime, _ = initialize(settings, say=lambda _t: None)
    engine = runtime.engine
    with transaction(engine) as s:
        court = s.exec(select(Court)).first()
        assert court is not None, "no court: fill a development data directory (jiudi init)"
        users = {u.username: u.id for u in s.exec(select(User))}
        org = s.exec(select(Organization)).first()
        already = s.execute(sa.select(sa.func.count()).select_from(Ruling)).scalar_one()
    nonce = "0" * 32  # the fast derivation gives the service's own token and check code, or nothing is written
    assert token_and_code_hashes(runtime.secret, nonce) == (
        token_for(runtime.secret, nonce), digest(token_for(runtime.secret, nonce)),
        digest(check_code_for(runtime.secret, nonce)))
    ids = {"court": court.id, "org": org.id if org else 0, "mediator": users["mediator"], "judge": users["judge"],
           "clerk": users.get("clerk", users["judge"])}
    rng = random.Random(seed)
    tokens: list[str] = []
    started = time.monotonic()
    postgres = is_postgresql(engine)
    for first in range(already, already + count, BATCH):
        batch = rows_for(first, min(BATCH, already + count - first), ids, runtime.secret, rng, tokens, postgres)
        with engine.begin() as conn:
            for name in COLUMNS:
                (_copy if postgres else _executemany)(conn.connection.driver_connection, name, batch[name])
        done = first + len(batch["rulings"]) - already
        print(f"\r{done:>9} rulings  {done / (time.monotonic() - started):,.0f}/s", end="", flush=True)
    if postgres:  # the state of a database whose rows are not all new: hint bits set, statistics and visibility
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:  # map made (no autovacuum
            for name in COLUMNS:                                                         # in the middle of a run)
                conn.exec_driver_sql(f"VACUUM ANALYZE {name}")
    print(f"\n{count} rulings in {time.monotonic() - started:.0f} s")
    if tokens_path is not None:
        tokens_path.write_text("\n".join(tokens) + "\n")
        print(f"{len(tokens)} tokens for the load test in {tokens_path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--tokens", type=Path, help="write a 1 % sample of the tokens here (bench/verify_load.py)")
    args = parser.parse_args()
    fill(Settings.from_env(), args.count, args.tokens)


if __name__ == "__main__":
    main()
