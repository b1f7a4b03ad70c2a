"""不予受理的案由 by meaning: whether a dispute type (案由) in the mediator's own words falls under a ground of
Interp. 355 (3)-(5), however it is phrased (离婚, 要求离婚, 解除婚姻关系 …), not only as the listed names.

Pure functions over the grounds of ``tables/admissibility.yaml``, passed in as values.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GAP = "…"  # in a key term: any text between the parts ("确认…所有权" matches 确认房屋所有权)


@dataclass(frozen=True)
class InadmissibleGround:
    """One ground of Interp. 355 on which a dispute type is refused, with the words that mean it."""

    code: str  # the suffix of application.inadmissible.*
    item: int  # the item of Interp. 355
    reason: str  # the Chinese reason the mediator reads
    dispute_types: tuple[str, ...]  # 案由 names refused as they stand
    terms: tuple[str, ...]  # key terms: a dispute type containing one is refused …
    exceptions: tuple[str, ...] = ()  # … unless the term occurs only inside one of these admissible phrases


def normalize_dispute_type(text: str) -> str:
    """Full-width and half-width forms alike, no spaces: how a dispute type is compared."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _term_at(text: str, term: str) -> bool:
    position = 0
    for part in term.split(GAP):
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def _longest_term(text: str, ground: InadmissibleGround) -> int:
    """The length of the longest key term of ``ground`` in ``text`` outside its exceptions; 0 when none."""
    for phrase in sorted(ground.exceptions, key=len, reverse=True):
        text = text.replace(phrase, "|")  # a separator: removing a phrase must not join its neighbours into a term
    return max((len(term.replace(GAP, "")) for term in ground.terms if _term_at(text, term)), default=0)


def inadmissible_ground(dispute_type: str, grounds: tuple[InadmissibleGround, ...], *,
                        admissible: tuple[str, ...] = ()) -> InadmissibleGround | None:
    """Interp. 355 (3)-(5): the ground on which ``dispute_type`` is refused, or None.

    A type named in ``admissible`` (the pick-list) is never refused; a listed inadmissible type is refused as it
    stands; otherwise the ground with the longest key term in the text wins (指定监护人 is a special procedure
    before it is a guardianship)."""
    text = normalize_dispute_type(dispute_type)
    if not text or text in {normalize_dispute_type(t) for t in admissible}:
        return None
    for ground in grounds:
        if text in {normalize_dispute_type(t) for t in ground.dispute_types}:
            return ground
    best, best_length = None, 0
    for ground in grounds:
        length = _longest_term(text, ground)
        if length > best_length:
            best, best_length = ground, length
    return best
