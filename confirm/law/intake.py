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
    FOREIGN_DOCUMENTS,
    ID_DOCUMENTS,
    age_on,
    credit_code_problem,
    document_facts,
    document_problem,
    email_problem,
    id_number_problem,
    normalize_document_number,
    phone_problem,
)
from confirm.law.inputs import DocumentInput, Paragraphs
from confirm.law.obligations import MAX_OBLIGATIONS, ObligationIn
from confirm.law.obligations import check as check_obligations
from confirm.law.tables import common_dispute_types, ethnicities, inadmissible_grounds

LATE_APPLICATION_SETTINGS = ("flag", "block")  # a court's choice: CPL 86 lets the judge extend for good cause
REQUIRED_DOCUMENT_KINDS = ("agreement", "joint_application")  # Interp. 354: 申请书 and 调解协议
DOCUMENT_KINDS = ("agreement", "joint_application", "identity", "evidence")
_AMOUNT = re.compile(r"^\d{1,13}(\.\d{1,2})?$")


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# CPL 61 ¶2: who may be a 委托诉讼代理人 — a lawyer or a basic-level legal service worker; a close relative or an
# employee of the party; a citizen recommended by the party's community, unit or a social organisation
AGENT_KINDS: dict[str, str] = {
    "lawyer": "律师",
    "legal_worker": "基层法律服务工作者",
    "relative": "近亲属",
    "employee": "工作人员",
    "recommended": "社区、单位或有关社会团体推荐的公民",
}
REPRESENTATIVE_ROLES: dict[str, str] = {"legal_representative": "法定代表人", "principal": "负责人"}
ADULT_AGE = 18  # CPL 60 / 民法典 17–18: under 18 a person acts through a 法定代理人 (a minor of 16 living on their
# own earnings counts as of full capacity: the judge may record that as a 法定代理人 of "本人" — not modelled)


class AgentIn(_Input):
    """委托诉讼代理人 (CPL 61; Interp. 351: a party may apply through an agent)."""

    name: str = Field(max_length=100)
    id_number: str | None = Field(default=None, max_length=32)
    authorization: str | None = Field(default=None, max_length=200)  # free text as before (v1.0); printed when
    # no kind is given
    kind: Literal["lawyer", "legal_worker", "relative", "employee", "recommended"] | None = None
    unit: str | None = Field(default=None, max_length=200)  # 律师事务所, 法律服务所, the employer or recommender
    relation: str | None = Field(default=None, max_length=50)  # a relative's relation to the party, e.g. 儿子


class GuardianIn(_Input):
    """法定代理人 of a party under 18 or without full capacity (CPL 60)."""

    name: str = Field(max_length=100)
    relation: str = Field(max_length=50)  # to the party, e.g. 父亲, 母亲, 监护人


def is_minor(birth_date: date, on: date) -> bool:
    """Whether a person born on ``birth_date`` is under 18 on ``on`` (民法典 17; CPL 60)."""
    return age_on(birth_date, on) < ADULT_AGE


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
    ethnicity: str | None = Field(default=None, max_length=20)  # one of the 56 (tables/ethnicities.yaml)
    occupation: str | None = Field(default=None, max_length=100)  # 职业或工作单位, printed when given
    agent: AgentIn | None = None
    # v1.2 (README "Party block"): the identity document, for a person; the contract's id_number is its number
    id_type: str = Field(default="resident_id", max_length=40)
    nationality: str | None = Field(default=None, max_length=50)  # a foreigner's 国籍, printed instead of 民族
    sex: Literal["男", "女"] | None = None  # for a document that does not carry it
    birth_date: date | None = None  # for a document that does not carry it
    representative_role: Literal["legal_representative", "principal"] = "legal_representative"
    representative_title: str | None = Field(default=None, max_length=50)  # 职务
    without_capacity: bool = False  # declared without full capacity (CPL 60): a 法定代理人 is then required
    guardian: GuardianIn | None = None


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
    # v1.1 (api.md "Obligations and performance"): the agreement's obligations as data; optional
    obligations: list[ObligationIn] = Field(default_factory=list, max_length=MAX_OBLIGATIONS)


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
        problems.extend(_person_problems(where, party, today=today))
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
        # 职务 ([规范]: 法定代表人（负责人） with 职务 on its own line) is asked for by the mediator's form; an API
        # client of the v1.0 contract, whose body has no 职务, still files: the ruling then prints the name alone
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
            problems.append(FieldProblem(f"{where}.agent.id_number", code, f"委托诉讼代理人：{message}"))
    if party.agent is not None:
        problems.extend(_agent_problems(f"{where}.agent", party.agent))
    return problems


