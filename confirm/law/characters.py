"""Which characters text that reaches a document may hold: what the record says must be what the ruling shows.

Refused: every control character (Unicode category Cc: NUL, tab, escape …; line breaks only where a field is
written in paragraphs), every format character (Cf: the bidirectional overrides and isolates U+202A–U+202E,
U+2066–U+2069, the marks U+200E, U+200F, U+061C, zero-width spaces and joiners, the byte-order mark, soft hyphens),
the line and paragraph separators U+2028/U+2029 (Zl, Zp) and lone surrogates (Cs). None of them is visible, or
seen the same way, in the judge's view and in the sealed PDF: U+202E turns 张三 into 三张 on screen; the PDF's
fonts drop most of the others, so the record and the ruling would differ. Everything else a court writes is kept:
Chinese and every other script, full-width punctuation, the middle dot of names (·), private-use rare characters
and the variation selectors of ideographic variation sequences (Mn).
"""

from __future__ import annotations

import re
import unicodedata

CONTROL_CHARACTERS = "input.control_characters"  # the stable error code (confirm/web/error_codes.py)
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_LINE_BREAK = "\n"  # a browser's textarea sends CR LF: read as one line break
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")

# how a message names a field: "parent.name" first, then "name"; a list item by its position
_LABELS = {
    "agent.name": "委托诉讼代理人姓名", "agent.id_number": "委托诉讼代理人身份证号码",
    "agent.authorization": "委托诉讼代理人代理权限", "agent.unit": "委托诉讼代理人所在单位",
    "agent.relation": "委托诉讼代理人与当事人的关系", "guardian.name": "法定代理人姓名",
    "guardian.relation": "法定代理人与当事人的关系", "nationality": "国籍", "representative_title": "法定代表人或负责人职务",
    "birth_date": "出生日期", "sex": "性别", "id_type": "证件类型",
    "mediation.place": "调解地点", "mediation.mediator_name": "调解员姓名",
    "agreement.text": "调解协议内容", "agreement.amount": "协议金额",
    "service_address.address": "送达地址", "service_address.phone": "送达手机号码", "service_address.email": "送达电子邮箱",
    "name": "姓名或名称", "id_number": "身份证号码", "credit_code": "统一社会信用代码", "representative": "法定代表人或负责人",
    "phone": "联系电话", "email": "电子邮箱", "address": "住所", "ethnicity": "民族", "occupation": "职业或工作单位",
    "court_code": "法院代字", "dispute_type": "纠纷类型（案由）", "place": "送达地点", "reasoning": "理由说明",
    "reason": "理由", "grounds": "理由", "description": "履行内容", "note": "备注", "electronic_address": "电子送达地址", "signature_png": "签名图片",
}
_ITEMS = {"parties": "第{}名申请人", "obligations": "第{}项履行义务的", "recipients": "第{}名受送达人", "waivers": "第{}条未本人确认记录的"}
_SEGMENT = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")


def forbidden_character(text: str, *, paragraphs: bool = False) -> str | None:
    """The first character of ``text`` that may not reach a document, or None. ``paragraphs``: the field is
    written in paragraphs (an agreement, reasons), so it may break lines (LF, or CR LF)."""
    if paragraphs:
        text = text.replace("\r\n", _LINE_BREAK).replace(_LINE_BREAK, "")
    for ch in text:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            return ch
    return None


def character_name(ch: str) -> str:
    """The refused character as a message names it: its kind in Chinese and its code point."""
    if ch in _BREAKS:
        kind = "换行符"
    elif ch in _BIDI:
        kind = "文字方向控制符"
    elif ch in _ZERO_WIDTH:
        kind = "零宽字符"
    elif ch == "\t":
        kind = "制表符"
    elif ch == "\x00":
        kind = "空字符"
    else:
        kind = "格式控制字符" if unicodedata.category(ch) == "Cf" else "控制字符"
    return f"{kind}（U+{ord(ch):04X}）"


def field_label(field: str) -> str:
    """``parties[1].agent.name`` → 第2名申请人委托诉讼代理人姓名: a field as the person who must correct it reads it."""
    segments = _SEGMENT.findall(field)
    names = [name for name, _index in segments]
    prefix = "".join(_ITEMS[name].format(int(index) + 1) for name, index in segments if index and name in _ITEMS)
    label = _LABELS.get(".".join(names[-2:])) or _LABELS.get(names[-1] if names else "")
    return prefix + label if label else field


def text_problem(text: str, *, field: str, paragraphs: bool = False) -> tuple[str, str] | None:
    """(code, Chinese message naming the field) when ``text`` holds a character that may not reach a document."""
    ch = forbidden_character(text, paragraphs=paragraphs)
    if ch is None:
        return None
    if ch in _BREAKS and not paragraphs:
        return CONTROL_CHARACTERS, f"{field_label(field)}只能填写一行，不能含有{character_name(ch)}，请删除后重新填写"
    return CONTROL_CHARACTERS, (f"{field_label(field)}含有不可见的{character_name(ch)}，它会使记录与盖章文书显示不一致，"
                                "请删除后重新填写")
