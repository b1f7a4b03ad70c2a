"""Courts, mediation organisations and users: the administrator's operations (CLI now, admin pages later)."""

from __future__ import annotations

import re
import secrets

from sqlmodel import Session, col, select

from confirm.accounts.auth import hash_password, password_problem
from confirm.core import audit
from confirm.core.clock import china_today
from confirm.law.case_numbers import (
    NUMBER_SOURCES,
    SPECIAL_PROCEDURE,
    SPECIAL_SUPERVISION,
    CaseNumber,
    NumberBlock,
    block_problem,
    counter_start_problem,
)
from confirm.law.courts import court_name_problem
from confirm.law.errors import DomainError
from confirm.law.intake import LATE_APPLICATION_SETTINGS
from confirm.law.parties import OPTIONAL, REQUIRED
from confirm.law.revocation import REVOCATION_SETTINGS
from confirm.models import (
    Application,
    AuthToken,
    CaseCounter,
    CaseNumberAllocation,
    CaseNumberBlock,
    Court,
    Organization,
    OrgKind,
    Role,
    User,
    pk,
)

ORG_KINDS = tuple(k.value for k in OrgKind)
ROLES = tuple(r.value for r in Role)
_COURT_CODE = re.compile(r"^[\u4e00-\u9fff]\d{2,4}$")  # province abbreviation + digits (domain.md §5)
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,50}$")


def add_court(session: Session, code: str, name: str, *, actor: str) -> Court:
    code, name = code.strip(), name.strip()
    if not _COURT_CODE.match(code):
        raise DomainError("court.code_format", "法院代字应为省份简称加数字，例如 渝0241", 422)
    if (problem := court_name_problem(name)) is not None:
        raise DomainError("court.name_format", problem, 422)
    if session.exec(select(Court).where(Court.code == code)).first() is not None:
        raise DomainError("court.exists", f"法院代字 {code} 已存在", 409)
    court = Court(code=code, name=name)
    session.add(court)
    session.flush()
    audit.append(session, actor=actor, action="court.added", data={"code": code, "name": name})
    return court


def set_court_name(session: Session, code: str, name: str, *, actor: str) -> Court:
    """Correct the court's name as every later document prints it (and as its seal must read); documents already
    sealed keep the name they were sealed with."""
    name = name.strip()
    if (problem := court_name_problem(name)) is not None:
        raise DomainError("court.name_format", problem, 422)
    return _set_court_setting(session, code, "name", name, actor=actor)


def set_party_confirmation(session: Session, code: str, value: str, *, actor: str) -> Court:
    """Whether confirming an agreement needs every party's own confirmation through Jiudi (``required``, the
    default) or only records it (``optional``): the court's choice (api.md v1.1)."""
    if value not in (REQUIRED, OPTIONAL):
        raise DomainError("court.party_confirmation", f"当事人本人确认的设置应为 {REQUIRED} 或 {OPTIONAL}", 422)
    return _set_court_setting(session, code, "party_confirmation", value, actor=actor)


def set_revocation(session: Session, code: str, value: str, *, actor: str) -> Court:
    """Who may revoke the court's rulings: the judge who decided (``deciding_judge``, the default) or any of its
    judges (``any_judge``). Never an administrator or a clerk."""
    if value not in REVOCATION_SETTINGS:
        raise DomainError("court.revocation", f"撤销裁定的设置应为 {' 或 '.join(REVOCATION_SETTINGS)}", 422)
    return _set_court_setting(session, code, "revocation", value, actor=actor)


def set_late_applications(session: Session, code: str, value: str, *, actor: str) -> Court:
    """What intake does with an application after the 30-day window (CPL 205): accept it with a risk flag so the
    judge decides whether there was good cause to extend (``flag``, the default; CPL 86) or refuse it (``block``)."""
    if value not in LATE_APPLICATION_SETTINGS:
        raise DomainError("court.late_applications",
                          f"超期申请的设置应为 {' 或 '.join(LATE_APPLICATION_SETTINGS)}", 422)
    return _set_court_setting(session, code, "late_applications", value, actor=actor)


def set_print_full_id(session: Session, code: str, value: bool, *, actor: str) -> Court:
    """Whether rulings print identity document numbers in full (the default, as before) or masked
    (110105********002X). Lawful either way; the court decides (legal-review §1; 个保法 6)."""
    return _set_court_setting(session, code, "print_full_id", value, actor=actor)


