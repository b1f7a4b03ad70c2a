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
