"""Obligations as data (issue 15): reading them from agreement sentences, and refusing what the text does not say."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from confirm.law.obligations import ObligationIn, amounts_in, check, chinese_number, dates_in, fen, recognise, yuan
from tests.law.obligation_sentences import SENTENCES

ON = date(2026, 11, 20)
TEXT = "李四于2026年12月31日前向张三归还借款人民币12000元（大写：壹万贰仟元整）。"


def drafts_as_rows(text: str, parties: list[str], on: date) -> list[tuple]:
    return [(d.obligor, d.obligee, d.kind, None if d.amount is None else f"{d.amount:.2f}",
             None if d.due_on is None else d.due_on.isoformat(), d.description if d.kind == "act" else None)
            for d in recognise(text, parties, agreement_date=on)]


@pytest.mark.parametrize(("text", "parties", "on", "expected"), SENTENCES, ids=[s[0][:24] for s in SENTENCES])
def test_recognises_the_obligations_of_a_real_style_sentence(text, parties, on, expected):
    assert drafts_as_rows(text, parties, on) == expected


def test_the_table_has_at_least_thirty_sentences_with_instalments_acts_and_no_obligation():
    kinds = [{e[2] for e in expected} for _t, _p, _o, expected in SENTENCES]
    assert len(SENTENCES) >= 30
    assert sum(1 for _t, _p, _o, e in SENTENCES if len(e) >= 2) >= 5
    assert sum(1 for k in kinds if "act" in k) >= 8
    assert sum(1 for k in kinds if not k) >= 3


@pytest.mark.parametrize(("text", "parties", "on", "expected"), SENTENCES, ids=[s[0][:24] for s in SENTENCES])
def test_what_is_recognised_passes_the_check(text, parties, on, expected):
    filed = [ObligationIn(obligor=d.obligor, obligee=d.obligee, kind=d.kind, amount=d.amount,
                          description=d.description, due_on=d.due_on)
             for d in recognise(text, parties, agreement_date=on)]
    assert check(filed, party_count=len(parties), text=text, agreement_date=on) == []


@pytest.mark.parametrize(("words", "value"), [("一万二千", 12000), ("壹万贰仟", 12000), ("十二", 12), ("两万", 20000),
                                              ("壹拾贰万", 120000), ("叁佰零伍", 305), ("一亿零五万", 100050000)])
def test_reads_chinese_numerals(words, value):
    assert chinese_number(words) == value


def test_one_sum_written_four_ways_is_the_same_sum():
    for text in ("支付12000元", "支付12,000元", "支付壹万贰仟元整", "支付1.2万元", "支付￥12000.00"):
        assert amounts_in(text) == {Decimal("12000.00")}, text


def test_one_day_written_three_ways_is_the_same_day():
    for text in ("2026年12月31日前", "2026-12-31前", "二〇二六年十二月三十一日前", "12月31日前"):
        assert dates_in(text, agreement_date=ON) == {date(2026, 12, 31)}, text


def test_a_day_without_a_year_before_the_agreement_is_in_the_next_year():
    assert dates_in("1月31日前", agreement_date=ON) == {date(2027, 1, 31)}


def obligation(**kw) -> ObligationIn:
    return ObligationIn(**({"obligor": 1, "obligee": 0, "kind": "money", "amount": Decimal("12000"),
                            "due_on": date(2026, 12, 31)} | kw))


def codes(*obligations: ObligationIn, text: str = TEXT, parties: int = 2) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in check(list(obligations), party_count=parties, text=text, agreement_date=ON)]


def test_an_obligation_as_the_text_says_passes():
    assert codes(obligation()) == []
    assert codes(obligation(amount=Decimal("12000.00"))) == []


def test_refuses_a_sum_the_text_does_not_contain():
    assert codes(obligation(amount=Decimal("13000"))) == [("obligations[0].amount", "obligation.amount_not_in_text")]


def test_refuses_a_day_the_text_does_not_contain():
    assert codes(obligation(due_on=date(2027, 1, 31))) == [("obligations[0].due_on", "obligation.date_not_in_text")]


def test_refuses_a_day_before_the_agreement():
    text = "李四于2026年11月1日前向张三支付12000元"
    assert codes(obligation(due_on=date(2026, 11, 1)), text=text) == [
        ("obligations[0].due_on", "obligation.due_before_agreement")]


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-12000")])
def test_refuses_a_sum_that_is_not_positive(amount):
    assert codes(obligation(amount=amount)) == [("obligations[0].amount", "obligation.amount_not_positive")]


def test_refuses_a_sum_finer_than_a_fen():
    assert codes(obligation(amount=Decimal("12000.001"))) == [("obligations[0].amount", "obligation.amount_format")]


def test_refuses_money_without_a_sum_and_an_act_with_one_or_without_words():
    assert codes(obligation(amount=None)) == [("obligations[0].amount", "obligation.amount_required")]
    assert codes(obligation(kind="act", amount=Decimal("12000"), description="搬离房屋")) == [
        ("obligations[0].amount", "obligation.amount_for_act")]
    assert codes(obligation(kind="act", amount=None, description=None)) == [
        ("obligations[0].description", "obligation.description_required")]


def test_refuses_a_party_who_is_not_an_applicant_or_owes_themself():
    assert codes(obligation(obligor=2)) == [("obligations[0].obligor", "obligation.party_unknown")]
    assert codes(obligation(obligee=-1)) == [("obligations[0].obligee", "obligation.party_unknown")]
    assert codes(obligation(obligee=1)) == [("obligations[0].obligee", "obligation.same_party")]


def test_names_every_problem_at_once_with_its_position():
    assert codes(obligation(), obligation(obligor=5, amount=Decimal("1"))) == [
        ("obligations[1].obligor", "obligation.party_unknown"), ("obligations[1].amount", "obligation.amount_not_in_text")]


def test_an_equal_share_of_a_sum_in_instalments_is_in_the_text():
    assert Decimal("10000.00") in amounts_in("李四分三期向张三支付30000元")


def test_amounts_are_stored_as_fen_and_shown_in_yuan():
    assert fen(Decimal("12000.5")) == 1200050
    assert yuan(1200050) == "12000.50"


def test_recognition_offers_at_most_as_many_rows_as_an_application_may_hold():
    from confirm.law.obligations import MAX_OBLIGATIONS

    text = "李四于2026年12月31日前向张三支付10元。" * (MAX_OBLIGATIONS + 20)
    assert len(recognise(text, ["张三", "李四"], agreement_date=ON)) == MAX_OBLIGATIONS
