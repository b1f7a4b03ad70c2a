"""PKCS#11 sealing against a real SoftHSM2 token: the key is generated inside the token and never leaves it."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pkcs11.util.rsa import encode_rsa_public_key
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from keys import DevPki, RevocationAuthority
from keys.issuing import certify_public_key, subject_name
from signing import DevTimestampAuthority, Pkcs11Sealer, Sealer, SealingError, SealRequest, sealer_from_config
from signing.certs import to_asn1_cert
from tests.pki_fixtures import make_pdf
from verify import check_sealed_pdf

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN = "jiudi"
KEY_LABEL = "seal"
PIN = "246810"
SO_PIN = "13579111"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory, pki: DevPki) -> Iterator[x509.Certificate]:
    """A fresh SoftHSM2 token holding an RSA key made inside it, certified by the dev root; yields the cert."""
    util = shutil.which("softhsm2-util")
    assert util is not None and Path(SOFTHSM_MODULE).exists(), "SoftHSM2 must be installed (apt-get install softhsm2)"
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [util, "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", SO_PIN],
        check=True, capture_output=True,
    )
    lib = pkcs11.lib(SOFTHSM_MODULE)
    with lib.get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        public, _private = session.generate_keypair(
            KeyType.RSA, 2048, label=KEY_LABEL, id=b"\x01", store=True
        )
        public_key = serialization.load_der_public_key(encode_rsa_public_key(public))
        cert = certify_public_key(
            subject_name("HSM 电子印章 DEV", "重庆市秀山土家族苗族自治县人民法院"),
            public_key,  # type: ignore[arg-type]
            issuer_cert=pki.root_cert,
            issuer_key=pki.load_root_key(),
            lifetime=pki.tsa_cert.not_valid_after_utc - pki.tsa_cert.not_valid_before_utc,
            crl_url=pki.crl_url,
            ocsp_url=pki.ocsp_url,
        )
        for label, c, ident in ((KEY_LABEL, cert, b"\x01"), ("root", pki.root_cert, b"\x02")):
            session.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: label,
                Attribute.ID: ident,
                Attribute.SUBJECT: c.subject.public_bytes(),
                Attribute.VALUE: c.public_bytes(serialization.Encoding.DER),
            })
    yield cert
    if old is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = old


@pytest.fixture(scope="module")
def hsm_sealer(
    token: x509.Certificate, tsa: DevTimestampAuthority, revocation: RevocationAuthority
) -> Iterator[Pkcs11Sealer]:
    sealer = Pkcs11Sealer(SOFTHSM_MODULE, TOKEN, KEY_LABEL, PIN, tsa, level="B-LTA", revocation=revocation)
    yield sealer
    sealer.close()


def test_pkcs11_sealer_is_a_sealer(hsm_sealer: Pkcs11Sealer) -> None:
    assert isinstance(hsm_sealer, Sealer)


def test_pkcs11_sealer_names_the_certificate_read_from_the_token(
    hsm_sealer: Pkcs11Sealer, token: x509.Certificate
) -> None:
    assert hsm_sealer.certificate == token


def test_seal_made_in_softhsm_verifies_with_pyhanko_and_pdfsig(
    hsm_sealer: Pkcs11Sealer,
    token: x509.Certificate,
    seal_request: SealRequest,
    pki: DevPki,
    tmp_path: Path,
    pdfsig: Callable[[Path], str],
) -> None:
    result = hsm_sealer.seal_with_level(make_pdf(), seal_request)
    assert result.level == "B-LTA"
    report = check_sealed_pdf(result.pdf, [pki.root_cert])
    assert report.genuine, report.problem_codes
    assert report.signer == "HSM 电子印章 DEV"
    assert report.level == "B-LTA"
    path = tmp_path / "hsm.pdf"
    path.write_bytes(result.pdf)
    assert "Signature is Valid" in pdfsig(path)


class SessionUseRecorder:
    """Wraps python-pkcs11's ``sign`` (C_SignInit + C_Sign on the token's session) to record who is inside it.

    Each call stays inside for ``dwell`` seconds before the real token signs, so that two threads that are not kept
    apart by a lock are sure to overlap; SoftHSM2 serialises its own session, so only this can see the lock."""

    def __init__(self, real_sign: Callable[..., bytes], dwell: float) -> None:
        self.real_sign, self.dwell = real_sign, dwell
        self.guard = threading.Lock()
        self.inside: set[int] = set()
        self.overlaps: list[set[int]] = []
        self.calls = 0

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def sign(key: object, data: object, **kwargs: object) -> bytes:  # a plain function: bound as a method
            return self.sign(key, data, **kwargs)

        monkeypatch.setattr(pkcs11.types.SignMixin, "sign", sign)

    def sign(self, key: object, data: object, **kwargs: object) -> bytes:
        me = threading.get_ident()
        with self.guard:
            self.calls += 1
            if self.inside:
                self.overlaps.append({*self.inside, me})
            self.inside.add(me)
        try:
            time.sleep(self.dwell)
            return self.real_sign(key, data, **kwargs)  # the real token signs
        finally:
            with self.guard:
                self.inside.discard(me)


def test_concurrent_seals_share_one_session_safely(
    token: x509.Certificate, tsa: DevTimestampAuthority, seal_request: SealRequest, pki: DevPki,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PKCS#11 forbids two threads using one session at once: concurrent seals on one session take turns in C_Sign."""
    recorder = SessionUseRecorder(pkcs11.types.SignMixin.sign, dwell=0.3)
    recorder.install(monkeypatch)
    sealer = Pkcs11Sealer(SOFTHSM_MODULE, TOKEN, KEY_LABEL, PIN, tsa, level="B-T")  # one session, shared below
    seals = 4
    start = threading.Barrier(seals)
    results: list[bytes] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            results.append(sealer.seal(make_pdf(), seal_request))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(seals)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sealer.close()
    assert not errors, errors
    assert recorder.calls == seals, "every seal is signed by the token, through the instrumented session"
    assert not recorder.overlaps, f"threads were inside the token session at the same time: {recorder.overlaps}"
    assert len(results) == seals
    for pdf in results:
        report = check_sealed_pdf(pdf, [pki.root_cert])
        assert report.genuine, report.problem_codes
        assert report.signer == "HSM 电子印章 DEV"


