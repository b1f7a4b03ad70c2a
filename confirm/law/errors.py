"""Errors that carry a stable machine code and a Chinese message for the person who must act."""

from __future__ import annotations

from dataclasses import dataclass, field

from confirm.law.characters import text_problem


@dataclass(frozen=True)
class FieldProblem:
    """One broken rule about one field of the input (``parties[0].id_number``)."""

    field: str
    code: str
    message: str


@dataclass
class DomainError(Exception):
    """A rule of the domain was broken; nothing has been changed.

    ``status`` is the HTTP status the API answers with; the domain chooses it because the kind of failure
    (conflict, not found, validation) is a fact of the rule, not of the transport.
    """

    code: str
    message: str
    status: int = 400
    problems: list[FieldProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    @classmethod
    def from_problems(cls, problems: list[FieldProblem], status: int = 422) -> "DomainError":
        """One error for several field problems: the first one's code leads, every field is listed."""
        first = problems[0]
        message = first.message if len(problems) == 1 else f"{first.message}（另有{len(problems) - 1}处需要更正）"
        return cls(first.code, message, status, list(problems))

    @classmethod
    def for_field(cls, field_name: str, code: str, message: str, status: int = 422) -> "DomainError":
        """An error about a single field."""
        return cls(code, message, status, [FieldProblem(field_name, code, message)])


def not_found(what: str = "申请") -> DomainError:
    """404 for what does not exist and for what the caller may not see alike."""
    return DomainError("not_found", f"{what}不存在或无权查看", 404)


def required_text(value: str | None, *, field: str, code: str, message: str) -> str:
    """A required free-text field (a reason the court must give), stripped; a field error when it is empty or holds a
    character that may not reach a document (``confirm.law.characters``; it is written in paragraphs)."""
    text = (value or "").strip()
    if not text:
        raise DomainError.for_field(field, code, message)
    if (bad := text_problem(text, field=field, paragraphs=True)) is not None:
        raise DomainError.for_field(field, *bad)
    return text
