"""Text that reaches a document (confirm/law/characters.py, confirm/law/inputs.py): control and format characters
are refused, so the record and the sealed document say the same; ordinary Chinese text is kept as typed."""

import pytest
from pydantic import BaseModel

from confirm.law.characters import CONTROL_CHARACTERS, field_label, forbidden_character, text_problem
from confirm.law.errors import DomainError, required_text
from confirm.law.inputs import DocumentInput, Paragraphs, text_problems
from confirm.law.intake import ApplicationIn
from tests.support import application_body

INVISIBLE = {
    "NUL": "\x00", "tab": "\t", "escape": "\x1b", "DEL": "\x7f", "NEL": "\x85",  # Cc
    "RLO": "\u202e", "LRE": "\u202a", "RLI": "\u2067", "PDI": "\u2069", "RLM": "\u200f", "ALM": "\u061c",  # bidi
    "ZWSP": "\u200b", "ZWJ": "\u200d", "word joiner": "\u2060", "BOM": "\ufeff", "soft hyphen": "\u00ad",  # Cf
    "tag": "\U000e0041", "line separator": "\u2028", "paragraph separator": "\u2029", "lone surrogate": "\ud800",
}
KEPT = ("张三", "阿依古丽·买买提", "重庆市秀山县（中和街道）渝秀大道1号、2号", "“特别授权”；《调解协议》：第一条……——完。",
        "李\u3000四", "𠮷野家", "\ue000", "葛\U000e0100城", "Zoë O'Brien-Smith", "ⅩⅡ号楼")


@pytest.mark.parametrize("name", INVISIBLE)
def test_refuses_every_control_and_format_character_in_a_line_and_in_paragraphs(name):
    text = f"张{INVISIBLE[name]}三"
    assert forbidden_character(text) == INVISIBLE[name]
    assert forbidden_character(text, paragraphs=True) == INVISIBLE[name]


@pytest.mark.parametrize("text", KEPT)
def test_keeps_chinese_full_width_punctuation_the_middle_dot_and_rare_characters(text):
    assert forbidden_character(text) is None and text_problem(text, field="parties[0].name") is None


def test_paragraphs_may_break_lines_with_lf_or_a_browsers_crlf_but_a_line_may_not():
    for text in ("一、还款\n二、无其他争议", "一、还款\r\n二、无其他争议"):
        assert forbidden_character(text, paragraphs=True) is None
        assert forbidden_character(text) in ("\n", "\r")
    assert forbidden_character("一、还款\r二、", paragraphs=True) == "\r"  # a lone CR: printed apart from the record


def test_the_message_names_the_field_and_the_character():
    code, message = text_problem("张\u202e三", field="parties[1].agent.name")
    assert code == CONTROL_CHARACTERS == "input.control_characters"
    assert message.startswith("第2名申请人委托诉讼代理人姓名含有不可见的文字方向控制符（U+202E）")
    _code, line = text_problem("调解室\n二楼", field="mediation.place")
    assert line.startswith("调解地点只能填写一行")
    assert field_label("waivers[0].reason") == "第1条未本人确认记录的理由"
    assert field_label("recipients[2].electronic_address") == "第3名受送达人电子送达地址"
    assert field_label("something.new") == "something.new"  # an unlabelled field is named by its path


def test_every_text_of_a_body_is_checked_however_nested_unless_declared_in_paragraphs():
    class Item(BaseModel):
        label: str
        remark: Paragraphs | None = None

    class Body(DocumentInput):
        title: str
        items: list[Item]
        tags: list[str] = []

    ok = Body.model_validate({"title": "标题", "items": [{"label": "甲", "remark": "一\n二"}], "tags": ["乙"]})
    assert text_problems(ok) == []
    with pytest.raises(DomainError) as caught:
        Body.model_validate({"title": "标\u200b题", "items": [{"label": "甲"}, {"label": "乙\n丙", "remark": "\x00"}],
                             "tags": ["\u202e"]})
    assert caught.value.status == 422 and caught.value.code == CONTROL_CHARACTERS
    assert [p.field for p in caught.value.problems] == ["title", "items[1].label", "items[1].remark", "tags[0]"]


def test_an_application_is_refused_naming_each_field_and_its_agreement_keeps_its_lines():
    body = application_body()
    body["parties"][1]["name"] = "秀山县\u202e司公限有材建陵武"
    body["parties"][0]["address"] = "重庆市\n秀山县"
    body["agreement"]["text"] = "一、付款。\r\n二、无其他争议。"
    with pytest.raises(DomainError) as caught:
        ApplicationIn.model_validate(body)
    assert {p.field: p.code for p in caught.value.problems} == {"parties[0].address": CONTROL_CHARACTERS,
                                                               "parties[1].name": CONTROL_CHARACTERS}
    body["parties"][1]["name"], body["parties"][0]["address"] = "秀山县武陵建材有限公司", "重庆市秀山县"
    assert ApplicationIn.model_validate(body).agreement.text == "一、付款。\r\n二、无其他争议。"


def test_a_reason_the_court_gives_keeps_its_line_breaks_but_no_invisible_character():
    assert required_text(" 一、缺少签名页；\r\n二、金额不一致。 ", field="reason", code="x.required",
                         message="请写明理由") == "一、缺少签名页；\r\n二、金额不一致。"
    with pytest.raises(DomainError) as caught:
        required_text("请补正\u202e", field="reason", code="x.required", message="请写明理由")
    assert caught.value.code == CONTROL_CHARACTERS and caught.value.problems[0].field == "reason"
    assert caught.value.message.startswith("理由含有不可见的文字方向控制符")
