"""The ruling (民事裁定书) as printed: its wording, fonts, QR code, pagination and seal position."""

from __future__ import annotations

import dataclasses
import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import zxingcpp
from PIL import Image, ImageFilter

from templates import render_ruling, render_seal_appearance
from templates.fonts import subset_tag
from templates.layout import NO_LINE_END, NO_LINE_START
from templates.model import AgentInfo, PartyInfo, RulingContent
from templates.page import PAGE_HEIGHT, PAGE_WIDTH, TEXT_BOTTOM, TEXT_LEFT, TEXT_RIGHT, TEXT_TOP
from templates.qr import qr_modules

COURT = "重庆市秀山土家族苗族自治县人民法院"
CASE_NUMBER = "（2026）渝0241民特123号"
DATE = "二〇二六年十一月二十八日"


def flat(text: str) -> str:
    """Text with line breaks and layout spaces removed, to search for phrases that wrap."""
    return re.sub(r"\s+", "", text)


def test_confirmed_ruling_states_parties_agreement_basis_and_outcome(confirmed: RulingContent, poppler):
    text = flat(poppler.text(render_ruling(confirmed).pdf))
    for expected in (
        COURT,
        "民事裁定书",
        CASE_NUMBER,
        (
            "申请人：张三，女，1949年12月31日出生，汉族，个体工商户，住重庆市秀山土家族苗族自治县中和街道渝秀大道88号，"
            "公民身份号码11010519491231002X。"
        ),
        "委托诉讼代理人：李四，重庆某某律师事务所律师。",
        (
            "申请人：重庆秀山某某商贸有限公司，住所地重庆市秀山土家族苗族自治县乌杨街道工业园区12号，"
            "统一社会信用代码914403001922038216。法定代表人：王五，总经理。"
        ),
        "于2026年11月20日经秀山土家族苗族自治县中和街道人民调解委员会主持调解，达成如下调解协议：",
        "四、双方就本纠纷再无其他争议。",
        "申请人于2026年11月25日共同向本院申请司法确认。本院于同日立案",
        "于2026年11月27日通过在线视频方式",
        "《中华人民共和国民事诉讼法》第二百零五条、第二百零六条规定，裁定如下：",
        "一、申请人张三与申请人重庆秀山某某商贸有限公司于2026年11月20日经",
        "主持调解达成的调解协议有效。",
        "对方当事人可以向人民法院申请执行。",
        "审判员赵六",
        DATE,
        "书记员钱七",
        "核验码：7K4M-Q2XP",
        "扫描二维码或访问verify.jiudi.example.cn核验本文书真伪",
    ):
        assert expected in text, expected
    assert "第三百五十八条" not in text


def test_rejected_ruling_cites_358_items_and_tells_parties_what_they_may_do(rejected: RulingContent, poppler):
    text = flat(poppler.text(render_ruling(rejected).pdf))
    for expected in (
        CASE_NUMBER,
        "申请人：张三",
        "申请人：欧阳镕，男，1880年1月1日出生，苗族，住广东省潮州市饶平县黄冈镇，公民身份号码440524188001010014。",
        "本院于2026年11月26日立案",  # not the same day as the application
        "于2026年11月27日通知双方申请人共同到场进行了核实",
        "调解协议约定的利息超过法律规定的上限，且未载明履行期限。",
        "存在违反法律强制性规定、内容不明确的情形",
        "《中华人民共和国民事诉讼法》第二百零六条",
        "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百五十八条第一项、第五项规定，裁定如下：",
        "驳回申请人张三、欧阳镕的司法确认申请。",
        "变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼。",
        DATE,
    ):
        assert expected in text, expected
    assert "调解协议有效" not in text
    assert "开发测试文书" not in text  # not a development ruling


