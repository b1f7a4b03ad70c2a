"""同步审核: the review clocks, the decision's lawful shape, and the false-mediation flags (domain.md §3–4)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from confirm.law.calendar import RestDayCalendar, filing_window
from confirm.law.errors import DomainError, FieldProblem
from confirm.law.inputs import DocumentInput, Paragraphs
from confirm.law.parties import WaiverIn
from confirm.law.tables import risk_table
from templates.texts import load_texts, outcome_grounds

_CHINA = timezone(timedelta(hours=8))  # the court's day (no daylight saving)
ACCEPTANCE_DAYS = 3  # 2011 若干规定 art. 4: decide on acceptance within 3 days of receipt
REVIEW_DAYS = 30  # decide within 30 days of 立案 (extension only with the president's approval)



class Outcome(StrEnum):
    """What the court decides on an application (CPL 206; Interp. 355, 357, 358); the ruling's wording for each
    is in templates/texts/ruling.yaml."""

    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    NOT_ACCEPTED = "not_accepted"
    WITHDRAWAL_PERMITTED = "withdrawal_permitted"
    TREATED_AS_WITHDRAWN = "treated_as_withdrawn"

    @property
    def name_zh(self) -> str:
        """The outcome in a sentence's words, as pages and the public record say it."""
        return _OUTCOME_NAMES[self]

    @property
    def meaning_zh(self) -> str:
        """What the outcome means for whoever holds the ruling (a bank clerk, a party): plain words, with what the
        parties can do next."""
        return self.effect_zh + self.next_steps_zh

    @property
    def effect_zh(self) -> str:
        """What the ruling does to the mediation agreement, without the next steps."""
        return _OUTCOME_EFFECTS[self]

    @property
    def next_steps_zh(self) -> str:
        """What the parties can do next after this outcome, in the law's own words where it has them."""
        return _NEXT_STEPS[self]


_OUTCOME_NAMES = {
    Outcome.CONFIRMED: "确认调解协议有效",
    Outcome.REJECTED: "驳回司法确认申请",
    Outcome.NOT_ACCEPTED: "不予受理",
    Outcome.WITHDRAWAL_PERMITTED: "准许撤回申请",
    Outcome.TREATED_AS_WITHDRAWN: "按撤回申请处理",
}
_OUTCOME_EFFECTS = {
    Outcome.CONFIRMED: "调解协议经法院确认有效。",
    Outcome.REJECTED: "法院驳回了司法确认申请：调解协议未获确认，不能据此申请强制执行。",
    Outcome.NOT_ACCEPTED: "法院对该申请不予受理：调解协议未经司法确认，不能据此申请强制执行。",
    Outcome.WITHDRAWAL_PERMITTED: "法院准许撤回司法确认申请：调解协议未经司法确认，不能据此申请强制执行。",
    Outcome.TREATED_AS_WITHDRAWN: "法院按撤回申请处理：调解协议未经司法确认，不能据此申请强制执行。",
}
# CPL 206: after a confirmation, enforcement; after a rejection, a changed or new agreement through mediation, or
# a lawsuit (an application not accepted leaves the parties where a rejection does: no confirmed agreement)
_CHANGE_OR_SUE = "当事人可以通过调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼"
_NEXT_STEPS = {
    Outcome.CONFIRMED: "一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请执行（民事诉讼法第二百零六条）。",
    Outcome.REJECTED: f"{_CHANGE_OR_SUE}（民事诉讼法第二百零六条）。",
    Outcome.NOT_ACCEPTED: f"{_CHANGE_OR_SUE}。",
    # 人民调解法 32: a dispute over a mediation agreement's performance or content may be taken to court
    Outcome.WITHDRAWAL_PERMITTED: "当事人之间就调解协议的履行或者调解协议的内容发生争议的，一方当事人可以向人民法院提起诉讼（人民调解法第三十二条）。",
    Outcome.TREATED_AS_WITHDRAWN: "当事人之间就调解协议的履行或者调解协议的内容发生争议的，一方当事人可以向人民法院提起诉讼（人民调解法第三十二条）。",
}
OUTCOMES: tuple[Outcome, ...] = tuple(Outcome)
# the rulings whose facts state how the court verified the agreement with the parties (ruling.yaml's {verification})
OUTCOMES_STATING_VERIFICATION = (Outcome.CONFIRMED, Outcome.REJECTED)
OUTCOMES_NEEDING_GROUNDS = (Outcome.REJECTED, Outcome.NOT_ACCEPTED)


def grounds_for(outcome: str) -> dict[str, str]:
    """The grounds (事由) an outcome may be given with, code → label: Interp. 355 for not accepting, 358 for
    rejecting (the lists and their wording are the court's, in templates/texts/grounds.yaml)."""
    return outcome_grounds(outcome)


