"""The confirmation of the address for service (送达地址确认书): what the party recorded and nothing else, the
court's notice, how the party confirmed, the seal box at the foot, and the wording in address.yaml."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from templates import render_address_confirmation
from templates.form import LABEL_WIDTH
from templates.model import AddressConfirmationContent
from templates.page import MM, PAGE_HEIGHT, PAGE_WIDTH, TEXT_BOTTOM, TEXT_LEFT, TEXT_RIGHT, TEXT_TOP
from templates.texts import TextsError, load_texts

LONG_ADDRESS = "新疆维吾尔自治区伊犁哈萨克自治州伊宁市解放西路街道某某社区幸福小区12号楼2单元301室（请联系物业转交）"


def flat(poppler, content: AddressConfirmationContent) -> str:
    """The document's text without any whitespace (labels are spread over their cells: 案　　号)."""
    return re.sub(r"\s+", "", poppler.text(render_address_confirmation(content).pdf))


def test_a_party_accepting_electronic_service_by_both_channels(address_confirmation, poppler):
    text = flat(poppler, address_confirmation)
    for expected in (
        "重庆市秀山土家族苗族自治县人民法院",
        "送达地址确认书",
        "案号（2026）渝0241民特123号",
        "案由买卖合同纠纷",
        "受送达人张三",
        "送达地址重庆市秀山土家族苗族自治县中和街道渝秀大道88号",
        "联系电话13800138000",
        "电子邮箱zhangsan@example.cn",
        "同意，送达渠道：手机短信、电子邮件",
        "电子送达地址手机短信：13800138000；电子邮件：zhangsan@example.cn",
        # the notice (法发〔2017〕19号 5): changes reported, the procedures it covers, the effect of a wrong address
        "送达地址变更的，应当及时书面告知本院",
        "适用于本案司法确认程序以及第一审、第二审和执行程序",
        "致使诉讼文书未能被受送达人实际接收的，文书退回之日或者留在该地址之日视为送达之日",
        "送达信息到达上述电子送达地址所在系统时即为送达",
        "《中华人民共和国民事诉讼法》第九十条",
        "受送达人确认受送达人于2026年11月30日15时20分07秒通过发送至138****8000的验证码核验身份后在线确认以上内容。",
        "二〇二六年十一月三十日",
        "开发测试文书DEV—无法律效力",
    ):
        assert expected in text, expected
    assert "申请编号" not in text and "3f9a12c7" not in text
    assert "未填写" not in text and "不适用" not in text


def test_a_party_refusing_electronic_service_without_an_email(address_confirmation, poppler):
    refusing = dataclasses.replace(address_confirmation, electronic_service=False, electronic_channels=(), email=None)
    text = flat(poppler, refusing)
    assert "不同意" in text and "同意，" not in text  # the two-line label 是否同意电子/送达 interleaves with it
    assert "电子送达地址不适用" in text
    assert "电子邮箱未填写" in text
    assert "联系电话13800138000" in text
    assert "送达渠道" not in text and "手机短信" not in text and "电子邮件" not in text
    assert "zhangsan" not in text


def test_what_the_party_left_out_is_printed_as_not_given_never_filled_in(address_confirmation, poppler):
    bare = dataclasses.replace(
        address_confirmation, address="  ", phone=None, email="", electronic_service=False, electronic_channels=()
    )
    text = flat(poppler, bare)
    assert "送达地址未填写" in text and "联系电话未填写" in text and "电子邮箱未填写" in text
    assert "13800138000" not in text and "渝秀大道" not in text
    assert "138****8000" in text  # where the code went is how the party was identified, not a contact given


def test_only_the_channel_the_party_chose_is_printed_with_its_address(address_confirmation, poppler):
    text = flat(poppler, dataclasses.replace(address_confirmation, electronic_channels=("email",)))
    assert "同意，送达渠道：电子邮件" in text
    assert "电子送达地址电子邮件：zhangsan@example.cn" in text
    assert "手机短信" not in text
    assert "联系电话13800138000" in text  # still the party's phone, just not an address for electronic service


