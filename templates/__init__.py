"""Court documents rendered to PDF bytes: the ruling (民事裁定书), the service receipt (送达回证), the electronic
service voucher (电子送达凭证) and the seal's visible appearance. Pure rendering: no database, no keys, no
network. The wording lives in templates/texts/."""

from templates.dates import chinese_date
from templates.receipt import render_service_receipt
from templates.ruling import render_ruling
from templates.seal import render_seal_appearance
from templates.texts import load_texts, outcome_grounds
from templates.voucher import render_service_voucher

__all__ = [
    "chinese_date",
    "load_texts",
    "outcome_grounds",
    "render_ruling",
    "render_seal_appearance",
    "render_service_receipt",
    "render_service_voucher",
]
