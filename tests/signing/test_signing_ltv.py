"""Long-term validation: PAdES B-B, B-T, B-LT and B-LTA seals, revocation data gathered in-process, fail closed."""

from __future__ import annotations

import dataclasses
import logging
import socket
from collections.abc import Iterable
from io import BytesIO

import pytest
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore

from keys import CourtSeal, DevPki, RevocationAuthority, ensure_court_seal
from signing import DevTimestampAuthority, Pkcs12Sealer, SealingError, SealRequest
from signing.levels import LevelPolicy
from tests.pki_fixtures import make_pdf
from verify import check_sealed_pdf


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


class RefusingTimestamper(DevTimestampAuthority):
    """A TSA that is down: every request fails."""

    async def async_request_tsa_response(self, req, **_kwargs):  # type: ignore[no-untyped-def, override]
        raise ConnectionRefusedError("TSA unreachable")


class BrokenRevocationSource:
    def revocation_data(self, certs: Iterable[x509.Certificate]) -> object:
        raise OSError("CRL store unavailable")


@pytest.mark.parametrize("level", ["B-B", "B-T", "B-LT", "B-LTA"])
def test_sealer_reports_the_level_it_achieved_and_the_verifier_agrees(
    level: str,
    court_seal: CourtSeal,
    tsa: DevTimestampAuthority,
    revocation: RevocationAuthority,
    seal_request: SealRequest,
    pki: DevPki,
) -> None:
    sealer = Pkcs12Sealer(court_seal.p12_path, court_seal.passphrase, tsa, level=level, revocation=revocation)  # type: ignore[arg-type]
    result = sealer.seal_with_level(make_pdf(), seal_request)
    assert result.level == level
    report = check_sealed_pdf(result.pdf, [pki.root_cert])
    assert report.genuine, report.problem_codes
    assert report.level == level


