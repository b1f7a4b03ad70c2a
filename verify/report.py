"""The result of checking a sealed PDF: ``VerificationReport``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .problems import Problem, etsi_status


@dataclass(frozen=True)
class VerificationReport:
    """What ``check_sealed_pdf`` found. ``genuine`` is true exactly when ``problems`` is empty.

    Times are ISO 8601 strings with an offset. ``coverage`` and ``modification_level`` are pyHanko's
    ``SignatureCoverageLevel`` / ``ModificationLevel`` names in lower case (``entire_file``, ``lta_updates``, …).
    ``level`` is the PAdES baseline level as far as the file shows it: ``B-B``, ``B-T``, ``B-LT``, ``B-LTA``.

    ``indication`` / ``sub_indication`` follow ETSI EN 319 102-1 (TS 119 102-1 report): ``PASSED``, ``FAILED``
    or ``INDETERMINATE``, with e.g. ``HASH_FAILURE``, ``SIG_CRYPTO_FAILURE``, ``NO_CERTIFICATE_CHAIN_FOUND``,
    ``REVOKED``, ``FORMAT_FAILURE``, ``SIGNED_DATA_NOT_FOUND`` (see ``verify.problems.ETSI_STATUS``); ``reason`` is
    the Chinese explanation of the deciding problem. All three are derived from ``problems``.
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

    @property
    def indication(self) -> str:
        """``PASSED``, ``FAILED`` or ``INDETERMINATE`` (ETSI EN 319 102-1 §5.1.3)."""
        return etsi_status(self.problem_codes)[0]

    @property
    def sub_indication(self) -> str | None:
        """The ETSI sub-indication of the deciding problem; ``None`` when ``PASSED``."""
        return etsi_status(self.problem_codes)[1]

    @property
    def reason(self) -> str:
        """Why, in Chinese, for the person checking the file."""
        return etsi_status(self.problem_codes)[2]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the body of ``jiudi verify --json``)."""
        return {
            "genuine": self.genuine,
            "indication": self.indication,
            "sub_indication": self.sub_indication,
            "reason": self.reason,
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
