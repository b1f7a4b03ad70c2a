"""The legal texts: fixed wording, citations and grounds of the documents, kept in YAML beside this module.

A court corrects its wording (样式) by editing ruling.yaml, grounds.yaml, receipt.yaml, voucher.yaml and
address.yaml, never the code.
`load_texts()` reads and checks a directory of these files once per process (cached); a template that names an
unknown placeholder, or an outcome that cites an unknown list of grounds, fails at load time, not mid-issuance.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from templates.model import ELECTRONIC_CHANNELS, OUTCOMES

DEFAULT_DIRECTORY = Path(__file__).resolve().parent

# Placeholders a ruling paragraph may use (documented at the top of ruling.yaml).
RULING_FIELDS = frozenset(
    {
        "court_name",
        "case_number",
        "applicants",
        "applicant_list",
        "sides",
        "dispute_type",
        "mediation_organization",
        "mediation_concluded_on",
        "applied_on",
        "accepted_on",
        "verification",
        "confirmations",
        "reasoning",
        "withdrawn_by",
        "withdrawal_requested_on",
        "grounds",
        "citations",
        "agreement",
        "supplement_ordered_on",
        "supplement_deadline",
        "supplement_reason",
    }
)
AGREEMENT_MARKER = "{agreement}"

# What address.yaml must hold (documented at its top).
ADDRESS_LABELS = (
    "case_number",
    "application_ref",
    "dispute_type",
    "party",
    "address",
    "phone",
    "email",
    "electronic_service",
    "electronic_address",
    "notice",
    "confirmation",
)
ADDRESS_CONFIRMATION_FIELDS = frozenset({"confirmed_at", "confirmed_via"})


class TextsError(ValueError):
    """A texts directory is missing a file or a key, or a template is malformed."""


@dataclass(frozen=True)
class Ground:
    """A ground for an outcome (事由): its stable code, printed label and the item (第×项) it cites."""

    code: str
    group: str  # the list it belongs to, e.g. "interp_358"
    label: str
    item: str
    needs_reason: bool


@dataclass(frozen=True)
class OutcomeTexts:
    """The wording of one outcome's ruling, paragraph by paragraph."""

    code: str
    min_grounds: int
    citations: Mapping[str, str]  # ground list → citation template with {items}
    facts: tuple[str, ...]
    view: tuple[str, ...]
    operative: tuple[str, ...]
    tail: tuple[str, ...]
    # a view of its own when every ground comes from one list (rejected under Interp. 355 ¶2: found after acceptance)
    views_by_grounds: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def view_for(self, groups: set[str]) -> tuple[str, ...]:
        """The court's view for grounds drawn from ``groups``: a list's own view when they all come from it."""
        if len(groups) == 1 and (only := next(iter(groups))) in self.views_by_grounds:
            return self.views_by_grounds[only]
        return self.view


