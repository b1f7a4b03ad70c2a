"""The court-editable rule tables of the law (the YAML files beside this module), loaded once per process.

The tables are data, not code, so a court can correct a list without a release; the pure rule functions take
them as values.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from confirm.law.admissibility import InadmissibleGround


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load(files(__name__).joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def inadmissible_dispute_types() -> dict[str, tuple[str, int, str]]:
    """案由 named in the table → (ground code, item of Interp. 355, Chinese reason): the grounds read by name."""
    return {dispute_type: (g.code, g.item, g.reason) for g in inadmissible_grounds() for dispute_type in g.dispute_types}


@lru_cache(maxsize=1)
def inadmissible_grounds() -> tuple[InadmissibleGround, ...]:
    """The grounds of Interp. 355 with the names and the key terms that mean them (admissibility.yaml)."""
    return tuple(
        InadmissibleGround(code=ground, item=int(entry["item"]), reason=entry["reason"],
                           dispute_types=tuple(entry["dispute_types"]), terms=tuple(entry["terms"]),
                           exceptions=tuple(entry.get("exceptions", ())))
        for ground, entry in _load("admissibility.yaml").items()
    )


@lru_cache(maxsize=1)
def common_dispute_types() -> tuple[str, ...]:
    """Dispute types (案由) often mediated on the spot, offered as suggestions on the application form."""
    common = tuple(str(t) for t in _load("dispute_types.yaml")["common"])
    refused = set(common) & set(inadmissible_dispute_types())
    if refused:  # a suggestion the court would refuse at once is a mistake in the tables
        raise ValueError(f"dispute_types.yaml suggests inadmissible types: {sorted(refused)}")
    return common


@lru_cache(maxsize=1)
def risk_table() -> dict[str, Any]:
    """High-risk dispute types and thresholds for false-mediation flags (domain.md §4)."""
    data = _load("risk.yaml")
    data["large_amount"] = Decimal(str(data["large_amount"]))
    return data


@lru_cache(maxsize=1)
def signal_table() -> dict[str, Any]:
    """The cross-case signals' thresholds and windows shipped with the release (signals.yaml); a court's
    ``<data_dir>/signals.yaml`` overrides them (``confirm.law.signals.merge_table``)."""
    return _load("signals.yaml")


@lru_cache(maxsize=1)
def evaluation_table() -> dict[str, Any]:
    """The mediator evaluation's scoring weights shipped with the release (evaluation.yaml); a court's
    ``<data_dir>/evaluation.yaml`` overrides them (``confirm.law.evaluation.weights_from_table``)."""
    return _load("evaluation.yaml")


@lru_cache(maxsize=1)
def party_texts() -> dict[str, Any]:
    """What a party reads: the warning against false litigation, the notices, the messages' wording."""
    data = _load("party.yaml")
    for key in ("warning", "service_address_notice", "electronic_service_question", "rejected_next_steps",
                "verify_howto", "messages"):
        if key not in data:
            raise ValueError(f"party.yaml lacks {key}")
    return data


@lru_cache(maxsize=1)
def holiday_table() -> dict[Any, Any]:
    """The State Council's holiday arrangements shipped with the release (holidays.yaml), by year."""
    return _load("holidays.yaml") or {}


@lru_cache(maxsize=1)
def ethnicities() -> tuple[str, ...]:
    """The 56 民族 of GB/T 3304-1991 as a ruling writes them ("土家族"), in the standard's order."""
    names = tuple(str(n) for n in _load("ethnicities.yaml"))
    if len(names) != 56 or len(set(names)) != 56:
        raise ValueError("ethnicities.yaml must list the 56 民族 once each")
    return names
