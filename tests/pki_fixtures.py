"""Shared by the sealing and verification tests: a development PKI made by code in a temporary directory, a
sealer, and small PDFs. Each of those test directories' conftest imports these fixtures."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from keys import CourtSeal, DevPki, RevocationAuthority, ensure_court_seal, ensure_dev_pki
from signing import DevTimestampAuthority, Pkcs12Sealer, SealRequest

COURT_CODE = "渝0241"
COURT_NAME = "重庆市秀山土家族苗族自治县人民法院"
SEAL_BOX = (400.0, 100.0, 519.0, 219.0)


def make_pdf(pages: int = 1, text: str = "Hello ruling") -> bytes:
    """A small uncompressed reportlab PDF, one line of text per page."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pageCompression=0)
    for n in range(pages):
        c.drawString(100, 700, f"{text} {n + 1}")
        c.showPage()
    c.save()
    return out.getvalue()


def make_seal_appearance() -> bytes:
    """A made-up seal appearance: a red ring with a star, 119 pt square, vector."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(119, 119), pageCompression=0)
    c.setStrokeColorRGB(0.85, 0, 0)
    c.setFillColorRGB(0.85, 0, 0)
    c.setLineWidth(4)
    c.circle(59.5, 59.5, 55)
    c.circle(59.5, 59.5, 12, stroke=0, fill=1)
    c.showPage()
    c.save()
    return out.getvalue()


@pytest.fixture(scope="session")
def pdf_factory() -> Callable[..., bytes]:
    """``pdf_factory(pages=1, text=...)`` makes a small unsigned PDF."""
    return make_pdf


@pytest.fixture(scope="session")
def appearance_pdf() -> bytes:
    return make_seal_appearance()


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return ensure_dev_pki(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def court_seal(pki: DevPki) -> CourtSeal:
    return ensure_court_seal(pki, COURT_CODE, COURT_NAME)


@pytest.fixture(scope="session")
def tsa(pki: DevPki) -> DevTimestampAuthority:
    return DevTimestampAuthority(pki.tsa_cert, pki.tsa_key, pki.tsa_chain)


@pytest.fixture(scope="session")
def sealer(court_seal: CourtSeal, tsa: DevTimestampAuthority) -> Pkcs12Sealer:
    return Pkcs12Sealer(court_seal.p12_path, court_seal.passphrase, tsa)


@pytest.fixture(scope="session")
def seal_request(appearance_pdf: bytes) -> SealRequest:
    return SealRequest(
        field_name="CourtSeal",
        page_index=0,
        box=SEAL_BOX,
        appearance_pdf=appearance_pdf,
        reason="依法作出民事裁定",
        location="秀山土家族苗族自治县",
    )


@pytest.fixture(scope="session")
def sealed_pdf(sealer: Pkcs12Sealer, seal_request: SealRequest) -> bytes:
    return sealer.seal(make_pdf(), seal_request)


@pytest.fixture(scope="session")
def pdfsig() -> Callable[[Path], str]:
    """Run poppler's ``pdfsig`` on a file and return its stdout (it exits 0 even when a signature is bad)."""
    exe = shutil.which("pdfsig")
    assert exe is not None, "pdfsig (poppler-utils) must be installed for these tests"

    def run(path: Path) -> str:
        return subprocess.run(
            [exe, str(path)], capture_output=True, text=True, check=False, timeout=30
        ).stdout

    return run


@pytest.fixture(scope="session")
def revocation(pki: DevPki) -> RevocationAuthority:
    return RevocationAuthority(pki)


@pytest.fixture(scope="session")
def lta_sealer(court_seal: CourtSeal, tsa: DevTimestampAuthority, revocation: RevocationAuthority) -> Pkcs12Sealer:
    return Pkcs12Sealer(court_seal.p12_path, court_seal.passphrase, tsa, level="B-LTA", revocation=revocation)