def _person_problems(where: str, party: PartyIn, *, today: date) -> list[FieldProblem]:
    """A natural person: the identity document and its number, what the ruling prints (民族 or 国籍, sex and birth
    date), and a 法定代理人 for a minor or a person without full capacity (CPL 60)."""
    problems: list[FieldProblem] = []
    document = ID_DOCUMENTS.get(party.id_type)
    if document is None:
        return [FieldProblem(f"{where}.id_type", "party.id_type_unknown",
                             "证件类型应为：" + "、".join(ID_DOCUMENTS.values()))]
    facts, number_ok = None, False
    if not party.id_number:
        code = "party.id_number_required" if party.id_type == "resident_id" else "party.id_document_required"
        name = "公民身份号码" if party.id_type == "resident_id" else f"{document}号码"
        problems.append(FieldProblem(f"{where}.id_number", code, f"请填写{name}"))
    elif (bad := document_problem(party.id_type, party.id_number, today=today)) is not None:
        problems.append(FieldProblem(f"{where}.id_number", *bad))
    else:
        facts, number_ok = document_facts(party.id_type, party.id_number), True
    foreign = party.id_type in FOREIGN_DOCUMENTS
    if foreign and not party.nationality:
        problems.append(FieldProblem(f"{where}.nationality", "party.nationality_required", f"持{document}的当事人请填写国籍"))
    if not foreign:
        if not party.ethnicity:  # [规范]: 民族 is printed for a person and cannot be read from any document number
            problems.append(FieldProblem(f"{where}.ethnicity", "party.ethnicity_required", "请选择当事人的民族"))
        elif party.ethnicity not in ethnicities():
            problems.append(FieldProblem(f"{where}.ethnicity", "party.ethnicity_unknown",
                                         f"“{party.ethnicity}”不是56个民族的名称之一，请从列表中选择（如“汉族”）"))
    born = facts.birth_date if facts else party.birth_date
    if number_ok and facts is None:  # a valid number that does not say when the holder was born, nor the sex
        if party.birth_date is None:
            problems.append(FieldProblem(f"{where}.birth_date", "party.birth_date_required",
                                         f"{document}号码不含出生日期，请填写出生日期"))
        elif party.birth_date > today:
            problems.append(FieldProblem(f"{where}.birth_date", "party.birth_date_future", "出生日期不能晚于今天"))
        if party.sex is None:
            problems.append(FieldProblem(f"{where}.sex", "party.sex_required", f"{document}号码不含性别，请选择性别"))
    minor = born is not None and born <= today and is_minor(born, today)
    if (minor or party.without_capacity) and party.guardian is None:
        why = f"未满{ADULT_AGE}周岁" if minor else "无民事行为能力或限制民事行为能力"
        problems.append(FieldProblem(f"{where}.guardian", "party.guardian_required",
                                     f"{party.name or '该当事人'}{why}，须由法定代理人代为申请，请填写法定代理人"))
    if party.guardian is not None and not (party.guardian.name and party.guardian.relation):
        problems.append(FieldProblem(f"{where}.guardian", "party.guardian_incomplete", "请填写法定代理人的姓名及与当事人的关系"))
    return problems


def _agent_problems(where: str, agent: AgentIn) -> list[FieldProblem]:
    """CPL 61 ¶2: the agent's category says what the ruling prints of them: the unit (律师事务所 …) or the
    relation to the party."""
    if agent.kind is None:
        return []  # a v1.0 client: the free-text authorization is printed as given
    if agent.kind == "relative" and not agent.relation:
        return [FieldProblem(f"{where}.relation", "party.agent_relation_required", "委托诉讼代理人为近亲属的，请填写与当事人的关系")]
    if agent.kind != "relative" and not agent.unit:
        return [FieldProblem(f"{where}.unit", "party.agent_unit_required",
                             f"委托诉讼代理人为{AGENT_KINDS[agent.kind]}的，请填写其所在单位（律师事务所、法律服务所或单位名称）")]
    return []


def party_identity(party: PartyIn) -> str:
    """What makes two parties the same legal person: the ID number or the credit code."""
    if party.kind == "person":
        prefix = "P:" if party.id_type == "resident_id" else f"P:{party.id_type}:"
        return prefix + normalize_document_number(party.id_number or "")
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
        if key in seen and not key.endswith(":"):
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
    problems.extend(check_obligations(body.obligations, party_count=len(body.parties), text=body.agreement.text,
                                      agreement_date=body.mediation.concluded_on))
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
