"""GB 11643-1999 ID numbers, GB 32100-2015 credit codes, mobile numbers (domain.md §9)."""

from datetime import date

import pytest

from confirm.law.identity import (
    age_on,
    credit_code_problem,
    id_number_problem,
    person_facts,
    phone_problem,
)

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", "11010519491231002x"])
def test_accepts_valid_id_numbers(number):
    assert id_number_problem(number, today=TODAY) is None


def test_rejects_id_number_with_wrong_check_character():
    assert id_number_problem("110105194912310021", today=TODAY)[0] == "party.id_number_checksum"


@pytest.mark.parametrize("number", ["11010519491231002", "1101051949123100XX", "A1010519491231002X", ""])
def test_rejects_id_number_of_wrong_shape(number):
    assert id_number_problem(number, today=TODAY)[0] == "party.id_number_format"


def _with_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def test_rejects_id_number_whose_birth_date_does_not_exist():
    # 1990-02-30 does not exist, but the checksum is right
    assert id_number_problem(_with_check("11010519900230001"), today=TODAY)[0] == "party.id_number_birth_date"


def test_rejects_id_number_born_in_the_future():
    assert id_number_problem(_with_check("11010520300101001"), today=TODAY)[0] == "party.id_number_birth_date"


def test_reads_sex_and_birth_date_from_id_number():
    facts = person_facts("440524188001010014")
    assert facts.birth_date == date(1880, 1, 1) and facts.sex == "男"
    assert person_facts("11010519491231002X").sex == "女"  # sequence 002: even


def test_age_counts_full_years():
    assert age_on(date(2000, 11, 29), TODAY) == 25
    assert age_on(date(2000, 11, 28), TODAY) == 26


@pytest.mark.parametrize("code", ["914403001922038216", "91350100M000100Y43"])
def test_accepts_valid_credit_codes(code):
    assert credit_code_problem(code) is None


def test_rejects_credit_code_with_wrong_check_character():
    assert credit_code_problem("914403001922038217")[0] == "party.credit_code_checksum"


@pytest.mark.parametrize("code", ["91440300192203821", "9144030019220382I6", "91440300192203821O"])
def test_rejects_credit_code_of_wrong_shape(code):
    assert credit_code_problem(code)[0] == "party.credit_code_format"


def test_mobile_numbers_are_11_digits_starting_with_1():
    assert phone_problem("13800000000") is None
    assert phone_problem("23800000000")[0] == "party.phone_format"
    assert phone_problem("1380000000")[0] == "party.phone_format"