def grounds_by_article(outcome: str, only: frozenset[str] | None = None) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The grounds of an outcome as the decision form lists them, grouped by article of the 2022 Interpretation:
    [("《民诉法解释》第三百五十八条", [(code, "第一项", label), …]), …]; ``only`` keeps those ground lists alone."""
    return [(f"《民诉法解释》{article}", [(g.code, g.item, g.label) for g in grounds])
            for article, grounds in load_texts().outcome_ground_groups(outcome)
            if only is None or any(g.group in only for g in grounds)]


def ground_labels(outcome: str, grounds: list[str]) -> list[str]:
    """The Chinese labels of the grounds a judge chose, in the order chosen (a code no longer on the court's list
    is shown as it was stored, never dropped)."""
    labels = grounds_for(outcome)
    return [labels.get(ground, ground) for ground in grounds]


def acceptance_deadline(submitted_on: date) -> date:
    """Last day to decide on acceptance (the 3-day clock)."""
    return submitted_on + timedelta(days=ACCEPTANCE_DAYS)


def review_deadline(accepted_on: date) -> date:
    """Last day to decide after 立案 (the 30-day clock)."""
    return accepted_on + timedelta(days=REVIEW_DAYS)


class JointVerificationIn(BaseModel):
    """核实: how the court verified the agreement with both parties present together (在线诉讼规则 3).

    Not 验真 (checking a sealed document, ``confirm.verification``): the JSON field keeps the contract's name
    ``verification``."""

    model_config = ConfigDict(extra="forbid")
    method: Literal["video", "in_person"]
    at: datetime


class WithdrawalIn(BaseModel):
    """准许撤回申请: which applicants asked the court to withdraw and on which day (Interp. 357 ¶1), as the judge
    records it from the written request or the 笔录. The ruling states it."""

    model_config = ConfigDict(extra="forbid")
    party_ids: list[int] = Field(min_length=1, max_length=50)
    on: date

    def as_record(self) -> dict[str, object]:
        """The stored form (``decisions.withdrawal``)."""
        return {"party_ids": list(self.party_ids), "on": self.on.isoformat()}


class DecisionIn(DocumentInput):
    """The body of ``POST /api/v1/applications/{id}/decision``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    outcome: Outcome
    grounds: list[str] = Field(default_factory=list, max_length=10)
    reasoning: Paragraphs = Field(default="", max_length=20_000)
    verification: JointVerificationIn | None = None
    # for a party that could not confirm through Jiudi: why, and how it confirmed at the joint verification
    waivers: list[WaiverIn] = Field(default_factory=list, max_length=50)
    # v1.2: required for withdrawal_permitted (who asked to withdraw, and when)
    withdrawal: WithdrawalIn | None = None
    # an extension (README "Cross-case signals"): why the court confirms over a high risk flag
    risk_reason: Paragraphs = Field(default="", max_length=2000)


def withdrawal_problems(decision: DecisionIn, *, party_ids: Collection[int] | None, submitted_on: date,
                        today: date) -> list[FieldProblem]:
    """Interp. 357 ¶1: 准许撤回 states who asked to withdraw and when; the applicants named must be this case's and
    the day between the application and today."""
    if decision.outcome != Outcome.WITHDRAWAL_PERMITTED:
        return []
    withdrawal = decision.withdrawal
    if withdrawal is None:
        return [FieldProblem("withdrawal", "decision.withdrawal_required",
                             "准许撤回申请须记录哪位申请人于何日向本院申请撤回（书面申请或笔录记载的日期）")]
    problems = []
    if party_ids is not None and not set(withdrawal.party_ids) <= set(party_ids):
        problems.append(FieldProblem("withdrawal.party_ids", "decision.withdrawal_unknown_party",
                                     "申请撤回的当事人不是本案申请人"))
    if not submitted_on <= withdrawal.on <= today:
        problems.append(FieldProblem("withdrawal.on", "decision.withdrawal_date",
                                     f"申请撤回的日期应在申请日（{submitted_on.isoformat()}）与今天之间"))
    return problems


def china_day(moment: datetime) -> date:
    """The day in China of an aware moment (a naive one is taken as China's)."""
    return moment.astimezone(_CHINA).date() if moment.tzinfo else moment.date()


