"""跨案件风险信号: the false-mediation signals that only show across cases (domain.md §4, 高频次、短周期、低对抗).

The SPC's guidance on false litigation (《最高人民法院关于防范和制裁虚假诉讼的指导意见》, 法发〔2016〕13号, art. 2)
asks judges to watch for parties bound by common interests, for cases without a real dispute, and for agreements
reached quickly; prosecutors found fake confirmations through repeat creditors, shared contacts and one or two
organisations filing most of a court's cases. Each rule here takes the new case's facts and the compact facts of
the other cases the service found by indexed lookups, and returns flags that say why, cite the source and link the
cases they connect. Pure functions, no I/O; thresholds and windows are the court's table (tables/signals.yaml).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from confirm.law.errors import FieldProblem

HIGH, NORMAL = "high", "normal"
SOURCE = "《最高人民法院关于防范和制裁虚假诉讼的指导意见》"
MAX_RELATED = 50  # links kept on one flag: enough to open the pattern, few enough to read
OPEN_STATUSES = ("submitted", "under_review", "returned")  # cases a refresh still reaches: not yet decided

CODES = {
    "repeat_party": "risk.repeat_party",
    "shared_phone": "risk.shared_phone_cases",
    "shared_address": "risk.shared_address_cases",
    "shared_agent": "risk.shared_agent_cases",
    "agent_both_sides": "risk.agent_both_sides",
    "organization_share": "risk.organization_share_jump",
    "mediator_share": "risk.mediator_share_jump",
    "quick_non_performance": "risk.quick_non_performance",
    "third_party_objection": "risk.third_party_objection",
}


@dataclass(frozen=True)
class PartyFacts:
    """What the signals compare of one party: its identity (ID number or credit code) and its contacts."""

    identity: str | None
    name: str
    phone: str | None = None
    address_key: str | None = None
    agent_key: str | None = None
    agent_name: str | None = None


@dataclass(frozen=True)
class CaseFacts:
    """The new case, as the signals see it."""

    id: str
    submitted_on: date
    organization: str
    mediator_name: str
    parties: tuple[PartyFacts, ...]


@dataclass(frozen=True)
class OtherParty:
    """A party of another submitted case that shares an identity, a phone, an address or an agent with the new
    case (the service finds them through the indexes on those columns)."""

    application_id: str
    submitted_on: date
    identity: str | None
    phone: str | None
    address_key: str | None
    agent_key: str | None


@dataclass(frozen=True)
class ShareCounts:
    """The court's submitted cases in the recent window and in the baseline window before it, and one
    organisation's (or mediator's) share of them; ``recent_ids``: that one's recent cases, newest first."""

    court_recent: int
    court_baseline: int
    own_recent: int
    own_baseline: int
    recent_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidates:
    """What the service fetched for the new case."""

    parties: tuple[OtherParty, ...] = ()
    organization: ShareCounts | None = None
    mediator: ShareCounts | None = None
    # of those parties' cases: the ones whose confirmed agreement was reported not (fully) performed soon after the
    # ruling (the step before an execution filing), and the ones a 利害关系人 objected to (Interp. 372)
    quickly_unperformed: frozenset[str] = frozenset()
    objected_by_others: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Signal:
    """A cross-case flag: code, Chinese message with its source, severity, and the cases it connects."""

    code: str
    message: str
    severity: str
    related_application_ids: tuple[str, ...] = field(default_factory=tuple)

    def as_record(self) -> dict[str, Any]:
        """The stored and published form (api.md v1.1 ``risk_flags`` with ``severity``)."""
        return {"code": self.code, "message": self.message, "severity": self.severity,
                "related_application_ids": list(self.related_application_ids)}


_NOT_KEY = re.compile(r"[\s\W_]+", re.UNICODE)


def address_key(address: str | None) -> str | None:
    """An address as compared across cases: full-width folded (NFKC), without blanks or punctuation."""
    if not address:
        return None
    key = _NOT_KEY.sub("", unicodedata.normalize("NFKC", address)).lower()
    return key[:300] or None


