"""Issuing a ruling on one core: Jiudi's pipeline against the tuned plain pipeline, interleaved (not a test).

One process pinned to one CPU (``os.sched_setaffinity``) runs, document after document and in a rotated order,
these pipelines on the same ruling content (``bench/issuance_throughput.py``'s sample ruling, a distinct case
number per document). Each renders the ruling (``templates.render_ruling``: reportlab + qrcode), seals it as a
visible certification signature (DocMDP ``NO_CHANGES``, PAdES ``ETSI.CAdES.detached``, SHA-256, the court's seal
appearance), hashes the sealed file (SHA-256) and writes it to a store directory:

- ``jiudi B-T`` / ``jiudi B-LTA``: ``signing.Pkcs12Sealer.seal`` (it also checks the request and the level reached);
  at B-LTA with the revocation data kept for ``JIUDI_REVOCATION_MAX_AGE``'s default (300 s), as the service does.
- ``tuned B-T`` / ``tuned B-LTA``: the tuned plain pipeline — pyHanko's ``PdfSigner`` called well by hand: the
  PKCS#12 file parsed once into a signer that keeps the parsed key (``signing.pkcs12.load_pkcs12_signer``), the
  signature size reserved (``bytes_reserved``, no trial signature), the appearance imported as pyHanko's
  ``ImportedPdfPage`` does (``issuance_throughput.hand_stamp_style``), and for B-LTA, per document, the revocation data
  of the seal and TSA certificates from the same ``RevocationAuthority`` in a closed hard-fail validation context.
- The baselines render without Jiudi's render caches (``templates.fonts.plain_rendering``: no seeded font
  subsets, no kept font files or glyph tables), as reportlab alone does; Jiudi's pipelines render with them.
- ``naive B-T``: the same calls without care (``SimpleSigner.load_pkcs12`` per document, pyHanko's trial sizing),
  for reference only.

The timestamp authority is the same in-process development TSA for all. Before timing, one ruling per pipeline is
checked to be genuine at its level (``verify.check_sealed_pdf``) with the same DocMDP permission and the same
appearance.

Printed: the median milliseconds per ruling of each pipeline (render + seal + hash + store) and of its sealing part
alone, and the speed ratios (the baseline's median time over Jiudi's; above 1 means Jiudi is faster):
``B-T`` Jiudi B-T against tuned B-T, ``B-LTA`` Jiudi B-LTA against tuned B-T and against tuned B-LTA.
The machine may be shared: quote the ratios of one interleaved run, not the absolute times.

Run: ``.venv/bin/python bench/sealing_speed.py [documents] [cpu]`` (default 60 documents per pipeline, the first CPU
this process may run on).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from issuance_throughput import (  # noqa: E402
    COURT,
    COURT_CODE,
    FIELD,
    REASON,
    _appearance_content,
    hand_stamp_style,
    ruling_content,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko.sign.validation import read_certification_data  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

from keys import RevocationAuthority, ensure_court_seal, ensure_dev_pki  # noqa: E402
from signing import CachingRevocationSource, DevTimestampAuthority, Pkcs12Sealer, SealRequest  # noqa: E402
from signing.certs import to_asn1_cert  # noqa: E402
from signing.pades import DEFAULT_BYTES_RESERVED  # noqa: E402
from signing.pkcs12 import load_pkcs12_signer  # noqa: E402
from signing.revocation_cache import DEFAULT_MAX_AGE  # noqa: E402
from templates import render_ruling, render_seal_appearance  # noqa: E402
from templates.fonts import plain_rendering  # noqa: E402
from verify import check_sealed_pdf  # noqa: E402

PIPELINES = ("jiudi B-T", "tuned B-T", "jiudi B-LTA", "tuned B-LTA", "naive B-T")

Seal = Callable[[bytes, Any], bytes]  # (rendered PDF, its seal box) -> sealed PDF


def make_pipelines(data_dir: Path) -> tuple[dict[str, Seal], Any]:
    pki = ensure_dev_pki(data_dir)
    seal = ensure_court_seal(pki, COURT_CODE, COURT)
    tsa = DevTimestampAuthority(pki.tsa_cert, pki.tsa_key, pki.tsa_chain)
    revocation = RevocationAuthority(pki)
    appearance = render_seal_appearance(COURT, dev_mode=True)

    def jiudi(level: str) -> Seal:
        # as the service does (confirm.core.seals): revocation data kept for JIUDI_REVOCATION_MAX_AGE's default
        kept = CachingRevocationSource(revocation, DEFAULT_MAX_AGE)
        sealer = Pkcs12Sealer(
            seal.p12_path, seal.passphrase, tsa, level=level, revocation=kept if level == "B-LTA" else None  # type: ignore[arg-type]
        )

        def run(pdf: bytes, box: Any) -> bytes:
            request = SealRequest(FIELD, box.page_index, (box.x1, box.y1, box.x2, box.y2), appearance, REASON, COURT)
            return sealer.seal(pdf, request)

        return run

    def validation_context() -> ValidationContext:
        data = revocation.revocation_data([seal.cert, pki.tsa_cert])
        return ValidationContext(
            trust_roots=[to_asn1_cert(pki.root_cert)], crls=list(data.crls), ocsps=list(data.ocsp_responses),
            allow_fetching=False, revocation_mode="hard-fail",
        )

    def by_hand(pdf: bytes, box: Any, signer: signers.Signer, level: str, bytes_reserved: int | None) -> bytes:
        lta: dict[str, Any] = {}
        if level == "B-LTA":
            lta = {"embed_validation_info": True, "use_pades_lta": True, "validation_context": validation_context()}
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD, md_algorithm="sha256", reason=REASON, location=COURT,
            subfilter=fields.SigSeedSubFilter.PADES, certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES, **lta,
        )
        pdf_signer = signers.PdfSigner(
            meta, signer=signer, timestamper=tsa, stamp_style=hand_stamp_style(appearance),
            new_field_spec=fields.SigFieldSpec(FIELD, on_page=box.page_index, box=(box.x1, box.y1, box.x2, box.y2)),
        )
        out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), bytes_reserved=bytes_reserved)
        return out.getvalue()  # type: ignore[union-attr, no-any-return]

    passphrase = seal.passphrase.encode() if isinstance(seal.passphrase, str) else seal.passphrase
    tuned_signer = load_pkcs12_signer(seal.p12_path.read_bytes(), passphrase)

    def tuned(level: str) -> Seal:
        return lambda pdf, box: by_hand(pdf, box, tuned_signer, level, DEFAULT_BYTES_RESERVED)

    def naive(pdf: bytes, box: Any) -> bytes:
        signer = signers.SimpleSigner.load_pkcs12(str(seal.p12_path), passphrase=passphrase)
        assert signer is not None
        return by_hand(pdf, box, signer, "B-T", None)

    pipelines = {
        "jiudi B-T": jiudi("B-T"), "tuned B-T": tuned("B-T"),
        "jiudi B-LTA": jiudi("B-LTA"), "tuned B-LTA": tuned("B-LTA"), "naive B-T": naive,
    }
    return pipelines, pki


def issue(seal: Seal, n: int, store: Path, *, plain: bool) -> tuple[float, float]:
    """Render, seal, hash and store ruling ``n``: (total seconds, sealing seconds). A baseline (``plain``) renders
    without Jiudi's render caches (``templates.fonts.plain_rendering``), as reportlab alone does."""
    start = time.perf_counter()
    with plain_rendering() if plain else contextlib.nullcontext():
        rendered = render_ruling(ruling_content(n))
    rendered_at = time.perf_counter()
    sealed = seal(rendered.pdf, rendered.seal_box)
    sealed_at = time.perf_counter()
    digest = hashlib.sha256(sealed).hexdigest()
    (store / f"{digest}.pdf").write_bytes(sealed)
    return time.perf_counter() - start, sealed_at - rendered_at


