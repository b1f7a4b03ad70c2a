"""Where a court's case numbers come from (案号的来源). Every 民特 case of a court shares one series per year
(选民资格, 宣告失踪, 实现担保物权 … and 调解协议司法确认 alike; 案号规定 arts. 3, 9, 10), so each court chooses its
``NumberSource``: its case system allocates the number (``http``), it reserves blocks of its series for Jiudi
(``blocks``), or it lets Jiudi own the series (``counter``, the only choice before v1.2).

A source works in two steps. ``reserve`` runs before the claim, outside any transaction, and does what needs the
network; ``take`` runs in the claim's transaction and gives the number, so a claim that rolls back uses none.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod

import httpx
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from confirm.core.clock import utcnow
from confirm.core.config import Settings
from confirm.core.db import transaction
from confirm.law.case_numbers import BLOCKS, HTTP, SPECIAL_PROCEDURE, CaseNumber, NumberBlock, next_from_blocks
from confirm.law.errors import DomainError
from confirm.models import CaseCounter, CaseNumberAllocation, CaseNumberBlock, Court, pk

log = logging.getLogger(__name__)


def allocation_key(application_id: str, type_code: str, serial: int = 1) -> str:
    """The idempotency key for an application's number in one series: asked again, the allocator answers the same.
    ``serial`` tells apart the case's second, third … 民特监 case (objections to its ruling)."""
    return f"{application_id}:{type_code}" if serial == 1 else f"{application_id}:{type_code}:{serial}"


class NumberSource(ABC):
    """One court's supply of case numbers."""

    def reserve(self, engine: Engine, court: Court, *, year: int, type_code: str, application_id: str,
                serial: int = 1) -> None:
        """Before the claim, outside any transaction: whatever must happen over the network. Nothing by default."""
        return None

    @abstractmethod
    def take(self, session: Session, court: Court, *, year: int, type_code: str, application_id: str,
             serial: int = 1) -> CaseNumber:
        """In the claim's transaction: the application's number, unique and without gaps in Jiudi's records."""


def allocate_case_number(session: Session, court: Court, year: int, type_code: str = SPECIAL_PROCEDURE) -> CaseNumber:
    """The next number of Jiudi's own counter for this court, year and type: gapless because it is taken in the
    claim's transaction (a rollback gives it back) and unique because the counter row is updated atomically."""
    dialect = session.get_bind().dialect.name
    values = {"court_id": pk(court), "year": year, "type_code": type_code, "last_sequence": 0}
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(CaseCounter).values(**values)
    session.execute(insert.on_conflict_do_nothing())
    sequence = session.execute(
        sa.update(CaseCounter)
        .where(col(CaseCounter.court_id) == pk(court), col(CaseCounter.year) == year,
               col(CaseCounter.type_code) == type_code)
        .values(last_sequence=col(CaseCounter.last_sequence) + 1)
        .returning(col(CaseCounter.last_sequence))
    ).scalar_one()
    return CaseNumber(year=year, court_code=court.code, sequence=sequence, type_code=type_code)


class CounterSource(NumberSource):
    """Jiudi owns the series (the court agrees that no other case takes its numbers); the year's first number is 1
    unless the administrator set a start (``jiudi court counter-start``)."""

    def take(self, session: Session, court: Court, *, year: int, type_code: str, application_id: str,
             serial: int = 1) -> CaseNumber:
        return allocate_case_number(session, court, year, type_code)


class BlockSource(NumberSource):
    """号段: ranges of the year's series that the court reserved for Jiudi, used in order from the lowest."""

    def __init__(self, warn_below: int) -> None:
        self.warn_below = warn_below

    def take(self, session: Session, court: Court, *, year: int, type_code: str, application_id: str,
             serial: int = 1) -> CaseNumber:
        # every block of the series is locked, so a claim that waited sees what the one before it took
        rows = list(session.exec(select(CaseNumberBlock).where(
            CaseNumberBlock.court_id == pk(court), CaseNumberBlock.year == year, CaseNumberBlock.type_code == type_code,
        ).order_by(col(CaseNumberBlock.first)).with_for_update()))
        chosen = next_from_blocks(NumberBlock(r.first, r.last, r.next) for r in rows)
        if chosen is None:
            raise DomainError("case_number.blocks_exhausted",
                              f"本院{year}年的{type_code}案号段已用完，暂不能立案：请管理员录入法院新分配的号段"
                              f"（jiudi court blocks add）后再领取", 409)
        row = next(r for r in rows if r.first == chosen.first)
        sequence, row.next = row.next, row.next + 1
        session.add(row)
        left = remaining(rows)
        if left < self.warn_below:
            log.warning("case numbers running out: court %s year %s %s has %s left in its blocks", court.code, year,
                        type_code, left)
        return CaseNumber(year=year, court_code=court.code, sequence=sequence, type_code=type_code)


