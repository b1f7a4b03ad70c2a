"""Obligations as data (履行义务): who owes whom what — a sum of money or an act — and by when, read from the
mediation agreement's text and checked against it.

The typed agreement text stays the legal text (民诉法解释 358: the court confirms the agreement as written); the
obligations are its structured reading, so a sum or a date that the text does not contain is refused. Pure
functions: ``recognise`` proposes drafts for the mediator to correct, ``check`` names every problem of what was
filed. Amounts are ``Decimal`` yuan with two places (stored as integer fen)."""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from confirm.law.errors import FieldProblem

Kind = Literal["money", "act"]
STATES = ("pending", "performed", "partly_performed", "not_performed")  # api.md v1.1 (set by later items)
MAX_OBLIGATIONS = 100  # per application (the body's limit)
MAX_SENTENCE = 1000  # characters: recognition compares each clause with the others
_CENT = Decimal("0.01")


class ObligationIn(BaseModel):
    """One obligation of the application body (api.md v1.1): ``obligor``/``obligee`` index ``parties``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    obligor: int
    obligee: int
    kind: Kind
    amount: Decimal | None = Field(default=None, description="yuan, at most two decimals (money only)")
    description: str | None = Field(default=None, max_length=500)
    due_on: date | None = None


@dataclass(frozen=True)
class ObligationDraft:
    """What ``recognise`` read from one sentence; ``obligor``/``obligee`` are None when no party could be named."""

    obligor: int | None
    obligee: int | None
    kind: Kind
    amount: Decimal | None
    description: str
    due_on: date | None


# ---- amounts ------------------------------------------------------------------------------------------------
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4,
              "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_SECTIONS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_CN = "零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万萬亿億"
# bounded and anchored at the start of a run of figures: an agreement of 100,000 figures is read in linear time
_DIGIT_AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:[,，]\d{3}){1,4}|\d{1,15})(\.\d{1,4})?\s{0,2}(万元|万|元)"
                           r"|[¥￥]\s{0,2}(\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(\.\d{1,4})?")
_CN_AMOUNT = re.compile(rf"(?<![{_CN}])([{_CN}]{{1,24}})[元圆](?:([{_CN}])角)?(?:([{_CN}])分)?")


def chinese_number(text: str) -> int | None:
    """一万二千 / 壹万贰仟 / 十二 as an integer; None when it is not a well-formed number."""
    total, section, number = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            number = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (number or 1) * _CN_UNITS[ch]
            number = 0
        elif ch in _CN_SECTIONS:
            if ch in "亿億":
                total = (total + section + number) * _CN_SECTIONS[ch]
            else:
                total += (section + number) * _CN_SECTIONS[ch]
            section, number = 0, 0
        else:
            return None
    value = total + section + number
    return value if value > 0 else None


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    value: Any  # a Decimal sum, a date or a party's index


def _amounts(text: str) -> list[_Found]:
    """Every sum of money the text names, in yuan (Decimal, two places), with where it stands."""
    found: list[_Found] = []
    for m in _DIGIT_AMOUNT.finditer(text):
        whole, frac, unit = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), "元")
        try:
            value = Decimal(whole.replace(",", "").replace("，", "") + (frac or ""))
        except InvalidOperation:
            continue
        if unit.startswith("万"):
            value *= 10_000
        if value > 0:
            found.append(_Found(m.start(), m.end(), value.quantize(_CENT)))
    for m in _CN_AMOUNT.finditer(text):
        yuan = chinese_number(m.group(1))
        if yuan is None:
            continue
        value = Decimal(yuan)
        for group, unit in ((2, Decimal("0.1")), (3, _CENT)):
            if m.group(group):
                value += _CN_DIGITS.get(m.group(group), 0) * unit
        found.append(_Found(m.start(), m.end(), value.quantize(_CENT)))
    return sorted(found, key=lambda f: f.start)


def normalise_amount(value: Decimal | str | int) -> Decimal | None:
    """A sum as the comparisons use it (two places); None for what is not a number."""
    try:
        return Decimal(str(value)).quantize(_CENT)
    except InvalidOperation:
        return None


# ---- dates --------------------------------------------------------------------------------------------------
_CN_DATE_DIGITS = "〇零一二三四五六七八九十"
_FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]|(\d{4})[-./](\d{1,2})[-./](\d{1,2})"
                        rf"|([{_CN_DATE_DIGITS}]{{4}})年([{_CN_DATE_DIGITS}]{{1,3}})月([{_CN_DATE_DIGITS}]{{1,3}})日")
_MONTH_DAY = re.compile(rf"(?<![\d年{_CN_DATE_DIGITS}])(\d{{1,2}}|[{_CN_DATE_DIGITS}]{{1,3}})月"
                        rf"(\d{{1,2}}|[{_CN_DATE_DIGITS}]{{1,3}})[日号]")
_MONTHLY = re.compile(r"每月(\d{1,2})[日号]")
_START_MONTH = re.compile(r"(?:自|从)?(\d{4})年(\d{1,2})月(?:起|开始)")
_END_MONTH = re.compile(r"至(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?(?:止|为止|结束)?")
_COUNT = re.compile(rf"(?:分|共)([\d{_CN_DATE_DIGITS}两]{{1,3}})期")


def _small_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text and all(ch in "〇零一二三四五六七八九" for ch in text) and len(text) == 4:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    return chinese_number(text)


def _make_date(year: int | None, month: int | None, day: int | None) -> date | None:
    try:
        return date(year or 0, month or 0, day or 0)
    except ValueError:
        return None


def _dates(text: str, agreement_date: date) -> list[_Found]:
    """Every calendar day the text names; a day without a year is the next such day from the agreement's date."""
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for m in _FULL_DATE.finditer(text):
        groups = [g for g in m.groups() if g is not None]
        y, mo, d = (_small_number(g) for g in groups)
        if (day := _make_date(y, mo, d)) is not None:
            found.append(_Found(m.start(), m.end(), day))
        taken.append((m.start(), m.end()))
    for m in _MONTH_DAY.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        mo, d = _small_number(m.group(1)), _small_number(m.group(2))
        day = _make_date(agreement_date.year, mo, d)
        if day is not None and day < agreement_date:
            day = _make_date(agreement_date.year + 1, mo, d)
        if day is not None:
            found.append(_Found(m.start(), m.end(), day))
    return sorted(found, key=lambda f: f.start)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