def test_a_long_address_wraps_inside_its_cell_and_the_form_stays_on_one_page(address_confirmation, poppler):
    doc = render_address_confirmation(dataclasses.replace(address_confirmation, address=LONG_ADDRESS))
    assert len(poppler.pages(doc.pdf)) == 1 and doc.seal_box.page_index == 0
    assert LONG_ADDRESS in re.sub(r"\s+", "", poppler.text(doc.pdf))
    lines = [w for w in poppler.words(doc.pdf)[0] if len(w.text) >= 6 and w.text in LONG_ADDRESS]
    assert len({round(w.y1) for w in lines}) == 2, [w.text for w in lines]  # two lines, one below the other
    for word in lines:
        assert TEXT_LEFT + LABEL_WIDTH < word.x1 and word.x2 < TEXT_RIGHT, word


def test_an_address_too_long_for_one_page_runs_on_with_the_seal_inside_the_last_page(address_confirmation, poppler):
    address = "，".join([LONG_ADDRESS] * 6)[:300]  # the longest address a party can enter
    email = "a" * 64 + "@" + "b" * 185 + ".cn"  # and the longest e-mail address
    doc = render_address_confirmation(dataclasses.replace(address_confirmation, address=address, email=email))
    pages = poppler.pages(doc.pdf)
    assert len(pages) == 2 and doc.seal_box.page_index == 1
    assert "第1页共2页" in re.sub(r"\s+", "", pages[0]) and "第2页共2页" in re.sub(r"\s+", "", pages[1])
    values = "".join(w.text for page in poppler.words(doc.pdf) for w in page if w.x1 > TEXT_LEFT + LABEL_WIDTH)
    assert address in values  # the label 送达地址 is centred beside it: read the value column alone
    assert values.count(email) == 2  # its row, and the electronic service row
    for page in poppler.words(doc.pdf):  # nothing overflows its cell: every word in the text block or the footer
        for word in page:
            assert TEXT_LEFT <= word.x1 and word.x2 <= TEXT_RIGHT, word
            assert TEXT_BOTTOM <= word.y1 or word.y2 < 30 * MM, word
    assert "二〇二六年十一月三十日" in pages[1]
    _assert_seal_box_over_the_date(doc, poppler)


def test_an_organisation_confirms_through_the_person_who_received_the_code(address_confirmation, poppler):
    organisation = dataclasses.replace(
        address_confirmation,
        party_name="重庆秀山某某商贸有限公司",
        party_kind="organization",
        address="重庆市秀山土家族苗族自治县乌杨街道工业园区12号",
        email="finance@xsmm.example.cn",
        electronic_channels=("email",),
        confirmed_via="fin***@xsmm.example.cn",
    )
    text = flat(poppler, organisation)
    assert "受送达人重庆秀山某某商贸有限公司" in text
    assert "送达地址重庆市秀山土家族苗族自治县乌杨街道工业园区12号" in text
    assert "通过发送至fin***@xsmm.example.cn的验证码核验经办人身份后在线确认以上内容" in text


def test_before_the_case_is_registered_the_application_reference_is_printed(address_confirmation, poppler):
    unregistered = dataclasses.replace(address_confirmation, case_number=None)
    doc = render_address_confirmation(unregistered)
    text = re.sub(r"\s+", "", poppler.text(doc.pdf))
    assert "申请编号3f9a12c7（尚未立案）" in text
    assert "案号" not in text and "民特" not in text
    assert poppler.info(doc.pdf)["Title"] == "3f9a12c7 送达地址确认书"


def test_the_confirmation_time_is_printed_in_china_time_and_dates_the_seal(address_confirmation, poppler):
    late_utc = datetime(2026, 11, 29, 16, 30, 5, tzinfo=timezone.utc)  # 2026-11-30 00:30:05 in Beijing
    text = flat(poppler, dataclasses.replace(address_confirmation, confirmed_at=late_utc))
    assert "受送达人于2026年11月30日0时30分05秒通过" in text
    assert "二〇二六年十一月三十日" in text and "二十九日" not in text
    issued = flat(poppler, dataclasses.replace(address_confirmation, issued_on=date(2026, 12, 1)))
    assert "二〇二六年十二月一日" in issued and "2026年11月30日15时20分07秒" in issued


