"""Revocation data kept for a bounded time (signing.revocation_cache): given again while younger than the max age
and before its nextUpdate, asked for again after either; 0 keeps nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.x509 import ocsp

from keys import RevocationAuthority, ensure_court_seal, ensure_dev_pki
from keys.revocation import FRESHNESS
from signing import CachingRevocationSource
from tests.pki_fixtures import COURT_NAME


class _Clock:
    def __init__(self) -> None:
        self.at = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.at


def _seal_status(data) -> ocsp.OCSPCertStatus:  # type: ignore[no-untyped-def]
    return ocsp.load_der_ocsp_response(data.ocsp_responses[0]).certificate_status


def _setup(tmp_path: Path, max_age: float):  # type: ignore[no-untyped-def]
    pki = ensure_dev_pki(tmp_path)
    seal = ensure_court_seal(pki, "渝0241", COURT_NAME)
    authority = RevocationAuthority(pki)
    clock = _Clock()
    return seal, authority, clock, CachingRevocationSource(authority, max_age, now=clock)


def test_kept_data_serves_until_the_max_age_then_the_responder_is_asked_again(tmp_path: Path):
    seal, authority, clock, source = _setup(tmp_path, 300)
    assert _seal_status(source.revocation_data([seal.cert])) == ocsp.OCSPCertStatus.GOOD
    authority.revoke(seal.cert)
    clock.at += timedelta(seconds=299)
    assert _seal_status(source.revocation_data([seal.cert])) == ocsp.OCSPCertStatus.GOOD  # kept
    clock.at += timedelta(seconds=2)
    assert _seal_status(source.revocation_data([seal.cert])) == ocsp.OCSPCertStatus.REVOKED


def test_kept_data_never_serves_past_its_next_update(tmp_path: Path):
    seal, authority, clock, source = _setup(tmp_path, (FRESHNESS * 4).total_seconds())
    assert _seal_status(source.revocation_data([seal.cert])) == ocsp.OCSPCertStatus.GOOD
    authority.revoke(seal.cert)
    clock.at += FRESHNESS - timedelta(minutes=1)
    assert _seal_status(source.revocation_data([seal.cert])) == ocsp.OCSPCertStatus.GOOD  # before nextUpdate: kept
    clock.at += timedelta(minutes=2)
    assert _seal_status(source.revocation_data([seal.cert])) == ocsp.OCSPCertStatus.REVOKED


def test_max_age_zero_keeps_nothing(tmp_path: Path):
    seal, authority, _clock, source = _setup(tmp_path, 0)
    assert _seal_status(source.revocation_data([seal.cert])) == ocsp.OCSPCertStatus.GOOD
    authority.revoke(seal.cert)
    assert _seal_status(source.revocation_data([seal.cert])) == ocsp.OCSPCertStatus.REVOKED


def test_jiudi_revocation_max_age_reaches_the_service_and_a_negative_age_is_refused(tmp_path: Path):
    from confirm.core.config import Settings
    from confirm.core.seals import CourtSeals

    default = Settings.from_env({"JIUDI_DATA_DIR": str(tmp_path)})
    assert default.revocation_max_age == 300
    settings = Settings.from_env({"JIUDI_DATA_DIR": str(tmp_path), "JIUDI_REVOCATION_MAX_AGE": "0"})
    seals = CourtSeals(settings)
    assert seals._revocation_source is not None and seals._revocation_source.max_age == 0
    for bad in ("-1", "inf", "nan", "1e12"):  # (an unbounded age overflowed the expiry of every seal)
        with pytest.raises(ValueError, match="JIUDI_REVOCATION_MAX_AGE"):
            Settings.from_env({"JIUDI_DATA_DIR": str(tmp_path), "JIUDI_REVOCATION_MAX_AGE": bad})
    assert Settings.from_env({"JIUDI_DATA_DIR": str(tmp_path), "JIUDI_REVOCATION_MAX_AGE": "86400"}).revocation_max_age == 86400


def test_of_two_seals_asking_at_once_the_later_fetch_is_kept() -> None:
    """The first seal's fetch answers last: its older data (say "good") must not replace the newer (say "revoked")
    that the second seal's fetch has kept meanwhile."""
    import threading
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Data:
        name: str
        crls: tuple[bytes, ...] = ()
        ocsp_responses: tuple[bytes, ...] = ()

    clock = _Clock()
    first_may_answer = threading.Event()

    class Source:
        calls = 0

        def revocation_data(self, certs):  # type: ignore[no-untyped-def]
            Source.calls += 1
            clock.at += timedelta(seconds=1)  # each fetch starts a moment after the one before
            if Source.calls == 1:
                first_may_answer.wait(10)
                return Data("older")
            return Data("newer")

    cache = CachingRevocationSource(Source(), 300, now=clock)
    first = threading.Thread(target=cache.revocation_data, args=([],))
    first.start()
    while Source.calls < 1:
        pass
    assert cache.revocation_data([]).name == "newer"  # type: ignore[attr-defined]
    first_may_answer.set()
    first.join(10)
    assert cache.revocation_data([]).name == "newer"  # type: ignore[attr-defined]
    assert Source.calls == 2
