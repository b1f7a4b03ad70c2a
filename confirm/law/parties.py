"""The parties' own confirmation (当事人确认): who may use a party's link, how often, and when the court may confirm.

The seed asks the court to guard against false litigation (加大对虚假诉讼的防范力度): courts have found mediators who
forged agreements for subsidies. Each party therefore confirms the agreement from their own phone, after proving
who they are with the last characters of their ID number and a one-time code sent to their own phone; the judge's
joint verification (Interp. 356) stays required besides. Pure rules, no I/O.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from confirm.law.errors import FieldProblem
from confirm.law.inputs import Paragraphs

ID_TAIL_LENGTH = 6  # the last six characters of the ID number or the credit code
CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
MAX_WRONG_TRIES = 5  # then the link is locked and the court is told
RESEND_INTERVAL = timedelta(seconds=60)  # between two codes for one link
MAX_CODES_PER_LINK_PER_HOUR = 5
MAX_RESENDS_PER_ADDRESS_PER_HOUR = 10  # codes sent again to one phone number (or e-mail) across every link
DEFAULT_LINK_DAYS = 7
SESSION_LIFETIME = timedelta(hours=2)
REQUIRED, OPTIONAL = "required", "optional"  # the court setting party_confirmation


class WaiverIn(BaseModel):
    """The judge's record of why a party could not confirm through Jiudi (no phone, say) and that it confirmed at
    the joint verification instead."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    party_id: int = Field(ge=1, le=2**31 - 1)
    reason: Paragraphs = Field(max_length=500)


def id_tail_matches(identifier: str | None, tail: str) -> bool:
    """Whether ``tail`` is the last six characters of the party's ID number or credit code (X in either case)."""
    if not identifier:
        return False
    given = "".join(tail.split()).upper()
    return len(given) == ID_TAIL_LENGTH and identifier.strip().upper().endswith(given)


def is_malformed_code(code: str) -> bool:
    """True when ``code`` cannot be a one-time code at all (not six digits): it still counts as a wrong try."""
    return not (len(code) == CODE_DIGITS and code.isascii() and code.isdigit())


def resend_wait(*, now: datetime, last_code_at: datetime | None, codes_for_link_last_hour: int,
                resends_to_address_last_hour: int) -> timedelta | None:
    """How long the party must wait before another code can be sent (None: send now). Resending is limited per
    link and per address (a resend: a code for a link that already had one), so that neither one party's link nor
    one phone number can be used to flood anybody; the first code of each case's link is never held back."""
    waits = []
    if last_code_at is not None and now - last_code_at < RESEND_INTERVAL:
        waits.append(RESEND_INTERVAL - (now - last_code_at))
    resending = codes_for_link_last_hour > 0
    if codes_for_link_last_hour >= MAX_CODES_PER_LINK_PER_HOUR or (
            resending and resends_to_address_last_hour >= MAX_RESENDS_PER_ADDRESS_PER_HOUR):
        waits.append(timedelta(hours=1))
    return max(waits) if waits else None


@dataclass(frozen=True)
class AgreementVersion:
    """What a party is asked to confirm: the typed agreement, the parties and the filed documents' contents."""

    dispute_type: str
    text: str
    amount: str | None
    parties: tuple[tuple[str, str, str], ...]  # (kind, name, ID number or credit code)
    documents: tuple[tuple[str, str], ...]  # (kind, sha256)

    def digest(self) -> str:
        """SHA-256 of a canonical encoding: any edit of the agreement, a party or a document changes it."""
        canonical = json.dumps([self.dispute_type, self.text, self.amount, sorted(self.parties), sorted(self.documents)],
                               ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def confirmation_problems(*, outcome: str, required: bool, states: Mapping[int, str], waivers: Sequence[WaiverIn],
                          names: Mapping[int, str]) -> list[FieldProblem]:
    """Whether the court may decide ``outcome`` given each party's own confirmation (``states``: party id →
    pending, confirmed, declined, locked or waived). Confirming needs every party's confirmation where the court
    requires it, unless the judge records for that party why it could not confirm and how it confirmed instead."""
    problems: list[FieldProblem] = []
    for index, waiver in enumerate(waivers):
        where = f"waivers[{index}]"
        if waiver.party_id not in states:
            problems.append(FieldProblem(f"{where}.party_id", "decision.waiver_unknown_party", "豁免的当事人不是本案申请人"))
        elif states[waiver.party_id] == "confirmed":
            problems.append(FieldProblem(f"{where}.party_id", "decision.waiver_not_needed",
                                         f"{names[waiver.party_id]}已本人确认，无需记录未确认原因"))
        if not waiver.reason:
            problems.append(FieldProblem(f"{where}.reason", "decision.waiver_reason_required",
                                         "请写明该当事人未能本人确认的原因及其在共同核实时当面确认的情况"))
    if problems or outcome != "confirmed" or not required:
        return problems
    waived = {w.party_id for w in waivers}
    missing = [pid for pid, state in states.items() if state != "confirmed" and pid not in waived]
    if missing:
        who = "、".join(names[pid] for pid in missing)
        problems.append(FieldProblem("waivers", "decision.party_confirmation_missing",
                                     f"{who}尚未本人确认调解协议；确认有效前须各方当事人本人确认，"
                                     "或记录其未能本人确认的原因及当面确认的情况"))
    return problems


def shared_addresses(addresses: Iterable[tuple[int, str | None]]) -> list[tuple[int, int]]:
    """Pairs of different parties who gave the same phone number (or e-mail): a sign that one person answers for
    both (domain.md §4, 低对抗)."""
    seen: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []
    for party_id, address in addresses:
        key = (address or "").strip().lower()
        if not key:
            continue
        if key in seen:
            pairs.append((seen[key], party_id))
        else:
            seen[key] = party_id
    return pairs