def agent_key(agent: Mapping[str, Any] | None) -> str | None:
    """One 委托诉讼代理人 across cases: its category, then the ID number when given, else the name with the unit (a
    name alone is shared by too many people)."""
    if not agent or not agent.get("name"):
        return None
    kind = str(agent.get("kind") or "other")
    if agent.get("id_number"):
        return f"{kind}|id:{str(agent['id_number']).strip().upper()}"[:140]
    name = _NOT_KEY.sub("", unicodedata.normalize("NFKC", str(agent["name"])))
    unit = _NOT_KEY.sub("", unicodedata.normalize("NFKC", str(agent.get("unit") or "")))
    return f"{kind}|nm:{name}|{unit}"[:140]


def _agent_kind(key: str) -> str:
    return key.split("|", 1)[0]


def _within(other: OtherParty, case: CaseFacts, days: int) -> bool:
    return case.submitted_on - timedelta(days=days) <= other.submitted_on <= case.submitted_on


def _ids(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(ids)))[:MAX_RELATED]


def cross_case_signals(case: CaseFacts, candidates: Candidates, table: Mapping[str, Any]) -> list[Signal]:
    """Every cross-case signal that fires for ``case``, in the table's order, each with the cases it connects."""
    rules = table["signals"]
    found: list[Signal] = []
    for name, rule in _RULES.items():
        settings = rules.get(name) or {}
        if settings.get("enabled", True):
            found.extend(rule(case, candidates, settings))
    return found


def _repeat_party(case: CaseFacts, candidates: Candidates, s: Mapping[str, Any]) -> list[Signal]:
    """同一债权人 in many cases: one identity among the applicants of ``min_cases`` cases within the window. Jiudi
    does not record which side is the creditor, so every identified party counts."""
    found = []
    for party in case.parties:
        if not party.identity:
            continue
        others = _ids(o.application_id for o in candidates.parties
                      if o.identity == party.identity and _within(o, case, int(s["window_days"])))
        count = len(others) + 1
        if count >= int(s["min_cases"]):
            severity = HIGH if count >= int(s.get("high_from_cases", 10**9)) else s.get("severity", NORMAL)
            found.append(Signal(
                CODES["repeat_party"],
                f"申请人{party.name}近{s['window_days']}日内在本院共有{count}件司法确认申请（含本件），"
                f"请核实是否存在批量制造债权、虚构借贷等情形（{SOURCE}第二条、第四条）",
                severity, others))
    return found


def _shared(case: CaseFacts, candidates: Candidates, s: Mapping[str, Any], *, attr: str, name: str,
            what: str, min_other_cases: int = 1) -> list[Signal]:
    """A contact of a party of this case that a party with a different identity gave in another case."""
    linked: set[str] = set()
    excluded = set(s.get("exclude_kinds") or ())
    for party in case.parties:
        key = getattr(party, attr)
        if not key or (attr == "agent_key" and _agent_kind(key) in excluded):
            continue
        linked.update(o.application_id for o in candidates.parties
                      if getattr(o, attr) == key and o.application_id != case.id
                      and (o.identity is None or o.identity != party.identity)
                      and _within(o, case, int(s["window_days"])))
    if len(linked) < min_other_cases:
        return []
    return [Signal(CODES[name],
                   f"本案当事人的{what}与其他{len(linked)}件案件中身份不同的当事人相同，请核实当事人之间是否存在"
                   f"关联关系、共同利益关系或由同一人代为操作（{SOURCE}第二条第一项）",
                   s.get("severity", NORMAL), _ids(linked))]


def _shared_phone(case: CaseFacts, candidates: Candidates, s: Mapping[str, Any]) -> list[Signal]:
    return _shared(case, candidates, s, attr="phone", name="shared_phone", what="手机号码")


def _shared_address(case: CaseFacts, candidates: Candidates, s: Mapping[str, Any]) -> list[Signal]:
    return _shared(case, candidates, s, attr="address_key", name="shared_address", what="住址")


def _shared_agent(case: CaseFacts, candidates: Candidates, s: Mapping[str, Any]) -> list[Signal]:
    return _shared(case, candidates, s, attr="agent_key", name="shared_agent", what="委托诉讼代理人",
                   min_other_cases=int(s.get("min_other_cases", 1)))