def set_case_number_source(session: Session, code: str, value: str, *, actor: str) -> Court:
    """Where the court's 民特 case numbers come from (``counter``, ``blocks`` or ``http``; README "Case numbers")."""
    if value not in NUMBER_SOURCES:
        raise DomainError("court.case_number_source", f"案号来源的设置应为 {' 或 '.join(NUMBER_SOURCES)}", 422)
    return _set_court_setting(session, code, "case_number_source", value, actor=actor)


def add_case_number_block(session: Session, code: str, year: int, first: int, last: int, *, actor: str,
                          type_code: str = SPECIAL_PROCEDURE) -> CaseNumberBlock:
    """Enter a range of the year's series that the court reserved for Jiudi (号段); ranges never overlap."""
    court = court_by_code(session, code)
    existing = _blocks(session, court, year, type_code)
    if (problem := block_problem(first, last, year, [NumberBlock(b.first, b.last, b.next) for b in existing],
                                 this_year=china_today().year)) is not None:
        raise DomainError("court.case_number_block", problem, 422)
    block = CaseNumberBlock(court_id=pk(court), year=year, type_code=type_code, first=first, last=last, next=first)
    session.add(block)
    audit.append(session, actor=actor, action="court.case_number_block",
                 data={"code": court.code, "year": year, "type_code": type_code, "first": first, "last": last})
    return block


def set_counter_start(session: Session, code: str, year: int, start: int, *, actor: str,
                      type_code: str = SPECIAL_PROCEDURE) -> CaseCounter:
    """The first number Jiudi's own counter gives in ``year`` (courts whose source is ``counter``); only forward."""
    court = court_by_code(session, code)
    counter = session.get(CaseCounter, (pk(court), year, type_code), with_for_update=True)
    counter = counter or CaseCounter(court_id=pk(court), year=year, type_code=type_code, last_sequence=0)
    if (problem := counter_start_problem(start, counter.last_sequence)) is not None:
        raise DomainError("court.counter_start", problem, 422)
    counter.last_sequence = start - 1
    session.add(counter)
    audit.append(session, actor=actor, action="court.counter_start",
                 data={"code": court.code, "year": year, "type_code": type_code, "start": start})
    return counter


def _blocks(session: Session, court: Court, year: int | None, type_code: str) -> list[CaseNumberBlock]:
    query = select(CaseNumberBlock).where(CaseNumberBlock.court_id == pk(court), CaseNumberBlock.type_code == type_code)
    if year is not None:
        query = query.where(CaseNumberBlock.year == year)
    return list(session.exec(query.order_by(col(CaseNumberBlock.year), col(CaseNumberBlock.first))))


def case_number_report(session: Session, code: str, *, warn_below: int) -> list[str]:
    """What ``jiudi court show`` says of a court's case numbers: the source, each year's counter or blocks, and a
    warning (警告) for a year whose blocks are running out."""
    court = court_by_code(session, code)
    lines = [f"case numbers: {court.case_number_source}"]
    for counter in session.exec(select(CaseCounter).where(CaseCounter.court_id == pk(court))
                                .order_by(col(CaseCounter.year), col(CaseCounter.type_code))):
        lines.append(f"  counter {counter.year} {counter.type_code}: last given {counter.last_sequence}")
    blocks = _blocks(session, court, None, SPECIAL_PROCEDURE) + _blocks(session, court, None, SPECIAL_SUPERVISION)
    for year, type_code in sorted({(b.year, b.type_code) for b in blocks}):
        these = [b for b in blocks if (b.year, b.type_code) == (year, type_code)]
        left = sum(max(0, b.last - b.next + 1) for b in these)
        ranges = ", ".join(f"{b.first}-{b.last} (next {b.next})" for b in these)
        lines.append(f"  blocks {year} {type_code}: {ranges}; {left} left")
        if left < warn_below and year >= china_today().year:
            lines.append(f"  警告：{year}年{type_code}号段仅余{left}个，请向法院申请新号段并录入（jiudi court blocks add）")
    # numbers the case system gave that no registered case carries (the claim failed and the application was then
    # withdrawn, or waits to be claimed again): the court accounts for them in its own system
    unused = session.exec(select(CaseNumberAllocation, Application.status)
                          .join(Application, col(Application.id) == col(CaseNumberAllocation.application_id))
                          .where(CaseNumberAllocation.court_id == pk(court), col(Application.case_number).is_(None))
                          .order_by(col(CaseNumberAllocation.allocated_at))).all()
    for row, status in unused:
        number = CaseNumber(row.year, court.code, row.sequence, row.type_code)
        lines.append(f"  allocated, not registered: {number} (application {row.application_id}, {status})")
    return lines


