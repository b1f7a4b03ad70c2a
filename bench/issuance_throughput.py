"""Throughput and latency of issuing a ruling: Jiudi's sealer against pyHanko called by hand (not a test).

Like with like: every pipeline renders the same ruling with ``templates.render_ruling`` (reportlab + qrcode) and
seals it with the same court seal appearance (``templates.render_seal_appearance``, drawn once per process and
stamped through ``signing.appearance.stamp_style_for``) as a visible certification signature with DocMDP
``NO_CHANGES``, PAdES (``ETSI.CAdES.detached``, SHA-256), the same reason and location; then it hashes the sealed
file (SHA-256) and writes it to a store directory. The timestamp authority is the same in-process development TSA
for all (it stands in for a server, it is not what is compared); for B-LTA each pipeline gets, per document, the
same revocation data from the same ``RevocationAuthority`` in a closed hard-fail validation context, as Jiudi's
sealer does. Before timing, one ruling per pipeline and level is checked to be genuine at that level, with the
same DocMDP permission and the same appearance.

What differs is only how pyHanko is driven (the baselines import the appearance as pyHanko's own
``ImportedPdfPage`` does, parsing it for every seal — ``hand_stamp_style`` — where Jiudi keeps it parsed):

- ``jiudi``: ``signing.Pkcs12Sealer.seal`` (which also checks the request and the level the sealed file reached).
- ``tuned``: the libraries called well by hand: ``PdfSigner`` with the PKCS#12 file parsed once into a signer that
  keeps the parsed private key (``signing.pkcs12.load_pkcs12_signer``, the one piece of Jiudi used: pyHanko's public
  ``SimpleSigner`` has no such option) and a fixed ``bytes_reserved`` (Jiudi's size), so no trial signature.
- ``plain``: pyHanko's public API alone, loaded once: ``SimpleSigner.load_pkcs12`` once per process and the same
  fixed ``bytes_reserved``. ``SimpleSigner`` loads the DER private key again for every signature.
- ``naive``: the same calls without care: ``SimpleSigner.load_pkcs12`` for every document and pyHanko's default
  sizing (a trial signature to size the placeholder).

Levels B-B, B-T, B-LTA; one and two worker processes. In each configuration the pipelines run interleaved,
``rounds`` times, the order rotated each round. Printed: documents per second (median over the rounds), latency
p50/p95 (all documents of all rounds), the ratios of Jiudi's rate to each baseline's, and the load average (the
machine may be shared: the ratios of interleaved runs are the figures to quote, not the absolute rates).

Run: ``.venv/bin/python bench/issuance_throughput.py [documents_per_run] [rounds]`` (default 24 and 3).
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyhanko.pdf_utils.content import PdfContent  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.pdf_utils.layout import BoxConstraints  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko.sign.validation import read_certification_data  # noqa: E402
from pyhanko.stamp import StaticStampStyle  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

from keys import RevocationAuthority, ensure_court_seal, ensure_dev_pki  # noqa: E402
from signing import DevTimestampAuthority, Pkcs12Sealer, SealRequest  # noqa: E402
from signing.appearance import _FILL_BOX  # noqa: E402
from signing.certs import to_asn1_cert  # noqa: E402
from signing.pades import DEFAULT_BYTES_RESERVED  # noqa: E402
from signing.pkcs12 import load_pkcs12_signer  # noqa: E402
from templates import render_ruling, render_seal_appearance  # noqa: E402
from templates.model import AgentInfo, PartyInfo, RulingContent  # noqa: E402
from verify import check_sealed_pdf  # noqa: E402

COURT_CODE, COURT = "渝0241", "重庆市秀山土家族苗族自治县人民法院"
REASON = "民事裁定书"
FIELD = "CourtSeal"
AGREEMENT = (
    "一、申请人张三与申请人重庆秀山某某商贸有限公司确认，截至2026年11月20日，重庆秀山某某商贸有限公司尚欠张三货款人民币86000元。\n"
    "二、重庆秀山某某商贸有限公司于2026年12月31日前向张三支付货款人民币50000元，于2027年3月31日前支付剩余货款人民币36000元。\n"
    "三、如重庆秀山某某商贸有限公司未按期足额支付任何一期款项，张三有权就全部未付款项一次性申请强制执行。\n"
    "四、双方就本纠纷再无其他争议。"
)
LEVELS = ("B-B", "B-T", "B-LTA")
PIPELINES = ("jiudi", "tuned", "plain", "naive")


def ruling_content(n: int) -> RulingContent:
    """The sample ruling of tests/templates/conftest.py, with a distinct case number per document."""
    person = PartyInfo(
        kind="person", name="张三", sex="女", birth_date=date(1949, 12, 31), ethnicity="汉族",
        address="重庆市秀山土家族苗族自治县中和街道渝秀大道88号", id_number="11010519491231002X",
        credit_code=None, representative=None, agent=AgentInfo(name="李四", authorization="重庆某某律师事务所律师"),
    )
    company = PartyInfo(
        kind="organization", name="重庆秀山某某商贸有限公司", sex=None, birth_date=None, ethnicity=None,
        address="重庆市秀山土家族苗族自治县乌杨街道工业园区12号", id_number=None,
        credit_code="914403001922038216", representative="王五",
    )
    return RulingContent(
        court_name=COURT, case_number=f"（2026）渝0241民特{100 + n}号", outcome="confirmed",
        parties=(person, company), dispute_type="买卖合同纠纷",
        mediation_organization="秀山土家族苗族自治县中和街道人民调解委员会",
        mediation_concluded_on=date(2026, 11, 20), applied_on=date(2026, 11, 25), accepted_on=date(2026, 11, 25),
        agreement_text=AGREEMENT, verification_method="video", verification_at=datetime(2026, 11, 27, 10, 30),
        grounds=(), reasoning="", judge_name="赵六", clerk_name="钱七", decided_on=date(2026, 11, 28),
        verify_url="https://verify.jiudi.example.cn/v/Zq3xK9vL2mN8pR4tW6yB1cD5fG7hJ0kA",
        check_code="7K4M-Q2XP", dev_mode=True,
    )


_STATE: dict[str, Any] = {}


def _init(data_dir: str, store: str, pipeline: str, level: str) -> None:
    """Per worker process: what every pipeline keeps (PKI, TSA, appearance) and what only jiudi/tuned keep."""
    pki = ensure_dev_pki(Path(data_dir))
    seal = ensure_court_seal(pki, COURT_CODE, COURT)
    tsa = DevTimestampAuthority(pki.tsa_cert, pki.tsa_key, pki.tsa_chain)
    revocation = RevocationAuthority(pki)
    _STATE.update(
        pki=pki, seal=seal, tsa=tsa, revocation=revocation, store=Path(store), pipeline=pipeline, level=level,
        appearance=render_seal_appearance(COURT, dev_mode=True),
    )
    if pipeline == "jiudi":
        _STATE["sealer"] = Pkcs12Sealer(
            seal.p12_path, seal.passphrase, tsa, level=level, revocation=revocation if level == "B-LTA" else None  # type: ignore[arg-type]
        )
    elif pipeline == "tuned":
        _STATE["signer"] = load_pkcs12_signer(seal.p12_path.read_bytes(), seal.passphrase)
    elif pipeline == "plain":
        _STATE["signer"] = _load_signer()


class HandPage(PdfContent):
    """pyHanko's ``ImportedPdfPage`` reading bytes instead of a file: the appearance parsed again for every seal."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        super().__init__()

    def render(self) -> bytes:
        reader = PdfFileReader(BytesIO(self.pdf))
        xobj = self._ensure_writer.import_page_as_xobject(reader, page_ix=0)
        self.resources.xobject["/Import"] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return b"/Import Do"


