"""The ruling on an application for judicial confirmation (民事裁定书), rendered to PDF.

Structure per the SPC's 2016 rules for civil judgment documents (人民法院民事裁判文书制作规范): title (court,
document name, case number); body (parties; what was applied for and when; the agreement; how the court
verified; the court's view and legal basis; the operative part); closing (judge, date, seal, clerk). The wording
comes from templates/texts/; this module only assembles and sets it. The closing block never stands alone on a
page: it takes at least the last two lines of the text before it along. The verification QR code sits beside the
closing block on the last page.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reportlab.pdfgen.canvas import Canvas

from templates.dates import CHINESE_DATE_CHARACTERS, arabic_date, chinese_date
from templates.fonts import seed_subsets
from templates.layout import Line, break_lines, draw_line, draw_string, string_width
from templates.model import AgentInfo, PartyInfo, RenderedDocument, RulingContent, RulingFrame, SealBox
from templates.page import (
    ADVANCE,
    BODY_SIZE,
    LEADING,
    MM,
    SEAL_SIZE,
    TEXT_BOTTOM,
    TEXT_LEFT,
    TEXT_RIGHT,
    TEXT_TOP,
    TEXT_WIDTH,
    TITLE_SIZE,
    TRACKING,
    baseline_in_row,
    draw_page_furniture,
    draw_watermark,
    new_canvas,
)
from templates.qr import draw_qr, quiet_zone_width
from templates.texts import AGREEMENT_MARKER, LegalTexts, effect_sentence, load_texts

QR_SYMBOL_SIZE = 22 * MM  # the symbol without its quiet zone; ≥ 20 mm so phones read it off paper
QR_TEXT_SIZE = 9.0
CHECK_CODE_SIZE = 10.5  # 五号: the code people type in
QR_TEXT_MIN_SIZE = 6.5
CLOSING_ROWS = 5  # blank, 审判员, date, blank (seal), 书记员
CLOSING_RIGHT = TEXT_RIGHT - 2 * ADVANCE  # the closing is set two characters in from the right edge
KEEP_WITH_CLOSING = 2  # lines of text that always share the closing block's page

DrawRow = Callable[[Canvas, float], None]  # draws a row given its top y


@dataclass(frozen=True)
class _Row:
    height: float
    draw: DrawRow
    paragraph: int  # rows of one paragraph share a number; the title and closing have their own


def render_ruling(content: RulingContent, *, texts: LegalTexts | None = None) -> RenderedDocument:
    """Render a ruling to PDF; the seal box lies over the closing date (骑年压月) on the last page."""
    texts = texts or load_texts()
    return render_court_ruling(content, _paragraphs(content, texts), texts)


def render_court_ruling(content: RulingFrame, paragraphs: list[str], texts: LegalTexts, *,
                        document_name: str | None = None, signatories: bool = True) -> RenderedDocument:
    """A 民事裁定书 of this court with the body ``paragraphs``: the title, the body set in lines and pages, the
    closing with the seal box over the date and the verification block. Shared by the ruling on an application
    and the ruling on an objection to it (民特监), and, with its own ``document_name`` and the court's name in
    place of the judge and clerk (``signatories=False``), by the court's certificates (自动履行证明书)."""
    document_name = document_name or str(texts.ruling["document_name"])
    title_rows = _title_rows(content, texts, document_name)
    body_rows: list[_Row] = []
    for number, paragraph in enumerate(paragraphs):
        for line in break_lines(
            paragraph, TEXT_WIDTH, BODY_SIZE, first_indent=2 * ADVANCE, tracking=TRACKING
        ):
            body_rows.append(_Row(LEADING, _line_drawer(line), number))
    closing_height = CLOSING_ROWS * LEADING
    pages = _paginate(title_rows + body_rows, closing_height)

    buffer = io.BytesIO()
    canvas = new_canvas(
        buffer,
        title=f"{content.case_number} {document_name}",
        author=content.court_name,
        subject=f"{content.court_name}{document_name}",
        dev_mode=content.dev_mode,
    )
    seed_subsets(canvas, _fixed_wording(texts))
    seal_box: SealBox | None = None
    dev_marker = str(texts.ruling.get("dev_marker", "DEV")) if content.dev_mode else None
    if content.preview:
        dev_marker = str(texts.ruling["preview_marker"]) + (f"（{dev_marker}）" if dev_marker else "")
    for index, rows in enumerate(pages):
        if content.preview:
            draw_watermark(canvas, "预  览")
        y = TEXT_TOP
        for row in rows:
            row.draw(canvas, y)
            y -= row.height
        if index == len(pages) - 1:
            seal_box = _draw_closing(canvas, content, texts, y, index, signatories=signatories)
        footer = str(texts.ruling["footer"]).format(page=index + 1, pages=len(pages))
        draw_page_furniture(canvas, footer=footer, dev_marker=dev_marker)
        canvas.showPage()
    canvas.save()
    assert seal_box is not None
    return RenderedDocument(pdf=buffer.getvalue(), seal_box=seal_box)


