"""Which key seals for which court, and with which timestamp source: the bridge from confirm/ to signing/ and keys/.

Development mode (nothing configured): a generated PKI under the data directory, one PKCS#12 seal per court,
and the built-in RFC 3161 timestamp authority in-process. Parsed keys and seal appearances are cached per court.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from typing import Any, cast

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from confirm.core.clock import utcnow
from confirm.core.config import Settings
from confirm.law.errors import DomainError
from keys import DevPki, RevocationAuthority, ensure_court_seal, ensure_dev_pki, load_trust_roots
from signing import (
    CachingRevocationSource,
    DevTimestampAuthority,
    FetchingRevocationSource,
    Pkcs12Sealer,
    Sealer,
    SealingError,
    SealRequest,
    sealer_from_config,
    timestamper_from_url,
)
from signing.request import PadesLevel
from templates import render_seal_appearance
from templates.model import RenderedDocument

log = logging.getLogger("jiudi.seals")


class CourtSeals:
    """Sealers per court, the timestamp source, the revocation data, and the trust roots for verification.

    Development mode seals at PAdES B-LTA: the development PKI publishes its own CRL and OCSP answers, gathered
    in-process. A configured ``JIUDI_SIGNER`` (``pkcs11:…``, ``csc:…`` or ``pkcs12:…``, see signing/config.py)
    seals for every court with that one key at ``JIUDI_SEAL_LEVEL`` (default B-T) with the TSA of
    ``JIUDI_TSA_URL``; at B-LT/B-LTA the revocation data is fetched from the OCSP responders and CRL distribution
    points the certificates name (``signing.FetchingRevocationSource``), and sealing fails without it. Either
    revocation data is given again to seals for ``JIUDI_REVOCATION_MAX_AGE`` seconds at most, never past its
    nextUpdate (``signing.CachingRevocationSource``; 0: every seal asks).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sealers: dict[tuple[str, str], Sealer] = {}
        self._appearances: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._configured: Any = None
        self.revocation: RevocationAuthority | None = None
        self._revocation_source: CachingRevocationSource | None = None
        if settings.dev_mode:
            self.pki: DevPki = ensure_dev_pki(settings.data_dir, base_url=settings.public_base_url)
            self.dev_tsa = DevTimestampAuthority(self.pki.tsa_cert, self.pki.tsa_key, [self.pki.root_cert])
            self.timestamper: Any = timestamper_from_url(settings.tsa_url) if settings.tsa_url else self.dev_tsa
            self.revocation = RevocationAuthority(self.pki)
            self._revocation_source = CachingRevocationSource(self.revocation, settings.revocation_max_age, now=utcnow)
            self.level = settings.seal_level or "B-LTA"
            return
        if not settings.tsa_url:
            raise DomainError("config.signer_unsupported",
                              "配置了 JIUDI_SIGNER 时须同时配置时间戳服务 JIUDI_TSA_URL（未配置则不出具裁定书）", 500)
        self.timestamper = timestamper_from_url(settings.tsa_url)
        self.level = settings.seal_level or "B-T"
        # B-LT/B-LTA: revocation data from the OCSP responders and CRLs the certificates themselves name
        fetching = (CachingRevocationSource(FetchingRevocationSource(), settings.revocation_max_age, now=utcnow)
                    if self.level in ("B-LT", "B-LTA") else None)
        try:
            self._configured = sealer_from_config(settings.signer or "", self.timestamper,
                                                  level=cast(PadesLevel, self.level), revocation=fetching)
        except (ValueError, SealingError) as exc:
            raise DomainError("config.signer_unsupported", f"JIUDI_SIGNER 配置有误：{exc}", 500) from exc

    def ensure_court(self, court_code: str, court_name: str) -> None:
        """Create the court's seal key and certificate if it has none (development mode)."""
        if self.settings.dev_mode:
            ensure_court_seal(self.pki, court_code, court_name)

    def sealer_for(self, court_code: str, court_name: str) -> Sealer:
        """The court's sealer; parsed keys are kept for the process's life."""
        if self._configured is not None:
            return self._configured
        with self._lock:
            sealer = self._sealers.get((court_code, court_name))  # a renamed court gets a seal of its new name
            if sealer is None:
                seal = ensure_court_seal(self.pki, court_code, court_name)
                sealer = Pkcs12Sealer(seal.p12_path, seal.passphrase, self.timestamper,
                                      level=cast(PadesLevel, self.level), revocation=self._revocation_source)
                self._sealers[(court_code, court_name)] = sealer
            return sealer

    def appearance_for(self, court_name: str) -> bytes:
        """The court's round seal, drawn once per court name (vector PDF)."""
        with self._lock:
            pdf = self._appearances.get(court_name)
            if pdf is None:
                pdf = render_seal_appearance(court_name, dev_mode=self.settings.dev_mode)
                self._appearances[court_name] = pdf
            return pdf

    def trust_roots(self) -> list[x509.Certificate]:
        return load_trust_roots(self.settings.data_dir)

    def seal(self, court_code: str, court_name: str, rendered: RenderedDocument, reason: str) -> SealedDocument:
        """Seal a rendered document with the court's seal over its seal box (synchronous: call it from a worker
        thread), with what the record of it needs: the level reached and the seal certificate used."""
        sealer = self.sealer_for(court_code, court_name)
        box = rendered.seal_box
        request = SealRequest(field_name="CourtSeal", page_index=box.page_index, box=(box.x1, box.y1, box.x2, box.y2),
                              appearance_pdf=self.appearance_for(court_name), reason=reason, location=court_name)
        result = sealer.seal_with_level(rendered.pdf, request)
        cert = sealer.certificate
        names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return SealedDocument(
            pdf=result.pdf, level=result.level,
            signer=str(names[0].value) if names else cert.subject.rfc4514_string(),
            signer_cert_sha256=hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest(),
        )


@dataclass(frozen=True)
class SealedDocument:
    """Sealed bytes, the PAdES level reached, and the seal certificate's common name and SHA-256 fingerprint."""

    pdf: bytes
    level: str
    signer: str
    signer_cert_sha256: str
