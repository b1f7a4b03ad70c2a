"""限期补正: returning a case for supplement with a deadline the judge sets (Interp. 354 ¶2, 356 ¶2), and closing it
by 按撤回申请处理 when the deadline passes without a supplement (Interp. 357 ¶2). Pure rules, no I/O.

A returned case stays with the court and its judge: it is never lost in a state nobody can leave. Its resubmission
is the same application (the 30-day filing window was met by the first one, and the application date stays)."""

from __future__ import annotations

from datetime import date, timedelta

from confirm.law.errors import DomainError
from confirm.law.lifecycle import Status
from confirm.law.review import OUTCOMES, Outcome

MAX_SUPPLEMENT_DAYS = 30  # a deadline further out would outrun the 30-day review period (CPL 187)


def require_supplement_deadline(deadline: date | None, *, today: date) -> date:
    """The deadline to supplement a page gives: after today, and within MAX_SUPPLEMENT_DAYS."""
    if deadline is None:
        raise DomainError.for_field("deadline", "application.supplement_deadline_required",
                                    "请指定补正期限（申请人须在该日前补充）")
    if deadline <= today:
        raise DomainError.for_field("deadline", "application.supplement_deadline_invalid",
                                    "补正期限应晚于今天")
    if deadline > today + timedelta(days=MAX_SUPPLEMENT_DAYS):
        raise DomainError.for_field("deadline", "application.supplement_deadline_invalid",
                                    f"补正期限不宜超过{MAX_SUPPLEMENT_DAYS}日，以免超出审查期限")
    return deadline


def deadline_passed(status: str, supplement_deadline: date | None, *, today: date) -> bool:
    """Whether a returned case's recorded deadline has passed (the day itself still belongs to the parties)."""
    return status == Status.RETURNED and supplement_deadline is not None and today > supplement_deadline


def outcomes_open(status: str) -> list[Outcome]:
    """The outcomes a decision may take in ``status``: on a returned case only 按撤回申请处理 (once its deadline
    passed); under review the others, since 按撤回申请处理 needs a deadline to supplement that passed."""
    if status == Status.RETURNED:
        return [Outcome.TREATED_AS_WITHDRAWN]
    return [o for o in OUTCOMES if o != Outcome.TREATED_AS_WITHDRAWN]


def require_decidable(status: str, outcome: str, *, supplement_deadline: date | None, today: date) -> None:
    """按撤回申请处理 only on a returned case whose recorded deadline has passed; a returned case takes no other
    decision until it is supplemented (409, in Chinese, with a stable code)."""
    if status == Status.RETURNED:
        if outcome != Outcome.TREATED_AS_WITHDRAWN:
            raise DomainError("decision.case_returned", "该案已退回补正：补正后再作出裁定；补正期限届满仍未补正的，"
                              "可以裁定按撤回申请处理", 409)
        if supplement_deadline is None:
            raise DomainError("decision.no_supplement_deadline", "退回补正时未指定补正期限，不能裁定按撤回申请处理", 409)
        if not deadline_passed(status, supplement_deadline, today=today):
            raise DomainError("decision.supplement_deadline_not_passed",
                              f"补正期限（{supplement_deadline.isoformat()}）尚未届满，不能裁定按撤回申请处理", 409)
    elif outcome == Outcome.TREATED_AS_WITHDRAWN:
        raise DomainError("decision.no_supplement_deadline", "按撤回申请处理须先退回补正并指定期限，期限届满仍未补正的"
                          "方可裁定（民诉法解释第三百五十七条第二款）", 409)