def _monthly_schedule(sentence: str) -> list[date]:
    """自2027年1月起每月15日前 … 至2027年6月 / 共6期: each month's day (the last day of a shorter month)."""
    monthly, start = _MONTHLY.search(sentence), _START_MONTH.search(sentence)
    if monthly is None or start is None:
        return []
    day, year, month = int(monthly.group(1)), int(start.group(1)), int(start.group(2))
    count = None
    if (end := _END_MONTH.search(sentence)) is not None:
        count = (int(end.group(1)) * 12 + int(end.group(2))) - (year * 12 + month) + 1
    elif (n := _COUNT.search(sentence)) is not None:
        count = _small_number(n.group(1))
    if not count or count < 1 or count > 120:
        return []
    days = []
    for i in range(count):
        y, m = _add_months(year, month, i)
        days.append(date(y, m, min(day, _calendar.monthrange(y, m)[1])))
    return days


# ---- parties ------------------------------------------------------------------------------------------------
_ALIAS = re.compile(r"([甲乙丙丁])方[（(：:\s]*")


def _aliases(text: str, parties: Sequence[str]) -> dict[str, int]:
    """Each party's name, and 甲方/乙方 where the text defines them (甲方：张三 / 甲方（张三）)."""
    names = {name: i for i, name in enumerate(parties) if name}
    for m in _ALIAS.finditer(text):
        rest = text[m.end():m.end() + 60]
        for name, i in list(names.items()):
            if rest.startswith(name) and name not in ("甲方", "乙方", "丙方", "丁方"):
                names.setdefault(f"{m.group(1)}方", i)
    return names


def _mentions(sentence: str, names: dict[str, int]) -> list[_Found]:
    """Where the sentence names a party: the longest name at each place (张三丰 before 张三)."""
    if not names:
        return []
    pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return [_Found(m.start(), m.end(), names[m.group()]) for m in re.finditer(pattern, sentence)]


