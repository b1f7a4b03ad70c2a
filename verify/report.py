"""The result of checking a sealed PDF: ``VerificationReport``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .problems import Problem


@dataclass(frozen=True)
class VerificationReport:
    """What ``check_sealed_pdf`` found. ``genuine`` is true exactly when ``problems`` is empty.

    Times are ISO 8601 strings with an offset. ``coverage`` and ``modification_level`` are pyHanko's
    ``SignatureCoverageLevel`` / ``ModificationLevel`` names in lower case (``entire_file``, ``lta_updates``, …).
    ``level`` is the PAdES baseline level as far as the file shows it: ``B-B``, ``B-T``, ``B-LT``, ``B-LTA``.
    """

    genuine: bool
    document_sha256: str
    problems: tuple[Problem, ...] = ()
    intact: bool = False
    trusted: bool = False
    coverage: str | None = None
    modification_level: str | None = None
    signer: str | None = None
    signer_organization: str | None = None
    signer_cert_sha256: str | None = None
    signed_at: str | None = None
    timestamp_at: str | None = None
    timestamp_authority: str | None = None
    level: str | None = None
    revisions: int | None = None

    @property
    def problem_codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the body of ``jiudi verify --json``)."""
        return {
            "genuine": self.genuine,
            "intact": self.intact,
            "trusted": self.trusted,
            "coverage": self.coverage,
            "modification_level": self.modification_level,
            "signer": self.signer,
            "signer_organization": self.signer_organization,
            "signer_cert_sha256": self.signer_cert_sha256,
            "signed_at": self.signed_at,
            "timestamp_at": self.timestamp_at,
            "timestamp_authority": self.timestamp_authority,
            "level": self.level,
            "revisions": self.revisions,
            "document_sha256": self.document_sha256,
            "problems": [p.to_dict() for p in self.problems],
        }