def hand_stamp_style(appearance: bytes) -> StaticStampStyle:
    """The court's appearance filling the box, as Jiudi draws it, imported the way pyHanko's own classes do."""
    return StaticStampStyle(
        background=HandPage(appearance), background_opacity=1.0, background_layout=_FILL_BOX, border_width=0
    )


def _load_signer() -> signers.SimpleSigner:
    seal = _STATE["seal"]
    signer = signers.SimpleSigner.load_pkcs12(str(seal.p12_path), passphrase=seal.passphrase)
    assert signer is not None
    return signer


def _validation_context() -> ValidationContext:
    """B-LTA: this document's revocation data for the seal and TSA certificates, closed and hard-fail (as Jiudi)."""
    pki, seal = _STATE["pki"], _STATE["seal"]
    data = _STATE["revocation"].revocation_data([seal.cert, pki.tsa_cert])
    return ValidationContext(
        trust_roots=[to_asn1_cert(pki.root_cert)], crls=list(data.crls), ocsps=list(data.ocsp_responses),
        allow_fetching=False, revocation_mode="hard-fail",
    )


def _hand_seal(pdf: bytes, box: Any, signer: signers.Signer, bytes_reserved: int | None) -> bytes:
    """pyHanko called by hand: the court's appearance, certification with DocMDP NO_CHANGES, the level's extras."""
    level = _STATE["level"]
    lta: dict[str, Any] = {"embed_validation_info": True, "use_pades_lta": True}
    if level == "B-LTA":
        lta["validation_context"] = _validation_context()
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha256", reason=REASON, location=COURT,
        subfilter=fields.SigSeedSubFilter.PADES, certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        **(lta if level == "B-LTA" else {}),  # type: ignore[arg-type]
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=None if level == "B-B" else _STATE["tsa"],
        stamp_style=hand_stamp_style(_STATE["appearance"]),
        new_field_spec=fields.SigFieldSpec(FIELD, on_page=box.page_index, box=(box.x1, box.y1, box.x2, box.y2)),
    )
    out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), bytes_reserved=bytes_reserved)
    return out.getvalue()  # type: ignore[union-attr]


