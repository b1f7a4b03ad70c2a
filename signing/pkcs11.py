"""The PKCS#11 token sealer (OASIS PKCS#11 v2.40 / 3.0): PAdES seals whose key never leaves the HSM.

``Pkcs11Sealer`` opens one session on the token at construction and keeps it; the PKCS#11 specification forbids
using one session from several threads at once, so every operation on it (object lookup, ``C_Sign``) is serialised
by a lock. The certificate and its chain are read from the token (the certificate labelled ``cert-label``, by
default the key label, and every other certificate on the token as the chain) or given explicitly.

``sealer_from_config`` (see ``signing.config``) selects this sealer from a ``pkcs11:`` configuration string.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import threading
from typing import Any

from asn1crypto import x509 as asn1_x509
from pkcs11 import Session
from pkcs11.exceptions import UserAlreadyLoggedIn
from pyhanko.sign.pkcs11 import PKCS11Signer, TokenCriteria, open_pkcs11_session
from pyhanko.sign.timestamps import TimeStamper

from .pades import DEFAULT_BYTES_RESERVED, PadesSealer
from .request import PadesLevel, RevocationSource, SealingError


class LockedPkcs11Signer(PKCS11Signer):
    """A pyHanko ``PKCS11Signer`` whose use of the session is serialised by a lock."""

    def __init__(self, *args: Any, lock: threading.Lock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session_lock = lock

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:
            return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
        # each seal runs in its own thread and event loop, so blocking this loop on the lock is harmless
        with self._session_lock:
            return await super().async_sign_raw(data, digest_algorithm)


class Pkcs11Sealer(PadesSealer):
    """Seals with a private key inside a PKCS#11 token (HSM, smart card, SoftHSM2). Thread-safe."""

    def __init__(
        self,
        module_path: str,
        token_label: str,
        key_label: str,
        pin: str,
        timestamper: TimeStamper | None,
        *,
        cert_label: str | None = None,
        signing_cert: asn1_x509.Certificate | None = None,
        ca_chain: list[asn1_x509.Certificate] | None = None,
        bytes_reserved: int = DEFAULT_BYTES_RESERVED,
        level: PadesLevel = "B-T",
        revocation: RevocationSource | None = None,
    ) -> None:
        self._lock = threading.Lock()
        try:
            self._session = _open_session(module_path, token_label, pin)
            signer = LockedPkcs11Signer(
                self._session,
                key_label=key_label,
                cert_label=cert_label or key_label,
                signing_cert=signing_cert,
                ca_chain=ca_chain,
                other_certs_to_pull=None,  # every certificate on the token: the seal's chain (pyHanko pulls none by default)
                lock=self._lock,
            )
            asyncio.run(signer.ensure_objects_loaded())  # find key and certificates once, up front
        except Exception as exc:  # module missing, token absent, wrong PIN, key not found
            raise SealingError(f"cannot use PKCS#11 token {token_label!r}: {exc!r}") from exc
        super().__init__(signer, timestamper, bytes_reserved=bytes_reserved, level=level, revocation=revocation)

    def close(self) -> None:
        """Close the token session."""
        with self._lock:
            self._session.close()


# (module, token) → SHA-256 of the PIN that logged in: the login state belongs to the whole process (PKCS#11
# §5.6), so a second sealer on the same token finds it logged in and must not get in with a different PIN
_LOGINS: dict[tuple[str, str], bytes] = {}
_LOGINS_LOCK = threading.Lock()


def _open_session(module_path: str, token_label: str, pin: str) -> Session:
    criteria = TokenCriteria(label=token_label)
    digest = hashlib.sha256(pin.encode("utf-8")).digest()
    with _LOGINS_LOCK:
        try:
            session = open_pkcs11_session(module_path, token_criteria=criteria, user_pin=pin)
        except UserAlreadyLoggedIn:
            if not hmac.compare_digest(_LOGINS.get((module_path, token_label), b""), digest):
                raise SealingError(f"PKCS#11 token {token_label!r}: wrong PIN") from None
            return open_pkcs11_session(module_path, token_criteria=criteria, user_pin=None)
        _LOGINS[(module_path, token_label)] = digest
        return session


__all__ = ["LockedPkcs11Signer", "Pkcs11Sealer"]