# --- wording -------------------------------------------------------------------------------------------


def _fixed_wording(texts: LegalTexts) -> str:
    """Every string of the ruling's fixed wording (common wording, outcomes, grounds, address wording) in one
    string, in the order the texts hold them, then the numerals of the closing date (its 〇 is in a fallback
    face): what rulings have in common, to seed the fonts' subsets with."""
    wording = _wordings.get(texts.directory)
    if wording is None:
        wording = _wordings[texts.directory] = "".join(
            _strings((texts.ruling, texts.outcomes, texts.grounds, texts.address))) + CHINESE_DATE_CHARACTERS
    return wording


_wordings: dict[Path, str] = {}  # texts directory -> its fixed wording (load_texts keeps one LegalTexts each)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif is_dataclass(value):
        for item in fields(value):
            yield from _strings(getattr(value, item.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _paragraphs(content: RulingContent, texts: LegalTexts) -> list[str]:
    """The body of the ruling, paragraph by paragraph, from parties to the last line before the closing."""
    outcome = texts.outcome(content.outcome)
    if not content.parties:
        raise ValueError("a ruling needs at least one party")
    fields = _fields(content, texts)
    out = [p for party in content.parties for p in party_paragraphs(party, texts)]
    groups = {texts.grounds[g].group for g in content.grounds if g in texts.grounds}
    for template in outcome.facts + outcome.view_for(groups) + outcome.operative + outcome.tail:
        if template.strip() == AGREEMENT_MARKER:
            out.extend(_agreement_clauses(content.agreement_text))
        else:
            try:
                text = template.format_map(fields).strip()
            except KeyError as missing:
                raise ValueError(f"{content.outcome!r} states {missing} but the record has none") from None
            if text:
                out.append(text)
    effect = effect_sentence(content.outcome, texts.ruling["effect"])
    if effect:
        out.append(effect)
    return out


def _confirmations(content: RulingContent, texts: LegalTexts, label: str) -> str:
    """One sentence on how each party confirmed the agreement itself, from the record; empty without one."""
    spec = texts.ruling["confirmations"]
    parts = []
    for c in content.party_confirmations:
        if c.state != "waived" and c.on is None:
            raise ValueError(f"the {c.state} answer of {c.name} has no date")
        parts.append(str(spec[c.state]).format(party=f"{label}{c.name}", on=arabic_date(c.on) if c.on else "",
                                               reason=c.reason or ""))
    return str(spec["joiner"]).join(parts) + "。" if parts else ""


def _fields(content: RulingContent, texts: LegalTexts) -> dict[str, str]:
    ruling = texts.ruling
    label = str(ruling["party"]["label"])
    names = [f"{label}{p.name}" for p in content.parties]
    applicants = names[0] if len(names) == 1 else "、".join(names[:-1]) + "与" + names[-1]
    sides = str(ruling["sides"]["two" if len(content.parties) <= 2 else "more"])
    grounds, citations = _grounds(content, texts)
    verification = ""
    if content.verification_method is not None:
        if content.verification_at is None:
            raise ValueError("verification_method is set but verification_at is not")
        template = str(ruling["verification"][content.verification_method])
        verification = template.format(verified_on=arabic_date(content.verification_at.date()), sides=sides)
    confirmations = _confirmations(content, texts, label)
    reasoning = content.reasoning.strip()
    if reasoning and reasoning[-1] not in "。；！？":
        reasoning += "。"
    same_day = content.accepted_on == content.applied_on
    supplement = _supplement(content)
    accepted = {} if content.accepted_on is None else {  # (a text stating an acceptance that never was: KeyError)
        "accepted_on": str(ruling["same_day"]) if same_day else arabic_date(content.accepted_on)}
    withdrawal = _withdrawal(content, label)
    return {
        "court_name": content.court_name,
        "case_number": content.case_number,
        "applicants": applicants,
        "applicant_list": label + "、".join(p.name for p in content.parties),
        "sides": sides,
        "dispute_type": content.dispute_type,
        "mediation_organization": content.mediation_organization,
        "mediation_concluded_on": arabic_date(content.mediation_concluded_on),
        "applied_on": arabic_date(content.applied_on),
        **accepted,
        "verification": verification,
        "confirmations": confirmations,
        "reasoning": reasoning,
        "grounds": grounds,
        "citations": citations,
        "agreement": "",
        **supplement,
        **withdrawal,
    }


def _withdrawal(content: RulingContent, label: str) -> dict[str, str]:
    """Who asked to withdraw and when, as recorded (Interp. 357 ¶1). 准许撤回申请 cannot be printed without it: the
    ruling would say that somebody withdrew without saying who or when."""
    if not content.withdrawn_by or content.withdrawal_requested_on is None:
        if content.outcome == "withdrawal_permitted":
            raise ValueError("withdrawal_permitted needs the recorded withdrawal: who asked and on which day")
        return {"withdrawn_by": "", "withdrawal_requested_on": ""}
    return {"withdrawn_by": "、".join(f"{label}{name}" for name in content.withdrawn_by),
            "withdrawal_requested_on": arabic_date(content.withdrawal_requested_on)}


def _supplement(content: RulingContent) -> dict[str, str]:
    """The recorded order to supplement (限期补正): when, by when, what. 按撤回申请处理 cannot be printed without it:
    the ruling would assert a deadline nobody set."""
    if content.supplement_deadline is None or content.supplement_ordered_on is None:
        if content.outcome == "treated_as_withdrawn":
            raise ValueError("treated_as_withdrawn needs the recorded order to supplement and its deadline")
        return {"supplement_ordered_on": "", "supplement_deadline": "", "supplement_reason": ""}
    reason = content.supplement_reason.strip()
    if reason and reason[-1] not in "。；！？":
        reason += "。"
    return {"supplement_ordered_on": arabic_date(content.supplement_ordered_on),
            "supplement_deadline": arabic_date(content.supplement_deadline), "supplement_reason": reason}


def _grounds(content: RulingContent, texts: LegalTexts) -> tuple[str, str]:
    """The grounds' labels for the court's view and their citations for the legal basis."""
    outcome = texts.outcome(content.outcome)
    allowed = texts.outcome_grounds(content.outcome)
    given = set(content.grounds)
    wrong = sorted(given - allowed.keys())
    if wrong:
        raise ValueError(f"ground(s) {wrong} do not belong to outcome {content.outcome!r}")
    if len(given) < outcome.min_grounds:
        raise ValueError(f"outcome {content.outcome!r} needs at least {outcome.min_grounds} ground(s)")
    chosen = [g for g in texts.grounds.values() if g.code in given]  # in the order the law lists them
    if any(g.needs_reason for g in chosen) and not content.reasoning.strip():
        raise ValueError("a ground that needs a written reason was given without reasoning")
    labels = str(texts.ruling.get("ground_joiner", "、")).join(g.label for g in chosen)
    citations = []
    for group, template in outcome.citations.items():
        items = "、".join(g.item for g in chosen if g.group == group)
        if items:
            citations.append(template.format(items=items))
    return labels, "、".join(citations)


def party_paragraphs(party: PartyInfo, texts: LegalTexts, label: str | None = None) -> list[str]:
    """One party as the 规范 lists it: the party's own paragraph, then, each on its own line, the 法定代表人 (or
    负责人) with 职务, the 法定代理人 and the 委托诉讼代理人. ``label`` replaces 申请人 (异议人 on an objection)."""
    spec = {**texts.ruling["party"], **({"label": label} if label else {})}
    labels = spec["id_labels"]
    id_label = (str(labels["other"]).format(document=party.id_document) if party.id_document
                else str(labels["resident_id"]))
    values = {
        "sex": party.sex,
        "birth_date": arabic_date(party.birth_date) if party.birth_date else None,
        "ethnicity": party.ethnicity,
        "nationality": party.nationality,
        "occupation": party.occupation,
        "address": party.address,
        "id_number": party.id_number,
        "id_label": id_label,
        "credit_code": party.credit_code,
    }
    fields = spec["person"] if party.kind == "person" else spec["organization"]
    parts = [party.name] + [str(t).format_map(values) for key, t in fields.items() if values.get(key)]
    out = [f"{spec['label']}：" + "，".join(parts) + "。"]
    if party.kind == "organization" and party.representative:
        template = spec["representative"] if party.representative_title else spec["representative_without_title"]
        out.append(str(template).format(role=party.representative_role, representative=party.representative,
                                        title=party.representative_title or ""))
    party_name = f"{spec['label']}{party.name}"
    if party.guardian is not None:
        out.append(str(spec["guardian"]).format(name=party.guardian.name, party=party_name,
                                                relation=party.guardian.relation))
    if party.agent is not None:
        out.append(_agent_paragraph(party.agent, party_name, spec["agent"]))
    return out


def _agent_paragraph(agent: AgentInfo, party_name: str, spec: Mapping[str, Any]) -> str:
    """委托诉讼代理人 described by the CPL 61 category (律师 → 律师事务所; 近亲属 → relation), or, for an agent
    recorded without a category, by the free text given."""
    values = {"id_number": agent.id_number, "authorization": agent.authorization}
    parts = [agent.name]
    if agent.kind is not None:
        parts.append(str(spec["kinds"][agent.kind]).format(unit=agent.unit or "", relation=agent.relation or "",
                                                           party=party_name))
        if agent.id_number:
            parts.append(str(spec["fields"]["id_number"]).format_map(values))
    else:
        parts += [str(t).format_map(values) for key, t in spec["fields"].items() if values.get(key)]
    return f"{spec['label']}：" + "，".join(parts) + "。"


def _agreement_clauses(agreement_text: str) -> list[str]:
    return [line.strip(" \t\u3000") for line in agreement_text.splitlines() if line.strip(" \t\u3000")]


# --- layout ----------------------------------------------------------------------------------------------


def _line_drawer(line: Line) -> DrawRow:
    def draw(canvas: Canvas, top: float) -> None:
        y = baseline_in_row(top, LEADING, BODY_SIZE)
        draw_line(canvas, line, TEXT_LEFT, y, TEXT_WIDTH, BODY_SIZE, tracking=TRACKING)

    return draw


def _title_rows(content: RulingFrame, texts: LegalTexts, document_name: str) -> list[_Row]:
    court = content.court_name
    court_size = min(TITLE_SIZE, TEXT_WIDTH / max(len(court), 1))  # very long names shrink to fit the line

    def court_row(canvas: Canvas, top: float) -> None:
        y = baseline_in_row(top, 1.5 * LEADING, court_size)
        draw_string(canvas, court, TEXT_LEFT + TEXT_WIDTH / 2, y, court_size, align="center", bold=True)

    def name_row(canvas: Canvas, top: float) -> None:
        y = baseline_in_row(top, 1.5 * LEADING, TITLE_SIZE)
        draw_string(
            canvas,
            document_name,
            TEXT_LEFT + TEXT_WIDTH / 2,
            y,
            TITLE_SIZE,
            tracking=TITLE_SIZE / 2,
            align="center",
            bold=True,
        )

    def number_row(canvas: Canvas, top: float) -> None:
        y = baseline_in_row(top, LEADING, BODY_SIZE)
        # two characters in from the right, like the closing block (法院诉讼文书规范; legal-review §1)
        draw_string(canvas, content.case_number, CLOSING_RIGHT, y, BODY_SIZE, tracking=TRACKING, align="right")

    return [
        _Row(1.5 * LEADING, court_row, -1),
        _Row(1.5 * LEADING, name_row, -1),
        _Row(LEADING, number_row, -1),
    ]


def _paginate(rows: list[_Row], closing_height: float) -> list[list[_Row]]:
    """Fill pages with rows; the closing block goes under the last row of the last page.

    The closing never stands alone: at least two lines of text precede it on its page. If it does not fit under
    the last line, the end of the last paragraph moves to a new page with it (the whole paragraph if no more than
    three of its lines were on that page); if the last paragraph's final line fell alone onto a new page, the
    line before it follows.
    """
    height = TEXT_TOP - TEXT_BOTTOM
    pages: list[list[_Row]] = [[]]
    space = height
    for row in rows:
        if row.height > space + 1e-6:
            pages.append([])
            space = height
        pages[-1].append(row)
        space -= row.height

    page = pages[-1]
    if closing_height > space + 1e-6:
        last = page[-1].paragraph if page else None
        same = 0
        while same < len(page) and page[-1 - same].paragraph == last:
            same += 1
        move = same if same <= KEEP_WITH_CLOSING + 1 else KEEP_WITH_CLOSING
        move = min(max(move, KEEP_WITH_CLOSING), sum(1 for r in page if r.paragraph >= 0))
        pages.append(page[len(page) - move :])
        del page[len(page) - move :]
    elif len(pages) > 1 and len(page) < KEEP_WITH_CLOSING:
        previous = pages[-2]
        while len(page) < KEEP_WITH_CLOSING and previous and previous[-1].paragraph >= 0:
            page.insert(0, previous.pop())
    return pages


def _draw_closing(
    canvas: Canvas, content: RulingFrame, texts: LegalTexts, top: float, page: int, *, signatories: bool = True
) -> SealBox:
    """审判员 / date / 书记员 on the right (or, without ``signatories``, the court's name over the date), the QR block
    on the left; returns the seal box over the date."""
    closing = texts.ruling["closing"]
    date_text = chinese_date(content.decided_on)

    def row_baseline(index: int) -> float:
        return baseline_in_row(top - index * LEADING, LEADING, BODY_SIZE)

    if signatories:
        judge = f"{closing['judge']}\u3000\u3000{_spaced_name(content.judge_name)}"
        clerk = f"{closing['clerk']}\u3000\u3000{_spaced_name(content.clerk_name)}"
        names_left = CLOSING_RIGHT - max(
            string_width(judge, BODY_SIZE, TRACKING), string_width(clerk, BODY_SIZE, TRACKING)
        )
        draw_string(canvas, judge, names_left, row_baseline(1), BODY_SIZE, tracking=TRACKING)
        draw_string(canvas, clerk, names_left, row_baseline(4), BODY_SIZE, tracking=TRACKING)
    else:
        draw_string(canvas, content.court_name, CLOSING_RIGHT, row_baseline(1), BODY_SIZE, tracking=TRACKING,
                    align="right")
    date_width = draw_string(
        canvas, date_text, CLOSING_RIGHT, row_baseline(2), BODY_SIZE, tracking=TRACKING, align="right"
    )

    # 骑年压月: the seal's centre on the middle of the date line.
    cx = CLOSING_RIGHT - date_width / 2
    cy = top - 2.5 * LEADING
    half = SEAL_SIZE / 2
    seal_box = SealBox(page, cx - half, cy - half, cx + half, cy + half)

    _draw_verification_block(canvas, content, texts, top - LEADING, seal_box.x1 - 2 * MM)
    return seal_box


def _spaced_name(name: str) -> str:
    """Two-character names are printed with a full-width space between (张　三), as courts set them."""
    return f"{name[0]}\u3000{name[1]}" if len(name) == 2 else name


def _draw_verification_block(
    canvas: Canvas, content: RulingFrame, texts: LegalTexts, top: float, right: float
) -> None:
    """QR code (verify_url), check code and a one-line instruction, left-aligned at the text margin."""
    spec = texts.ruling["verification_block"]
    quiet = quiet_zone_width(content.verify_url, QR_SYMBOL_SIZE)
    symbol_bottom = top - quiet - QR_SYMBOL_SIZE
    draw_qr(canvas, content.verify_url, TEXT_LEFT, symbol_bottom, QR_SYMBOL_SIZE)

    site = content.verify_site or _site_of(content.verify_url)
    check_code = str(spec["check_code"]).format(check_code=content.check_code)
    instruction = str(spec["instruction"]).format(site=site)
    width = right - TEXT_LEFT
    y = symbol_bottom - quiet
    for text, size in ((check_code, CHECK_CODE_SIZE), (instruction, QR_TEXT_SIZE)):
        while size > QR_TEXT_MIN_SIZE and string_width(text, size) > width:
            size -= 0.25  # one line if at all possible
        for line in break_lines(text, width, size):
            y -= size * 1.4
            draw_line(canvas, line, TEXT_LEFT, y, width, size, align="left")


def _site_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url