def seal_one(pdf: bytes, box: Any) -> bytes:
    pipeline = _STATE["pipeline"]
    if pipeline == "jiudi":
        request = SealRequest(
            FIELD, box.page_index, (box.x1, box.y1, box.x2, box.y2), _STATE["appearance"], REASON, COURT
        )
        return _STATE["sealer"].seal(pdf, request)  # type: ignore[no-any-return]
    if pipeline in ("tuned", "plain"):
        return _hand_seal(pdf, box, _STATE["signer"], DEFAULT_BYTES_RESERVED)
    return _hand_seal(pdf, box, _load_signer(), None)  # naive: the key file read for every document, trial sizing


def issue(n: int) -> float:
    """Render, seal, hash and store one ruling; returns its latency in seconds."""
    start = time.perf_counter()
    rendered = render_ruling(ruling_content(n))
    sealed = seal_one(rendered.pdf, rendered.seal_box)
    digest = hashlib.sha256(sealed).hexdigest()
    (_STATE["store"] / f"{digest}.pdf").write_bytes(sealed)
    return time.perf_counter() - start


def run(data_dir: Path, pipeline: str, level: str, workers: int, documents: int) -> tuple[float, list[float]]:
    """(documents per second, latencies in seconds) for one configuration."""
    with tempfile.TemporaryDirectory() as store:
        args = (str(data_dir), store, pipeline, level)
        with ProcessPoolExecutor(workers, initializer=_init, initargs=args) as pool:
            list(pool.map(issue, range(-workers * 2, 0)))  # warm-up: imports, fonts, key parsing
            start = time.perf_counter()
            latencies = list(pool.map(issue, range(documents)))
            wall = time.perf_counter() - start
    return documents / wall, latencies


