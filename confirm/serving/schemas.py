"""The body of a service record (当场送达) as the API and the pages send it, and the signature image's decoding."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from confirm.law.errors import DomainError
from confirm.law.inputs import DocumentInput
from confirm.law.serving import Channel, ConsentBasis, ServiceMethod


class RecipientIn(BaseModel):
    """One recipient; for ``electronic`` the address defaults to the party's mobile number on the application."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    party_id: int
    method: ServiceMethod
    signature_png: str | None = Field(default=None, max_length=3_000_000)
    electronic_address: str | None = Field(default=None, max_length=100)
    channel: Channel | None = None
    sent_at: datetime | None = None
    consent_basis: ConsentBasis | None = None
    served_at: datetime | None = None  # electronic only: when it arrived, if not the request's served_at
    # in person, someone else signed for the recipient (代收, CPL 88): who, and why they may
    receiver_name: str | None = Field(default=None, max_length=50)
    receiver_relation: str | None = Field(default=None, max_length=100)
    # left_at_residence (留置送达, CPL 89): how the recipient refused, and a witness or a photo of the leaving
    refusal_circumstances: str | None = Field(default=None, max_length=500)
    witness_name: str | None = Field(default=None, max_length=50)
    witness_unit: str | None = Field(default=None, max_length=100)
    photo: str | None = Field(default=None, max_length=11_200_000)  # JPEG or PNG, base64 or a data: URL


class ServiceIn(DocumentInput):
    """The body of ``POST /api/v1/applications/{id}/service``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    served_at: datetime
    place: str = Field(default="", max_length=200)  # required when anyone is served in person
    recipients: list[RecipientIn] = Field(min_length=1, max_length=50)
    remarks: str | None = Field(default=None, max_length=500)  # 备考, printed on the receipt


def decode_data_url(text: str, *, field: str, code: str, message: str) -> bytes:
    """The bytes of a base64 image, bare or as a ``data:`` URL (a signature pad's output); a field error
    (``code``, ``message``) when it is not base64."""
    try:
        return base64.b64decode(text.split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError):
        raise DomainError.for_field(field, code, message) from None