def check_decision(decision: DecisionIn, *, submitted_at: datetime, now: datetime,
                   allowed_grounds: dict[str, str] | None = None,
                   party_ids: Collection[int] | None = None) -> list[FieldProblem]:
    """CPL 206, Interp. 355/357/358: grounds fit the outcome, 'other' is explained, a confirmation was verified,
    a withdrawal names who withdrew and when (``party_ids``: the application's parties, when known).

    ``allowed_grounds`` defaults to the court's list for the outcome (``grounds_for``)."""
    if allowed_grounds is None:
        allowed_grounds = grounds_for(decision.outcome)
    problems: list[FieldProblem] = []
    if decision.outcome in OUTCOMES_NEEDING_GROUNDS and not decision.grounds:
        problems.append(FieldProblem("grounds", "decision.grounds_required", "驳回或不予受理须至少选择一项理由"))
    for index, ground in enumerate(decision.grounds):
        if ground not in allowed_grounds:
            problems.append(
                FieldProblem(f"grounds[{index}]", "decision.ground_not_allowed", f"理由“{ground}”不适用于所选裁定结果")
            )
    if len(set(decision.grounds)) != len(decision.grounds):
        problems.append(FieldProblem("grounds", "decision.duplicate_ground", "理由不能重复选择"))
    if "other" in decision.grounds and not decision.reasoning:
        problems.append(FieldProblem("reasoning", "decision.reasoning_required", "选择“其他情形”时须写明具体理由"))
    if decision.outcome == "confirmed" and decision.verification is None:
        problems.append(
            FieldProblem("verification", "decision.verification_required", "确认调解协议有效前须记录双方当事人共同到场（或在线）核实的情况")
        )
    if decision.verification is not None:  # printed on the ruling whatever the outcome, so it must be plausible
        at = decision.verification.at
        if at.tzinfo is None:
            problems.append(FieldProblem("verification.at", "decision.verification_time_zone", "核实时间须带时区"))
        elif at > now + timedelta(minutes=5):
            problems.append(FieldProblem("verification.at", "decision.verification_in_future", "核实时间不能晚于现在"))
        elif at < submitted_at - timedelta(days=1):
            problems.append(
                FieldProblem("verification.at", "decision.verification_before_application", "核实时间不能早于申请提交时间")
            )
    problems.extend(withdrawal_problems(decision, party_ids=party_ids, submitted_on=china_day(submitted_at),
                                        today=china_day(now)))
    return problems


def require_lawful_decision(decision: DecisionIn, *, submitted_at: datetime, now: datetime,
                            party_ids: Collection[int] | None = None) -> None:
    """Raise one 422 error naming every problem with the decision."""
    problems = check_decision(decision, submitted_at=submitted_at, now=now, party_ids=party_ids)
    if problems:
        raise DomainError.from_problems(problems)


@dataclass(frozen=True)
class RiskFlag:
    """Advice to the judge (domain.md §4); never an automatic decision."""

    code: str
    message: str


def risk_flags(
    *,
    dispute_type: str,
    amount: Decimal | None,
    concluded_on: date,
    submitted_on: date,
    organization_recent_count: int,
    parties_with_same_address: bool,
    parties_with_same_phone: bool = False,
) -> list[RiskFlag]:
    """The false-mediation signals (高频次、短周期、低对抗) that fire for one application, each saying why."""
    table = risk_table()
    flags: list[RiskFlag] = []
    if (why := table["high_risk_dispute_types"].get(dispute_type)) is not None:
        flags.append(RiskFlag("risk.high_risk_type", why))
    if organization_recent_count > table["organization_monthly_volume"]:
        flags.append(
            RiskFlag(
                "risk.high_frequency",
                f"该调解组织近30日已提交{organization_recent_count}件司法确认申请，超过{table['organization_monthly_volume']}件",
            )
        )
    if amount is not None and amount >= table["large_amount"] and concluded_on == submitted_on:
        flags.append(RiskFlag("risk.short_cycle_large_amount", f"标的额{amount}元，调解当日即申请确认，请注意审查"))
    if parties_with_same_address:
        flags.append(RiskFlag("risk.same_address", "双方当事人住址相同，请核实是否存在利害关系或低对抗情形"))
    if parties_with_same_phone:  # the one-time codes of "different" parties reach one phone
        flags.append(RiskFlag("risk.shared_phone",
                              "不同申请人留存了同一手机号码，本人确认的验证码将发往同一号码，请核实是否由一人代为确认"))
    return flags



CALENDAR_NOT_COVERED = "法定节假日安排未录入，期限仅按周末顺延计算，请核对"


def filing_window_flags(*, concluded_on: date, submitted_on: date, calendar: RestDayCalendar) -> list[RiskFlag]:
    """An application after the 30-day window (CPL 205, 85) is the judge's to weigh: CPL 86 allows 顺延 for good
    cause. And a last day counted without the State Council's arrangement for its year is said to be unsure."""
    window = filing_window(concluded_on, calendar)
    flags: list[RiskFlag] = []
    if submitted_on > window.last_day:
        flags.append(RiskFlag(
            "risk.late_application",
            f"超过申请期限：调解协议自{concluded_on.isoformat()}生效，申请期限至{window.last_day.isoformat()}（含当日），"
            f"本件于{submitted_on.isoformat()}提交；是否有正当理由准许顺延，由审判员依民事诉讼法第八十六条决定",
        ))
    if not window.covered:
        flags.append(RiskFlag("risk.calendar_not_covered",
                              f"申请期限{window.last_day.isoformat()}：{CALENDAR_NOT_COVERED}"))
    return flags
