"""The 送达回证's general 样式 through the API: 代收 (CPL 88), 留置送达 (CPL 89), 备考 and 填发人 from the record."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import subprocess

from PIL import Image

from tests.support import issued, now_iso, png_signature


def jpeg_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(out, format="JPEG")
    return out.getvalue()


def pdf_text(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", "", text)


def test_a_refusal_with_a_witness_and_a_photo_is_left_at_the_residence_and_printed(client, passwords, runtime):
    m, app_id, app = issued(client, passwords)
    first, second = app["parties"]
    photo = jpeg_photo()
    r = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "重庆市秀山县中和街道凤凰路8号", "remarks": "留置时受送达人之子在场。",
        "recipients": [
            {"party_id": first["id"], "method": "left_at_residence",
             "refusal_circumstances": "受送达人称不认可调解协议，拒绝接收并拒绝签名",
             "witness_name": "赵居委", "witness_unit": "中和街道凤凰社区居民委员会",
             "photo": "data:image/jpeg;base64," + base64.b64encode(photo).decode()},
            {"party_id": second["id"], "method": "in_person", "signature_png": png_signature(),
             "receiver_name": "李四", "receiver_relation": "该公司负责收件的人（办公室主任）"}]})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "served"
    left, received = r.json()["service"]["recipients"]
    assert left["method"] == "left_at_residence" and left["signed"] is False
    assert left["witness_name"] == "赵居委" and left["photo_sha256"] == hashlib.sha256(photo).hexdigest()
    assert runtime.store.get(left["photo_sha256"]) == photo
    assert received["receiver_name"] == "李四" and received["receiver_relation"] == "该公司负责收件的人（办公室主任）"
    pdf = m.get(f"/api/v1/applications/{app_id}/service-receipt.pdf").content
    text = pdf_text(pdf)
    for expected in (
        f"申请司法确认调解协议（{app['dispute_type']}）",
        f"{app['case_number']}民事裁定书，每名受送达人各一份",
        "留置送达",
        f"受送达人{first['name']}拒绝签收，拒收情况：受送达人称不认可调解协议，拒绝接收并拒绝签名。",
        "见证人赵居委（中和街道凤凰社区居民委员会）到场见证。",
        f"已对留置过程拍照记录（照片SHA-256：{hashlib.sha256(photo).hexdigest()}）。",
        "第八十九条留置送达，视为送达。",
        f"{second['name']}的文书由李四签收，代收理由：该公司",  # the label's second line comes between
        "负责收件的人（办公室主任）",
        "留置时受送达人之子在场。",
    ):
        assert expected in text, expected
    mediator = m.get("/api/v1/me").json()
    layout = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    lines = [" ".join(line.split()) for line in layout.decode().splitlines()]
    # 填发人: the mediator who recorded it; 送达人: the court's clerk (-layout keeps the row on one line)
    assert any(re.match(f"填发人 {mediator['name']} 送达人 吴书记", line) for line in lines), lines


def test_a_refusal_needs_its_circumstances_and_a_witness_or_a_photo(client, passwords):
    m, app_id, app = issued(client, passwords)
    party = app["parties"][0]["id"]
    bare = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "住所", "recipients": [{"party_id": party, "method": "left_at_residence"}]})
    assert bare.status_code == 422
    assert {d["code"] for d in bare.json()["error"]["details"]} == {
        "service.refusal_circumstances_required", "service.refusal_evidence_required"}
    signed = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "住所", "recipients": [{
            "party_id": party, "method": "left_at_residence", "refusal_circumstances": "拒绝签收",
            "witness_name": "赵居委", "witness_unit": "社区居委会", "signature_png": png_signature()}]})
    assert signed.status_code == 422 and signed.json()["error"]["code"] == "service.signature_on_refusal"
    not_a_photo = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "住所", "recipients": [{
            "party_id": party, "method": "left_at_residence", "refusal_circumstances": "拒绝签收",
            "photo": base64.b64encode(b"%PDF-1.7 not a photo").decode()}]})
    assert not_a_photo.status_code == 422 and not_a_photo.json()["error"]["code"] == "service.photo_not_image"
    no_place = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "recipients": [{
            "party_id": party, "method": "left_at_residence", "refusal_circumstances": "拒绝签收",
            "witness_name": "赵居委", "witness_unit": "社区居委会"}]})
    assert no_place.status_code == 422 and no_place.json()["error"]["code"] == "service.place_required"
    assert m.get(f"/api/v1/applications/{app_id}").json()["service"] is None


def test_a_receiver_needs_a_reason_and_signs_in_person_only(client, passwords):
    m, app_id, app = issued(client, passwords)
    party = app["parties"][0]["id"]
    no_reason = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "place": "调解室", "recipients": [{
            "party_id": party, "method": "in_person", "signature_png": png_signature(), "receiver_name": "李四"}]})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["code"] == "service.receiver_relation_required"
    electronic = m.post(f"/api/v1/applications/{app_id}/service", json={
        "served_at": now_iso(), "recipients": [{
            "party_id": party, "method": "electronic", "receiver_name": "李四", "receiver_relation": "配偶"}]})
    assert electronic.status_code == 422
    assert electronic.json()["error"]["code"] == "service.receiver_in_person_only"