def _appearance_content(pdf: bytes) -> bytes:
    """The content of the form XObject the seal's widget draws (the imported seal appearance)."""
    reader = PdfFileReader(BytesIO(pdf))
    widget = reader.embedded_signatures[0].sig_field
    normal = widget["/AP"]["/N"]
    imported = [x.get_object() for x in normal["/Resources"]["/XObject"].values()]
    return b"".join(x.data for x in imported)


def check_like_with_like(data_dir: Path) -> list[str]:
    """Seal ruling 0 with each pipeline at each level; all must be genuine at that level with the same DocMDP
    permission and the same appearance. Returns one printed line per level."""
    lines = []
    rendered = render_ruling(ruling_content(0))
    for level in LEVELS:
        traits: set[tuple[str | None, str | None, str]] = set()
        sizes = []
        for pipeline in PIPELINES:
            with tempfile.TemporaryDirectory() as store:
                _init(str(data_dir), store, pipeline, level)
                sealed = seal_one(rendered.pdf, rendered.seal_box)
            report = check_sealed_pdf(sealed, [_STATE["pki"].root_cert])
            assert report.genuine, (pipeline, level, report.problem_codes)
            docmdp = read_certification_data(PdfFileReader(BytesIO(sealed)))
            appearance = hashlib.sha256(_appearance_content(sealed)).hexdigest()[:12]
            traits.add((report.level, docmdp.permission.name if docmdp else None, appearance))
            sizes.append(f"{pipeline} {len(sealed) / 1000:.1f} kB")
        assert len(traits) == 1 and level in traits.copy().pop(), (level, traits)
        reached, permission, appearance = traits.pop()
        lines.append(f"  {level:6} genuine at {reached}, DocMDP {permission}, appearance sha256 {appearance}…; "
                     + ", ".join(sizes))
    _STATE.clear()
    return lines


def render_only(documents: int) -> float:
    """Median milliseconds to render one ruling (the part every pipeline shares), in this process."""
    render_ruling(ruling_content(-1))
    times = []
    for n in range(documents):
        start = time.perf_counter()
        render_ruling(ruling_content(n))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _p(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    documents = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        ensure_court_seal(ensure_dev_pki(data_dir), COURT_CODE, COURT)
        print(f"{documents} rulings per run, {rounds} interleaved rounds, {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.1f}; render + seal + SHA-256 + write to store")
        print("same document, appearance and DocMDP on every side (ruling 0):", flush=True)
        for line in check_like_with_like(data_dir):
            print(line, flush=True)
        print(f"rendering alone (shared by all pipelines): p50 {render_only(documents):.1f} ms", flush=True)
        header = " | ".join(f"{p + '/s':>8} {'p50 ms':>7} {'p95 ms':>7}" for p in PIPELINES)
        ratios = " ".join(f"{'j/' + p:>7}" for p in PIPELINES[1:])
        print(f"{'level':6} {'workers':>7} | {header} | {ratios} | load")
        for level in LEVELS:
            for workers in (1, 2):
                rates: dict[str, list[float]] = {p: [] for p in PIPELINES}
                latencies: dict[str, list[float]] = {p: [] for p in PIPELINES}
                for r in range(rounds):
                    shift = r % len(PIPELINES)
                    for pipeline in PIPELINES[shift:] + PIPELINES[:shift]:
                        rate, lat = run(data_dir, pipeline, level, workers, documents)
                        rates[pipeline].append(rate)
                        latencies[pipeline].extend(lat)
                rate = {p: statistics.median(rates[p]) for p in PIPELINES}
                cells = " | ".join(
                    f"{rate[p]:8.1f} {_p(latencies[p], 0.5):7.1f} {_p(latencies[p], 0.95):7.1f}" for p in PIPELINES
                )
                ratio = " ".join(f"{rate['jiudi'] / rate[p]:6.2f}x" for p in PIPELINES[1:])
                print(f"{level:6} {workers:>7} | {cells} | {ratio} | {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