@dataclass(frozen=True)
class LegalTexts:
    """Everything loaded from one texts directory."""

    directory: Path
    grounds: Mapping[str, Ground]
    outcomes: Mapping[str, OutcomeTexts]
    ruling: Mapping[str, Any]  # ruling.yaml as read (common wording)
    receipt: Mapping[str, Any]  # receipt.yaml as read
    voucher: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # voucher.yaml as read
    address: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # address.yaml as read

    def outcome_grounds(self, outcome: str) -> dict[str, str]:
        """The grounds an outcome may be given with: code → label (empty for outcomes without grounds)."""
        texts = self.outcome(outcome)
        return {g.code: g.label for g in self.grounds.values() if g.group in texts.citations}

    def outcome_ground_groups(self, outcome: str) -> list[tuple[str, list[Ground]]]:
        """The outcome's grounds grouped by the article they come under, in the order the ruling's texts cite the
        articles: (the article as cited, e.g. "第三百五十八条", [its grounds])."""
        texts = self.outcome(outcome)
        return [(citation.replace("{items}", ""), [g for g in self.grounds.values() if g.group == group])
                for group, citation in texts.citations.items()]

    def outcome(self, outcome: str) -> OutcomeTexts:
        try:
            return self.outcomes[outcome]
        except KeyError:
            raise TextsError(f"unknown outcome {outcome!r}") from None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TextsError(f"{path} is missing") from None
    except yaml.YAMLError as e:
        raise TextsError(f"{path} is not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise TextsError(f"{path} must hold a mapping")
    return data


def document_texts(path: Path, required: Iterable[str]) -> dict[str, Any]:
    """One document's wording file (objection, performance, execution …): a mapping with every ``required`` key."""
    data = _read_yaml(path)
    missing = [key for key in required if key not in data]
    if missing:
        raise TextsError(f"{path}: {missing} missing")
    return data


def _check_template(template: str, allowed: frozenset[str], where: str) -> None:
    try:
        names = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    except ValueError as e:
        raise TextsError(f"{where}: malformed template {template!r}: {e}") from None
    unknown = names - allowed
    if unknown:
        raise TextsError(f"{where}: unknown placeholder(s) {sorted(unknown)} in {template!r}")


def _paragraphs(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TextsError(f"{where} must be a string or a list of strings")
    for i, template in enumerate(value):
        _check_template(template, RULING_FIELDS, f"{where}[{i}]")
    return tuple(value)


def _require(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in mapping:
        raise TextsError(f"{where}: missing key {key!r}")
    return mapping[key]


def _load_grounds(data: dict[str, Any], where: str) -> dict[str, Ground]:
    grounds: dict[str, Ground] = {}
    for group, items in data.items():
        if not isinstance(items, dict):
            raise TextsError(f"{where}: {group} must map codes to grounds")
        for code, entry in items.items():
            if code in grounds:
                raise TextsError(
                    f"{where}: ground code {code!r} appears in both {grounds[code].group} and {group}"
                )
            label = _require(entry, "label", f"{where}: {group}.{code}")
            item = _require(entry, "item", f"{where}: {group}.{code}")
            grounds[code] = Ground(code, group, str(label), str(item), bool(entry.get("needs_reason", False)))
    return grounds


def _load_outcomes(ruling: dict[str, Any], groups: set[str], where: str) -> dict[str, OutcomeTexts]:
    raw = _require(ruling, "outcomes", where)
    outcomes: dict[str, OutcomeTexts] = {}
    for code in OUTCOMES:
        entry = _require(raw, code, f"{where}: outcomes")
        here = f"{where}: outcomes.{code}"
        citations = dict(entry.get("grounds") or {})
        for group, template in citations.items():
            if group not in groups:
                raise TextsError(f"{here}: cites unknown ground list {group!r}")
            _check_template(template, frozenset({"items"}), f"{here}.grounds.{group}")
        outcomes[code] = OutcomeTexts(
            code=code,
            min_grounds=int(entry.get("min_grounds", 0)),
            citations=MappingProxyType(citations),
            facts=_paragraphs(_require(entry, "facts", here), f"{here}.facts"),
            view=_paragraphs(_require(entry, "view", here), f"{here}.view"),
            operative=_paragraphs(_require(entry, "operative", here), f"{here}.operative"),
            tail=_paragraphs(entry.get("tail"), f"{here}.tail"),
            views_by_grounds=MappingProxyType(_views_by_grounds(entry, citations, here)),
        )
    return outcomes


def _views_by_grounds(entry: Mapping[str, Any], citations: Mapping[str, str], where: str) -> dict[str, tuple[str, ...]]:
    raw = entry.get("view_by_grounds") or {}
    if not isinstance(raw, dict):
        raise TextsError(f"{where}.view_by_grounds must map a ground list to paragraphs")
    for group in raw:
        if group not in citations:
            raise TextsError(f"{where}.view_by_grounds: {group!r} is not one of the outcome's ground lists")
    return {group: _paragraphs(value, f"{where}.view_by_grounds.{group}") for group, value in raw.items()}


def _string(mapping: Mapping[str, Any], key: str, where: str, allowed: frozenset[str] = frozenset()) -> str:
    """A required string entry that may use only the placeholders in `allowed`."""
    value = _require(mapping, key, where)
    if not isinstance(value, str):
        raise TextsError(f"{where}: {key} must be a string")
    _check_template(value, allowed, f"{where}: {key}")
    return value


def _mapping(mapping: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = _require(mapping, key, where)
    if not isinstance(value, dict):
        raise TextsError(f"{where}: {key} must be a mapping")
    return value


def _check_address(address: dict[str, Any], where: str) -> None:
    """address.yaml: every label, channel, notice paragraph and template, with only its own placeholders."""
    _string(address, "document_name", where)
    labels = _mapping(address, "labels", where)
    for key in ADDRESS_LABELS:
        _string(labels, key, f"{where}: labels")
    _string(address, "application_ref", where, frozenset({"application_ref"}))
    _string(address, "not_filled", where)
    channels = _mapping(address, "channels", where)
    for code in ELECTRONIC_CHANNELS:
        _string(channels, code, f"{where}: channels")
    _string(address, "channel_separator", where)
    consent = _mapping(address, "electronic_service", where)
    _string(consent, "accepted", f"{where}: electronic_service", frozenset({"channels"}))
    _string(consent, "refused", f"{where}: electronic_service")
    _string(address, "electronic_address", where, frozenset({"channel", "address"}))
    _string(address, "electronic_address_separator", where)
    _string(address, "not_applicable", where)
    notice = _require(address, "notice", where)
    if not isinstance(notice, list) or not notice or not all(isinstance(p, str) and p for p in notice):
        raise TextsError(f"{where}: notice must be a non-empty list of paragraphs")
    for i, paragraph in enumerate(notice):
        _check_template(paragraph, frozenset(), f"{where}: notice[{i}]")
    confirmation = _mapping(address, "confirmation", where)
    for kind in ("person", "organization"):
        _string(confirmation, kind, f"{where}: confirmation", ADDRESS_CONFIRMATION_FIELDS)


@lru_cache(maxsize=8)
def _load(directory: Path) -> LegalTexts:
    ruling = _read_yaml(directory / "ruling.yaml")
    receipt = _read_yaml(directory / "receipt.yaml")
    voucher = _read_yaml(directory / "voucher.yaml")
    address = _read_yaml(directory / "address.yaml")
    grounds = _load_grounds(_read_yaml(directory / "grounds.yaml"), str(directory / "grounds.yaml"))
    groups = {g.group for g in grounds.values()}
    outcomes = _load_outcomes(ruling, groups, str(directory / "ruling.yaml"))
    for key in (
        "document_name",
        "party",
        "same_day",
        "sides",
        "verification",
        "confirmations",
        "closing",
        "verification_block",
        "footer",
        "preview_marker",
        "effect",
    ):
        _require(ruling, key, str(directory / "ruling.yaml"))
    _check_effect(ruling["effect"], str(directory / "ruling.yaml"))
    for key in ("document_name", "labels", "methods", "no_signature"):
        _require(receipt, key, str(directory / "receipt.yaml"))
    for key in ("document_name", "labels", "statement", "channels", "consent_bases", "consent_unrecorded"):
        _require(voucher, key, str(directory / "voucher.yaml"))
    _check_template(str(voucher["statement"]), frozenset({"consent"}), f"{directory / 'voucher.yaml'}: statement")
    _check_address(address, str(directory / "address.yaml"))
    return LegalTexts(
        directory=directory,
        grounds=MappingProxyType(grounds),
        outcomes=MappingProxyType(outcomes),
        ruling=MappingProxyType(ruling),
        receipt=MappingProxyType(receipt),
        voucher=MappingProxyType(voucher),
        address=MappingProxyType(address),
    )


def _check_effect(effect: Mapping[str, Any], where: str) -> None:
    """``effect``: one sentence per outcome that carries it, the outcomes named among the five."""
    sentences = _mapping(effect, "sentences", f"{where}: effect")
    for outcome, sentence in (effect.get("outcomes") or {}).items():
        if outcome not in OUTCOMES:
            raise TextsError(f"{where}: effect.outcomes names unknown outcome {outcome!r}")
        if sentence is not None and sentence not in sentences:
            raise TextsError(f"{where}: effect.outcomes.{outcome} names unknown sentence {sentence!r}")


def effect_sentence(outcome: str, effect: Mapping[str, Any]) -> str | None:
    """The effect sentence (e.g. 本裁定书自即日起发生法律效力。) a ruling of ``outcome`` ends its body with, by the
    one rule in ruling.yaml's ``effect``: each outcome names its sentence, or none; an outcome not named takes
    ``default``. Special-procedure rulings are final at first instance (CPL 185); the wording is the court's."""
    outcomes = effect.get("outcomes") or {}
    key = outcomes[outcome] if outcome in outcomes else effect.get("default")
    return None if key is None else str(effect["sentences"][key])


def load_texts(directory: str | Path | None = None) -> LegalTexts:
    """Load (once per process and directory) the texts in `directory`, by default the ones shipped here."""
    return _load(Path(directory).resolve() if directory is not None else DEFAULT_DIRECTORY)


def outcome_grounds(outcome: str, directory: str | Path | None = None) -> dict[str, str]:
    """The grounds that belong to `outcome`: code → label. The API refuses any other code for that outcome."""
    return load_texts(directory).outcome_grounds(outcome)
