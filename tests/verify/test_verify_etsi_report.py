"""The verification report's ETSI EN 319 102-1 status: indication, sub-indication and a Chinese reason."""

from __future__ import annotations

import pytest

from keys import DevPki
from signing import Pkcs12Sealer, SealRequest
from tests.pki_fixtures import make_pdf
from verify import check_sealed_pdf


def test_genuine_b_lta_ruling_passes_with_level_and_all_report_fields(
    lta_sealer: Pkcs12Sealer, seal_request: SealRequest, pki: DevPki
) -> None:
    report = check_sealed_pdf(lta_sealer.seal(make_pdf(), seal_request), [pki.root_cert])
    assert (report.indication, report.sub_indication) == ("PASSED", None)
    assert report.genuine and not report.problems
    data = report.to_dict()
    assert data["indication"] == "PASSED"
    assert data["level"] == "B-LTA"
    assert data["signer"] and data["signed_at"] and data["timestamp_at"] and data["timestamp_authority"]
    assert data["revisions"] >= 3 and len(data["document_sha256"]) == 64


def test_one_altered_byte_fails_with_hash_failure(sealed_pdf: bytes, pki: DevPki) -> None:
    at = sealed_pdf.index(b"Hello ruling")
    tampered = sealed_pdf[:at] + b"J" + sealed_pdf[at + 1 :]
    report = check_sealed_pdf(tampered, [pki.root_cert])
    assert (report.indication, report.sub_indication) == ("FAILED", "HASH_FAILURE")
    assert report.reason == "文件在签章后被修改"


def test_untrusted_root_is_indeterminate_no_certificate_chain_found(sealed_pdf: bytes, other_pki: DevPki) -> None:
    report = check_sealed_pdf(sealed_pdf, [other_pki.root_cert])
    assert (report.indication, report.sub_indication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    assert report.reason == "签章证书不受信任"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"garbage" * 100, ("FAILED", "FORMAT_FAILURE")),
        (make_pdf(), ("INDETERMINATE", "SIGNED_DATA_NOT_FOUND")),
    ],
    ids=["garbage", "unsealed"],
)
def test_unreadable_or_unsealed_files_get_their_etsi_status(
    data: bytes, expected: tuple[str, str], pki: DevPki
) -> None:
    report = check_sealed_pdf(data, [pki.root_cert])
    assert (report.indication, report.sub_indication) == expected
    assert not report.genuine
