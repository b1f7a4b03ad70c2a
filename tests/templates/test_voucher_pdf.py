"""The electronic service voucher (电子送达凭证): what it records, its fonts and the seal box over its date."""

from __future__ import annotations

import dataclasses
import re

import pytest

from templates import render_service_voucher
from templates.model import VoucherContent


def test_voucher_records_case_document_digest_recipient_address_and_times(voucher: VoucherContent, poppler):
    text = re.sub(r"\s+", "", poppler.text(render_service_voucher(voucher).pdf))
    for expected in (
        "重庆市秀山土家族苗族自治县人民法院",
        "电子送达凭证",
        "（2026）渝0241民特123号",
        "民事裁定书",
        "重庆秀山某某商贸有限公司",
        "手机短信（人民法院在线服务平台）",
        "13800138000",
        "2026年11月28日15时20分04秒",  # sent
        "2026年11月28日15时20分09秒",  # arrived: the service date
        "2026年11月28日16时02分37秒",  # read
        voucher.document_sha256[:32],  # the digest is printed in two lines of four groups
        voucher.document_sha256[32:],
        "钱七",
        "《中华人民共和国民事诉讼法》第九十条",
        "《人民法院在线诉讼规则》第三十一",  # the label 说明 interleaves with the statement's lines
        "在司法确认申请书中主动提供上述电子送达地址",  # the basis of consent (在线诉讼规则 30(3))
        "二〇二六年十一月二十八日",
        "开发测试文书DEV—无法律效力",
    ):
        assert expected in text, expected


def test_voucher_without_a_read_time_says_it_has_not_been_read(voucher: VoucherContent, poppler):
    text = re.sub(r"\s+", "", poppler.text(render_service_voucher(dataclasses.replace(voucher, read_at=None)).pdf))
    assert "尚无查阅记录" in text
    assert "16时02分" not in text


def test_voucher_seal_box_lies_over_the_date_and_fonts_are_embedded(voucher: VoucherContent, poppler):
    doc = render_service_voucher(voucher)
    [date] = [w for w in poppler.words(doc.pdf)[0] if w.text == "二〇二六年十一月二十八日"]
    box = doc.seal_box
    assert box.page_index == 0 and len(poppler.pages(doc.pdf)) == 1
    assert box.x1 < (date.x1 + date.x2) / 2 < box.x2 and box.y1 < (date.y1 + date.y2) / 2 < box.y2
    assert all((row[-5], row[-4]) == ("yes", "yes") for row in poppler.fonts(doc.pdf))
    assert b"/Helvetica" not in doc.pdf


def test_voucher_refuses_a_malformed_digest(voucher: VoucherContent):
    with pytest.raises(ValueError, match="64 hexadecimal"):
        render_service_voucher(dataclasses.replace(voucher, document_sha256="abc"))


def test_voucher_refuses_times_out_of_order(voucher: VoucherContent):
    with pytest.raises(ValueError, match="arrive before"):
        render_service_voucher(dataclasses.replace(voucher, arrived_at=voucher.sent_at.replace(minute=0)))
    with pytest.raises(ValueError, match="read before"):
        render_service_voucher(dataclasses.replace(voucher, read_at=voucher.sent_at))


def test_voucher_states_the_basis_of_consent_recorded_and_no_invented_sending_time(voucher: VoucherContent, poppler):
    express = re.sub(r"\s+", "", poppler.text(render_service_voucher(
        dataclasses.replace(voucher, consent_basis="express", sent_at=None)).pdf))
    assert "受送达人明确表示同意电子送达" in express and "第二十九条第二款第（一）项" in express
    assert "发送时间未登记" in express and "15时20分04秒" not in express
    unrecorded = re.sub(r"\s+", "", poppler.text(render_service_voucher(
        dataclasses.replace(voucher, consent_basis=None)).pdf))
    assert "未登记受送达人同意电子送达的依据" in unrecorded and "第二十九条" not in unrecorded
    with pytest.raises(ValueError, match="consent basis"):
        render_service_voucher(dataclasses.replace(voucher, consent_basis="implied"))