@pytest.mark.parametrize(
    ("outcome", "grounds", "expected"),
    [
        (
            "not_accepted",
            ("outside_jurisdiction",),
            ["存在不属于本院管辖的情形", "第三百五十五条第一款第二项规定", "本院不予受理。"],
        ),
        (
            "rejected",
            ("property_right_determination",),
            [
                "第三百五十五条第一款第五项、第二款规定",
                "驳回申请人张三、重庆秀山某某商贸有限公司的司法确认申请。",
            ],
        ),
        (
            "rejected",
            ("harms_public_or_others", "not_voluntary", "other"),
            [
                "存在损害国家利益、社会公共利益、他人合法权益、违反自愿原则、其他不能进行司法确认的情形",
                "第二百零六条，《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百五十八条第二项、第四项、第六项规定",
                "也可以向人民法院提起诉讼。",
            ],
        ),
        (
            "withdrawal_permitted",
            (),
            ["申请人张三于2026年11月26日向本院申请撤回司法确认申请。", "第三百五十七条第一款规定",
             "准许申请人张三撤回司法确认申请。"],
        ),
        (
            "treated_as_withdrawn",
            (),
            ["本院于2026年11月21日要求申请人于2026年11月27日前补充陈述、补充证明材料：协议第二条的付款期限。",
             "申请人无正当理由在本院指定的期限内未补充陈述、补充证明材料。",
             "第三百五十七条第二款规定", "本案按申请人张三、重庆秀山某某商贸有限公司撤回司法确认申请处理。"],
        ),
    ],
)
def test_every_outcome_has_its_own_basis_and_operative_part(
    confirmed: RulingContent, poppler, outcome: str, grounds: tuple[str, ...], expected: list[str]
):
    reasoning = "申请人未能说明借款实际交付的经过。" if "other" in grounds else ""
    content = dataclasses.replace(confirmed, outcome=outcome, grounds=grounds, reasoning=reasoning,  # type: ignore[arg-type]
                                  supplement_ordered_on=date(2026, 11, 21), supplement_deadline=date(2026, 11, 27),
                                  supplement_reason="协议第二条的付款期限", withdrawn_by=("张三",),
                                  withdrawal_requested_on=date(2026, 11, 26))
    text = flat(poppler.text(render_ruling(content).pdf))
    for phrase in [COURT, "民事裁定书", CASE_NUMBER, *expected, "审判员赵六", DATE, "书记员钱七"]:
        assert phrase in text, phrase
    assert text.index("裁定如下：") < text.index(expected[-1])  # the operative part follows the basis
    # one rule for all five (ruling.yaml effect): the effect sentence ends the body, after the operative part
    assert text.count("本裁定书自即日起发生法律效力。") == 1
    assert text.index(expected[-1]) < text.index("本裁定书自即日起发生法律效力。")
    assert "第二百零五条" not in text and "调解协议有效" not in text
    if reasoning:
        assert reasoning in text


def test_treated_as_withdrawn_is_refused_without_a_recorded_deadline_to_supplement(confirmed: RulingContent):
    with pytest.raises(ValueError, match="order to supplement"):
        render_ruling(dataclasses.replace(confirmed, outcome="treated_as_withdrawn", verification_method=None,
                                          verification_at=None))


def test_ruling_refuses_grounds_that_do_not_belong_to_its_outcome(confirmed: RulingContent):
    with pytest.raises(ValueError, match="do not belong"):
        render_ruling(dataclasses.replace(confirmed, outcome="not_accepted", grounds=("not_voluntary",)))
    with pytest.raises(ValueError, match="do not belong"):
        render_ruling(dataclasses.replace(confirmed, grounds=("unclear_content",)))
    with pytest.raises(ValueError, match="at least 1"):
        render_ruling(dataclasses.replace(confirmed, outcome="rejected", grounds=()))
    with pytest.raises(ValueError, match="reason"):
        render_ruling(dataclasses.replace(confirmed, outcome="rejected", grounds=("other",), reasoning=" "))


def test_every_font_is_an_embedded_truetype_subset_and_no_base14_font_is_referenced(
    confirmed: RulingContent, rejected: RulingContent, poppler
):
    for content in (confirmed, rejected):  # rejected has 镕, set in the fallback face
        pdf = render_ruling(content).pdf
        rows = poppler.fonts(pdf)
        assert rows
        for row in rows:
            name, emb, sub = row[0], row[-5], row[-4]
            assert (emb, sub) == ("yes", "yes"), row
            assert re.match(r"[A-Z]{6}\+", name), row
            assert "TrueType" in row
        assert b"/Helvetica" not in pdf and b"/Times" not in pdf and b"/Courier" not in pdf
    assert any("UMing" in row[0] for row in poppler.fonts(render_ruling(rejected).pdf))


def test_different_subsets_have_different_tags_and_the_same_content_the_same_names(
    rejected: RulingContent, poppler
):
    """ISO 32000-1 9.6.4: the seal appearance's subset of the Song face must not share the page's subset name."""
    seal_names = {row[0] for row in poppler.fonts(render_seal_appearance(COURT, dev_mode=True))}
    ruling_names = [row[0] for row in poppler.fonts(render_ruling(rejected).pdf)]
    assert len(set(ruling_names)) == len(ruling_names) and not seal_names & set(ruling_names)
    assert [row[0] for row in poppler.fonts(render_ruling(rejected).pdf)] == ruling_names  # deterministic
    assert subset_tag(b"F", [0x4E00]) != subset_tag(b"F", [0x4E00, 0x4E01]) != subset_tag(b"G", [0x4E00, 0x4E01])


