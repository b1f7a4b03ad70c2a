"""Applications (申请): creating, editing, filing documents, seeing them, and their JSON form (api.md)."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlmodel import Session, col, select

from confirm.core import audit
from confirm.core.clock import utcnow
from confirm.core.crash_points import crash_point
from confirm.core.storage import DocumentStore
from confirm.law.calendar import RestDayCalendar
from confirm.law.errors import DomainError, not_found
from confirm.law.identity import PersonFacts, document_facts, normalize_document_number
from confirm.law.intake import DOCUMENT_KINDS, AgentIn, ApplicationIn, require_valid_application
from confirm.law.lifecycle import Action, Status, is_allowed, require_allowed
from confirm.law.obligations import fen
from confirm.law.uploads import image_size, require_acceptable_upload
from confirm.models import (
    Application,
    Court,
    Decision,
    Document,
    Event,
    Obligation,
    Party,
    Role,
    User,
    pk,
)
from confirm.parties.service import void_links


def scope_clause(user: User, table: type[Application] | type[Event] = Application) -> Any:
    """What a user may see of ``table`` (applications, or their live events): a mediator their organisation's,
    judges and clerks their court's, an administrator none (administration is not adjudication: accounts, courts
    and organisations, never case files), an organisation's head none either (figures only, ``reports.evaluation``)."""
    if user.role == Role.MEDIATOR:
        return col(table.organization_id) == user.organization_id
    if user.role in (Role.ADMIN, Role.ORG_HEAD):
        return sa.false()
    return col(table.court_id) == user.court_id


def get_visible(session: Session, user: User, application_id: str, *, for_update: bool = False) -> Application:
    """The application if the user may see it; 404 alike for missing and for out-of-scope."""
    query = select(Application).where(Application.id == application_id, scope_clause(user))
    if for_update:
        query = query.with_for_update()
    app = session.exec(query).first()
    if app is None:
        raise not_found()
    return app


def require_role(user: User, *roles: Role) -> None:
    if user.role not in roles:
        raise DomainError("auth.forbidden", "当前账号无权进行此操作", 403)


def _store_parties(session: Session, app: Application, body: ApplicationIn) -> None:
    for obligation in session.exec(select(Obligation).where(Obligation.application_id == app.id)):
        session.delete(obligation)  # they point to the parties replaced here; stored again after them
    for old in session.exec(select(Party).where(Party.application_id == app.id)):
        session.delete(old)
    session.flush()
    for position, p in enumerate(body.parties):
        person = p.kind == "person"
        session.add(Party(
            application_id=app.id, position=position, kind=p.kind, name=p.name,
            id_number=normalize_document_number(p.id_number) if p.id_number else None,
            credit_code=p.credit_code.upper() if p.credit_code else None,
            representative=p.representative, phone=p.phone, email=p.email, address=p.address, ethnicity=p.ethnicity,
            occupation=p.occupation, agent=_agent_record(p.agent),
            id_type=p.id_type, nationality=p.nationality if person else None,
            # only what the document's number does not say is kept as entered (the number is the record)
            sex=p.sex if person and document_facts(p.id_type, p.id_number or "") is None else None,
            birth_date=p.birth_date if person and document_facts(p.id_type, p.id_number or "") is None else None,
            representative_role=p.representative_role, representative_title=p.representative_title,
            without_capacity=p.without_capacity, guardian=p.guardian.model_dump() if p.guardian else None,
        ))


def _store_obligations(session: Session, app: Application, body: ApplicationIn) -> None:
    """The obligations as filed (already checked against the parties and the text), after the parties they name;
    an edit replaces them, so each starts ``pending`` (nothing is performed before the ruling)."""
    session.flush()
    party_ids = {p.position: pk(p) for p in session.exec(select(Party).where(Party.application_id == app.id))}
    for position, o in enumerate(body.obligations):
        session.add(Obligation(
            application_id=app.id, position=position, obligor=o.obligor, obligee=o.obligee,
            obligor_party_id=party_ids[o.obligor], obligee_party_id=party_ids[o.obligee], kind=o.kind,
            amount_fen=fen(o.amount), description=o.description or None, due_on=o.due_on))
    session.flush()


def _agent_record(agent: AgentIn | None) -> dict[str, Any] | None:
    """The agent as stored and shown: the contract's three keys always (v1.0 clients read them), the CPL 61
    category, unit and relation only when given."""
    if agent is None:
        return None
    extra = agent.model_dump(include={"kind", "unit", "relation"}, exclude_none=True)
    return agent.model_dump(include={"name", "id_number", "authorization"}) | extra


def _apply_body(app: Application, body: ApplicationIn) -> None:
    app.dispute_type = body.dispute_type
    app.mediation_concluded_on = body.mediation.concluded_on
    app.mediation_place = body.mediation.place
    app.mediator_name = body.mediation.mediator_name
    app.agreement_text = body.agreement.text
    app.agreement_amount = body.agreement.amount
    app.updated_at = utcnow()


