"""The ruling on an objection to a confirmation ruling (异议, Interp. 372; a 民特监 case), rendered to PDF.

The same 民事裁定书 as the ruling on an application (title, closing, seal over the date, verification QR code:
``templates.ruling.render_court_ruling``); only the body differs. The wording is in templates/texts/objection.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from templates.dates import arabic_date
from templates.model import ObjectionRulingContent, RenderedDocument
from templates.ruling import party_paragraphs, render_court_ruling
from templates.texts import LegalTexts, document_texts, load_texts

TEXTS_FILE = Path(__file__).parent / "texts" / "objection.yaml"
OUTCOMES = ("revoked", "changed", "rejected")


@cache
def objection_texts(path: Path = TEXTS_FILE) -> Mapping[str, Any]:
    data = document_texts(path, ("labels", "applicants", "citation", "facts", "view", "basis", "operative", "effect"))
    missing = [o for o in OUTCOMES if o not in data["operative"]]
    if missing:
        raise ValueError(f"{path}: operative has no wording for {missing}")
    return data


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "；", "”")) else text + "。"


def objection_paragraphs(content: ObjectionRulingContent, texts: LegalTexts,
                         wording: Mapping[str, Any] | None = None) -> list[str]:
    """The body of the ruling on an objection, paragraph by paragraph."""
    wording = wording or objection_texts()
    fields = {
        "objector": content.objector.name,
        "objector_label": wording["labels"][content.objector_kind],
        "applicants": "、".join(content.applicants),
        "original_case_number": content.original_case_number,
        "original_decided_on": arabic_date(content.original_decided_on),
        "original_outcome": content.original_outcome,
        "filed_on": arabic_date(content.filed_on),
        "request": _sentence(content.request),
        "reasoning": _sentence(content.reasoning),
        "change_text": _sentence(content.change_text) if content.change_text else "",
        "citation": wording["citation"],
    }
    out = party_paragraphs(content.objector, texts, label=str(wording["labels"][content.objector_kind]))
    out.append(str(wording["applicants"]).format_map(fields))
    out.extend(str(t).format_map(fields) for t in wording["facts"])
    out.append(str(wording["view"]).format_map(fields))
    out.append(str(wording["basis"]).format_map(fields))
    out.append(str(wording["operative"][content.outcome]).format_map(fields))
    out.append(str(wording["effect"]))
    return out


def render_objection_ruling(content: ObjectionRulingContent, *, texts: LegalTexts | None = None) -> RenderedDocument:
    texts = texts or load_texts()
    return render_court_ruling(content, objection_paragraphs(content, texts), texts)
