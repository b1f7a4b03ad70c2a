"""The one Jinja environment of the server-rendered pages (staff and public), with the words they share."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import qrcode
import qrcode.constants
import qrcode.image.svg
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from confirm.law.identity import ID_DOCUMENTS
from confirm.law.intake import AGENT_KINDS, REPRESENTATIVE_ROLES
from confirm.law.lifecycle import status_name
from confirm.law.objections import ObjectionOutcome
from confirm.law.review import Outcome
from confirm.law.tables import common_dispute_types, ethnicities, inadmissible_dispute_types
from confirm.models import Role
from confirm.web.assets import static_url

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
DOCUMENT_KIND_NAMES = {"agreement": "调解协议", "joint_application": "联合申请书（签名）", "identity": "身份证明",
                       "evidence": "其他证据材料"}
OTHER_DISPUTE_TYPE = "其他"  # the pick-list's last choice: the mediator's own words, typed beside it
templates.env.globals.update(
    status_name=status_name, OUTCOME_NAMES={o.value: o.name_zh for o in Outcome}, KIND_NAMES=DOCUMENT_KIND_NAMES,
    ROLE_NAMES={r.value: r.name_zh for r in Role}, DISPUTE_TYPES=common_dispute_types,
    INADMISSIBLE_TYPES=lambda: {t: reason for t, (_g, _i, reason) in inadmissible_dispute_types().items()},
    OUTCOME_MEANINGS={o.value: o.meaning_zh for o in Outcome},
    OBJECTION_MEANINGS={o.value: o.meaning_zh for o in ObjectionOutcome},
    OBJECTION_NAMES={o.value: o.name_zh for o in ObjectionOutcome}, static_url=static_url,
    OTHER_DISPUTE_TYPE=OTHER_DISPUTE_TYPE, ETHNICITY_CHOICES=lambda: [(e, e) for e in ethnicities()], ID_DOCUMENTS=ID_DOCUMENTS,
    AGENT_KINDS=AGENT_KINDS, REPRESENTATIVE_ROLES=REPRESENTATIVE_ROLES,
)


def qr_svg_data_url(text: str) -> str:
    """A QR code of ``text`` as an SVG data URL (level M, a 4-module quiet zone): sharp on any screen, no file."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                       image_factory=qrcode.image.svg.SvgPathImage)
    qr.add_data(text)
    svg = qr.make_image().to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def render(request: Request, name: str, *, dev_mode: bool, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page of ``confirm/web/templates``; every page knows whether it runs in development mode (its banner)."""
    return templates.TemplateResponse(request, name, {"dev_mode": dev_mode, **context}, status_code=status_code)
