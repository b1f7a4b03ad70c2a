"""Revocation data kept for a bounded time: one OCSP answer and CRL per chain serves the seals of a few minutes.

Asking the responders on every seal makes every B-LT/B-LTA seal wait for them (and, with Jiudi's development
responder, sign two OCSP responses). ``CachingRevocationSource`` keeps what another ``RevocationSource`` gave for
a set of certificates and gives it again while it is younger than ``max_age`` seconds and before the earliest
``nextUpdate`` of the responses and CRLs it holds; after that it asks again. The consequence, which the operator
chooses with ``JIUDI_REVOCATION_MAX_AGE`` (docs/operations.md): a seal certificate revoked at its CA may still seal
for up to ``max_age`` seconds after the data was fetched. ``max_age`` 0 keeps nothing (every seal asks). Failures
are never kept: a source that raises is asked again at the next seal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509 import ocsp

from .request import RevocationInfo, RevocationSource

DEFAULT_MAX_AGE = 300.0


def _system_now() -> datetime:
    return datetime.now(timezone.utc)


def usable_until(info: RevocationInfo, fetched_at: datetime, max_age: float) -> datetime:
    """When revocation data fetched at ``fetched_at`` stops being given again: ``max_age`` seconds later, or at
    the earliest nextUpdate of its OCSP responses and CRLs if that comes first."""
    until = fetched_at + timedelta(seconds=max_age)
    for der in info.ocsp_responses:
        response = ocsp.load_der_ocsp_response(der)
        if response.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL and response.next_update_utc is not None:
            until = min(until, response.next_update_utc)
    for der in info.crls:
        next_update = x509.load_der_x509_crl(der).next_update_utc
        if next_update is not None:
            until = min(until, next_update)
    return until


class CachingRevocationSource:
    """A ``RevocationSource`` that gives ``source``'s data for the same certificates again for a bounded time."""

    def __init__(self, source: RevocationSource, max_age: float = DEFAULT_MAX_AGE, *,
                 now: Callable[[], datetime] = _system_now) -> None:
        if max_age < 0:
            raise ValueError("max_age must be 0 (no cache) or more seconds")
        self.source = source
        self.max_age = max_age
        self._now = now
        self._lock = threading.Lock()
        self._kept: dict[tuple[bytes, ...], tuple[datetime, datetime, RevocationInfo]] = {}  # fetched, until, data

    def revocation_data(self, certs: Iterable[x509.Certificate]) -> RevocationInfo:
        certs = list(certs)
        if self.max_age <= 0:
            return self.source.revocation_data(certs)
        key = tuple(c.fingerprint(hashes.SHA256()) for c in certs)
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and self._now() < kept[1]:
            return kept[2]
        fetched_at = self._now()
        info = self.source.revocation_data(certs)
        until = usable_until(info, fetched_at, self.max_age)
        with self._lock:
            # two seals that asked at once: the data fetched later is kept (an older "good" never replaces a
            # newer "revoked")
            kept = self._kept.get(key)
            if kept is None or kept[0] <= fetched_at:
                self._kept[key] = (fetched_at, until, info)
        return info
