"""Rough timing of one warm PAdES B-T seal with the in-process development TSA (not a test).

Run: .venv/bin/python bench/measure_seal.py [rounds]
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reportlab.pdfgen import canvas

from keys import ensure_court_seal, ensure_dev_pki
from signing import DevTimestampAuthority, Pkcs12Sealer, SealRequest
from verify import check_sealed_pdf


def _pdf(pagesize: tuple[float, float] | None = None, ring: bool = False) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=pagesize or (595.27, 841.89))
    if ring:
        c.setStrokeColorRGB(0.85, 0, 0)
        c.setLineWidth(4)
        c.circle(59.5, 59.5, 55)
    else:
        c.drawString(100, 700, "民事裁定书 timing sample")
    c.showPage()
    c.save()
    return out.getvalue()


def main(rounds: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pki = ensure_dev_pki(Path(tmp))
        seal = ensure_court_seal(pki, "渝0241", "重庆市秀山土家族苗族自治县人民法院")
        tsa = DevTimestampAuthority(pki.tsa_cert, pki.tsa_key, pki.tsa_chain)
        sealer = Pkcs12Sealer(seal.p12_path, seal.passphrase, tsa)
        request = SealRequest(
            "CourtSeal", 0, (400, 100, 519, 219), _pdf((119, 119), ring=True), "裁定", "秀山"
        )
        pdf = _pdf()
        for _ in range(20):  # warm up
            sealed = sealer.seal(pdf, request)
        seal_ms = []
        for _ in range(rounds):
            start = time.perf_counter()
            sealed = sealer.seal(pdf, request)
            seal_ms.append((time.perf_counter() - start) * 1000)
        verify_ms = []
        for _ in range(rounds // 4):
            start = time.perf_counter()
            report = check_sealed_pdf(sealed, [pki.root_cert])
            verify_ms.append((time.perf_counter() - start) * 1000)
        assert report.genuine
        print(
            f"B-T seal:     median {statistics.median(seal_ms):.1f} ms, p90 {_p90(seal_ms):.1f} ms ({rounds} runs)"
        )
        print(f"verification: median {statistics.median(verify_ms):.1f} ms ({len(verify_ms)} runs)")


def _p90(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.9)]


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
