"""The certificate of voluntary performance (自动履行证明书), rendered to PDF.

Issued by the court once every obligation the ruling confirmed is performed. The same frame as the court's rulings
(title, closing with the seal over the date, verification QR code: ``templates.ruling.render_court_ruling``), with
its own title and the court's name in place of the judge and clerk. The wording is in
templates/texts/performance.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from templates.dates import arabic_date
from templates.model import PerformanceCertificateContent, RenderedDocument
from templates.ruling import render_court_ruling
from templates.texts import LegalTexts, document_texts, load_texts

TEXTS_FILE = Path(__file__).parent / "texts" / "performance.yaml"
KEYS = ("document_name", "parties", "facts", "summary", "item", "confirmed_by", "closing")
NUMERALS = "一二三四五六七八九十"


@cache
def performance_texts(path: Path = TEXTS_FILE) -> Mapping[str, Any]:
    return document_texts(path, KEYS)


def item_number(n: int) -> str:
    """一 … 十, 十一 … 九十九, as a court numbers a list."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")


def certificate_paragraphs(content: PerformanceCertificateContent,
                           wording: Mapping[str, Any] | None = None) -> list[str]:
    """The body of the certificate, paragraph by paragraph."""
    if not content.obligations:
        raise ValueError("a certificate of performance needs at least one performed obligation")
    wording = wording or performance_texts()
    fields = {"court_name": content.court_name, "case_number": content.case_number,
              "parties": "、".join(content.parties), "ruling_decided_on": arabic_date(content.ruling_decided_on),
              "count": item_number(len(content.obligations))}
    out = [str(wording["parties"]).format_map(fields), str(wording["facts"]).format_map(fields),
           str(wording["summary"]).format_map(fields)]
    for n, o in enumerate(content.obligations, start=1):
        out.append(str(wording["item"]).format(number=item_number(n), obligor=o.obligor, obligee=o.obligee,
                                               what=o.what, performed_on=arabic_date(o.performed_on),
                                               confirmed_by=o.confirmed_by))
    out.append(str(wording["closing"]))
    return out


def render_performance_certificate(content: PerformanceCertificateContent, *,
                                   texts: LegalTexts | None = None) -> RenderedDocument:
    texts = texts or load_texts()
    return render_court_ruling(content, certificate_paragraphs(content), texts,
                               document_name=str(performance_texts()["document_name"]), signatories=False)
