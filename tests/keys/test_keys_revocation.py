"""Revocation data of the development PKI: CRL and OCSP (RFC 5280, RFC 6960) and the pointers in certificates."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509 import ocsp

from keys import DevPki, RevocationAuthority, ensure_court_seal, ensure_dev_pki


def _ocsp_request(cert: x509.Certificate, issuer: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives import serialization

    request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA256()).build()
    return request.public_bytes(serialization.Encoding.DER)


def test_issued_certificates_point_at_the_crl_and_ocsp_paths_under_the_base_url(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pki = ensure_dev_pki(tmp_path, base_url="https://court.example:9443")
    seal = ensure_court_seal(pki, "渝0241", "秀山法院")
    for cert in (pki.tsa_cert, seal.cert):
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        assert points[0].full_name[0].value == "https://court.example:9443/dev/pki/root.crl"
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
        assert aia[0].access_location.value == "https://court.example:9443/dev/pki/ocsp"


def test_crl_is_signed_by_the_root_and_lists_a_revoked_certificate(pki: DevPki) -> None:
    authority = RevocationAuthority(pki)
    seal = ensure_court_seal(pki, "渝0250", "吊销测试法院")
    authority.revoke(seal.cert)
    crl = x509.load_der_x509_crl(authority.crl_der())
    assert crl.is_signature_valid(pki.root_cert.public_key())  # type: ignore[arg-type]
    assert crl.get_revoked_certificate_by_serial_number(seal.cert.serial_number) is not None
    assert crl.get_revoked_certificate_by_serial_number(pki.tsa_cert.serial_number) is None


def test_ocsp_responder_says_good_for_a_live_certificate_and_revoked_for_a_revoked_one(pki: DevPki) -> None:
    authority = RevocationAuthority(pki)
    live = ensure_court_seal(pki, "渝0251", "有效测试法院")
    dead = ensure_court_seal(pki, "渝0252", "吊销测试法院二")
    authority.revoke(dead.cert)
    good = ocsp.load_der_ocsp_response(authority.respond_ocsp(_ocsp_request(live.cert, pki.root_cert)))
    bad = ocsp.load_der_ocsp_response(authority.respond_ocsp(_ocsp_request(dead.cert, pki.root_cert)))
    assert good.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert good.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert bad.certificate_status == ocsp.OCSPCertStatus.REVOKED
    tsa = ocsp.load_der_ocsp_response(authority.respond_ocsp(_ocsp_request(pki.tsa_cert, pki.root_cert)))
    assert tsa.certificate_status == ocsp.OCSPCertStatus.GOOD


def test_ocsp_responder_answers_garbage_with_malformed_request(pki: DevPki) -> None:
    response = ocsp.load_der_ocsp_response(RevocationAuthority(pki).respond_ocsp(b"not der"))
    assert response.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST
