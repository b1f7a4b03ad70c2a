"""收案 and 受理: registering an application (the case number, 案号规定 arts. 9–10) is not accepting it.

Interp. 355 ¶1: an application with one of the listed defects is not accepted (不予受理) — a decision made before
acceptance. Interp. 355 ¶2: when the court finds such a defect after it accepted the application, it rejects it
(驳回申请) instead, with wording of its own. The 2011 rules (art. 4) give the court three days from receipt to
decide on acceptance; on-the-spot confirmation accepts and decides at once, so a decision on the merits made
before an explicit acceptance records the acceptance with it. Pure rules, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from confirm.law.errors import FieldProblem
from confirm.law.review import Outcome

# the ground list of Interp. 355 (grounds.yaml): not accepted before acceptance, rejected under ¶2 after it
ADMISSIBILITY_GROUNDS = "interp_355"


def accepted_by_decision(outcome: str, *, accepted: bool) -> bool:
    """Whether deciding ``outcome`` records the acceptance (受理) at the decision: every outcome but 不予受理 is a
    decision on an accepted case, and a case not yet accepted is accepted by it (当场受理、当场裁定)."""
    return not accepted and outcome != Outcome.NOT_ACCEPTED


def outcomes_before_or_after(outcomes: Sequence[Outcome], *, accepted: bool) -> list[Outcome]:
    """Of ``outcomes``, those open given whether the case was accepted: 不予受理 only before acceptance."""
    return [o for o in outcomes if not (accepted and o == Outcome.NOT_ACCEPTED)]


def ground_groups_open(outcome: str, *, accepted: bool) -> frozenset[str] | None:
    """The ground lists an outcome may draw on now; None when the outcome's own lists all apply. A rejection
    under Interp. 355 ¶2 needs an acceptance first (before it, the same defect is 不予受理)."""
    if outcome == Outcome.REJECTED and not accepted:
        return frozenset({"interp_358"})
    return None


def check_acceptance(outcome: str, grounds: Sequence[str], *, accepted_on: date | None,
                     ground_groups: Mapping[str, str]) -> list[FieldProblem]:
    """The decision fits the case's acceptance: 不予受理 only before it; a rejection for a 355 defect only after
    it, and then on those grounds alone (the agreement's content is not reviewed once the case must go).

    ``ground_groups`` maps each ground code to its list (``grounds.yaml``: interp_355, interp_358)."""
    problems: list[FieldProblem] = []
    admissibility = [g for g in grounds if ground_groups.get(g) == ADMISSIBILITY_GROUNDS]
    if outcome == Outcome.NOT_ACCEPTED and accepted_on is not None:
        problems.append(FieldProblem(
            "outcome", "decision.already_accepted",
            f"本案已于{accepted_on.isoformat()}受理，不能再裁定不予受理；受理后发现不予受理情形的，应当裁定驳回申请"
            "（民诉法解释第三百五十五条第二款）"))
    if outcome == Outcome.REJECTED and admissibility:
        if accepted_on is None:
            problems.append(FieldProblem(
                "grounds", "decision.not_yet_accepted",
                "本案尚未受理：存在民诉法解释第三百五十五条第一款情形的，应当裁定不予受理；受理后发现的，方裁定驳回申请"))
        elif len(admissibility) != len(grounds):
            problems.append(FieldProblem(
                "grounds", "decision.grounds_mixed",
                "受理后发现不予受理情形的，仅以该情形驳回申请（民诉法解释第三百五十五条第二款），不再同时以调解协议内容"
                "（第三百五十八条）为由"))
    return problems
