"""Throughput and latency of Jiudi's sealing pipeline against a naive reportlab + pyHanko pipeline (not a test).

Both pipelines render the same ruling with ``templates.render_ruling`` (reportlab), seal it, hash it (SHA-256) and
write it to a store directory. Jiudi: the cached ``Pkcs12Sealer`` (parsed key, fixed ``bytes_reserved``, vector
seal appearance). Naive: what a plain implementation does — ``SimpleSigner.load_pkcs12`` and a fresh in-process
TSA per document, pyHanko's default settings (trial signature to size the placeholder, default text stamp) and,
for B-LTA, a fresh validation context with the same in-process CRL/OCSP data. Levels B-B, B-T, B-LTA; one and two
worker processes; measured in the same run and printed as ratios.

Run: ``.venv/bin/python bench/issuance_throughput.py [documents_per_run]`` (default 24).
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

from asn1crypto import keys as asn1_keys  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

from keys import RevocationAuthority, ensure_court_seal, ensure_dev_pki  # noqa: E402
from signing import DevTimestampAuthority, Pkcs12Sealer, SealRequest  # noqa: E402
from signing.certs import to_asn1_cert  # noqa: E402
from templates import render_ruling, render_seal_appearance  # noqa: E402
from templates.model import AgentInfo, PartyInfo, RulingContent  # noqa: E402

COURT_CODE, COURT = "渝0241", "秀山土家族苗族自治县人民法院"
AGREEMENT = (
    "一、申请人张三与申请人重庆秀山某某商贸有限公司确认，截至2026年11月20日，重庆秀山某某商贸有限公司尚欠张三货款人民币86000元。\n"
    "二、重庆秀山某某商贸有限公司于2026年12月31日前向张三支付货款人民币50000元，于2027年3月31日前支付剩余货款人民币36000元。\n"
    "三、如重庆秀山某某商贸有限公司未按期足额支付任何一期款项，张三有权就全部未付款项一次性申请强制执行。\n"
    "四、双方就本纠纷再无其他争议。"
)
LEVELS = ("B-B", "B-T", "B-LTA")


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
    pki = ensure_dev_pki(Path(data_dir))
    seal = ensure_court_seal(pki, COURT_CODE, COURT)
    revocation = RevocationAuthority(pki)
    _STATE.update(pki=pki, seal=seal, revocation=revocation, store=Path(store), pipeline=pipeline, level=level)
    if pipeline == "jiudi":
        tsa = DevTimestampAuthority(pki.tsa_cert, pki.tsa_key, pki.tsa_chain)
        _STATE["sealer"] = Pkcs12Sealer(
            seal.p12_path, seal.passphrase, tsa, level=level, revocation=revocation if level == "B-LTA" else None  # type: ignore[arg-type]
        )
        _STATE["appearance"] = render_seal_appearance(COURT, dev_mode=True)


def _naive_seal(pdf: bytes, box: Any, level: str) -> bytes:
    pki, seal, revocation = _STATE["pki"], _STATE["seal"], _STATE["revocation"]
    signer = signers.SimpleSigner.load_pkcs12(str(seal.p12_path), passphrase=seal.passphrase)
    assert signer is not None
    timestamper = None
    if level != "B-B":
        key = pki.tsa_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        timestamper = DummyTimeStamper(
            tsa_cert=to_asn1_cert(pki.tsa_cert), tsa_key=asn1_keys.PrivateKeyInfo.load(key),
            certs_to_embed=[to_asn1_cert(pki.root_cert)],
        )
    meta = signers.PdfSignatureMetadata(field_name="CourtSeal", subfilter=fields.SigSeedSubFilter.PADES, certify=True)
    if level == "B-LTA":
        data = revocation.revocation_data([seal.cert, pki.tsa_cert])
        context = ValidationContext(
            trust_roots=[to_asn1_cert(pki.root_cert)], crls=list(data.crls), ocsps=list(data.ocsp_responses)
        )
        meta = signers.PdfSignatureMetadata(
            field_name="CourtSeal", subfilter=fields.SigSeedSubFilter.PADES, certify=True,
            embed_validation_info=True, use_pades_lta=True, validation_context=context,
        )
    spec = fields.SigFieldSpec("CourtSeal", on_page=box.page_index, box=(box.x1, box.y1, box.x2, box.y2))
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf)), meta, signer=signer, timestamper=timestamper, new_field_spec=spec
    )
    return out.getvalue()


def issue(n: int) -> float:
    """Render, seal, hash and store one ruling; returns its latency in seconds."""
    start = time.perf_counter()
    rendered = render_ruling(ruling_content(n))
    box = rendered.seal_box
    if _STATE["pipeline"] == "jiudi":
        request = SealRequest(
            "CourtSeal", box.page_index, (box.x1, box.y1, box.x2, box.y2), _STATE["appearance"], "民事裁定书", COURT
        )
        sealed = _STATE["sealer"].seal(rendered.pdf, request)
    else:
        sealed = _naive_seal(rendered.pdf, box, _STATE["level"])
    digest = hashlib.sha256(sealed).hexdigest()
    (_STATE["store"] / f"{digest}.pdf").write_bytes(sealed)
    return time.perf_counter() - start


def run(data_dir: Path, pipeline: str, level: str, workers: int, documents: int) -> tuple[float, float, float]:
    """(documents per second, median latency ms, p95 latency ms) for one configuration."""
    with tempfile.TemporaryDirectory() as store:
        args = (str(data_dir), store, pipeline, level)
        with ProcessPoolExecutor(workers, initializer=_init, initargs=args) as pool:
            list(pool.map(issue, range(-workers * 2, 0)))  # warm-up: imports, fonts, key parsing
            start = time.perf_counter()
            latencies = list(pool.map(issue, range(documents)))
            wall = time.perf_counter() - start
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return documents / wall, statistics.median(latencies) * 1000, p95 * 1000


def main() -> None:
    documents = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        ensure_court_seal(ensure_dev_pki(data_dir), COURT_CODE, COURT)
        print(f"{documents} rulings per run, {os.cpu_count()} CPUs; render + seal + SHA-256 + write to store")
        print(f"{'level':6} {'workers':>7} | {'jiudi/s':>8} {'p50 ms':>7} {'p95 ms':>7} | "
              f"{'naive/s':>8} {'p50 ms':>7} {'p95 ms':>7} | {'speed-up':>8}")
        for level in LEVELS:
            for workers in (1, 2):
                j = run(data_dir, "jiudi", level, workers, documents)
                n = run(data_dir, "naive", level, workers, documents)
                print(f"{level:6} {workers:>7} | {j[0]:8.1f} {j[1]:7.1f} {j[2]:7.1f} | "
                      f"{n[0]:8.1f} {n[1]:7.1f} {n[2]:7.1f} | {j[0] / n[0]:7.2f}x", flush=True)


if __name__ == "__main__":
    main()