# ---- sentences ----------------------------------------------------------------------------------------------
_MONEY_VERBS = ("支付", "给付", "归还", "偿还", "赔偿", "补偿", "付清", "退还", "返还", "赔付", "清偿", "付给", "退赔",
                "结清", "付款", "交付", "还款")
_ACT_VERBS = ("赔礼道歉", "道歉", "搬离", "搬出", "腾退", "腾空", "迁出", "拆除", "返还", "交还", "归还", "交付", "移交",
              "恢复原状", "恢复", "清除", "清理", "修复", "修缮", "维修", "协助", "配合", "办理", "停止", "排除", "消除",
              "撤回", "注销", "开具", "出具", "补种", "砌", "让出", "退出", "删除", "公开")
_NEGATED = re.compile(r"(?:已|未|没有|不再|无需|无须|不)(?:于[^，,]*?)?(?:当场|当面|全部|一次性)?$")
_SKIP_SENTENCE = re.compile(r"^(?:如|若|倘|假如|如果|逾期|一方|任何一方|双方确认|本协议|经调解)|违约金|已收到|收讫|放弃|"
                            r"受理费|诉讼费|申请费")
_TOTAL_MARK = re.compile(r"(?:共计|合计|总计|共|总额|总金额|总价款)[为是]?(?:人民币)?\s*$")
_PER_MARK = re.compile(r"每[期月次](?:\d{1,2}[日号])?前?(?:[向给][^，,]{0,20}?)?(?:支付|给付|归还|偿还|还款|付)?(?:人民币)?\s*$")
_OBLIGEE_BEFORE = ("向", "给", "对", "与", "为")
_CLAUSE_BREAK = re.compile(r"[，,：:、]")
_SENTENCE_BREAK = re.compile(r"[。；;\n]+")
_LEAD = re.compile(r"^(?:并|且|和|及|同时|另|还|应|须|需|再|即)+")


def _verbs(verbs: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(v) for v in sorted(verbs, key=len, reverse=True)))


_MONEY = _verbs(_MONEY_VERBS)
_ACT = _verbs(_ACT_VERBS)


def _verb_at(clause: str, verbs: re.Pattern[str]) -> tuple[int, str] | None:
    """The first verb of ``verbs`` in the clause that is not negated or already done (已支付, 未归还)."""
    for m in verbs.finditer(clause):
        if not _NEGATED.search(clause[max(0, m.start() - 12):m.start()]):
            return m.start(), m.group()
    return None


def _parties_of(sentence: str, names: dict[str, int], verb_at: int, verb_end: int,
                party_count: int) -> tuple[int | None, int | None]:
    """The obligor: the last party named before the verb that is not its object (向张三); the obligee: the one named
    after 向/给 or just after the verb (支付张三), else, between two parties, the other one."""
    obligor = obligee = None
    for m in _mentions(sentence, names):
        towards = sentence[max(0, m.start - 1):m.start] in _OBLIGEE_BEFORE
        if m.start < verb_at:
            if towards:
                obligee = m.value
            else:
                obligor = m.value
        elif obligee is None and (m.start == verb_end or towards):
            obligee = m.value
    if obligor is None:
        mentioned = [m.value for m in _mentions(sentence, names) if m.value != obligee]
        obligor = mentioned[0] if mentioned else None
    if obligee == obligor:
        obligee = None
    if obligee is None and obligor is not None and party_count == 2:
        obligee = 1 - obligor
    return obligor, obligee


def _clauses(sentence: str) -> list[tuple[int, str]]:
    """The sentence cut at commas and colons (not inside brackets), each with where it starts."""
    out, start, depth = [], 0, 0
    for i, ch in enumerate(sentence):
        depth += ch in "（(" and 1 or 0
        depth -= ch in "）)" and 1 or 0
        if depth <= 0 and _CLAUSE_BREAK.match(ch):
            out.append((start, sentence[start:i]))
            start = i + 1
            depth = 0
    out.append((start, sentence[start:]))
    return [(s, c) for s, c in out if c.strip()]