def test_sealer_from_config_selects_the_token_with_the_pin_from_the_environment(
    token: x509.Certificate, tsa: DevTimestampAuthority, seal_request: SealRequest, pki: DevPki,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JIUDI_TEST_PKCS11_PIN", PIN)
    config = f"pkcs11:module={SOFTHSM_MODULE};token={TOKEN};key-label={KEY_LABEL};pin-env=JIUDI_TEST_PKCS11_PIN"
    sealer = sealer_from_config(config, tsa, level="B-T")
    assert isinstance(sealer, Pkcs11Sealer)
    sealed = sealer.seal(make_pdf(), seal_request)
    sealer.close()
    [signature] = PdfFileReader(BytesIO(sealed)).embedded_signatures
    # signed by the token's key, named by the token's certificate…
    token_der = token.public_bytes(serialization.Encoding.DER)
    assert hashlib.sha256(signature.signer_cert.dump()).hexdigest() == hashlib.sha256(token_der).hexdigest()
    assert signature.signer_cert.subject.native["common_name"] == "HSM 电子印章 DEV"
    # …and pyHanko finds it intact, cryptographically valid and trusted up to the test root, with its timestamp
    context = ValidationContext(trust_roots=[to_asn1_cert(pki.root_cert)], allow_fetching=False)
    status = validate_pdf_signature(signature, context)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.signing_cert.dump() == token_der
    assert status.timestamp_validity is not None and status.timestamp_validity.valid
    assert status.bottom_line


def test_sealer_config_refuses_a_literal_pin(tsa: DevTimestampAuthority) -> None:
    with pytest.raises(ValueError, match="secrets"):
        sealer_from_config(f"pkcs11:module={SOFTHSM_MODULE};token={TOKEN};key-label=seal;pin={PIN}", tsa)


def test_wrong_pin_is_a_sealing_error(token: x509.Certificate, tsa: DevTimestampAuthority) -> None:
    with pytest.raises(SealingError):
        Pkcs11Sealer(SOFTHSM_MODULE, TOKEN, KEY_LABEL, "000000", tsa)