def _agent_both_sides(case: CaseFacts, _candidates: Candidates, s: Mapping[str, Any]) -> list[Signal]:
    """Two parties of one case, of different identities, through one agent: no one stands for the other side."""
    seen: dict[str, PartyFacts] = {}
    for party in case.parties:
        if not party.agent_key:
            continue
        first = seen.setdefault(party.agent_key, party)
        if first is not party and first.identity != party.identity:
            return [Signal(CODES["agent_both_sides"],
                           f"申请人{first.name}与{party.name}委托同一代理人{party.agent_name or ''}，双方利益可能并不对立，"
                           f"请核实是否存在恶意串通、无实质性民事权益争议的情形（{SOURCE}第二条第一项、第四项）",
                           s.get("severity", NORMAL))]
    return []


def share_jump(counts: ShareCounts, s: Mapping[str, Any]) -> tuple[float, float] | None:
    """(recent share, baseline share) when one's share of the court's cases jumped as the table says, else None."""
    if counts.own_recent < int(s["min_recent_cases"]) or counts.court_recent == 0:
        return None
    if counts.court_recent + counts.court_baseline < int(s["min_court_cases"]):
        return None
    recent = counts.own_recent / counts.court_recent
    baseline = counts.own_baseline / counts.court_baseline if counts.court_baseline else 0.0
    if recent >= float(s["min_share"]) and recent >= float(s["jump_ratio"]) * baseline:
        return recent, baseline
    return None


def _share(counts: ShareCounts | None, s: Mapping[str, Any], *, code: str, who: str) -> list[Signal]:
    jump = share_jump(counts, s) if counts is not None else None
    if counts is None or jump is None:
        return []
    recent, baseline = jump
    return [Signal(code,
                   f"{who}近{s['recent_days']}日提交{counts.own_recent}件，占本院同期司法确认申请的{recent:.0%}，"
                   f"此前{s['baseline_days']}日为{baseline:.0%}，请核实是否存在批量虚假调解"
                   f"（检察机关办案中发现的“高频次、短周期、低对抗”特征；{SOURCE}第二条）",
                   s.get("severity", NORMAL), counts.recent_ids[:MAX_RELATED])]


def _organization_share(case: CaseFacts, candidates: Candidates, s: Mapping[str, Any]) -> list[Signal]:
    return _share(candidates.organization, s, code=CODES["organization_share"], who=f"调解组织{case.organization}")


def _mediator_share(case: CaseFacts, candidates: Candidates, s: Mapping[str, Any]) -> list[Signal]:
    return _share(candidates.mediator, s, code=CODES["mediator_share"], who=f"调解员{case.mediator_name}")


def _cases_of_the_same_party(case: CaseFacts, candidates: Candidates, s: Mapping[str, Any],
                             marked: frozenset[str]) -> list[tuple[PartyFacts, tuple[str, ...]]]:
    """For each identified party of ``case``: its other cases within the window that are in ``marked``, when there
    are at least ``min_cases`` of them."""
    found = []
    for party in case.parties:
        if not party.identity:
            continue
        ids = _ids(o.application_id for o in candidates.parties
                   if o.identity == party.identity and o.application_id in marked
                   and _within(o, case, int(s["window_days"])))
        if len(ids) >= int(s.get("min_cases", 1)):
            found.append((party, ids))
    return found


def unperformed_soon(decided_on: date, reported_on: date, max_days: int) -> bool:
    """Whether non-performance was reported within ``max_days`` court days of the ruling."""
    return reported_on - decided_on <= timedelta(days=max_days)


def _quick_non_performance(case: CaseFacts, candidates: Candidates, s: Mapping[str, Any]) -> list[Signal]:
    """确认后迅速不履行: a party of this case was a party of confirmed cases whose obligee reported non-performance
    within days of the ruling — confirm-then-execute, the pattern behind the fake confirmations prosecutors found (domain.md §4)."""
    return [Signal(CODES["quick_non_performance"],
                   f"当事人{party.name}在近{s['window_days']}日内的{len(ids)}件已确认案件中，裁定作出后"
                   f"{s['max_days']}日内即被报告未履行（可据以申请强制执行），请核实是否存在先确认后执行、"
                   f"借司法确认转移财产或逃避债务等情形（{SOURCE}第二条）",
                   s.get("severity", NORMAL), ids)
            for party, ids in _cases_of_the_same_party(case, candidates, s, candidates.quickly_unperformed)]


def _third_party_objection(case: CaseFacts, candidates: Candidates, s: Mapping[str, Any]) -> list[Signal]:
    """案外人异议: a party of this case was a party of cases that an interested person (利害关系人) objected to as
    harming their rights (Interp. 372)."""
    return [Signal(CODES["third_party_objection"],
                   f"当事人{party.name}在近{s['window_days']}日内的{len(ids)}件司法确认案件曾被利害关系人提出异议，"
                   f"请核实本案调解协议是否损害案外人合法权益（{SOURCE}第二条；"
                   f"《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百七十二条）",
                   s.get("severity", NORMAL), ids)
            for party, ids in _cases_of_the_same_party(case, candidates, s, candidates.objected_by_others)]


_RULES = {
    "repeat_party": _repeat_party,
    "shared_phone": _shared_phone,
    "shared_address": _shared_address,
    "shared_agent": _shared_agent,
    "agent_both_sides": _agent_both_sides,
    "organization_share": _organization_share,
    "mediator_share": _mediator_share,
    "quick_non_performance": _quick_non_performance,
    "third_party_objection": _third_party_objection,
}

# the signals a refresh carries back to the older cases a new one connects to (one agent for both sides is the
# case's own)
LINKING_CODES = frozenset(CODES[n] for n in ("repeat_party", "shared_phone", "shared_address", "shared_agent",
                                              "organization_share", "mediator_share"))


_SHARE_CODES = frozenset((CODES["organization_share"], CODES["mediator_share"]))


def back_link(flags: Sequence[Mapping[str, Any]], signal: Signal, new_id: str) -> list[dict[str, Any]]:
    """An older case's flags once ``new_id`` connects to it by ``signal``: its flag of that code gains the link (or is
    added, with the same explanation), so the judge of either case sees the other."""
    out = [dict(f) for f in flags]
    for flag in out:
        if flag.get("code") == signal.code:
            if signal.code in _SHARE_CODES:  # the older case already shows the jump: it need not list every new case
                return out
            ids = list(flag.get("related_application_ids") or [])
            if new_id not in ids and len(ids) < MAX_RELATED:
                flag["related_application_ids"] = [*ids, new_id]
            if severity_rank(signal.severity) > severity_rank(flag.get("severity")):
                flag["severity"] = signal.severity
            return out
    message = f"后提交的案件与本案存在关联：{signal.message}"
    out.append({"code": signal.code, "message": message, "severity": signal.severity,
                "related_application_ids": [new_id]})
    return out


def severity_rank(severity: object) -> int:
    return 1 if severity == HIGH else 0


def severity_of(code: str, table: Mapping[str, Any]) -> str:
    """The severity the table gives a single-application flag's code (normal when it names none)."""
    return str((table.get("severity") or {}).get(code, NORMAL))


def high_flags(flags: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The flags a confirmation must answer with a reason."""
    return [f for f in flags if f.get("severity") == HIGH]


def risk_reason_problems(*, outcome: str, risk_reason: str, flags: Iterable[Mapping[str, Any]]) -> list[FieldProblem]:
    """A flag never blocks, but confirming over a high flag needs the judge's reason, kept with the decision."""
    high = high_flags(flags)
    if outcome != "confirmed" or not high or risk_reason.strip():
        return []
    codes = "、".join(sorted({str(f.get("code")) for f in high}))
    return [FieldProblem("risk_reason", "decision.risk_reason_required",
                         f"本案有高风险提示（{codes}），确认调解协议有效须写明已核实的情况和理由")]


def merge_table(shipped: Mapping[str, Any], court: Mapping[str, Any] | None) -> dict[str, Any]:
    """The shipped table with a court's overrides (<data_dir>/signals.yaml): key by key within each signal."""
    merged: dict[str, Any] = {**shipped, "signals": {k: dict(v) for k, v in shipped["signals"].items()},
                              "severity": dict(shipped.get("severity") or {})}
    if not court:
        return merged
    for name, settings in (court.get("signals") or {}).items():
        if name not in merged["signals"]:
            raise ValueError(f"signals.yaml: unknown signal {name!r} (known: {sorted(merged['signals'])})")
        merged["signals"][name].update(settings or {})
    merged["severity"].update(court.get("severity") or {})
    for settings in merged["signals"].values():
        if settings.get("severity", NORMAL) not in (HIGH, NORMAL):
            raise ValueError(f"signals.yaml: severity must be high or normal, not {settings['severity']!r}")
    return merged
