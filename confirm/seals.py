"""Which key seals for which court, and with which timestamp source: the bridge from confirm/ to signing/ and keys/.

Development mode (nothing configured): a generated PKI under the data directory, one PKCS#12 seal per court,
and the built-in RFC 3161 timestamp authority in-process. Parsed keys and seal appearances are cached per court.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from confirm.config import Settings
from confirm.domain.errors import DomainError
from keys import DevPki, ensure_court_seal, ensure_dev_pki, load_trust_roots
from signing import DevTimestampAuthority, Pkcs12Sealer, Sealer, timestamper_from_url
from templates import render_seal_appearance

log = logging.getLogger("jiudi.seals")


class SealService:
    """Sealers per court, the timestamp source, and the trust roots for verification."""

    def __init__(self, settings: Settings) -> None:
        if not settings.dev_mode:
            raise DomainError(
                "config.signer_unsupported",
                f"JIUDI_SIGNER={settings.signer!r} is not supported yet; leave it unset for development keys",
                500,
            )
        self.settings = settings
        self.pki: DevPki = ensure_dev_pki(settings.data_dir)
        self.dev_tsa = DevTimestampAuthority(self.pki.tsa_cert, self.pki.tsa_key, [self.pki.root_cert])
        self.timestamper: Any = timestamper_from_url(settings.tsa_url) if settings.tsa_url else self.dev_tsa
        self._sealers: dict[str, Sealer] = {}
        self._appearances: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def ensure_court(self, court_code: str, court_name: str) -> None:
        """Create the court's seal key and certificate if it has none (development mode)."""
        ensure_court_seal(self.pki, court_code, court_name)

    def sealer_for(self, court_code: str, court_name: str) -> Sealer:
        with self._lock:
            sealer = self._sealers.get(court_code)
            if sealer is None:
                seal = ensure_court_seal(self.pki, court_code, court_name)
                sealer = Pkcs12Sealer(seal.p12_path, seal.passphrase, self.timestamper)
                self._sealers[court_code] = sealer
            return sealer

    def appearance_for(self, court_name: str) -> bytes:
        with self._lock:
            pdf = self._appearances.get(court_name)
            if pdf is None:
                pdf = render_seal_appearance(court_name, dev_mode=self.settings.dev_mode)
                self._appearances[court_name] = pdf
            return pdf

    def trust_roots(self) -> list[Any]:
        return load_trust_roots(self.settings.data_dir)

    def describe_signer(self, court_code: str, court_name: str) -> tuple[str, str]:
        """The seal certificate's subject common name and SHA-256 fingerprint, recorded with each ruling."""
        import hashlib

        from cryptography.hazmat.primitives.serialization import Encoding
        from cryptography.x509.oid import NameOID

        cert = ensure_court_seal(self.pki, court_code, court_name).cert
        names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        cn = str(names[0].value) if names else cert.subject.rfc4514_string()
        return cn, hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()
