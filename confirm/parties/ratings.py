"""听取群众意见: a party rates the mediation of their case from their own link, once, after the ruling was served
on them; the mediator reads the ratings only as figures and unsigned comments (``confirm.reports.evaluation``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from confirm.core import audit
from confirm.core.clock import iso
from confirm.law.errors import DomainError
from confirm.law.evaluation import MAX_COMMENT, require_rating
from confirm.models import MediationRating, PartyLink, ServiceRecord, pk

ALREADY_GIVEN = ("rating.already_given", "您已评价过本案的调解，每案只能评价一次", 409)


class RatingIn(BaseModel):
    """The body of ``POST /api/v1/party/me/rating``: the scale is checked by the law (``rating.stars_out_of_range``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    stars: int = Field(description="1 to 5 stars", json_schema_extra={"minimum": 1, "maximum": 5})
    comment: str | None = Field(default=None, max_length=MAX_COMMENT * 4, description="at most 500 characters")


def served_on(session: Session, link: PartyLink) -> bool:
    """Whether the ruling has been served on this party (a service record that was not voided)."""
    return session.exec(select(ServiceRecord.id).where(ServiceRecord.application_id == link.application_id,
                                                       ServiceRecord.party_id == link.party_id)).first() is not None


def given(session: Session, link: PartyLink) -> MediationRating | None:
    return session.exec(select(MediationRating).where(MediationRating.application_id == link.application_id,
                                                      MediationRating.party_id == link.party_id)).first()


def rating_json(session: Session, link: PartyLink) -> dict[str, Any]:
    """What the party sees of their own rating: whether they may rate now, and what they gave."""
    mine = given(session, link)
    if mine is not None:
        return {"state": "given", "stars": mine.stars, "comment": mine.comment, "at": iso(mine.created_at)}
    return {"state": "open" if served_on(session, link) else "not_yet", "stars": None, "comment": None, "at": None}


def rate(session: Session, link: PartyLink, body: RatingIn) -> MediationRating:
    """Record the party's one rating of the mediation: 409 ``rating.not_served`` before the ruling was served on the
    party, 409 ``rating.already_given`` for a second one (checked here, and by the table's unique constraint when two
    arrive at once), 422 for stars off the scale or a comment too long. The audit record names the rating, not
    the stars."""
    rating = require_rating(body.stars, body.comment)
    if not served_on(session, link):
        raise DomainError("rating.not_served", "裁定书送达您之后才能评价本次调解", 409)
    if given(session, link) is not None:
        raise DomainError(*ALREADY_GIVEN)
    row = MediationRating(application_id=link.application_id, party_id=link.party_id, stars=rating.stars,
                          comment=rating.comment)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # a second rating arriving at the same moment: the database keeps one
        raise DomainError(*ALREADY_GIVEN) from exc
    audit.append(session, actor=f"party:{link.id}", action="party.rated", application_id=link.application_id,
                 data={"rating_id": pk(row)})
    return row
