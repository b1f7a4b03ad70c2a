"""Revoking a ruling (撤销裁定, after an objection, Interp. 372): who may do it, and what the public is told.

The judge's own reason is free text and stays with the court's staff; the public verification page and JSON, which
anyone holding the QR code reads, say only one of the sentences below, chosen by the judge: a reason typed freely
once published ID numbers, phone numbers and names.
"""

from __future__ import annotations

from confirm.law.errors import DomainError

PUBLIC_REASONS = {
    "objection_upheld": "经异议审查，原裁定已依法撤销",
    "changed_by_new_ruling": "原裁定已由本院新的裁定变更",
    "revoked": "原裁定已依法撤销",
}
DEFAULT_PUBLIC_REASON = "revoked"

DECIDING_JUDGE = "deciding_judge"  # only the judge who decided (the default)
ANY_JUDGE = "any_judge"  # any judge of the court
REVOCATION_SETTINGS = (DECIDING_JUDGE, ANY_JUDGE)


def public_reason_text(code: str | None) -> str:
    return PUBLIC_REASONS.get(code or DEFAULT_PUBLIC_REASON, PUBLIC_REASONS[DEFAULT_PUBLIC_REASON])


def require_public_reason(code: str | None) -> str:
    """The code of a public reason (the default when none is given); a field error for an unknown one."""
    code = code or DEFAULT_PUBLIC_REASON
    if code not in PUBLIC_REASONS:
        raise DomainError.for_field("public_reason", "ruling.public_reason_unknown",
                                    "公开说明应从列表中选择：" + "、".join(PUBLIC_REASONS))
    return code


def require_may_revoke(setting: str, *, is_judge: bool, is_deciding_judge: bool) -> None:
    """Administration is not adjudication: only a judge revokes, and by default only the judge who decided."""
    if not is_judge:
        raise DomainError("auth.forbidden", "只有本院审判员可以撤销裁定", 403)
    if setting != ANY_JUDGE and not is_deciding_judge:
        raise DomainError("ruling.not_deciding_judge", "只有作出该裁定的审判员可以撤销（本院设置）", 403)