def _money_description(sentence: str, verb_at: int, amount_at: int, names: dict[str, int]) -> str:
    words = sentence[verb_at:amount_at]
    for name in sorted(names, key=len, reverse=True):
        words = words.replace(name, "")
    words = re.sub(r"人民币|共计|合计|总计|[（(][^）)]*[）)]|[，,：:\s]", "", words)
    return words or sentence[verb_at:verb_at + 2]


def _outside_brackets(sentence: str, amounts: list[_Found]) -> list[_Found]:
    """A sum repeated in brackets (12000元（大写：壹万贰仟元整）) counts once."""
    depth_at, depth = [], 0
    for ch in sentence:
        depth += 1 if ch in "（(" else 0
        depth_at.append(depth)
        depth -= 1 if ch in "）)" else 0
    outside = [a for a in amounts if depth_at[a.start] == 0]
    inside = [a for a in amounts if depth_at[a.start] > 0]
    return sorted(outside + [a for a in inside if all(a.value != o.value for o in outside)], key=lambda f: f.start)


def _recognise_sentence(sentence: str, names: dict[str, int], party_count: int,
                        agreement_date: date) -> list[ObligationDraft]:
    money_verb = _verb_at(sentence, _MONEY)
    act_verb = _verb_at(sentence, _ACT)
    first = min((v for v in (money_verb, act_verb) if v is not None), default=None)
    if first is None:
        return []
    obligor, obligee = _parties_of(sentence, names, first[0], first[0] + len(first[1]), party_count)
    amounts = _outside_brackets(sentence, _amounts(sentence)) if money_verb else []
    dates = _dates(sentence, agreement_date)
    # instalments of one sum each: 每期/每月 X元 on listed days or on a monthly day
    per = [a for a in amounts if _PER_MARK.search(sentence[max(0, a.start - 20):a.start])]
    schedule = _monthly_schedule(sentence) or ([d.value for d in dates] if len(dates) >= 2 else [])
    if per and schedule:
        description = _money_description(sentence, money_verb[0], per[0].start, names) if money_verb else "分期付款"
        return [ObligationDraft(obligor, obligee, "money", per[0].value, description, day)
                for day in schedule]
    drafts: list[tuple[_Found, ObligationDraft]] = []
    pending: date | None = None
    verb_seen = False
    clauses = _clauses(sentence)
    for index, (start, clause) in enumerate(clauses):
        if "其中" in clause and not any(d.start >= start for d in dates):
            break  # a breakdown of the sum before it (其中医疗费…、误工费…), not instalments with their days
        c_money = _verb_at(clause, _MONEY)
        c_act = _verb_at(clause, _ACT)
        # another party may take up this clause (李四支付…，张三于…前搬离…)
        named = [m for m in _mentions(clause, names) if clause[max(0, m.start - 1):m.start] not in _OBLIGEE_BEFORE]
        if index and named and named[0].start == 0 and named[0].value != obligor:
            verb = min((v for v in (c_money, c_act) if v is not None), default=None)
            if verb is not None:
                obligor, obligee = _parties_of(clause, names, verb[0], verb[0] + len(verb[1]), party_count)
            else:
                obligor = named[0].value
                obligee = 1 - obligor if party_count == 2 else None
            pending = None
        c_dates = [d for d in dates if start <= d.start < start + len(clause)]
        c_amounts = [a for a in amounts if start <= a.start < start + len(clause)]
        if c_amounts and (c_money or (verb_seen and c_dates) or (money_verb and money_verb[0] < start)):
            for a in c_amounts:
                before = [d for d in c_dates if d.start < a.start]
                after = [d for d in c_dates if d.start > a.start
                         and not any(a.start < x.start < d.start for x in c_amounts)]
                day = before[-1].value if before else after[0].value if after else pending
                if day is None:  # 支付…元，于2026年12月31日前付清: a later clause with a day and no sum of its own
                    for s2, c2 in clauses[index + 1:]:
                        later_amounts = [x for x in amounts if s2 <= x.start < s2 + len(c2)]
                        later_dates = [d for d in dates if s2 <= d.start < s2 + len(c2)]
                        if later_amounts:
                            break
                        if later_dates:
                            day = later_dates[0].value
                            break
                verb = c_money or money_verb
                assert verb is not None
                verb_pos = start + verb[0] if c_money else verb[0]
                draft = ObligationDraft(obligor, obligee, "money", a.value,
                                        _money_description(sentence, min(verb_pos, a.start), a.start, names),
                                        day)
                drafts.append((a, draft))
                pending = day
        elif c_act and not c_amounts and not (c_money and (any(a.start > start for a in amounts)
                                                           or c_money[1] in ("支付", "给付", "付清", "付款"))):
            # (归还借款 before the instalments' sums introduces them; 返还 a thing with no sum is an act)
            described = _LEAD.sub("", clause[c_act[0]:]).strip()
            day = c_dates[-1].value if c_dates else pending
            drafts.append((_Found(start, start, None), ObligationDraft(
                obligor, obligee, "act", None, described, day)))
            pending = day
        elif c_dates:
            pending = c_dates[-1].value
        verb_seen = verb_seen or bool(c_money)
    return _without_totals(sentence, drafts)


