"""The cross-case signals' queries: the few indexed lookups that give the pure rules (``confirm.law.signals``) the
facts of the other cases, and the refresh that links the older open cases a new one connects to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from confirm.core.clock import CHINA, china_time
from confirm.law.signals import (
    LINKING_CODES,
    OPEN_STATUSES,
    Candidates,
    CaseFacts,
    OtherParty,
    PartyFacts,
    ShareCounts,
    Signal,
    address_key,
    agent_key,
    back_link,
    cross_case_signals,
    share_jump,
)
from confirm.models import Application, Organization, Party


def _start_of(day: date) -> datetime:
    """The first moment of a day in China, as stored (UTC)."""
    return datetime.combine(day, time(), tzinfo=CHINA)


def keyed_parties(session: Session, parties: Sequence[Party]) -> list[PartyFacts]:
    """Set each party's address and agent keys (what the indexes hold) and give the facts the rules compare."""
    facts = []
    for party in parties:
        party.address_key, party.agent_key = address_key(party.address), agent_key(party.agent)
        session.add(party)
        facts.append(PartyFacts(identity=party.id_number or party.credit_code, name=party.name, phone=party.phone,
                                address_key=party.address_key, agent_key=party.agent_key,
                                agent_name=(party.agent or {}).get("name")))
    return facts


def _other_parties(session: Session, app: Application, parties: Sequence[PartyFacts], today: date,
                   rules: Mapping[str, Any]) -> tuple[OtherParty, ...]:
    """Parties of the court's other cases sharing an identity, a phone, an address or an agent with ``parties``,
    each within its own signal's window: one query, each arm on its own index."""
    def since(name: str) -> Any:
        return col(Application.submitted_at) >= _start_of(today - timedelta(days=int(rules[name]["window_days"])))

    arms = []
    identities = sorted({p.identity for p in parties if p.identity})
    if identities and rules["repeat_party"].get("enabled", True):
        arms.append(sa.and_(sa.or_(col(Party.id_number).in_(identities), col(Party.credit_code).in_(identities)),
                            since("repeat_party")))
    for column, name, values in ((Party.phone, "shared_phone", {p.phone for p in parties}),
                                 (Party.address_key, "shared_address", {p.address_key for p in parties}),
                                 (Party.agent_key, "shared_agent", {p.agent_key for p in parties})):
        if values - {None} and rules[name].get("enabled", True):
            arms.append(sa.and_(col(column).in_(sorted(values - {None})), since(name)))
    if not arms:
        return ()
    rows = session.execute(
        sa.select(*(col(c) for c in (Party.application_id, Application.submitted_at, Party.id_number,
                                     Party.credit_code, Party.phone, Party.address_key, Party.agent_key)))
        .join(Application, col(Application.id) == col(Party.application_id))
        .where(sa.or_(*arms), col(Application.court_id) == app.court_id, col(Application.id) != app.id)
    ).all()
    return tuple(OtherParty(application_id=r[0], submitted_on=china_time(r[1]).date(), identity=r[2] or r[3],
                            phone=r[4], address_key=r[5], agent_key=r[6])
                 for r in rows)


def _share_counts(session: Session, app: Application, today: date, settings: Mapping[str, Any],
                  own: Any) -> ShareCounts | None:
    """The court's submissions in the recent and baseline windows, and ``own``'s (a condition on Application);
    the recent case ids only when the share jumped."""
    if not settings.get("enabled", True):
        return None
    recent_from = _start_of(today - timedelta(days=int(settings["recent_days"])))
    baseline_from = _start_of(today - timedelta(days=int(settings["recent_days"]) + int(settings["baseline_days"])))

    def count(*where: Any) -> int:
        return int(session.exec(select(sa.func.count()).select_from(Application).where(*where)).one())

    court = col(Application.court_id) == app.court_id
    submitted = col(Application.submitted_at)
    counts = ShareCounts(court_recent=count(court, submitted >= recent_from) + 1,  # this case counts too
                         court_baseline=count(court, submitted >= baseline_from, submitted < recent_from),
                         own_recent=count(own, submitted >= recent_from, col(Application.id) != app.id) + 1,
                         own_baseline=count(own, submitted >= baseline_from, submitted < recent_from))
    if share_jump(counts, settings) is None:
        return counts
    ids = session.exec(select(Application.id).where(own, submitted >= recent_from, col(Application.id) != app.id)
                       .order_by(submitted.desc()).limit(50)).all()
    return ShareCounts(counts.court_recent, counts.court_baseline, counts.own_recent, counts.own_baseline, tuple(ids))


def signals_for(session: Session, app: Application, parties: Sequence[Party], *, today: date,
                table: Mapping[str, Any]) -> list[Signal]:
    """The cross-case signals of ``app`` as submitted ``today`` (the rules' windows count back from it)."""
    facts = keyed_parties(session, parties)
    rules = table["signals"]
    organization = session.get(Organization, app.organization_id)
    candidates = Candidates(
        parties=_other_parties(session, app, facts, today, rules),
        organization=_share_counts(session, app, today, rules["organization_share"],
                                   col(Application.organization_id) == app.organization_id),
        mediator=_share_counts(session, app, today, rules["mediator_share"],
                               sa.and_(col(Application.court_id) == app.court_id,
                                       col(Application.mediator_name) == app.mediator_name)),
    )
    case = CaseFacts(id=app.id, submitted_on=today, organization=organization.name if organization else "",
                     mediator_name=app.mediator_name, parties=tuple(facts))
    return cross_case_signals(case, candidates, table)


def link_back(session: Session, app: Application, signals: Sequence[Signal]) -> list[str]:
    """The refresh: each older open case a signal connects to gets the link to ``app`` on its flag of that code.
    Returns the ids changed."""
    targets: dict[str, list[Signal]] = {}
    for signal in signals:
        if signal.code in LINKING_CODES:
            for other_id in signal.related_application_ids:
                targets.setdefault(other_id, []).append(signal)
    if not targets:
        return []
    changed = []
    for other in session.exec(select(Application).where(col(Application.id).in_(sorted(targets)),
                                                        col(Application.status).in_(OPEN_STATUSES))):
        flags = list(other.risk_flags)
        for signal in targets[other.id]:
            flags = back_link(flags, signal, app.id)
        if flags != other.risk_flags:  # a case already linked is not written again
            other.risk_flags = flags
            session.add(other)
            changed.append(other.id)
    return changed
