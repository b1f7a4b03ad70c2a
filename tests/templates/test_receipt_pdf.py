"""The service receipt (送达回证): the form, the embedded signature and the seal box."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

import pytest

from templates import render_service_receipt
from templates.model import ReceiptRecipient


def test_receipt_lists_court_case_document_recipients_and_server(receipt, poppler):
    text = re.sub(r"\s+", "", poppler.text(render_service_receipt(receipt).pdf))
    for expected in (
        "重庆市秀山土家族苗族自治县人民法院",
        "送达回证",
        "（2026）渝0241民特123号",
        "民事裁定书",
        "张三",
        "直接送达",
        "电子送达",
        "诉讼服务中心",  # a cell's lines interleave with its neighbours' in the extracted text
        "当事人确认的",
        "2026年11月28日",
        "15时05分",
        "15时20分",
        "钱七",
        "二〇二六年十一月二十八日",
        "开发测试文书DEV—无法律效力",
    ):
        assert expected in text, expected


def test_the_recipients_signature_is_embedded_as_an_image_with_its_transparency(receipt, poppler):
    pdf = render_service_receipt(receipt).pdf
    images = poppler.images(pdf)
    kinds = sorted(row[2] for row in images)
    assert kinds == ["image", "smask"]  # one signature, its alpha kept as a soft mask
    assert {(row[3], row[4]) for row in images} == {("360", "120")}


def test_receipt_fonts_are_embedded_and_no_base14_font_is_referenced(receipt, poppler):
    pdf = render_service_receipt(receipt).pdf
    assert all(row[-5] == "yes" for row in poppler.fonts(pdf))
    assert b"/Helvetica" not in pdf


def test_receipt_seal_box_lies_over_the_date_at_the_foot(receipt, poppler):
    doc = render_service_receipt(receipt)
    [date] = [
        w for w in poppler.words(doc.pdf)[doc.seal_box.page_index] if w.text == "二〇二六年十一月二十八日"
    ]
    box = doc.seal_box
    assert box.x1 < date.x1 + (date.x2 - date.x1) * 0.4 < date.x1 + (date.x2 - date.x1) * 0.6 < box.x2
    assert box.y1 < (date.y1 + date.y2) / 2 < box.y2


def test_many_recipients_run_on_to_a_second_page_with_the_seal_on_the_last(receipt, poppler):
    recipients = tuple(
        ReceiptRecipient(f"申请人{i}", "in_person", datetime(2026, 11, 28, 9, i), "本院诉讼服务中心", None)
        for i in range(1, 13)
    )
    doc = render_service_receipt(dataclasses.replace(receipt, recipients=recipients))
    pages = poppler.pages(doc.pdf)
    assert len(pages) == 2 and doc.seal_box.page_index == 1
    assert "二〇二六年十一月二十八日" in pages[1]
    assert all(f"申请人{i}" in "".join(pages) for i in range(1, 13))


def test_receipt_needs_a_recipient(receipt):
    with pytest.raises(ValueError):
        render_service_receipt(dataclasses.replace(receipt, recipients=()))


def test_receipt_has_the_fields_of_the_general_form(receipt, poppler):
    """送达回证（各类案件通用）: 案由, 送达文书名称和件数, 收件人及代收理由, 备考, 填发人, and the date signed beside."""
    text = re.sub(r"\s+", "", poppler.text(render_service_receipt(receipt).pdf))
    for expected in (
        "案由申请司法确认调解协议（民间借贷纠纷）",
        "送达文书名称",
        "（2026）渝0241民特123号民事裁定书，每名受送达人各一份",
        "签收日期",
        "受送达人签名或盖章",
        "收件人及代收",
        "张三的文书由李四签收，代收理由：受送达人的同住成年家属",
        "李四出示了结婚证和户口簿。",
        "杨调解",
    ):
        assert expected in text, expected
    assert "杨调解送达人钱七" in text  # 填发人 and 送达人 on one row, as the 样式 has them


def test_one_recipient_is_served_one_copy(receipt, poppler):
    one = dataclasses.replace(receipt, recipients=receipt.recipients[:1])
    text = re.sub(r"\s+", "", poppler.text(render_service_receipt(one).pdf))
    assert "（2026）渝0241民特123号民事裁定书一份" in text
    assert "每名受送达人" not in text


def test_no_receiver_leaves_the_receiver_cell_empty(receipt, poppler):
    alone = dataclasses.replace(receipt.recipients[0], receiver_name=None, receiver_relation=None)
    doc = render_service_receipt(dataclasses.replace(receipt, recipients=(alone,)))
    text = re.sub(r"\s+", "", poppler.text(doc.pdf))
    assert "代收理由：" not in text and "签收，代收" not in text


def test_a_ruling_left_at_the_residence_states_the_refusal_the_witness_the_photo_and_cpl_89(refused_receipt,
                                                                                             poppler):
    text = re.sub(r"\s+", "", poppler.text(render_service_receipt(refused_receipt).pdf))
    for expected in (
        "留置送达",
        "（拒绝签收）",
        "受送达人王五拒绝签收，拒收情况：王五称不认可调解协议，拒绝接收裁定书并拒绝签名。",
        "见证人赵居委（中和街道凤凰社区居民委员会）到场见证。",
        "已对留置过程拍照记录（照片SHA-256：" + "3f" * 32 + "）。",
        "送达人于2026年11月28日将文书留在重庆市秀山土家族苗族自治县中和街道凤凰路8号王五住所，"
        "依照《中华人民共和国民事诉讼法》第八十九条留置送达，视为送达。",
    ):
        assert expected in text, expected
    assert "第九十条" not in text  # no one was served electronically


def test_a_refusal_with_only_a_photo_names_no_witness(refused_receipt, poppler):
    left = refused_receipt.recipients[1]
    assert left.refusal is not None
    photo_only = dataclasses.replace(left, refusal=dataclasses.replace(left.refusal, witness_name=None,
                                                                       witness_unit=None))
    doc = render_service_receipt(dataclasses.replace(refused_receipt, recipients=(photo_only,)))
    text = re.sub(r"\s+", "", poppler.text(doc.pdf))
    assert "见证人" not in text and "已对留置过程拍照记录" in text