def _without_totals(sentence: str, drafts: list[tuple[_Found, ObligationDraft]]) -> list[ObligationDraft]:
    """A sum that is the total of the instalments after it (分三期支付30000元：…10000元…) is not one more debt."""
    money = [(f, d) for f, d in drafts if d.kind == "money"]
    if len(money) >= 2:
        def is_total(f: _Found, d: ObligationDraft) -> bool:
            others = sum((o.amount or Decimal(0)) for g, o in money if g is not f)
            marked = _TOTAL_MARK.search(sentence[max(0, f.start - 12):f.start]) is not None
            return d.due_on is None and (marked or others == d.amount)
        drafts = [(f, d) for f, d in drafts if d.kind != "money" or not is_total(f, d)]
    return [d for _f, d in drafts]


def sentences(text: str) -> list[str]:
    """The agreement cut into sentences (。；and line breaks); numbered items (一、 1.) lose their numbers."""
    out = []
    for s in _SENTENCE_BREAK.split(text):
        s = re.sub(r"^\s*(?:[一二三四五六七八九十]+、|\d+[、.．]|[（(][一二三四五六七八九十\d]+[）)])\s*", "", s).strip()
        if s:
            out.append(s)
    return out


def recognise(text: str, parties: Sequence[str], *, agreement_date: date) -> list[ObligationDraft]:
    """The obligations the agreement's sentences state, for the mediator to correct or complete: the parties by
    their names (and 甲方/乙方 where the text defines them), sums in figures or in Chinese numerals, days with or
    without a year (then the next such day from ``agreement_date``), instalments, and acts (搬离, 拆除, 赔礼道歉 …).
    Conditions (逾期…, 如…), what is already done (已支付) and waivers are not obligations."""
    names = _aliases(text, parties)
    drafts: list[ObligationDraft] = []
    for sentence in sentences(text):
        if _SKIP_SENTENCE.search(sentence) or len(sentence) > MAX_SENTENCE:
            continue  # (a sentence longer than any agreement's is left to the mediator)
        drafts.extend(_recognise_sentence(sentence, names, len(parties), agreement_date))
        if len(drafts) >= MAX_OBLIGATIONS:
            break
    return drafts[:MAX_OBLIGATIONS]


# ---- checking what was filed --------------------------------------------------------------------------------
def amounts_in(text: str) -> set[Decimal]:
    """Every sum the text names (12000元 = 12,000元 = 壹万贰仟元 = 1.2万元), and the share of an equal split (30000元
    分三期 → 10000)."""
    values: set[Decimal] = {a.value for a in _amounts(text)}
    for sentence in sentences(text):
        if (n := _COUNT.search(sentence)) is not None and (count := _small_number(n.group(1))):
            values |= {(a.value / count).quantize(_CENT) for a in _amounts(sentence)}
    return values


