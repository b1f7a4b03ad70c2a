"""Identity numbers: 公民身份号码 (GB 11643-1999), the other identity documents a natural person may prove who
they are with (在线诉讼规则 7: 港澳台居民 and foreigners), 统一社会信用代码 (GB 32100-2015) and mobile phones.

Each document's format is checked only as far as a published rule says (docs/legal.md, item 9, names the
sources); a number that passes is still checked by a person against the document itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_SHAPE = re.compile(rf"^[{_CREDIT_ALPHABET}]{{18}}$")

_MOBILE = re.compile(r"^1\d{10}$")


@dataclass(frozen=True)
class PersonFacts:
    """What a valid ID number says about its holder."""

    birth_date: date
    sex: str  # "男" or "女"


def normalize_id_number(value: str) -> str:
    """Trim and upper-case the check character (people type ``x`` as often as ``X``)."""
    return value.strip().upper()


def id_number_problem(value: str, *, today: date) -> tuple[str, str] | None:
    """Why ``value`` is not a valid 18-digit resident ID number, as (code, Chinese message), or None.

    GB 11643-1999: area code, birth date, sequence (odd = male), ISO 7064 MOD 11-2 check character.
    """
    number = normalize_id_number(value)
    if not _ID_SHAPE.match(number):
        return "party.id_number_format", "公民身份号码应为18位，前17位为数字，最后一位为数字或X"
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != number[17]:
        return "party.id_number_checksum", "公民身份号码校验位不正确，请核对号码"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "party.id_number_birth_date", "公民身份号码中的出生日期不存在，请核对号码"
    if born > today or born.year < 1880:
        return "party.id_number_birth_date", "公民身份号码中的出生日期不合理，请核对号码"
    return None


def person_facts(id_number: str) -> PersonFacts:
    """Birth date and sex read from a valid ID number (GB 11643-1999 §4: odd sequence = male)."""
    number = normalize_id_number(id_number)
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return PersonFacts(birth_date=born, sex="男" if int(number[16]) % 2 == 1 else "女")


def age_on(born: date, day: date) -> int:
    """Full years of age on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# 在线诉讼规则 7 and the court's usual practice: the documents a natural person may identify with, as printed
ID_DOCUMENTS: dict[str, str] = {
    "resident_id": "居民身份证",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "hmt_residence_permit": "港澳台居民居住证",
    "foreign_permanent_residence": "外国人永久居留身份证",
    "passport": "护照",
}
RESIDENT_ID = "resident_id"
# a foreigner's document: the ruling states 国籍, not 民族
FOREIGN_DOCUMENTS = ("foreign_permanent_residence", "passport")
# 港澳台居民居住证申领发放办法 (国办发〔2018〕81号) art. 4: 公民身份号码 with the address code 810000 (香港),
# 820000 (澳门) or 830000 (台湾)
_RESIDENCE_PERMIT_AREAS = ("810000", "820000", "830000")
# 公安部出入境管理局《港澳居民来往内地通行证号码规则》(2010): H (香港) or M (澳门), 8 digits for life, 2 digits
# counting renewals; the card issued since 2013 prints the 9 characters without the renewal count (R)
_HK_MACAO_PERMIT = re.compile(r"^[HM]\d{8}(\d{2})?$")
# 台胞证 "一人一号、终身不变" since 2008-09-25: the 8-digit lifelong number (中新网 2008-09-12)
_TAIWAN_PERMIT = re.compile(r"^\d{8}$")
# 外国人永久居留身份证: 2017 version 3 Latin letters + 12 digits; 2023 version 18 digits, first 9, MOD 11-2 check
# character as the 公民身份号码 (国家移民管理局《新版外国人永久居留身份证机读信息规则》2023)
_PERMANENT_RESIDENCE_2017 = re.compile(r"^[A-Z]{3}\d{12}$")
_PERMANENT_RESIDENCE_2023 = re.compile(r"^9\d{16}[\dX]$")
# a passport number: no rule common to every state; ICAO Doc 9303 writes it in capital letters and digits
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")


