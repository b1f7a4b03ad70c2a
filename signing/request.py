"""What to seal and where: the ``SealRequest`` value and the ``Sealer`` interface every backend implements.

A backend (PKCS#12 file, PKCS#11 token, remote signing service) turns PDF bytes plus a ``SealRequest`` into
sealed PDF bytes: a PAdES signature (ETSI EN 319 142-1) in a new visible signature field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from cryptography import x509

# PAdES baseline levels (ETSI EN 319 142-1 §6): B-B signature, B-T + signature timestamp, B-LT + DSS with the
# certificates and revocation data of the seal and TSA chains, B-LTA + a document timestamp over all of it
PadesLevel = Literal["B-B", "B-T", "B-LT", "B-LTA"]
PADES_LEVELS: tuple[PadesLevel, ...] = ("B-B", "B-T", "B-LT", "B-LTA")


class SealingError(Exception):
    """The document could not be sealed (bad input PDF, bad request, key or timestamp failure)."""


@dataclass(frozen=True)
class SealRequest:
    """One seal to apply.

    ``box`` is ``(x1, y1, x2, y2)`` in PDF points on page ``page_index`` (origin bottom-left). ``appearance_pdf``
    is a one-page vector PDF drawn into the box as the seal's visible appearance (the red round court seal);
    without it the field shows a thin outline. ``certify`` makes it a certification signature (DocMDP).
    """

    field_name: str
    page_index: int
    box: tuple[float, float, float, float]
    appearance_pdf: bytes | None
    reason: str
    location: str
    certify: bool = True

    def __post_init__(self) -> None:
        # '.' separates the parts of a fully qualified field name in AcroForms
        if not self.field_name or "." in self.field_name:
            raise ValueError(f"invalid signature field name: {self.field_name!r}")
        if self.page_index < 0:
            raise ValueError(f"page_index must be >= 0, not {self.page_index}")
        if len(self.box) != 4 or not all(math.isfinite(v) for v in self.box):
            raise ValueError(f"box must be four finite numbers, not {self.box!r}")
        x1, y1, x2, y2 = self.box
        if not (x2 > x1 and y2 > y1):
            raise ValueError(f"box must have x1 < x2 and y1 < y2, not {self.box!r}")


@dataclass(frozen=True)
class SealResult:
    """Sealed PDF bytes and the PAdES level actually achieved (never lower than asked: that raises)."""

    pdf: bytes
    level: PadesLevel


@runtime_checkable
class Sealer(Protocol):
    """Seals PDF bytes. Implementations are thread-safe and synchronous (``signing.pades.PadesSealer`` is the base
    of the shipped ones)."""

    def seal(self, pdf: bytes, request: SealRequest) -> bytes:
        """Return ``pdf`` with one more incremental revision holding the seal described by ``request``."""
        ...

    def seal_with_level(self, pdf: bytes, request: SealRequest) -> SealResult:
        """Seal like ``seal`` and report the PAdES level reached (never lower than configured: that raises)."""
        ...

    @property
    def certificate(self) -> x509.Certificate:
        """The seal's own certificate, the signer every seal names (subject and fingerprint go on record)."""
        ...


class RevocationInfo(Protocol):
    """DER CRLs and OCSP responses (``keys.RevocationData`` is one)."""

    @property
    def crls(self) -> Sequence[bytes]: ...

    @property
    def ocsp_responses(self) -> Sequence[bytes]: ...


class RevocationSource(Protocol):
    """Gives revocation data in-process for B-LT/B-LTA (``keys.RevocationAuthority`` is one); may raise."""

    def revocation_data(self, certs: Iterable[x509.Certificate]) -> RevocationInfo: ...