def _set_court_setting(session: Session, code: str, setting: str, value: str | bool, *, actor: str) -> Court:
    """Set one of a court's settings (checked by the caller), audited as ``court.<setting>``."""
    court = court_by_code(session, code)
    setattr(court, setting, value)
    session.add(court)
    audit.append(session, actor=actor, action=f"court.{setting}", data={"code": court.code, "value": value})
    return court


def court_by_code(session: Session, code: str) -> Court:
    court = session.exec(select(Court).where(Court.code == code.strip())).first()
    if court is None:
        raise DomainError("court.not_found", f"法院代字 {code} 不存在", 404)
    return court


def add_organization(session: Session, court_code: str, name: str, kind: str, *, actor: str) -> Organization:
    if kind not in ORG_KINDS:
        raise DomainError("org.kind", f"调解组织类型应为：{'、'.join(ORG_KINDS)}", 422)
    if not name.strip():
        raise DomainError("org.name_required", "请填写调解组织名称", 422)
    court = court_by_code(session, court_code)
    if session.exec(select(Organization).where(Organization.court_id == court.id,
                                               Organization.name == name.strip())).first():
        raise DomainError("org.exists", f"调解组织“{name}”已存在", 409)
    org = Organization(court_id=pk(court), name=name.strip(), kind=kind)
    session.add(org)
    session.flush()
    audit.append(session, actor=actor, action="organization.added", data={"court": court.code, "name": org.name})
    return org


def add_user(session: Session, username: str, *, role: str, court_code: str, password: str,
             organization: str | None = None, name: str | None = None, actor: str) -> User:
    if not _USERNAME.match(username):
        raise DomainError("user.username_format", "用户名应为2到50位字母、数字或 _ . -", 422)
    if role not in ROLES:
        raise DomainError("user.role", f"角色应为：{'、'.join(ROLES)}", 422)
    if (problem := password_problem(password)) is not None:
        raise DomainError("user.password_weak", problem, 422)
    court = court_by_code(session, court_code)
    org_id = None
    if role in (Role.MEDIATOR, Role.ORG_HEAD):
        if not organization:
            raise DomainError("user.org_required", "调解员和调解组织负责人账号须指定所属调解组织（--org）", 422)
        org = session.exec(select(Organization).where(Organization.court_id == court.id,
                                                      Organization.name == organization)).first()
        if org is None:
            raise DomainError("org.not_found", f"该法院辖区内没有调解组织“{organization}”", 404)
        org_id = org.id
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise DomainError("user.exists", f"用户名 {username} 已存在", 409)
    user = User(username=username, name=(name or username).strip(), role=role, court_id=pk(court),
                organization_id=org_id, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.append(session, actor=actor, action="user.added", data={"username": username, "role": role})
    return user


def generate_password() -> str:
    """A password to print once: 16 URL-safe characters (~96 bits)."""
    return secrets.token_urlsafe(12)


def _end_sessions(session: Session, user: User) -> None:
    for token in session.exec(select(AuthToken).where(AuthToken.user_id == pk(user))):
        session.delete(token)


def disable_user(session: Session, username: str, *, actor: str) -> User:
    """Disable a user: every token of theirs stops working at once (user_for_token refuses disabled users)."""
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None:
        raise DomainError("user.not_found", f"用户 {username} 不存在", 404)
    if user.username == actor:
        raise DomainError("user.disable_self", "不能停用自己的账号", 409)
    user.disabled = True
    session.add(user)
    _end_sessions(session, user)
    audit.append(session, actor=actor, action="user.disabled", data={"username": user.username})
    return user


def reset_password(session: Session, username: str, *, actor: str) -> str:
    """A new generated password for the user (shown once); the user's existing sessions end at once."""
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None:
        raise DomainError("user.not_found", f"用户 {username} 不存在", 404)
    password = generate_password()
    user.password_hash = hash_password(password)
    session.add(user)
    _end_sessions(session, user)
    audit.append(session, actor=actor, action="user.password_reset", data={"username": user.username})
    return password
