"""Request bodies whose text reaches a document (申请书, 裁定书, 送达回证, 送达地址确认书): one check for all of it.

A body derives from ``DocumentInput``. Once pydantic has read it, every text in it, however deeply nested (parties,
their agents, recipients, waivers), is held to ``confirm.law.characters``: one line, unless the field is declared
``Paragraphs`` (an agreement, a reason). Every text field is checked unless declared otherwise, so a field added
later is covered without anyone having to remember it; a refusal is one 422 naming each field.
"""

from __future__ import annotations

from typing import Annotated, Any, Self, get_args

from pydantic import BaseModel, model_validator
from pydantic.fields import FieldInfo

from confirm.law.characters import text_problem
from confirm.law.errors import DomainError, FieldProblem


class _ParagraphsMarker:
    """Marks a text field written in paragraphs: it may break lines."""


PARAGRAPHS = _ParagraphsMarker()
Paragraphs = Annotated[str, PARAGRAPHS]  # ``Paragraphs | None`` for an optional one


class DocumentInput(BaseModel):
    """A request body whose text may be printed on a document: control and format characters are refused."""

    @model_validator(mode="after")
    def _refuse_invisible_characters(self) -> Self:
        # raised as a DomainError, not a pydantic error: the API and the pages answer it with its own code
        problems = text_problems(self)
        if problems:
            raise DomainError.from_problems(problems)
        return self


def text_problems(model: BaseModel, where: str = "") -> list[FieldProblem]:
    """A problem for each text of ``model`` (and of the models and lists in it) holding a refused character;
    ``where`` is the model's own place in the body (``parties[0]``)."""
    problems: list[FieldProblem] = []
    for name, info in type(model).model_fields.items():
        field = f"{where}.{name}" if where else name
        problems += _value_problems(getattr(model, name), field, paragraphs=_in_paragraphs(info))
    return problems


def _value_problems(value: Any, field: str, *, paragraphs: bool) -> list[FieldProblem]:
    if isinstance(value, str):
        bad = text_problem(value, field=field, paragraphs=paragraphs)
        return [] if bad is None else [FieldProblem(field, *bad)]
    if isinstance(value, BaseModel):
        return text_problems(value, field)
    if isinstance(value, list | tuple):
        return [p for i, item in enumerate(value) for p in _value_problems(item, f"{field}[{i}]", paragraphs=paragraphs)]
    return []


def _in_paragraphs(info: FieldInfo) -> bool:
    return PARAGRAPHS in info.metadata or _marked(info.annotation)


def _marked(annotation: Any) -> bool:
    """Whether ``Paragraphs`` is somewhere in the annotation (``Paragraphs | None``, ``list[Paragraphs]``)."""
    return any(arg is PARAGRAPHS or _marked(arg) for arg in get_args(annotation))