def test_metadata_names_the_case_the_document_and_the_court(address_confirmation, poppler):
    info = poppler.info(render_address_confirmation(address_confirmation).pdf)
    assert info["Title"] == "（2026）渝0241民特123号 送达地址确认书"
    assert info["Author"] == "重庆市秀山土家族苗族自治县人民法院"
    assert info["Subject"] == "送达地址确认书（受送达人：张三）（开发测试，无法律效力）"
    assert info["Keywords"] == "DEV"
    production = poppler.info(render_address_confirmation(dataclasses.replace(address_confirmation, dev_mode=False)).pdf)
    assert production["Subject"] == "送达地址确认书（受送达人：张三）"
    assert "开发测试" not in poppler.text(render_address_confirmation(
        dataclasses.replace(address_confirmation, dev_mode=False)).pdf)


def _assert_seal_box_over_the_date(doc, poppler) -> None:  # type: ignore[no-untyped-def]
    box = doc.seal_box
    assert 0 <= box.x1 < box.x2 <= PAGE_WIDTH and 0 <= box.y1 < box.y2 <= PAGE_HEIGHT
    assert TEXT_LEFT <= box.x1 and box.x2 <= TEXT_RIGHT and TEXT_BOTTOM <= box.y1 and box.y2 <= TEXT_TOP
    [date_word] = [w for w in poppler.words(doc.pdf)[box.page_index] if w.text == "二〇二六年十一月三十日"]
    assert box.x1 < (date_word.x1 + date_word.x2) / 2 < box.x2 and box.y1 < (date_word.y1 + date_word.y2) / 2 < box.y2


def test_seal_box_lies_over_the_date_on_the_last_page_and_fonts_are_embedded(address_confirmation, poppler):
    doc = render_address_confirmation(address_confirmation)
    assert len(poppler.pages(doc.pdf)) == 1 and doc.seal_box.page_index == 0
    _assert_seal_box_over_the_date(doc, poppler)
    assert all((row[-5], row[-4]) == ("yes", "yes") for row in poppler.fonts(doc.pdf))
    assert b"/Helvetica" not in doc.pdf


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"confirmed_at": datetime(2026, 11, 30, 15, 20, 7)}, "timezone-aware"),
        ({"electronic_channels": ()}, "at least one channel"),
        ({"electronic_service": False}, "names no channel"),
        ({"electronic_channels": ("sms", "sms")}, "listed twice"),
        ({"electronic_channels": ("sms", "wechat")}, "unknown electronic channel"),
        ({"email": None}, "needs the party's email"),
        ({"phone": " "}, "needs the party's phone"),
        ({"party_kind": "company"}, "party_kind"),
        ({"case_number": None, "application_ref": ""}, "application reference"),
    ],
)
def test_a_confirmation_that_does_not_say_one_consistent_thing_is_refused(address_confirmation, changes, message):
    with pytest.raises(ValueError, match=message):
        render_address_confirmation(dataclasses.replace(address_confirmation, **changes))


def test_changed_address_wording_reaches_the_document(address_confirmation, texts_copy, poppler):
    directory: Path = texts_copy()
    path = directory / "address.yaml"
    path.write_text(path.read_text("utf-8").replace("sms: 手机短信", "sms: 短信息"), "utf-8")
    doc = render_address_confirmation(address_confirmation, texts=load_texts(directory))
    text = re.sub(r"\s+", "", poppler.text(doc.pdf))
    assert "送达渠道：短信息、电子邮件" in text and "手机短信" not in text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("\nnot_filled:", "\nnot_filled_old:", "not_filled"),
        ("  confirmation: 受送达人确认\n", "", "confirmation"),
        ("  email: 电子邮件\n", "", "email"),
        ("  organization: ", "  organisation: ", "organization"),
        ("{confirmed_via}的验证码核验身份", "{confirmed_by}的验证码核验身份", "confirmed_by"),
        ("\nnotice:", "\nnotice: []\nnotice_old:", "notice"),
    ],
)
def test_an_address_file_missing_a_key_fails_at_load_time(texts_copy, old, new, message):
    directory: Path = texts_copy()
    path = directory / "address.yaml"
    original = path.read_text("utf-8")
    assert old in original
    path.write_text(original.replace(old, new, 1), "utf-8")
    with pytest.raises(TextsError, match=message):
        load_texts(directory)