def normalize_document_number(value: str) -> str:
    """Trim, drop inner spaces and brackets' spacing, upper-case: what people type from a card."""
    return "".join(value.split()).upper()


def _mod11_2_ok(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def document_problem(kind: str, value: str, *, today: date) -> tuple[str, str] | None:
    """Why ``value`` is not a valid number of the identity document ``kind`` (an ``ID_DOCUMENTS`` key), as
    (code, Chinese message), or None."""
    number = normalize_document_number(value)
    name = ID_DOCUMENTS.get(kind)
    if name is None:
        return "party.id_type_unknown", "证件类型不正确"
    if kind == RESIDENT_ID:
        return id_number_problem(number, today=today)
    if kind == "hmt_residence_permit":
        if number[:6] not in _RESIDENCE_PERMIT_AREAS:
            return ("party.id_document_format",
                    "港澳台居民居住证号码应为18位，以810000（香港）、820000（澳门）或830000（台湾）开头")
        bad = id_number_problem(number, today=today)
        if bad is not None:
            return bad[0], "港澳台居民居住证" + bad[1].removeprefix("公民身份")
        return None
    if kind == "hk_macao_permit":
        if not _HK_MACAO_PERMIT.match(number):
            return "party.id_document_format", "港澳居民来往内地通行证号码应为H或M加8位数字（旧证为H或M加10位数字）"
        return None
    if kind == "taiwan_permit":
        if not _TAIWAN_PERMIT.match(number):
            return "party.id_document_format", "台湾居民来往大陆通行证号码应为8位数字"
        return None
    if kind == "foreign_permanent_residence":
        if _PERMANENT_RESIDENCE_2017.match(number):
            return None
        if not _PERMANENT_RESIDENCE_2023.match(number):
            return ("party.id_document_format",
                    "外国人永久居留身份证号码应为18位（以9开头，末位为数字或X），或旧版的3位字母加12位数字")
        if not _mod11_2_ok(number):
            return "party.id_document_checksum", "外国人永久居留身份证号码校验位不正确，请核对号码"
        return None
    if not _PASSPORT.match(number):
        return "party.id_document_format", "护照号码应为5到20位字母或数字"
    return None


def document_facts(kind: str, value: str) -> PersonFacts | None:
    """Birth date and sex where a valid document's number carries them (居民身份证, 港澳台居民居住证); None for the
    others, whose holder's birth date and sex must be entered."""
    if kind in (RESIDENT_ID, "hmt_residence_permit"):
        return person_facts(value)
    return None


def mask_document_number(kind: str, value: str) -> str:
    """A number as printed where the court does not print it in full: the first and last characters kept (an
    18-digit number keeps its first 6 and last 4: 110105********002X)."""
    number = normalize_document_number(value)
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[-4:]
    keep = max(1, len(number) // 4)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def credit_code_problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` is not a valid unified social credit code, as (code, Chinese message), or None.

    GB 32100-2015: 18 characters of 0-9A-Y without I O S V Z; weighted sum mod 31 check character.
    """
    code = value.strip().upper()
    if not _CREDIT_SHAPE.match(code):
        return "party.credit_code_format", "统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）"
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS))
    check = (31 - total % 31) % 31
    if _CREDIT_ALPHABET[check] != code[17]:
        return "party.credit_code_checksum", "统一社会信用代码校验位不正确，请核对代码"
    return None


# local part: dot-separated atoms, no leading, trailing or doubled dot; domain: labels not edged by a hyphen
EMAIL = re.compile(
    r"(?=[^@]{1,64}@)[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def email_problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` is not an e-mail address a message can be sent to, or None."""
    if not EMAIL.fullmatch(value.strip()):
        return "party.email_format", "电子邮箱格式不正确，例如 zhangsan@example.com"
    return None


def phone_problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` is not a mainland mobile number (11 digits starting with 1), or None."""
    if not _MOBILE.match(value.strip()):
        return "party.phone_format", "手机号码应为以1开头的11位数字"
    return None