def test_qr_code_decodes_to_exactly_the_verify_url_and_is_at_least_20_mm(confirmed: RulingContent, poppler):
    doc = render_ruling(confirmed)
    last = doc.seal_box.page_index
    image = poppler.png(doc.pdf, page=last, dpi=150)
    codes = [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert [c.text for c in codes] == [confirmed.verify_url]
    position = codes[0].position
    width_mm = (position.top_right.x - position.top_left.x) / 150 * 25.4
    assert width_mm >= 20
    # the QR code sits on the left of the closing, clear of the seal
    qr_right_pt = max(position.top_right.x, position.bottom_right.x) / 150 * 72
    assert qr_right_pt < doc.seal_box.x1
    # and it is vector graphics, not a bitmap
    assert poppler.images(doc.pdf) == []


def test_seal_box_lies_over_the_closing_date_year_to_month(confirmed: RulingContent, poppler):
    doc = render_ruling(confirmed)
    box = doc.seal_box
    pages = poppler.words(doc.pdf)
    assert box.page_index == len(pages) - 1
    [date] = [w for w in pages[box.page_index] if w.text == DATE]
    per_char = (date.x2 - date.x1) / len(DATE)
    year_x = date.x1 + (DATE.index("年") + 0.5) * per_char
    month_x = date.x1 + (DATE.index("月") + 0.5) * per_char
    assert box.x1 < year_x < month_x < box.x2  # 骑年压月
    assert box.y1 < (date.y1 + date.y2) / 2 < box.y2
    assert box.x2 - box.x1 == pytest.approx(119.0) and box.y2 - box.y1 == pytest.approx(119.0)
    assert 0 <= box.x1 and box.x2 <= PAGE_WIDTH and 0 <= box.y1 and box.y2 <= PAGE_HEIGHT
    assert box.x1 > (TEXT_LEFT + TEXT_RIGHT) / 2 - 60  # on the right of the page


def test_a_40_clause_agreement_flows_over_pages_and_the_closing_stays_with_the_text(
    long_agreement: RulingContent, poppler
):
    doc = render_ruling(long_agreement)
    pages = poppler.pages(doc.pdf)
    assert len(pages) >= 4
    for i, page in enumerate(pages):
        assert f"第 {i + 1} 页 共 {len(pages)} 页" in page
    body = flat("".join(pages))
    assert all(f"第{i}条" in body for i in range(1, 41))
    last = flat(pages[-1])
    assert doc.seal_box.page_index == len(pages) - 1
    assert "审判员" in last and DATE in last and "书记员" in last
    assert "本裁定书自即日起发生法律效力。" in last


def test_the_closing_never_stands_alone_whatever_the_length(confirmed: RulingContent, poppler):
    pushed = 0
    for n in range(6, 26):  # one-line clauses: the closing meets the page end at some n
        clauses = "\n".join(f"{i}. 申请人张三于2027年1月{i}日前交付货物一批。" for i in range(1, n + 1))
        doc = render_ruling(dataclasses.replace(confirmed, agreement_text=clauses))
        words = poppler.words(doc.pdf)[-1]
        [judge] = [w for w in words if w.text == "审判员"]
        text_lines = {round(w.y1) for w in words if judge.y2 < w.y1 and w.y2 <= TEXT_TOP}
        assert len(text_lines) >= 2, f"{n} clauses: the closing has fewer than two lines of text with it"
        pushed += len(text_lines) <= 3  # the closing and the end of the text moved to a page of their own
    assert pushed, "no length exercised the page break before the closing"


def test_no_printed_line_starts_with_closing_punctuation_or_ends_with_opening(
    confirmed: RulingContent, rejected: RulingContent, long_agreement: RulingContent, poppler
):
    for content in (confirmed, rejected, long_agreement):
        for line in poppler.text(render_ruling(content).pdf, layout=True).splitlines():
            line = line.strip()
            if line:
                assert line[0] not in NO_LINE_START, line
                assert line[-1] not in NO_LINE_END, line


def test_development_ruling_is_marked_on_every_page(long_agreement: RulingContent, poppler):
    pages = poppler.pages(render_ruling(long_agreement).pdf)
    assert all("开发测试文书 DEV — 无法律效力" in page for page in pages)


def test_page_is_a4_with_the_gb_t_9704_text_block(confirmed: RulingContent, poppler):
    doc = render_ruling(dataclasses.replace(confirmed, dev_mode=False))
    assert poppler.info(doc.pdf)["Page size"].startswith("595.276 x 841.89")
    words = [w for page in poppler.words(doc.pdf) for w in page]
    footer = [w for w in words if w.y2 < TEXT_BOTTOM]
    body = [w for w in words if w.y2 >= TEXT_BOTTOM]
    assert "".join(w.text for w in footer) == "第1页共2页第2页共2页"
    assert min(w.x1 for w in body) >= TEXT_LEFT - 1
    assert max(w.x2 for w in body) <= TEXT_RIGHT + 1
    assert max(w.y2 for w in body) <= TEXT_TOP + 1


def test_rulings_render_correctly_from_several_threads_at_once(
    confirmed: RulingContent, rejected: RulingContent, poppler
):
    contents = [confirmed, rejected] * 4
    expected = [flat(poppler.text(render_ruling(c).pdf)) for c in contents[:2]]
    with ThreadPoolExecutor(max_workers=4) as pool:
        documents = list(pool.map(render_ruling, contents))
    for i, doc in enumerate(documents):
        assert flat(poppler.text(doc.pdf)) == expected[i % 2]


def _qr_codes(image: Image.Image) -> list[zxingcpp.Result]:
    return [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]


def _phone_photo_of_a_printout(image: Image.Image) -> Image.Image:
    """What a phone makes of a printed page: slightly out of focus, held 5° askew, saved as a poor JPEG."""
    blurred = image.filter(ImageFilter.GaussianBlur(radius=1.2))
    rotated = blurred.rotate(5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    out = io.BytesIO()
    rotated.save(out, format="JPEG", quality=40)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def test_qr_code_has_error_correction_m_and_survives_a_phone_photo_of_the_printout(
    confirmed: RulingContent, poppler
):
    doc = render_ruling(confirmed)
    page = poppler.png(doc.pdf, page=doc.seal_box.page_index, dpi=150)
    [clean] = _qr_codes(page)
    assert clean.ec_level == "M"  # docs/documents.md: error correction level M (15 % of the symbol may be lost)
    [photo] = _qr_codes(_phone_photo_of_a_printout(page))
    assert photo.text == confirmed.verify_url


def test_qr_code_has_a_white_quiet_zone_of_four_modules(confirmed: RulingContent, poppler):
    doc = render_ruling(confirmed)
    page = poppler.png(doc.pdf, page=doc.seal_box.page_index, dpi=150).convert("L")
    [code] = _qr_codes(page)
    p = code.position
    left, right = min(p.top_left.x, p.bottom_left.x), max(p.top_right.x, p.bottom_right.x)
    top, bottom = min(p.top_left.y, p.top_right.y), max(p.bottom_left.y, p.bottom_right.y)
    modules = len(qr_modules(confirmed.verify_url))
    quiet = 4 * (right - left) / modules
    margin = quiet - 2  # pixels of anti-aliasing at the symbol's edge
    ring = [
        page.crop((int(left - margin), int(top - margin), int(left - 2), int(bottom + margin))),
        page.crop((int(right + 2), int(top - margin), int(right + margin), int(bottom + margin))),
        page.crop((int(left - margin), int(top - margin), int(right + margin), int(top - 2))),
        page.crop((int(left - margin), int(bottom + 2), int(right + margin), int(bottom + margin))),
    ]
    assert all(region.getextrema()[0] > 200 for region in ring)  # nothing dark in the quiet zone


def test_parties_block_prints_what_is_known_of_each_party_and_each_agent(confirmed: RulingContent, poppler):
    company = dataclasses.replace(
        confirmed.parties[1], agent=AgentInfo(name="周九", id_number="440524188001010014", authorization="该公司员工")
    )
    bare = PartyInfo(kind="person", name="孙八")  # only the name is known
    content = dataclasses.replace(confirmed, parties=(confirmed.parties[0], company, bare))
    text = flat(poppler.text(render_ruling(content).pdf))
    assert ("统一社会信用代码914403001922038216。法定代表人：王五，总经理。"
            "委托诉讼代理人：周九，公民身份号码440524188001010014，该公司员工。") in text  # an agent of a v1.0 client
    assert "申请人：孙八。" in text
    assert "申请人张三、申请人重庆秀山某某商贸有限公司与申请人孙八" in text
    assert "通过在线视频方式组织各方申请人共同进行了核实" in text  # three parties: 各方, not 双方


def test_the_case_number_ends_two_characters_in_from_the_right_as_the_closing_does(confirmed: RulingContent,
                                                                                   poppler):
    doc = render_ruling(confirmed)
    first, last = poppler.words(doc.pdf)[0], poppler.words(doc.pdf)[-1]
    number_right = max(w.x2 for w in first if "民特" in w.text)
    [date] = [w for w in last if w.text == DATE]
    advance = (date.x2 - date.x1) / len(DATE)
    assert number_right == pytest.approx(date.x2, abs=2)  # the same right edge as the closing date
    assert TEXT_RIGHT - number_right == pytest.approx(2 * advance, abs=3)  # two characters short of the margin


def test_withdrawal_permitted_is_refused_without_who_withdrew_and_when(confirmed: RulingContent):
    with pytest.raises(ValueError, match="who asked"):
        render_ruling(dataclasses.replace(confirmed, outcome="withdrawal_permitted"))


def test_the_party_block_follows_the_rules_order_with_guardian_agent_and_other_documents(
        confirmed: RulingContent, poppler):
    from templates.model import GuardianInfo

    minor = PartyInfo(kind="person", name="陈小明", sex="男", birth_date=date(2010, 6, 15), ethnicity="土家族",
                      occupation="学生", address="台湾地区台北市", id_number="830000201006152220",
                      id_document="港澳台居民居住证", guardian=GuardianInfo(name="陈大明", relation="父亲"),
                      agent=AgentInfo(name="陈二明", kind="relative", relation="叔父"))
    foreigner = PartyInfo(kind="person", name="JOHN SMITH", sex="男", birth_date=date(1980, 5, 1),
                          nationality="美国", address="重庆市渝中区某路1号", id_number="E12345678", id_document="护照")
    society = dataclasses.replace(confirmed.parties[1], name="秀山县某某协会", representative_role="负责人",
                                  representative_title="会长", agent=None)
    content = dataclasses.replace(confirmed, parties=(minor, foreigner, society))
    text = flat(poppler.text(render_ruling(content).pdf))
    for expected in (
        "申请人：陈小明，男，2010年6月15日出生，土家族，学生，住台湾地区台北市，港澳台居民居住证号码830000201006152220。"
        "法定代理人：陈大明，系申请人陈小明的父亲。委托诉讼代理人：陈二明，系申请人陈小明的叔父。",
        "申请人：JOHNSMITH，男，1980年5月1日出生，美国国籍，住重庆市渝中区某路1号，护照号码E12345678。",
        "统一社会信用代码914403001922038216。负责人：王五，会长。",
    ):
        assert expected in text, expected
    assert "法定代表人" not in text


@pytest.mark.parametrize("outcome", ["confirmed", "rejected", "not_accepted", "withdrawal_permitted",
                                     "treated_as_withdrawn"])
def test_one_rule_gives_every_outcome_its_effect_sentence(outcome: str):
    from templates.texts import effect_sentence, load_texts

    assert effect_sentence(outcome, load_texts().ruling["effect"]) == "本裁定书自即日起发生法律效力。"
    configured = {"sentences": {"final": "本裁定为终审裁定。"}, "default": None, "outcomes": {"confirmed": "final"}}
    assert effect_sentence(outcome, configured) == ("本裁定为终审裁定。" if outcome == "confirmed" else None)


def test_the_certificate_of_performance_says_what_was_performed_when_and_on_whose_word(performance_certificate):
    from templates.performance import certificate_paragraphs, item_number

    paragraphs = certificate_paragraphs(performance_certificate)
    assert paragraphs[0] == "申请人：张晓红、重庆秀山某某商贸有限公司。"
    assert paragraphs[1] == ("本院于2026年11月28日作出（2026）渝0241民特123号民事裁定，"
                             "确认申请人张晓红、重庆秀山某某商贸有限公司之间达成的调解协议有效。")
    assert paragraphs[2] == "经本院核实，该调解协议确定的下列三项义务已由义务人自动履行完毕："
    assert paragraphs[4] == ("二、重庆秀山某某商贸有限公司向张晓红支付货款人民币5000.00元，于2027年1月30日履行完毕"
                             "（调解员杨调解见证，附履行凭证）。")
    assert paragraphs[-1] == "特此证明。"
    assert [item_number(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]
