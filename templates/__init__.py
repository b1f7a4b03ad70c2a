"""Court documents rendered to PDF bytes: the ruling (民事裁定书), the service receipt (送达回证), the electronic
service voucher (电子送达凭证), a party's confirmation of the address for service (送达地址确认书) and the seal's
visible appearance. Pure rendering: no database, no keys, no network. The wording lives in templates/texts/."""

from templates.address import render_address_confirmation
from templates.dates import chinese_date
from templates.receipt import render_service_receipt
from templates.report import render_joint_meeting_report
from templates.ruling import render_ruling
from templates.seal import render_seal_appearance
from templates.texts import load_texts, outcome_grounds
from templates.voucher import render_service_voucher

__all__ = [
    "chinese_date",
    "load_texts",
    "outcome_grounds",
    "render_address_confirmation",
    "render_joint_meeting_report",
    "render_ruling",
    "render_seal_appearance",
    "render_service_receipt",
    "render_service_voucher",
]