def _require_court_of_organization(session: Session, user: User, court_code: str) -> Court:
    court = session.exec(select(Court).where(Court.code == court_code)).first()
    if court is None:
        raise DomainError.for_field("court_code", "application.unknown_court", "法院代字不存在")
    if court.id != user.court_id:
        raise DomainError.for_field(
            "court_code", "application.court_not_competent", "本调解组织只能向其所属辖区法院申请司法确认"
        )
    return court


def late_applications_of(court: Court | None) -> str:
    """The court's choice for an application after the 30-day window (``flag`` for a court not known yet: the
    competence check names that problem)."""
    return court.late_applications if court is not None else "flag"


def late_applications_setting(session: Session, court_code: str) -> str:
    return late_applications_of(session.exec(select(Court).where(Court.code == court_code)).first())


def create_application(session: Session, user: User, body: ApplicationIn, *, today: date,
                       calendar: RestDayCalendar) -> Application:
    """就地申请: a mediator stores a new draft for their own organisation (validated in full first)."""
    require_role(user, Role.MEDIATOR)
    require_valid_application(body, today=today, calendar=calendar,
                              late_applications=late_applications_setting(session, body.court_code))
    court = _require_court_of_organization(session, user, body.court_code)
    assert user.organization_id is not None
    app = Application(status=Status.DRAFT, court_id=pk(court), organization_id=user.organization_id,
                      created_by=pk(user), dispute_type="", mediation_concluded_on=body.mediation.concluded_on,
                      mediation_place="", mediator_name="", agreement_text="")
    _apply_body(app, body)
    session.add(app)
    session.flush()
    _store_parties(session, app, body)
    _store_obligations(session, app, body)
    audit.append(session, actor=user.username, action="application.draft", application_id=app.id)
    return app


def replace_application(session: Session, user: User, application_id: str, body: ApplicationIn, *,
                        today: date, calendar: RestDayCalendar) -> Application:
    """Replace a draft's or a returned application's content."""
    require_role(user, Role.MEDIATOR)
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.EDIT)
    require_valid_application(body, today=today, calendar=calendar,
                              late_applications=late_applications_setting(session, body.court_code))
    _require_court_of_organization(session, user, body.court_code)
    void_links(session, app.id, actor=user.username, reason="申请已修改")  # each party is asked again
    _apply_body(app, body)
    _store_parties(session, app, body)
    _store_obligations(session, app, body)
    audit.append(session, actor=user.username, action="application.edited", application_id=app.id)
    return app


def add_document(session: Session, store: DocumentStore, user: User, application_id: str, *, kind: str,
                 filename: str, content: bytes | BinaryIO) -> Document:
    """File one document; the bytes are stored durably before the row that points to them is committed.

    ``content`` may be a seekable file (an upload spooled to disk): it is judged by its size, first bytes and
    image header, and stored a chunk at a time, never read whole."""
    require_role(user, Role.MEDIATOR)
    app = get_visible(session, user, application_id, for_update=True)
    require_allowed(app.status, Action.UPLOAD)
    if kind not in DOCUMENT_KINDS:
        raise DomainError.for_field("kind", "document.unknown_kind",
                                            "材料类型应为 agreement、joint_application、identity 或 evidence")
    file = io.BytesIO(content) if isinstance(content, bytes) else content
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    head = file.read(1024)

    def dimensions(media_type: str) -> tuple[int, int] | None:
        file.seek(0)
        return image_size(file, media_type)

    media_type = require_acceptable_upload(size, head, dimensions)
    digest, size = store.put_file(file)
    doc = Document(application_id=app.id, kind=kind, filename=(filename or "upload")[:255], content_type=media_type,
                   sha256=digest, size=size, uploaded_by=pk(user))
    session.add(doc)
    app.updated_at = utcnow()
    session.flush()
    crash_point("during_upload")
    audit.append(session, actor=user.username, action="document.uploaded", application_id=app.id,
                 data={"kind": kind, "sha256": doc.sha256})
    return doc


def remove_document(session: Session, user: User, application_id: str, document_id: int) -> Application:
    """Take back a wrong upload of a draft or a returned application (only the mediator who uploaded it).

    The row goes and the bytes stay: the store is content-addressed, so other rows (another application, a
    signature) may hold the same bytes, and the audit record names them (sha256), so what was once filed can still
    be read. Party confirmations compare the documents at the next submission (agreement_version)."""
    require_role(user, Role.MEDIATOR)
    app = get_visible(session, user, application_id, for_update=True)
    doc = session.get(Document, document_id)
    if doc is None or doc.application_id != app.id:
        raise not_found("材料")
    require_allowed(app.status, Action.REMOVE_DOCUMENT)
    if doc.uploaded_by != pk(user):
        raise DomainError("document.not_uploader", "只能删除本人上传的材料；请联系上传该材料的调解员", 403)
    audit.append(session, actor=user.username, action="document.removed", application_id=app.id,
                 data={"document_id": document_id, "kind": doc.kind, "filename": doc.filename, "sha256": doc.sha256})
    session.delete(doc)
    app.updated_at = utcnow()
    session.flush()
    return app