def remaining(blocks: list[CaseNumberBlock]) -> int:
    return sum(max(0, b.last - b.next + 1) for b in blocks)


class HttpSource(NumberSource):
    """The court's case system allocates the number (README "Case numbers from the court's case system").

    ``reserve`` asks it with an idempotency key (the application and series) and records the answer in its own
    short transaction; ``take`` uses the recorded number. Asked again after a timeout or a failed claim, the
    allocator answers with the number it gave the first time, so a number is never skipped and never reused."""

    def __init__(self, url: str | None, token: str | None, timeout: float) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def reserve(self, engine: Engine, court: Court, *, year: int, type_code: str, application_id: str,
                serial: int = 1) -> None:
        key = allocation_key(application_id, type_code, serial)
        with Session(engine) as session:
            if session.get(CaseNumberAllocation, key) is not None:
                return  # allocated before a claim that failed: the next claim uses that number
        number = self._ask(court, year=year, type_code=type_code, key=key, application_id=application_id)
        try:
            with transaction(engine) as session:
                dialect = session.get_bind().dialect.name
                session.execute((postgresql.insert if dialect == "postgresql" else sqlite.insert)(
                    CaseNumberAllocation).values(
                    key=key, application_id=application_id, court_id=pk(court), year=number.year,
                    type_code=type_code, sequence=number.sequence, allocated_at=utcnow(),
                ).on_conflict_do_nothing(index_elements=["key"]))
        except IntegrityError:  # the allocator gave a number Jiudi already holds for another case
            log.error("case allocator reused %s (key %s)", number, key)
            raise DomainError("case_number.allocator_reused",
                              f"法院案件系统分配的案号{number}已用于本系统的另一案件，未予使用；请联系法院信息部门", 502) from None

    def take(self, session: Session, court: Court, *, year: int, type_code: str, application_id: str,
             serial: int = 1) -> CaseNumber:
        row = session.get(CaseNumberAllocation, allocation_key(application_id, type_code, serial))
        if row is None:  # reserve did not run (or the court switched to http in between): nothing was allocated
            raise _unavailable()
        return CaseNumber(year=row.year, court_code=court.code, sequence=row.sequence, type_code=type_code)

    def _ask(self, court: Court, *, year: int, type_code: str, key: str, application_id: str) -> CaseNumber:
        if not self.url:
            raise DomainError("case_number.allocator_not_configured",
                              "本院案号由法院案件系统分配，但未配置其地址（JIUDI_CASE_ALLOCATOR_URL），请联系管理员", 503)
        body = {"idempotency_key": key, "court_code": court.code, "year": year, "type_code": type_code,
                "case_kind": "申请司法确认调解协议", "application_id": application_id}
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = httpx.post(self.url, json=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            log.warning("case allocator unreachable for %s: %s", key, type(exc).__name__)
            raise _unavailable() from exc
        if response.status_code != 200:
            log.warning("case allocator answered %s for %s", response.status_code, key)
            raise _unavailable()
        try:
            number = CaseNumber.parse(str(response.json()["case_number"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise _bad_answer("不是案号") from exc
        if (number.court_code, number.type_code) != (court.code, type_code) or number.year not in (year, year + 1):
            raise _bad_answer(f"{number}不属于本院{year}年的{type_code}案件")
        return number


def _unavailable() -> DomainError:
    return DomainError("case_number.allocator_unavailable",
                       "法院案件系统暂时无法分配案号，本次领取未成功，申请仍在待审查队列中，请稍后再领取", 503)


def _bad_answer(why: str) -> DomainError:
    return DomainError("case_number.allocator_answer", f"法院案件系统返回的案号有误（{why}），未予使用；请联系法院信息部门", 502)


def source_for(settings: Settings, court: Court) -> NumberSource:
    """The court's chosen source (``jiudi court set --case-numbers``)."""
    if court.case_number_source == BLOCKS:
        return BlockSource(settings.case_number_warn_below)
    if court.case_number_source == HTTP:
        return HttpSource(settings.case_allocator_url, settings.case_allocator_token, settings.case_allocator_timeout)
    return CounterSource()
