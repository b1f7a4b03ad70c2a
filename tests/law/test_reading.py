"""Marking the agreement's money, dates and names for the judge, and what the record says that the text does not."""

from __future__ import annotations

from confirm.law.reading import marked, unstated

TEXT = "一、秀山县武陵建材有限公司于2026年12月31日前向张三支付货款人民币12000元。\n二、双方再无争议。"
NAMES = ["张三", "秀山县武陵建材有限公司"]


def test_money_dates_and_names_are_marked_and_the_text_is_kept_whole():
    segments = marked(TEXT, NAMES)
    assert "".join(s.text for s in segments) == TEXT
    marks = [(s.text, s.mark) for s in segments if s.mark]
    assert marks == [("秀山县武陵建材有限公司", "name"), ("2026年12月31日", "date"), ("张三", "name"),
                     ("人民币12000元", "money")]


def test_a_longer_name_wins_over_a_name_it_contains():
    assert [(s.text, s.mark) for s in marked("武陵建材公司与武陵", ["武陵", "武陵建材公司"]) if s.mark] == [
        ("武陵建材公司", "name"), ("武陵", "name")]


def test_other_spellings_of_money_and_dates():
    marks = {s.text: s.mark for s in marked("分期：12,000.50元于12月1日，1.2万元于2027-01-05，壹万元整", []) if s.mark}
    assert marks == {"12,000.50元": "money", "12月1日": "date", "1.2万元": "money", "2027-01-05": "date",
                     "壹万元整": "money"}


def test_nothing_is_unstated_when_the_text_names_every_party_and_the_amount():
    assert unstated(TEXT, NAMES, "12000.00") == []
    assert unstated("甲向乙支付1.2万元", ["甲", "乙"], "12000") == []


def test_a_party_missing_from_the_text_and_an_amount_it_does_not_state_are_listed():
    assert unstated(TEXT, [*NAMES, "李四"], "15000") == [
        "协议文本中未出现申请人“李四”", "录入的标的金额 15000 元未出现在协议文本中"]


def test_no_amount_recorded_is_no_problem():
    assert unstated(TEXT, NAMES, None) == []
