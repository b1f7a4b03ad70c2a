"""Rotating a court's seal: a new key and certificate; the retired one is kept and its rulings still verify."""

from __future__ import annotations

from keys import DevPki, RevocationAuthority, ensure_court_seal, retired_court_seals, rotate_court_seal
from signing import DevTimestampAuthority, Pkcs12Sealer, SealRequest
from tests.pki_fixtures import SEAL_BOX, make_pdf
from verify import check_sealed_pdf

CODE, NAME = "渝0260", "轮换测试法院"


def test_rotation_issues_a_new_key_keeps_the_old_one_and_old_rulings_still_verify(pki: DevPki) -> None:
    tsa = DevTimestampAuthority(pki.tsa_cert, pki.tsa_key, pki.tsa_chain)
    request = SealRequest("CourtSeal", 0, SEAL_BOX, None, "依法作出民事裁定", "秀山")
    old = ensure_court_seal(pki, CODE, NAME)
    old_ruling = Pkcs12Sealer(old.p12_path, old.passphrase, tsa).seal(make_pdf(), request)

    new = rotate_court_seal(pki, CODE, NAME)

    assert new.cert.serial_number != old.cert.serial_number
    assert new.cert.public_key().public_numbers() != old.cert.public_key().public_numbers()  # type: ignore[union-attr]
    assert [c.serial_number for c in retired_court_seals(pki, CODE)] == [old.cert.serial_number]
    assert ensure_court_seal(pki, CODE, NAME).cert == new.cert  # the new seal is the current one
    old_report = check_sealed_pdf(old_ruling, [pki.root_cert])
    assert old_report.genuine, old_report.problem_codes
    assert old_report.signer_cert_sha256 != check_sealed_pdf(
        Pkcs12Sealer(new.p12_path, new.passphrase, tsa).seal(make_pdf(), request), [pki.root_cert]
    ).signer_cert_sha256


def test_ocsp_responder_still_answers_for_a_retired_seal(pki: DevPki) -> None:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509 import ocsp

    retired = ensure_court_seal(pki, "渝0261", "轮换测试法院二").cert
    rotate_court_seal(pki, "渝0261", "轮换测试法院二")
    request = ocsp.OCSPRequestBuilder().add_certificate(retired, pki.root_cert, hashes.SHA256()).build()
    answer = RevocationAuthority(pki).respond_ocsp(request.public_bytes(serialization.Encoding.DER))
    assert ocsp.load_der_ocsp_response(answer).certificate_status == ocsp.OCSPCertStatus.GOOD
