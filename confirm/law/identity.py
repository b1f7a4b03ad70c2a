"""Identity numbers: 公民身份号码 (GB 11643-1999), 统一社会信用代码 (GB 32100-2015) and mobile phones."""

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