def dates_in(text: str, *, agreement_date: date) -> set[date]:
    """Every day the text names (2026年12月31日 = 2026-12-31 = 二〇二六年十二月三十一日; 12月31日 in the agreement's
    year or the next), and each day of a monthly schedule (自2027年1月起每月15日 … 至2027年6月)."""
    days: set[date] = {d.value for d in _dates(text, agreement_date)}
    for sentence in sentences(text):
        days.update(_monthly_schedule(sentence))
    return days


def check(obligations: Sequence[ObligationIn], *, party_count: int, text: str,
          agreement_date: date) -> list[FieldProblem]:
    """Every problem of the filed obligations, each naming its field: a party that is not one of the applicants or
    owing themself, a sum that is missing, not positive, finer than a fen or not in the text, an act without words,
    a day before the agreement or not in the text."""
    problems: list[FieldProblem] = []
    amounts, days = amounts_in(text), dates_in(text, agreement_date=agreement_date)
    for i, o in enumerate(obligations):
        where, n = f"obligations[{i}]", f"第{i + 1}项履行义务"
        for role, index, name in (("obligor", o.obligor, "履行人"), ("obligee", o.obligee, "权利人")):
            if not 0 <= index < party_count:
                problems.append(FieldProblem(f"{where}.{role}", "obligation.party_unknown",
                                             f"{n}的{name}不是本案申请人，请从申请人中选择"))
        if o.obligor == o.obligee and 0 <= o.obligor < party_count:
            problems.append(FieldProblem(f"{where}.obligee", "obligation.same_party",
                                         f"{n}的履行人与权利人是同一人，请更正"))
        if o.kind == "money":
            problems.extend(_amount_problems(where, n, o.amount, amounts))
        else:
            if not o.description:
                problems.append(FieldProblem(f"{where}.description", "obligation.description_required",
                                             f"{n}为行为义务，请写明应当履行的行为（如搬离房屋、赔礼道歉）"))
            if o.amount is not None:
                problems.append(FieldProblem(f"{where}.amount", "obligation.amount_for_act",
                                             f"{n}为行为义务，不应填写金额；给付金钱请选择“金钱给付”"))
        if o.due_on is not None:
            if o.due_on < agreement_date:
                problems.append(FieldProblem(f"{where}.due_on", "obligation.due_before_agreement",
                                             f"{n}的履行期限（{o.due_on.isoformat()}）早于调解协议生效日期"
                                             f"（{agreement_date.isoformat()}），请更正"))
            elif o.due_on not in days:
                problems.append(FieldProblem(f"{where}.due_on", "obligation.date_not_in_text",
                                             f"{n}的履行期限（{o.due_on.isoformat()}）在调解协议内容中没有出现；"
                                             "履行义务须与协议文字一致，请更正期限或协议内容"))
    return problems


def _amount_problems(where: str, n: str, amount: Decimal | None, amounts: set[Decimal]) -> list[FieldProblem]:
    if amount is None:
        return [FieldProblem(f"{where}.amount", "obligation.amount_required", f"{n}为金钱给付，请填写金额")]
    if not amount.is_finite() or amount <= 0:
        return [FieldProblem(f"{where}.amount", "obligation.amount_not_positive", f"{n}的金额应大于零")]
    if amount != amount.quantize(_CENT) or amount >= Decimal("1e13"):
        return [FieldProblem(f"{where}.amount", "obligation.amount_format",
                             f"{n}的金额应为数字，最多两位小数，例如 12000.00")]
    if amount.quantize(_CENT) not in amounts:
        return [FieldProblem(f"{where}.amount", "obligation.amount_not_in_text",
                             f"{n}的金额（{amount.quantize(_CENT)}元）在调解协议内容中没有出现；"
                             "履行义务须与协议文字一致，请更正金额或协议内容")]
    return []


def fen(amount: Decimal | None) -> int | None:
    """A sum in yuan as the integer number of fen it is stored as."""
    return None if amount is None else int((amount.quantize(_CENT) * 100).to_integral_value())


def yuan(stored: int | None) -> str | None:
    """Stored fen as the API's string of yuan with two places ("12000.00")."""
    return None if stored is None else f"{Decimal(stored) / 100:.2f}"
