"""B-LT/B-LTA for a production signer: revocation data fetched over HTTP from the URLs the certificates name.

The live service plays the certificate authority: its development PKI names the service's own OCSP responder
and CRL (/dev/pki/ocsp, /dev/pki/root.crl) in every certificate, and it runs an RFC 3161 TSA at /dev/tsa. The
sealer here is configured as a production one would be: a key file, a remote TSA, a fetching revocation source.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from confirm.core.clock import moved_to, utcnow
from confirm.core.seals import CourtSeals
from keys import ensure_court_seal, ensure_dev_pki
from signing import (
    CachingRevocationSource,
    DevTimestampAuthority,
    FetchingRevocationSource,
    Pkcs12Sealer,
    SealingError,
    timestamper_from_url,
)
from signing.revocation_cache import DEFAULT_MAX_AGE
from tests.pki_fixtures import COURT_NAME, make_pdf, make_seal_appearance
from verify import check_sealed_pdf

pytestmark = pytest.mark.e2e


def request():  # type: ignore[no-untyped-def]
    from signing import SealRequest

    return SealRequest(field_name="CourtSeal", page_index=0, box=(400.0, 100.0, 519.0, 219.0),
                       appearance_pdf=make_seal_appearance(), reason="测试", location=COURT_NAME)


def test_a_production_style_signer_seals_b_lta_with_revocation_fetched_over_http(live_server):
    base, runtime, _passwords = live_server
    pki = runtime.seals.pki
    seal = ensure_court_seal(pki, "渝0241", COURT_NAME)
    sealer = Pkcs12Sealer(seal.p12_path, seal.passphrase, timestamper_from_url(f"{base}/dev/tsa"), level="B-LTA",
                          revocation=FetchingRevocationSource(timeout=10))
    result = sealer.seal_with_level(make_pdf(), request())
    assert result.level == "B-LTA"
    dss = DocumentSecurityStore.read_dss(PdfFileReader(BytesIO(result.pdf)))
    assert len(dss.ocsps) >= 2  # the seal's and the TSA's certificates, answered by the responder over HTTP
    report = check_sealed_pdf(result.pdf, [pki.root_cert])
    assert report.genuine and report.level == "B-LTA", report.problem_codes

    # the responder now says the seal certificate is revoked: no seal, rather than a seal with a dead key
    runtime.seals.revocation.revoke(seal.cert)
    with pytest.raises(SealingError, match="revoked"):
        sealer.seal(make_pdf(), request())


def test_no_reachable_revocation_data_means_no_seal(tmp_path):
    pki = ensure_dev_pki(tmp_path, base_url="http://127.0.0.1:9")  # nothing listens on the discard port
    seal = ensure_court_seal(pki, "渝0241", COURT_NAME)
    tsa = DevTimestampAuthority(pki.tsa_cert, pki.tsa_key, pki.tsa_chain)
    sealer = Pkcs12Sealer(seal.p12_path, seal.passphrase, tsa, level="B-LT",
                          revocation=FetchingRevocationSource(timeout=2))
    with pytest.raises(SealingError, match="no revocation data"):
        sealer.seal(make_pdf(), request())


def test_the_service_wires_a_fetching_source_for_a_configured_signer_at_b_lta(live_server, monkeypatch):
    base, runtime, _passwords = live_server
    seal = ensure_court_seal(runtime.seals.pki, "渝0241", COURT_NAME)
    monkeypatch.setenv("TEST_SEAL_PASS", seal.passphrase.decode())
    settings = replace(runtime.settings, signer=f"pkcs12:path={seal.p12_path};pass-env=TEST_SEAL_PASS",
                       tsa_url=f"{base}/dev/tsa", seal_level="B-LTA")
    service = CourtSeals(settings)
    result = service.sealer_for("渝0241", COURT_NAME).seal_with_level(make_pdf(), request())
    assert result.level == "B-LTA"
    assert check_sealed_pdf(result.pdf, [runtime.seals.pki.root_cert]).genuine


def _fetching_sealer(base: str, seal, max_age: float) -> Pkcs12Sealer:  # type: ignore[no-untyped-def]
    source = CachingRevocationSource(FetchingRevocationSource(timeout=10), max_age, now=utcnow)
    return Pkcs12Sealer(seal.p12_path, seal.passphrase, timestamper_from_url(f"{base}/dev/tsa"), level="B-LTA",
                        revocation=source)


def test_with_the_revocation_cache_off_a_revoked_seal_certificate_stops_the_very_next_seal(live_server):
    base, runtime, _passwords = live_server
    seal = ensure_court_seal(runtime.seals.pki, "渝0241", COURT_NAME)
    sealer = _fetching_sealer(base, seal, 0)  # JIUDI_REVOCATION_MAX_AGE=0
    assert sealer.seal_with_level(make_pdf(), request()).level == "B-LTA"
    runtime.seals.revocation.revoke(seal.cert)
    with pytest.raises(SealingError, match="revoked"):
        sealer.seal(make_pdf(), request())


def test_with_the_default_max_age_a_revocation_stops_sealing_once_the_kept_data_is_older_than_it(live_server):
    base, runtime, _passwords = live_server
    seal = ensure_court_seal(runtime.seals.pki, "渝0241", COURT_NAME)
    sealer = _fetching_sealer(base, seal, DEFAULT_MAX_AGE)
    # the data is fetched during the first seal, somewhere between these two moments (seconds apart on a busy machine)
    before = utcnow()
    assert sealer.seal_with_level(make_pdf(), request()).level == "B-LTA"
    after = utcnow()
    runtime.seals.revocation.revoke(seal.cert)
    # the consequence the operator accepts with the default: the data fetched before the revocation still serves...
    with moved_to(before + timedelta(seconds=DEFAULT_MAX_AGE - 5)):
        assert sealer.seal_with_level(make_pdf(), request()).level == "B-LTA"
    # ...but never once it is older than the max age: the responder is asked again and the seal refused
    with moved_to(after + timedelta(seconds=DEFAULT_MAX_AGE + 1)), pytest.raises(SealingError, match="revoked"):
        sealer.seal(make_pdf(), request())
