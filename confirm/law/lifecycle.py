"""The statuses of an application and which transitions the law and the workflow allow (api.md)."""

from __future__ import annotations

from enum import StrEnum

from confirm.law.errors import DomainError


class Status(StrEnum):
    DRAFT = "draft"  # 草稿: the mediator is still filling it in
    SUBMITTED = "submitted"  # 已提交: waiting in the court's review queue
    UNDER_REVIEW = "under_review"  # 审查中: a judge has claimed it (收案, case number allocated; 受理 is its own act)
    ISSUED = "issued"  # 已出具: the sealed ruling exists
    SERVED = "served"  # 已送达: every party has been served
    RETURNED = "returned"  # 退回补正: sent back for correction
    WITHDRAWN = "withdrawn"  # 已撤回


class Action(StrEnum):
    EDIT = "edit"
    UPLOAD = "upload"
    REMOVE_DOCUMENT = "remove_document"  # take back a wrong upload before the court has the application
    SUBMIT = "submit"
    CLAIM = "claim"
    ACCEPT = "accept"  # 受理 (the claim registered the case: 收案, its number)
    RELEASE = "release"
    RETURN = "return"
    DECIDE = "decide"
    ISSUE = "issue"
    SERVE = "serve"
    VOID_SERVICE = "void_service"
    WITHDRAW = "withdraw"


# from status -> actions allowed in it
_ALLOWED: dict[Status, frozenset[Action]] = {
    Status.DRAFT: frozenset({Action.EDIT, Action.UPLOAD, Action.REMOVE_DOCUMENT, Action.SUBMIT, Action.WITHDRAW}),
    # returned: the mediator supplements it; once the deadline passed unsupplemented, its judge may decide
    # (按撤回申请处理 only: confirm.law.supplement)
    Status.RETURNED: frozenset({Action.EDIT, Action.UPLOAD, Action.REMOVE_DOCUMENT, Action.SUBMIT, Action.WITHDRAW,
                                Action.DECIDE}),
    Status.SUBMITTED: frozenset({Action.CLAIM, Action.WITHDRAW}),
    Status.UNDER_REVIEW: frozenset({Action.ACCEPT, Action.RELEASE, Action.RETURN, Action.DECIDE, Action.ISSUE}),
    Status.ISSUED: frozenset({Action.SERVE, Action.VOID_SERVICE}),
    Status.SERVED: frozenset({Action.VOID_SERVICE}),
    Status.WITHDRAWN: frozenset(),
}

_STATUS_NAMES = {
    Status.DRAFT: "草稿",
    Status.SUBMITTED: "已提交待审查",
    Status.UNDER_REVIEW: "审查中",
    Status.ISSUED: "裁定书已出具",
    Status.SERVED: "已送达",
    Status.RETURNED: "已退回补正",
    Status.WITHDRAWN: "已撤回",
}

_ACTION_NAMES = {
    Action.EDIT: "修改申请",
    Action.UPLOAD: "上传材料",
    Action.REMOVE_DOCUMENT: "删除材料",
    Action.SUBMIT: "提交申请",
    Action.CLAIM: "领取审查",
    Action.ACCEPT: "受理",
    Action.RELEASE: "放弃领取",
    Action.RETURN: "退回补正",
    Action.DECIDE: "作出裁定",
    Action.ISSUE: "出具裁定书",
    Action.SERVE: "登记送达",
    Action.VOID_SERVICE: "作废送达记录",
    Action.WITHDRAW: "撤回申请",
}


def status_name(status: str) -> str:
    """The Chinese name of a status, for pages and messages."""
    return _STATUS_NAMES[Status(status)]


def is_allowed(status: str, action: Action) -> bool:
    """Whether ``action`` is allowed in ``status`` (a page offers only what would succeed)."""
    return action in _ALLOWED[Status(status)]


def require_allowed(status: str, action: Action) -> None:
    """Raise 409 ``application.invalid_state`` when ``action`` is not allowed in ``status``."""
    current = Status(status)
    if action not in _ALLOWED[current]:
        raise DomainError(
            "application.invalid_state",
            f"申请当前状态为“{_STATUS_NAMES[current]}”，不能{_ACTION_NAMES[action]}",
            409,
        )
