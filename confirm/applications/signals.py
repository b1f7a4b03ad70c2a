"""The cross-case signals' queries: the few indexed lookups that give the pure rules (``confirm.law.signals``) the
facts of the other cases, and the refresh that links the older open cases a new one connects to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlmodel import Session, col, select

from confirm.core.clock import CHINA, as_utc, china_time
from confirm.law.execution import UNPERFORMED
from confirm.law.objections import ObjectorKind
from confirm.law.review import Outcome
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
    unperformed_soon,
)
from confirm.models import Application, Decision, Objection, Organization, Party, PerformanceAnswer


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
    each within its own signal's window: one lookup per key (a UNION ALL), each on its own index of parties."""
    columns = (Party.application_id, Application.submitted_at, Party.id_number, Party.credit_code, Party.phone,
               Party.address_key, Party.agent_key)

    def lookup(name: str, condition: Any) -> Any:
        since = _start_of(today - timedelta(days=int(rules[name]["window_days"])))
        return (sa.select(*(col(c) for c in columns))
                .join(Application, col(Application.id) == col(Party.application_id))
                .where(condition, col(Application.court_id) == app.court_id, col(Application.id) != app.id,
                       col(Application.submitted_at) >= since))

    lookups = []
    identities = sorted({p.identity for p in parties if p.identity})
    if identities and rules["repeat_party"].get("enabled", True):
        lookups += [lookup("repeat_party", col(Party.id_number).in_(identities)),
                    lookup("repeat_party", col(Party.credit_code).in_(identities))]
    for name in ("quick_non_performance", "third_party_objection"):  # the same party's earlier cases, in their windows
        if identities and rules[name].get("enabled", True):
            lookups += [lookup(name, col(Party.id_number).in_(identities)),
                        lookup(name, col(Party.credit_code).in_(identities))]
    for column, name, values in ((Party.phone, "shared_phone", {p.phone for p in parties}),
                                 (Party.address_key, "shared_address", {p.address_key for p in parties}),
                                 (Party.agent_key, "shared_agent", {p.agent_key for p in parties})):
        if values - {None} and rules[name].get("enabled", True):
            lookups.append(lookup(name, col(column).in_(sorted(v for v in values if v))))
    if not lookups:
        return ()
    rows = session.execute(sa.union_all(*lookups)).all()
    return tuple(OtherParty(application_id=r[0], submitted_on=china_time(r[1]).date(), identity=r[2] or r[3],
                            phone=r[4], address_key=r[5], agent_key=r[6])
                 for r in set(rows))


# the baseline windows' counts, per database (an Engine; gone with it) — see _share_counts
_PAST_COUNTS: WeakKeyDictionary[Any, dict[tuple[str, str, datetime, datetime], int]] = WeakKeyDictionary()


def _share_counts(session: Session, app: Application, today: date, settings: Mapping[str, Any], own: Any,
                  court_counts: dict[tuple[datetime, datetime], tuple[int, int]]) -> ShareCounts | None:
    """The court's submissions in the recent and baseline windows, and ``own``'s (a condition on Application), each
    with this case; the recent case ids only when the share jumped. Counts run on the indexes alone; the court's
    are shared between the organisation's and the mediator's signals (``court_counts``)."""
    if not settings.get("enabled", True):
        return None
    recent_from = _start_of(today - timedelta(days=int(settings["recent_days"])))
    baseline_from = _start_of(today - timedelta(days=int(settings["recent_days"]) + int(settings["baseline_days"])))
    submitted = col(Application.submitted_at)
    # a resubmitted case keeps its first submission, already counted
    this = 0 if app.submitted_at is not None and as_utc(app.submitted_at) >= recent_from else 1

    def count(*where: Any) -> int:
        return int(session.exec(select(sa.func.count()).select_from(Application).where(*where)).one())

    def past(name: str, condition: Any) -> int:
        """A count in the baseline window, which ends 30 days ago: it does not change during the day, so each
        process counts it once a day (per database)."""
        cache = _PAST_COUNTS.setdefault(session.get_bind(), {})
        key = (name, str(condition.compile(compile_kwargs={"literal_binds": True})), baseline_from, recent_from)
        if key not in cache:
            if len(cache) > 10_000:
                cache.clear()
            cache[key] = count(condition, submitted >= baseline_from, submitted < recent_from)
        return cache[key]

    if (recent_from, baseline_from) not in court_counts:
        court = col(Application.court_id) == app.court_id
        court_counts[recent_from, baseline_from] = (count(court, submitted >= recent_from), past("court", court))
    court_recent, court_baseline = court_counts[recent_from, baseline_from]
    counts = ShareCounts(court_recent=court_recent + this, court_baseline=court_baseline,
                         own_recent=count(own, submitted >= recent_from) + this, own_baseline=past("own", own))
    if share_jump(counts, settings) is None:
        return counts
    ids = session.exec(select(Application.id).where(own, submitted >= recent_from, col(Application.id) != app.id)
                       .order_by(submitted.desc()).limit(50)).all()
    return ShareCounts(counts.court_recent, counts.court_baseline, counts.own_recent, counts.own_baseline, tuple(ids))


def _marked_cases(session: Session, ids: Sequence[str], rules: Mapping[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """Of the other cases found: those whose confirmed agreement was reported not (fully) performed soon after the
    ruling, and those a 利害关系人 objected to."""
    if not ids:
        return frozenset(), frozenset()
    quick: set[str] = set()
    if rules["quick_non_performance"].get("enabled", True):
        rows = session.execute(
            sa.select(col(PerformanceAnswer.application_id), col(PerformanceAnswer.answered_at), col(Decision.decided_at))
            .join(Decision, col(Decision.application_id) == col(PerformanceAnswer.application_id))
            .where(col(PerformanceAnswer.application_id).in_(ids), col(Decision.outcome) == Outcome.CONFIRMED.value,
                   col(PerformanceAnswer.state).in_(UNPERFORMED))).all()
        quick = {a for a, answered, decided in rows
                 if unperformed_soon(china_time(decided).date(), china_time(answered).date(),
                                     int(rules["quick_non_performance"]["max_days"]))}
    objected: set[str] = set()
    if rules["third_party_objection"].get("enabled", True):
        objected = set(session.exec(select(Objection.application_id).where(
            col(Objection.application_id).in_(ids),
            col(Objection.objector_kind) == ObjectorKind.INTERESTED_PERSON.value)).all())
    return frozenset(quick), frozenset(objected)


def signals_for(session: Session, app: Application, parties: Sequence[Party], *, today: date,
                table: Mapping[str, Any]) -> list[Signal]:
    """The cross-case signals of ``app`` as submitted ``today`` (the rules' windows count back from it)."""
    facts = keyed_parties(session, parties)
    rules = table["signals"]
    organization = session.get(Organization, app.organization_id)
    court_counts: dict[tuple[datetime, datetime], tuple[int, int]] = {}
    others = _other_parties(session, app, facts, today, rules)
    quickly_unperformed, objected_by_others = _marked_cases(session, sorted({o.application_id for o in others}), rules)
    candidates = Candidates(
        parties=others, quickly_unperformed=quickly_unperformed, objected_by_others=objected_by_others,
        organization=_share_counts(session, app, today, rules["organization_share"],
                                   col(Application.organization_id) == app.organization_id, court_counts),
        mediator=_share_counts(session, app, today, rules["mediator_share"],
                               sa.and_(col(Application.court_id) == app.court_id,
                                       col(Application.mediator_name) == app.mediator_name), court_counts),
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
