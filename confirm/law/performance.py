"""履行 after the ruling (自动履行): who may say an obligation was performed, which answers an obligation still takes,
and when the case is performed in full (the 自动履行证明书 is then sealed).

Pure rules, no I/O. The obligee (权利人) answers for themself: performed (已履行), partly (部分履行), not at all (未履行).
An obligation once performed is closed: a second answer is refused, so the certificate's facts cannot move under it.
The case's mediator may record performance they witnessed, and only with a proof (an uploaded transfer receipt or
a photo). Answers are taken only on a confirming ruling that stands: a rejected case has nothing to perform, a
revoked ruling binds no one.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from confirm.law.errors import DomainError


class PerformanceState(StrEnum):
    """An obligation's ``state`` (api.md v1.1)."""

    PENDING = "pending"
    PERFORMED = "performed"
    PARTLY_PERFORMED = "partly_performed"
    NOT_PERFORMED = "not_performed"

    @property
    def name_zh(self) -> str:
        return {"pending": "待履行", "performed": "已履行", "partly_performed": "部分履行",
                "not_performed": "未履行"}[self.value]


ANSWERS = (PerformanceState.PERFORMED, PerformanceState.PARTLY_PERFORMED, PerformanceState.NOT_PERFORMED)
CLOSED = (PerformanceState.PERFORMED,)
NOTE_MAX = 500


def answer_state(value: str) -> PerformanceState:
    """An answer's state as given: performed, partly_performed or not_performed (422 otherwise)."""
    if value not in {s.value for s in ANSWERS}:
        raise DomainError.for_field("state", "performance.state_unknown",
                                    "履行情况只能是已履行（performed）、部分履行（partly_performed）或未履行（not_performed）")
    return PerformanceState(value)


def require_ruling_in_force(outcome: str | None, revoked: bool) -> None:
    """Performance is followed only under a confirming ruling that stands."""
    if outcome != "confirmed":
        raise DomainError("performance.no_ruling", "法院尚未作出确认调解协议有效的裁定，暂不登记履行情况", 409)
    if revoked:
        raise DomainError("performance.ruling_revoked", "本案裁定已被撤销，不再登记履行情况", 409)


def require_open(current: str) -> None:
    """A performed obligation is closed: no second answer (a mistake is corrected by the court, not by a click)."""
    if current in CLOSED:
        raise DomainError("performance.obligation_closed", "该项义务已登记为已履行，不能重复登记；如有错误请联系法院", 409)


def require_obligee(answerer_party_id: int, obligee_party_id: int) -> None:
    """Only the obligee says whether they received what they were owed."""
    if answerer_party_id != obligee_party_id:
        raise DomainError("performance.not_obligee", "只有该项义务的权利人可以登记履行情况", 403)


def require_obligor(uploader_party_id: int, obligor_party_id: int) -> None:
    """Proof of performance comes from the one who performed."""
    if uploader_party_id != obligor_party_id:
        raise DomainError("performance.not_obligor", "只有该项义务的履行人可以上传履行凭证", 403)


def require_proof_for_witnessed(state: PerformanceState, has_proof: bool) -> None:
    """The mediator records ``performed`` only with a proof on file (a transfer receipt, a photo of the handover)."""
    if state == PerformanceState.PERFORMED and not has_proof:
        raise DomainError.for_field("proof", "performance.proof_required",
                                    "登记为已履行须附履行凭证（转账凭证、交接照片等），请上传或选择已有凭证")


def all_performed(states: Iterable[str]) -> bool:
    """Every obligation of the case is performed (and there is at least one): the certificate can be sealed."""
    states = list(states)
    return bool(states) and all(s == PerformanceState.PERFORMED for s in states)
