"""The confirmation of the address for service (送达地址确认书), rendered to PDF.

Each party of a mediation agreement confirms on their own phone, after a one-time code proved who they are, where
the court may serve them, their phone and e-mail, and whether they accept electronic service and through which
channels (法发〔2017〕19号 3–5; 人民法院在线诉讼规则 29). The issuance worker renders what the party recorded as the
same ruled form as the service receipt and voucher: the case (or, before the court registers it, the application
reference), the cause of action, the party, the address, phone and e-mail, the consent to electronic service and
the addresses it goes to, the court's notice (告知事项) and a line saying when and how the party confirmed; at the
foot the court's name and the date, where the court's seal goes. Nothing the party left out is filled in: an
absent address, phone or e-mail is printed as not given (address.yaml's not_filled).
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from templates.dates import arabic_datetime
from templates.form import CELL_SIZE, FormRow, draw_form_pages, fitted_label_row, paginate
from templates.model import ELECTRONIC_CHANNELS, AddressConfirmationContent, RenderedDocument
from templates.page import LEADING, MM, new_canvas
from templates.texts import LegalTexts, load_texts

CHINA = ZoneInfo("Asia/Shanghai")
# Rows are lower than the voucher's (11 mm) so that the form, its notice and the seal fit on one page.
ROW_HEIGHT = 9 * MM
NOTICE_SIZE = 10.5  # 五号: the notice is long, as forms print it
# A value longer than this (more than 300 characters) is set smaller rather than growing its row further.
MAX_ROW_HEIGHT = 100 * MM
PARTY_KINDS = ("person", "organization")
# Where each channel of electronic service goes: the field of the content holding that address.
CHANNEL_CONTACTS = {"sms": "phone", "email": "email"}
assert set(CHANNEL_CONTACTS) == set(ELECTRONIC_CHANNELS), "every channel needs the contact it goes to"


def render_address_confirmation(
    content: AddressConfirmationContent, *, texts: LegalTexts | None = None
) -> RenderedDocument:
    """Render a party's confirmation of the address for service; the seal box lies over the date at the foot."""
    _check(content)
    texts = texts or load_texts()
    spec = texts.address
    labels = spec["labels"]
    channel_names = spec["channels"]
    unknown = [c for c in content.electronic_channels if c not in channel_names]
    if unknown:
        raise ValueError(f"unknown electronic channel(s) {unknown}; address.yaml knows {sorted(channel_names)}")
    not_filled = str(spec["not_filled"])
    contacts = {code: _given(getattr(content, field)) for code, field in CHANNEL_CONTACTS.items()}
    confirmed_at = content.confirmed_at.astimezone(CHINA)

    if content.case_number:
        reference = (labels["case_number"], content.case_number)
    else:
        reference = (labels["application_ref"], spec["application_ref"].format(application_ref=content.application_ref))
    if content.electronic_service:
        names = [str(channel_names[c]) for c in content.electronic_channels]
        consent = spec["electronic_service"]["accepted"].format(channels=spec["channel_separator"].join(names))
        electronic = spec["electronic_address_separator"].join(
            spec["electronic_address"].format(channel=channel_names[c], address=contacts[c])
            for c in content.electronic_channels
        )
    else:
        consent = spec["electronic_service"]["refused"]
        electronic = spec["not_applicable"]
    confirmation = spec["confirmation"][content.party_kind].format(
        confirmed_at=_to_the_second(confirmed_at), confirmed_via=content.confirmed_via
    )

    def row(label: str, value: str, *, size: float = CELL_SIZE) -> FormRow:
        return fitted_label_row(str(label), str(value), ROW_HEIGHT, size=size, max_height=MAX_ROW_HEIGHT)

    rows = [
        row(*reference),
        row(labels["dispute_type"], content.dispute_type),
        row(labels["party"], content.party_name),
        row(labels["address"], _given(content.address) or not_filled),
        row(labels["phone"], _given(content.phone) or not_filled),
        row(labels["email"], _given(content.email) or not_filled),
        row(labels["electronic_service"], consent),
        row(labels["electronic_address"], electronic),
        row(labels["notice"], "\n".join(str(p) for p in spec["notice"]), size=NOTICE_SIZE),
        row(labels["confirmation"], confirmation),
    ]

    buffer = io.BytesIO()
    document_name = str(spec["document_name"])
    canvas = new_canvas(
        buffer,
        title=f"{content.case_number or content.application_ref} {document_name}",
        author=content.court_name,
        subject=f"{document_name}（{labels['party']}：{content.party_name}）",
        dev_mode=content.dev_mode,
    )
    title_height = 3 * LEADING
    seal_box = draw_form_pages(
        canvas,
        paginate(rows, title_height),
        court_name=content.court_name,
        document_name=document_name,
        title_height=title_height,
        issued_on=content.issued_on or confirmed_at.date(),
        dev_marker=str(spec.get("dev_marker", "DEV")) if content.dev_mode else None,
    )
    canvas.save()
    return RenderedDocument(pdf=buffer.getvalue(), seal_box=seal_box)


def _check(content: AddressConfirmationContent) -> None:
    """Refuse a confirmation that does not say one consistent thing."""
    if content.party_kind not in PARTY_KINDS:
        raise ValueError(f"party_kind must be one of {PARTY_KINDS}, not {content.party_kind!r}")
    if not content.case_number and not content.application_ref.strip():
        raise ValueError("an address confirmation needs a case number or an application reference")
    if content.confirmed_at.tzinfo is None or content.confirmed_at.utcoffset() is None:
        raise ValueError("confirmed_at must be timezone-aware")
    channels = content.electronic_channels
    if len(set(channels)) != len(channels):
        raise ValueError(f"an electronic channel is listed twice: {channels}")
    if content.electronic_service and not channels:
        raise ValueError("a party accepting electronic service names at least one channel")
    if not content.electronic_service and channels:
        raise ValueError("a party refusing electronic service names no channel")
    for code in channels:
        field = CHANNEL_CONTACTS.get(code)
        if field is not None and not _given(getattr(content, field)):
            raise ValueError(f"electronic service by {code} needs the party's {field}, which was not given")


def _given(value: str | None) -> str:
    """What the party entered, trimmed; empty when they entered nothing."""
    return (value or "").strip()


def _to_the_second(t: datetime) -> str:
    """An electronic trail is kept to the second: 2026年11月30日15时20分07秒."""
    return f"{arabic_datetime(t)}{t.second:02d}秒"
