"""就地申请: what a joint application must hold before the court may look at it.

CPL 205 (joint application within 30 days), Interp. 351/354/355 (parties, materials, inadmissible matters).
The input models are plain pydantic values; the checks are pure functions that return every problem at once.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from confirm.law.admissibility import inadmissible_ground
from confirm.law.calendar import RestDayCalendar, filing_deadline
from confirm.law.errors import DomainError, FieldProblem
from confirm.law.identity import (
    credit_code_problem,
    email_problem,
    id_number_problem,
    normalize_id_number,
    phone_problem,
)
from confirm.law.inputs import DocumentInput, Paragraphs
from confirm.law.tables import common_dispute_types, inadmissible_grounds

LATE_APPLICATION_SETTINGS = ("flag", "block")  # a court's choice: CPL 86 lets the judge extend for good cause
REQUIRED_DOCUMENT_KINDS = ("agreement", "joint_application")  # Interp. 354: 申请书 and 调解协议
DOCUMENT_KINDS = ("agreement", "joint_application", "identity", "evidence")
_AMOUNT = re.compile(r"^\d{1,13}(\.\d{1,2})?$")


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AgentIn(_Input):
    """委托代理人 (Interp. 351: a party may apply through an agent)."""

    name: str = Field(max_length=100)
    id_number: str | None = Field(default=None, max_length=32)
    authorization: str | None = Field(default=None, max_length=200)


class PartyIn(_Input):
    """申请人: every party applies jointly; there is no respondent."""

    kind: Literal["person", "organization"]
    name: str = Field(max_length=200)
    id_number: str | None = Field(default=None, max_length=32)
    credit_code: str | None = Field(default=None, max_length=32)
    representative: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)  # optional: where the party may also get messages
    address: str | None = Field(default=None, max_length=300)
    ethnicity: str | None = Field(default=None, max_length=20)
    occupation: str | None = Field(default=None, max_length=100)
    agent: AgentIn | None = None


class MediationIn(_Input):
    concluded_on: date
    place: str = Field(max_length=200)
    mediator_name: str = Field(max_length=100)


class AgreementIn(_Input):
    text: Paragraphs = Field(max_length=100_000)
    amount: str | None = Field(default=None, max_length=20)


class ApplicationIn(_Input, DocumentInput):
    """The body of ``POST /api/v1/applications`` (api.md)."""

    court_code: str = Field(max_length=20)
    dispute_type: str = Field(max_length=100)
    parties: list[PartyIn] = Field(max_length=50)
    mediation: MediationIn
    agreement: AgreementIn


def late_application_message(concluded_on: date, last_day: date) -> str:
    """What the mediator or the judge reads about an application after the window (CPL 205, 85)."""
    return f"已超过申请期限：调解协议自{concluded_on.isoformat()}生效，应在{last_day.isoformat()}前（含当日）申请司法确认"


def check_filing_window(concluded_on: date, *, today: date, calendar: RestDayCalendar,
                        late_applications: str) -> FieldProblem | None:
    """CPL 205: apply within 30 days of the agreement taking effect, the last day moved past rest days (CPL 85);
    an agreement cannot take effect in the future. A late application is refused only where the court set
    ``block``; with ``flag`` it is stored and the judge decides whether there was good cause (CPL 86)."""
    if concluded_on > today:
        return FieldProblem("mediation.concluded_on", "application.future_date", "调解协议生效日期不能晚于今天")
    last_day = filing_deadline(concluded_on, calendar)
    if today > last_day and late_applications == "block":
        return FieldProblem("mediation.concluded_on", "application.deadline_passed",
                            late_application_message(concluded_on, last_day))
    return None


def check_dispute_type(dispute_type: str) -> FieldProblem | None:
    """Interp. 355 (3)-(5): identity relations, other special procedures and property-right determinations, by
    meaning (解除婚姻关系 as 离婚纠纷); a suggested type of the pick-list is never refused."""
    if not dispute_type:
        return FieldProblem("dispute_type", "application.dispute_type_required", "请填写纠纷类型（案由）")
    ground = inadmissible_ground(dispute_type, inadmissible_grounds(), admissible=common_dispute_types())
    if ground is not None:
        return FieldProblem("dispute_type", f"application.inadmissible.{ground.code}", ground.reason)
    return None


def _party_problems(index: int, party: PartyIn, *, today: date) -> list[FieldProblem]:
    where = f"parties[{index}]"
    problems: list[FieldProblem] = []
    if not party.name:
        problems.append(FieldProblem(f"{where}.name", "party.name_required", "请填写当事人姓名或名称"))
    if party.kind == "person":
        if not party.id_number:
            problems.append(FieldProblem(f"{where}.id_number", "party.id_number_required", "请填写公民身份号码"))
        elif (bad := id_number_problem(party.id_number, today=today)) is not None:
            problems.append(FieldProblem(f"{where}.id_number", *bad))
    else:
        if not party.credit_code:
            problems.append(
                FieldProblem(f"{where}.credit_code", "party.credit_code_required", "请填写统一社会信用代码")
            )
        elif (bad := credit_code_problem(party.credit_code)) is not None:
            problems.append(FieldProblem(f"{where}.credit_code", *bad))
        if not party.representative:
            problems.append(
                FieldProblem(f"{where}.representative", "party.representative_required", "请填写法定代表人或负责人")
            )
    if not party.phone:
        problems.append(FieldProblem(f"{where}.phone", "party.phone_required", "请填写联系电话"))
    elif (bad := phone_problem(party.phone)) is not None:
        problems.append(FieldProblem(f"{where}.phone", *bad))
    if party.email and (bad := email_problem(party.email)) is not None:
        problems.append(FieldProblem(f"{where}.email", *bad))
    if not party.address:
        problems.append(FieldProblem(f"{where}.address", "party.address_required", "请填写住所地址"))
    if party.agent is not None and party.agent.id_number:
        if (bad := id_number_problem(party.agent.id_number, today=today)) is not None:
            code, message = bad
            problems.append(FieldProblem(f"{where}.agent.id_number", code, f"委托代理人：{message}"))
    return problems


def party_identity(party: PartyIn) -> str:
    """What makes two parties the same legal person: the ID number or the credit code."""
    if party.kind == "person":
        return "P:" + normalize_id_number(party.id_number or "")
    return "O:" + (party.credit_code or "").strip().upper()


def check_parties(parties: list[PartyIn], *, today: date) -> list[FieldProblem]:
    """CPL 205 / Interp. 351: a joint application of at least two distinct parties, each identified."""
    problems: list[FieldProblem] = []
    if len(parties) < 2:
        problems.append(
            FieldProblem("parties", "application.parties_too_few", "司法确认须由调解协议双方当事人共同申请，至少两名申请人")
        )
    seen: dict[str, int] = {}
    for index, party in enumerate(parties):
        problems.extend(_party_problems(index, party, today=today))
        key = party_identity(party)
        if key in seen and len(key) > 2:
            problems.append(
                FieldProblem(
                    f"parties[{index}]",
                    "application.duplicate_party",
                    f"第{index + 1}名申请人与第{seen[key] + 1}名申请人是同一人，双方当事人应为不同主体",
                )
            )
        seen.setdefault(key, index)
    return problems


def check_application(body: ApplicationIn, *, today: date, calendar: RestDayCalendar,
                      late_applications: str) -> list[FieldProblem]:
    """Every problem with an application's content, in a stable order; empty when it may be stored."""
    problems: list[FieldProblem] = []
    if (bad := check_dispute_type(body.dispute_type)) is not None:
        problems.append(bad)
    problems.extend(check_parties(body.parties, today=today))
    if (bad := check_filing_window(body.mediation.concluded_on, today=today, calendar=calendar,
                                   late_applications=late_applications)) is not None:
        problems.append(bad)
    if not body.mediation.place:
        problems.append(FieldProblem("mediation.place", "mediation.place_required", "请填写调解地点"))
    if not body.mediation.mediator_name:
        problems.append(FieldProblem("mediation.mediator_name", "mediation.mediator_required", "请填写调解员姓名"))
    if not body.agreement.text:
        problems.append(FieldProblem("agreement.text", "agreement.text_required", "请填写调解协议内容"))
    if body.agreement.amount is not None and not _AMOUNT.match(body.agreement.amount):
        problems.append(
            FieldProblem("agreement.amount", "agreement.amount_format", "金额应为数字，最多两位小数，例如 12000.00")
        )
    return problems


def require_valid_application(body: ApplicationIn, *, today: date, calendar: RestDayCalendar,
                              late_applications: str) -> None:
    """Raise one 422 error naming every problem, or return when the application may be stored."""
    problems = check_application(body, today=today, calendar=calendar, late_applications=late_applications)
    if problems:
        raise DomainError.from_problems(problems)


def check_required_documents(kinds_present: set[str]) -> list[FieldProblem]:
    """Interp. 354: the application (申请书) and the mediation agreement must be filed."""
    names = {"agreement": "调解协议", "joint_application": "司法确认申请书"}
    return [
        FieldProblem("documents", f"application.missing_document.{kind}", f"缺少必需材料：{names[kind]}")
        for kind in REQUIRED_DOCUMENT_KINDS
        if kind not in kinds_present
    ]
