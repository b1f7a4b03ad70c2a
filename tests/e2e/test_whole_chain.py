"""The whole chain on real parts: on-the-spot application → live review → sealed ruling → service → QR check.

Through real HTTP against a live server; the ruling is checked by tools that are not ours (poppler's pdfsig,
pdffonts and pdftoppm, zxing-cpp, pyHanko's own validator) as well as by Jiudi's verification.
"""

from __future__ import annotations

import base64
import io
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import zxingcpp
from PIL import Image
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.support import a_pdf, application_body, confirm_parties, now_iso, verification_now

pytestmark = pytest.mark.e2e


def require_tool(name: str) -> str:
    """The tests use the real tools; a missing one is a failure, never a skip."""
    from shutil import which

    path = which(name)
    assert path, f"{name} is not installed: run scripts/setup (poppler-utils)"
    return path


class Client:
    def __init__(self, base: str, username: str, password: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        r = self.http.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert r.status_code == 200, r.text
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"


def listen(base: str, token: str, into: "queue.Queue[tuple[str, dict]]", ready: threading.Event) -> None:
    """Collect SSE events (type, data) from GET /api/v1/events into a queue."""
    with httpx.Client(base_url=base, timeout=None) as http:
        try:
            with http.stream("GET", "/api/v1/events", headers={"Authorization": token}) as stream:
                ready.set()
                event_type = None
                for line in stream.iter_lines():
                    if line.startswith("event: "):
                        event_type = line[7:]
                    elif line.startswith("data: ") and event_type:
                        into.put((event_type, json.loads(line[6:])))
        except httpx.HTTPError:
            pass  # the server shut down at the end of the test


def wait_for(events: "queue.Queue[tuple[str, dict]]", event_type: str, app_id: str, timeout: float = 5.0) -> float:
    start = time.monotonic()
    while True:
        remaining = timeout - (time.monotonic() - start)
        assert remaining > 0, f"no {event_type} event for {app_id} within {timeout}s"
        kind, data = events.get(timeout=remaining)
        if kind == event_type and data["application_id"] == app_id:
            return time.monotonic() - start


def signature_png() -> str:
    img = Image.new("RGBA", (240, 90), (255, 255, 255, 0))
    from PIL import ImageDraw

    ImageDraw.Draw(img).line([(10, 60), (60, 20), (120, 70), (220, 25)], fill=(0, 0, 0, 255), width=4)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def pdfsig(path: Path) -> str:
    out = subprocess.run([require_tool("pdfsig"), str(path)], capture_output=True, text=True)
    return out.stdout + out.stderr


def test_the_whole_chain(live_server, tmp_path):
    base, runtime, passwords = live_server
    mediator = Client(base, "mediator", passwords["mediator"])
    judge = Client(base, "judge", passwords["judge"])
    judge2 = Client(base, "judge2", passwords["judge2"])

    # the judge's queue is listening before the mediator files
    events: queue.Queue = queue.Queue()
    ready = threading.Event()
    threading.Thread(target=listen, args=(base, judge.http.headers["Authorization"], events, ready),
                     daemon=True).start()
    assert ready.wait(10)

    # 1. 就地申请: create (idempotently), file the documents, submit
    body = application_body()
    r = mediator.http.post("/api/v1/applications", json=body, headers={"Idempotency-Key": "tablet-0001"})
    assert r.status_code == 201 and r.json()["status"] == "draft"
    app_id = r.json()["id"]
    again = mediator.http.post("/api/v1/applications", json=body, headers={"Idempotency-Key": "tablet-0001"})
    assert again.status_code == 201 and again.json()["id"] == app_id
    for kind in ("agreement", "joint_application"):
        up = mediator.http.post(f"/api/v1/applications/{app_id}/documents", data={"kind": kind},
                                files={"file": ("scan.pdf", a_pdf(kind), "application/pdf")})
        assert up.status_code == 201, up.text
    r = mediator.http.post(f"/api/v1/applications/{app_id}/submit")
    assert r.status_code == 200 and r.json()["status"] == "submitted", r.text
    confirm_parties(mediator.http, mediator.http, app_id)  # each party on their own phone (tests/api/test_parties_api.py)

    # 2. 同步审核: the judge sees it at once, claims it (收案: the case number), a second judge cannot
    arrived_after = wait_for(events, "application.submitted", app_id)
    queue_items = judge.http.get("/api/v1/review-queue").json()["items"]
    assert [i["id"] for i in queue_items] == [app_id]
    r = judge.http.post(f"/api/v1/applications/{app_id}/claim")
    assert r.status_code == 200, r.text
    year = r.json()["registered_at"][:4]
    assert r.json()["case_number"] == f"（{year}）渝0241民特1号" and r.json()["claimed_by"] == "judge"
    r = judge2.http.post(f"/api/v1/applications/{app_id}/claim")
    assert r.status_code == 409 and r.json()["error"]["code"] == "application.already_claimed"

    # 3. 在线回传: confirm; the sealed ruling exists within seconds
    started = time.monotonic()
    r = judge.http.post(f"/api/v1/applications/{app_id}/decision",
                        json={"outcome": "confirmed", "grounds": [], "reasoning": "",
                              "verification": verification_now()})
    assert r.status_code in (200, 202), r.text
    while r.json()["status"] != "issued":
        assert time.monotonic() - started < 30, "ruling not issued within 30 s"
        time.sleep(0.1)
        r = judge.http.get(f"/api/v1/applications/{app_id}")
    issued_after = time.monotonic() - started
    print(f"\nsubmitted→judge's stream: {arrived_after * 1000:.0f} ms; decision→issued: {issued_after * 1000:.0f} ms")
    wait_for(events, "ruling.issued", app_id)
    ruling = r.json()["ruling"]
    assert ruling["outcome"] == "confirmed" and ruling["level"] == "B-LTA"  # the default (issue: long-term)
    assert ruling["verify_url"].startswith(f"{base}/v/")

    pdf_response = mediator.http.get(f"/api/v1/applications/{app_id}/ruling.pdf")
    assert pdf_response.status_code == 200 and pdf_response.headers["content-type"] == "application/pdf"
    pdf = pdf_response.content
    path = tmp_path / "ruling.pdf"
    path.write_bytes(pdf)

    # the seal, by poppler: the court's seal is valid. At B-LTA the validation data (DSS) and the document
    # timestamp follow it in later revisions, so pdfsig says "Not total document signed" for the seal; that
    # those revisions only add LTV data is checked by pyHanko below and by Jiudi's verification (whole file).
    said = pdfsig(path)
    seal_part = said.split("Signature #2")[0]
    assert "Signature is Valid" in seal_part and "Signer Certificate Common Name: 重庆市秀山土家族苗族自治县人民法院" in seal_part
    assert "Signature Field Name: Timestamp" in said, said
    # the seal, by pyHanko against the court root
    root = load_cert_from_pemder(str(runtime.settings.data_dir / "keys" / "root-ca.pem"))
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0],
                                    ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted and status.timestamp_validity is not None
    assert status.modification_level is not None and status.modification_level.name == "LTA_UPDATES"
    # every font embedded
    fonts = subprocess.run([require_tool("pdffonts"), str(path)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # columns: … emb sub uni object gen
    # …and no two different subsets share a name (the page's and the seal appearance's are separate subsets)
    names = [row.split()[0] for row in rows]
    assert len(set(names)) == len(names), fonts
    # the text: case number, parties with sex and birth date, the law
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True,
                          text=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    for phrase in (f"（{year}）渝0241民特1号", "张三", "女", "1949年12月31日", "秀山县武陵建材有限公司", "第二百零五条",
                   "第二百零六条", "调解协议有效", "田审判", "吴书记"):
        assert phrase in squeezed, phrase

    # 4. the QR code, read from a rendering of the printed page
    subprocess.run([require_tool("pdftoppm"), "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    urls = []
    for png in sorted(tmp_path.glob("page*.png")):
        urls += [b.text for b in zxingcpp.read_barcodes(Image.open(png))]
    assert urls == [ruling["verify_url"]], urls
    page = httpx.get(urls[0])
    assert page.status_code == 200 and "文书真实，本院出具" in page.text and f"（{year}）渝0241民特1号" in page.text
    assert "张某某" in page.text and "张三" not in page.text and "11010519491231002X" not in page.text
    token = urls[0].rsplit("/", 1)[1]
    record = httpx.get(f"{base}/api/v1/verify/{token}").json()
    assert record["status"] == "valid" and record["parties"] == ["张某某", "秀山县武陵建材有限公司"]
    assert record["document_sha256"] == ruling["sha256"]
    assert httpx.get(f"{base}/api/v1/verify/{token[:-2]}xx").status_code == 404

    # uploads: the ruling is genuine; a flipped byte and an incremental update are not
    genuine = httpx.post(f"{base}/api/v1/verify", files={"file": ("r.pdf", pdf, "application/pdf")}).json()
    assert genuine["genuine"] is True and genuine["case_number"] == f"（{year}）渝0241民特1号", genuine
    assert genuine["timestamp_at"].endswith("+08:00") and genuine["problems"] == []
    flipped = bytearray(pdf)
    at = pdf.index(b"stream", len(pdf) // 3) + 20
    flipped[at] ^= 0x01
    altered = httpx.post(f"{base}/api/v1/verify", files={"file": ("r.pdf", bytes(flipped), "application/pdf")}).json()
    assert altered["genuine"] is False and altered["problems"], altered
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root["/Info2"] = writer.add_object(writer.root.__class__())
    buf = io.BytesIO()
    writer.write(buf)
    updated = httpx.post(f"{base}/api/v1/verify", files={"file": ("r.pdf", buf.getvalue(), "application/pdf")}).json()
    assert updated["genuine"] is False and updated["problems"], updated

    # the same answers offline, from the command line
    env = {**os.environ, "JIUDI_DATA_DIR": str(runtime.settings.data_dir),
           "JIUDI_DATABASE_URL": runtime.settings.database_url}
    (tmp_path / "flipped.pdf").write_bytes(bytes(flipped))
    (tmp_path / "junk.pdf").write_bytes(b"not a pdf at all")
    cli = [sys.executable, "-m", "confirm.cli", "verify"]
    ok = subprocess.run(cli + [str(path), "--json"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["genuine"] is True
    assert subprocess.run(cli + [str(tmp_path / "flipped.pdf")], env=env, capture_output=True).returncode == 1
    assert subprocess.run(cli + [str(tmp_path / "junk.pdf")], env=env, capture_output=True).returncode == 2

    # 5. 当场送达: each party signs on the tablet; then the sealed receipt
    parties = r.json()["parties"]
    r = mediator.http.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "秀山县中和派出所驻所调解室",
        "recipients": [{"party_id": p["id"], "method": "in_person", "signature_png": signature_png()}
                       for p in parties]})
    assert r.status_code == 200 and r.json()["status"] == "served", r.text
    receipt = mediator.http.get(f"/api/v1/applications/{app_id}/service-receipt.pdf")
    assert receipt.status_code == 200
    (tmp_path / "receipt.pdf").write_bytes(receipt.content)
    said = pdfsig(tmp_path / "receipt.pdf")
    assert "Signature is Valid" in said.split("Signature #2")[0], said
    wait_for(events, "application.served", app_id)

    if os.environ.get("JIUDI_TEST_ARTIFACTS"):  # keep the documents to look at them
        keep = Path(os.environ["JIUDI_TEST_ARTIFACTS"])
        keep.mkdir(parents=True, exist_ok=True)
        (keep / "ruling.pdf").write_bytes(pdf)
        (keep / "receipt.pdf").write_bytes(receipt.content)