def test_b_lta_seal_is_made_and_validated_with_the_network_blocked(
    no_network: None, lta_sealer: Pkcs12Sealer, seal_request: SealRequest, pki: DevPki,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        sealed = lta_sealer.seal(make_pdf(), seal_request)
    # the closed validation context is by design: pyHanko's notice about it is not an operator's warning
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    report = check_sealed_pdf(sealed, [pki.root_cert])
    assert report.genuine, report.problem_codes
    assert report.level == "B-LTA"
    assert report.timestamp_at is not None


def test_b_lta_dss_holds_crl_and_ocsp_for_the_seal_and_the_tsa_chain(
    lta_sealer: Pkcs12Sealer, seal_request: SealRequest, court_seal: CourtSeal, pki: DevPki
) -> None:
    sealed = lta_sealer.seal(make_pdf(), seal_request)
    dss = DocumentSecurityStore.read_dss(PdfFileReader(BytesIO(sealed)))
    serials = {c.serial_number for c in dss.load_certs()}
    assert {court_seal.cert.serial_number, pki.tsa_cert.serial_number} <= serials  # the root is in the CMS
    assert len(dss.crls) >= 1
    assert len(dss.ocsps) >= 2


@pytest.mark.parametrize("level", ["B-T", "B-LT", "B-LTA"])
def test_a_refusing_timestamp_authority_makes_sealing_raise(
    level: str, court_seal: CourtSeal, pki: DevPki, revocation: RevocationAuthority, seal_request: SealRequest
) -> None:
    down: TimeStamper = RefusingTimestamper(pki.tsa_cert, pki.tsa_key, pki.tsa_chain)
    sealer = Pkcs12Sealer(court_seal.p12_path, court_seal.passphrase, down, level=level, revocation=revocation)  # type: ignore[arg-type]
    with pytest.raises(SealingError):
        sealer.seal(make_pdf(), seal_request)


class UnexpectedFault(Exception):
    """Neither a PDF, signing, I/O nor value error: only the sealer's last-resort ``except Exception`` sees it."""


class FaultyTimestamper(DevTimestampAuthority):
    """A TSA client that breaks in a way nobody planned for."""

    async def async_request_tsa_response(self, req, **_kwargs):  # type: ignore[no-untyped-def, override]
        raise UnexpectedFault("the TSA client crashed")


@pytest.mark.parametrize("level", ["B-T", "B-LTA"])
@pytest.mark.parametrize("faulty", ["timestamper", "signer"])
def test_an_unexpected_fault_while_sealing_fails_closed_and_never_seals_weaker(
    faulty: str,
    level: str,
    court_seal: CourtSeal,
    pki: DevPki,
    tsa: DevTimestampAuthority,
    revocation: RevocationAuthority,
    seal_request: SealRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An exception of no expected type (a bug, a library surprise) is still a ``SealingError``: no document
    comes out, neither at a lower level nor at all, and the error keeps the fault as its cause."""
    timestamper = FaultyTimestamper(pki.tsa_cert, pki.tsa_key, pki.tsa_chain) if faulty == "timestamper" else tsa
    sealer = Pkcs12Sealer(court_seal.p12_path, court_seal.passphrase, timestamper, level=level, revocation=revocation)  # type: ignore[arg-type]
    if faulty == "signer":
        real_sign_raw = sealer.signer.async_sign_raw

        async def sign_raw(data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
            if dry_run:
                return await real_sign_raw(data, digest_algorithm, dry_run=True)
            raise UnexpectedFault("the signer crashed")

        monkeypatch.setattr(sealer.signer, "async_sign_raw", sign_raw)
    with pytest.raises(SealingError) as refused:
        sealer.seal_with_level(make_pdf(), seal_request)
    assert isinstance(refused.value.__cause__, UnexpectedFault), "the injected fault is what stopped the seal"


def test_missing_revocation_data_makes_sealing_raise_instead_of_a_lower_level(
    court_seal: CourtSeal, tsa: DevTimestampAuthority, seal_request: SealRequest
) -> None:
    sealer = Pkcs12Sealer(
        court_seal.p12_path, court_seal.passphrase, tsa, level="B-LTA", revocation=BrokenRevocationSource()  # type: ignore[arg-type]
    )
    with pytest.raises(SealingError, match="revocation"):
        sealer.seal(make_pdf(), seal_request)


def test_sealing_with_a_revoked_certificate_fails_closed(
    pki: DevPki, tsa: DevTimestampAuthority, revocation: RevocationAuthority, seal_request: SealRequest
) -> None:
    revoked = ensure_court_seal(pki, "渝0299", "已撤销测试法院")
    revocation.revoke(revoked.cert)
    sealer = Pkcs12Sealer(revoked.p12_path, revoked.passphrase, tsa, level="B-LT", revocation=revocation)
    with pytest.raises(SealingError):
        sealer.seal(make_pdf(), seal_request)


def test_long_term_levels_need_a_revocation_source(court_seal: CourtSeal, tsa: DevTimestampAuthority) -> None:
    with pytest.raises(ValueError, match="revocation"):
        Pkcs12Sealer(court_seal.p12_path, court_seal.passphrase, tsa, level="B-LTA")


# The level check after sealing reads what sealing appended (signatures found by their byte ranges, their CMS, the
# catalogue's DSS) instead of parsing the sealed file again; a file short of the configured level is refused.
SHORT_BY_ONE = [("B-T", "B-B", "no signature timestamp"), ("B-LT", "B-T", "no DSS"),
                ("B-LTA", "B-LT", "no document timestamp")]


@pytest.mark.parametrize(("asked", "made", "why"), SHORT_BY_ONE)
def test_the_level_check_refuses_a_file_sealed_one_level_lower(
    asked: str, made: str, why: str, court_seal: CourtSeal, tsa: DevTimestampAuthority,
    revocation: RevocationAuthority, seal_request: SealRequest,
) -> None:
    pdf = make_pdf()
    lower = Pkcs12Sealer(court_seal.p12_path, court_seal.passphrase, tsa, level=made, revocation=revocation)  # type: ignore[arg-type]
    sealed = lower.seal(pdf, seal_request)
    assert LevelPolicy(made, lower.signer, tsa, revocation).achieved(sealed, signed_from=len(pdf)) == made  # type: ignore[arg-type]
    with pytest.raises(SealingError, match=why):
        LevelPolicy(asked, lower.signer, tsa, revocation).achieved(sealed, signed_from=len(pdf))  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["B-T", "B-LTA"])
def test_a_seal_that_silently_falls_short_of_its_level_is_refused(
    level: str, court_seal: CourtSeal, tsa: DevTimestampAuthority, revocation: RevocationAuthority,
    seal_request: SealRequest, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pyHanko is told less than the level needs (no TSA; no document timestamp) and seals without complaint:
    the sealer's own check still refuses the result."""
    sealer = Pkcs12Sealer(court_seal.p12_path, court_seal.passphrase, tsa, level=level, revocation=revocation)  # type: ignore[arg-type]
    if level == "B-T":
        monkeypatch.setattr(LevelPolicy, "timestamper", property(lambda _self: None))
    else:
        settings = LevelPolicy.metadata
        monkeypatch.setattr(
            LevelPolicy, "metadata", lambda self, base: dataclasses.replace(settings(self, base), use_pades_lta=False)
        )
    with pytest.raises(SealingError, match="asked for but"):
        sealer.seal_with_level(make_pdf(), seal_request)


def test_signatures_already_in_the_document_do_not_count_towards_the_new_seal(
    sealer: Pkcs12Sealer, seal_request: SealRequest, pki: DevPki
) -> None:
    first = dataclasses.replace(seal_request, field_name="Earlier", certify=False)
    second = dataclasses.replace(seal_request, field_name="Later", certify=False)
    once = sealer.seal(make_pdf(), first)
    result = sealer.seal_with_level(once, second)
    assert result.level == "B-T"
    assert check_sealed_pdf(once, [pki.root_cert]).genuine