def check_like_with_like(pipelines: dict[str, Seal], pki: Any) -> list[str]:
    rendered = render_ruling(ruling_content(0))
    lines = []
    appearances = set()
    for name, seal in pipelines.items():
        sealed = seal(rendered.pdf, rendered.seal_box)
        report = check_sealed_pdf(sealed, [pki.root_cert])
        level = name.split()[1]
        assert report.genuine and report.level == level, (name, report.level, report.problem_codes)
        docmdp = read_certification_data(PdfFileReader(BytesIO(sealed)))
        assert docmdp is not None and docmdp.permission == fields.MDPPerm.NO_CHANGES, name
        appearance = hashlib.sha256(_appearance_content(sealed)).hexdigest()[:12]
        appearances.add(appearance)
        lines.append(f"  {name:12} genuine at {report.level}, DocMDP {docmdp.permission.name}, "
                     f"appearance sha256 {appearance}…, {len(sealed) / 1000:.1f} kB")
    assert len(appearances) == 1, appearances
    return lines


def _rl_accel_in_use() -> bool:
    from reportlab.lib import rl_accel

    return rl_accel.fp_str.__module__ != "reportlab.lib.rl_accel"


def main() -> None:
    documents = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    allowed = sorted(os.sched_getaffinity(0))
    cpu = int(sys.argv[2]) if len(sys.argv) > 2 else allowed[0]
    os.sched_setaffinity(0, {cpu})
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as store_dir:
        pipelines, pki = make_pipelines(Path(tmp))
        store = Path(store_dir)
        print(f"one process pinned to CPU {cpu} of {os.cpu_count()}; {documents} rulings per pipeline, interleaved; "
              f"load average {os.getloadavg()[0]:.1f}; render + seal + SHA-256 + write to store; "
              f"reportlab's C accelerator (rl-accel) {'in use' if _rl_accel_in_use() else 'not installed'}")
        print("same ruling, appearance and DocMDP on every side (ruling 0):", flush=True)
        for line in check_like_with_like(pipelines, pki):
            print(line, flush=True)
        for seal in pipelines.values():  # warm-up: imports, fonts, first-use caches
            for n in range(-3, 0):
                issue(seal, n, store, plain=False)
                issue(seal, n, store, plain=True)
        total: dict[str, list[float]] = {p: [] for p in PIPELINES}
        sealing: dict[str, list[float]] = {p: [] for p in PIPELINES}
        for n in range(documents):
            shift = n % len(PIPELINES)
            for name in PIPELINES[shift:] + PIPELINES[:shift]:
                whole, part = issue(pipelines[name], n, store, plain=not name.startswith("jiudi"))
                total[name].append(whole * 1000)
                sealing[name].append(part * 1000)
        ms = {p: statistics.median(total[p]) for p in PIPELINES}
        seal_ms = {p: statistics.median(sealing[p]) for p in PIPELINES}
        print(f"{'pipeline':12} {'ms/ruling':>9} {'rulings/s':>9} {'p90 ms':>7} {'sealing ms':>10}")
        for p in PIPELINES:
            p90 = sorted(total[p])[int(0.9 * len(total[p]))]
            print(f"{p:12} {ms[p]:9.1f} {1000 / ms[p]:9.1f} {p90:7.1f} {seal_ms[p]:10.1f}")

        def ratio(baseline: str, jiudi: str) -> str:
            return f"{ms[baseline] / ms[jiudi]:.2f}x (sealing alone {seal_ms[baseline] / seal_ms[jiudi]:.2f}x)"

        print(f"ratio B-T   Jiudi B-T   vs tuned B-T:   {ratio('tuned B-T', 'jiudi B-T')}")
        print(f"ratio B-LTA Jiudi B-LTA vs tuned B-T:   {ratio('tuned B-T', 'jiudi B-LTA')}")
        print(f"ratio B-LTA Jiudi B-LTA vs tuned B-LTA: {ratio('tuned B-LTA', 'jiudi B-LTA')}")
        print(f"ratio B-T   Jiudi B-T   vs naive B-T:   {ratio('naive B-T', 'jiudi B-T')}")
        print(f"load average at the end {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
