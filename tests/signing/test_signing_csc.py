"""Remote signing through a Cloud Signature Consortium API v1 service, over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from keys import CourtSeal, DevPki, RevocationAuthority
from signing import DevTimestampAuthority, Sealer, SealingError, SealRequest
from signing.csc import CscSealer
from tests.pki_fixtures import make_pdf
from tests.signing.csc_service import CscTestService
from verify import check_sealed_pdf

PIN = "123456"


@pytest.fixture(scope="module")
def csc_service(court_seal: CourtSeal, pki: DevPki) -> Iterator[CscTestService]:
    key, cert, _chain = pkcs12.load_key_and_certificates(court_seal.p12_path.read_bytes(), court_seal.passphrase)
    with CscTestService("court-seal-1", PIN, key, [cert, pki.root_cert]) as service:  # type: ignore[arg-type, list-item]
        yield service


def test_csc_sealer_seals_a_b_lta_ruling_through_the_remote_service(
    csc_service: CscTestService,
    tsa: DevTimestampAuthority,
    revocation: RevocationAuthority,
    seal_request: SealRequest,
    pki: DevPki,
) -> None:
    sealer = CscSealer(csc_service.url, "court-seal-1", PIN, tsa, level="B-LTA", revocation=revocation)
    assert isinstance(sealer, Sealer)
    before = csc_service.signed
    result = sealer.seal_with_level(make_pdf(), seal_request)
    assert result.level == "B-LTA"
    assert csc_service.signed == before + 1
    report = check_sealed_pdf(result.pdf, [pki.root_cert])
    assert report.genuine, report.problem_codes
    assert report.level == "B-LTA"


def test_csc_sealer_names_the_certificate_of_the_remote_credential(
    csc_service: CscTestService, tsa: DevTimestampAuthority, court_seal: CourtSeal
) -> None:
    sealer = CscSealer(csc_service.url, "court-seal-1", PIN, tsa)
    assert sealer.certificate == court_seal.cert


def test_csc_sealer_with_a_wrong_pin_raises_a_sealing_error(
    csc_service: CscTestService, tsa: DevTimestampAuthority, seal_request: SealRequest
) -> None:
    sealer = CscSealer(csc_service.url, "court-seal-1", "999999", tsa)
    with pytest.raises(SealingError):
        sealer.seal(make_pdf(), seal_request)


def test_csc_sealer_for_an_unknown_credential_fails_at_construction(
    csc_service: CscTestService, tsa: DevTimestampAuthority
) -> None:
    with pytest.raises(SealingError):
        CscSealer(csc_service.url, "no-such-credential", PIN, tsa)


def test_sealer_from_config_selects_the_csc_service_with_the_pin_from_the_environment(
    csc_service: CscTestService, tsa: DevTimestampAuthority, monkeypatch: pytest.MonkeyPatch
) -> None:
    from signing import sealer_from_config

    monkeypatch.setenv("JIUDI_TEST_CSC_PIN", PIN)
    sealer = sealer_from_config(f"csc:url={csc_service.url};credential=court-seal-1;pin-env=JIUDI_TEST_CSC_PIN", tsa)
    assert isinstance(sealer, CscSealer)