def removable_document_ids(session: Session, user: User, app: Application) -> set[int]:
    """The documents of ``app`` its viewer may take back now (the page shows 删除 beside them)."""
    if user.role != Role.MEDIATOR or not is_allowed(app.status, Action.REMOVE_DOCUMENT):
        return set()
    return {pk(d) for d in session.exec(select(Document).where(Document.application_id == app.id,
                                                               Document.uploaded_by == pk(user)))}


def review_queue(session: Session, user: User) -> list[Application]:
    """The court's submitted and under-review applications, oldest first (judges and clerks)."""
    require_role(user, Role.JUDGE, Role.CLERK)
    return list(session.exec(
        select(Application).where(Application.court_id == user.court_id,
                                  col(Application.status).in_([Status.SUBMITTED, Status.UNDER_REVIEW]))
        .order_by(col(Application.submitted_at))))


def next_case(session: Session, user: User, after: str | None = None) -> Application | None:
    """The judge's next case: their own claimed case still undecided (oldest first), else the oldest unclaimed one;
    never ``after`` (the case just finished)."""
    require_role(user, Role.JUDGE, Role.CLERK)
    open_cases = [a for a in review_queue(session, user) if a.id != after]
    decided = set(session.exec(select(Decision.application_id).where(
        col(Decision.application_id).in_([a.id for a in open_cases])))) if open_cases else set()
    mine = [a for a in open_cases if a.claimed_by == user.id and a.id not in decided]
    unclaimed = [a for a in open_cases if a.status == Status.SUBMITTED]
    candidates = mine or unclaimed
    return candidates[0] if candidates else None


SEARCH_LIMIT = 50


def court_cases(session: Session, user: User, *, text: str = "", decided_since: datetime | None = None,
                offset: int = 0) -> tuple[list[Application], bool]:
    """The court's registered cases (those with a case number), newest first, for its judges and clerks: found
    by case number (any part), a party's name (any part) or a full ID number / credit code; ``decided_since``
    keeps those decided since then. Returns a page of SEARCH_LIMIT and whether there are more."""
    require_role(user, Role.JUDGE, Role.CLERK)
    query = (select(Application).outerjoin(Decision, col(Decision.application_id) == Application.id)
             .where(Application.court_id == user.court_id, col(Application.case_number).is_not(None)))
    text = text.strip()
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        code = text.upper()
        matching_party = select(Party.application_id).where(
            sa.or_(col(Party.name).like(like, escape="\\"), col(Party.id_number) == code,
                   col(Party.credit_code) == code))
        query = query.where(sa.or_(col(Application.case_number).like(like, escape="\\"),
                                   col(Application.id).in_(matching_party)))
    if decided_since is not None:
        query = query.where(col(Decision.decided_at) >= decided_since)
    query = query.order_by(sa.desc(sa.func.coalesce(col(Decision.decided_at), col(Application.accepted_at))),
                           sa.desc(col(Application.accepted_at)))
    rows = list(session.exec(query.offset(offset).limit(SEARCH_LIMIT + 1)))
    return rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT


def is_issued(session: Session, application_id: str) -> bool:
    """Whether the application's sealed ruling is recorded (it is then issued, or served)."""
    app = session.get(Application, application_id)
    return app is not None and app.status in (Status.ISSUED, Status.SERVED)


def list_visible(session: Session, user: User, status: str | None = None) -> list[Application]:
    query = select(Application).where(scope_clause(user))
    if status:
        if status not in {s.value for s in Status}:
            raise DomainError.for_field("status", "request.unknown_status", "状态值不正确")
        query = query.where(Application.status == status)
    return list(session.exec(query.order_by(sa.desc(col(Application.created_at)))))


def document_of(session: Session, user: User, application_id: str, document_id: int) -> Document:
    get_visible(session, user, application_id)
    doc = session.get(Document, document_id)
    if doc is None or doc.application_id != application_id:
        raise not_found("材料")
    return doc


def party_facts(p: Party) -> PersonFacts | None:
    """Sex and birth date of a natural person, read from their document's number where it carries them (domain.md
    §6), else as entered at intake; None for an organisation or when not known."""
    if p.kind != "person" or not p.id_number:
        return None
    facts = document_facts(p.id_type, p.id_number)
    if facts is None and p.sex and p.birth_date:
        return PersonFacts(birth_date=p.birth_date, sex=p.sex)
    return facts
