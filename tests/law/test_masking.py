"""Masking names on public pages (domain.md §8)."""

import pytest

from confirm.law.masking import mask_parties, mask_party, mask_person_name


@pytest.mark.parametrize("name, masked", [("张三", "张某某"), ("欧阳明", "欧阳某某"), ("司马相如", "司马某某"),
                                          ("王小明", "王某某")])
def test_masks_given_name_and_keeps_surname(name, masked):
    assert mask_person_name(name) == masked


def test_organisation_names_are_not_masked():
    assert mask_party("organization", "秀山县某某建材有限公司") == "秀山县某某建材有限公司"



def test_two_parties_with_one_surname_are_told_apart_in_order_as_courts_publish_them():
    parties = [("person", "张三"), ("organization", "张氏建材有限公司"), ("person", "张四丰"), ("person", "李五")]
    assert mask_parties(parties) == ["张某甲", "张氏建材有限公司", "张某乙", "李某某"]


def test_distinct_masks_are_left_alone_and_compound_surnames_count_whole():
    assert mask_parties([("person", "欧阳娜娜"), ("person", "欧明")]) == ["欧阳某某", "欧某某"]
    assert mask_parties([("person", "欧阳娜娜"), ("person", "欧阳明")]) == ["欧阳某甲", "欧阳某乙"]


def test_even_two_parties_of_the_same_name_are_told_apart():
    assert mask_parties([("person", "王芳"), ("person", "王芳"), ("person", "王磊")]) == ["王某甲", "王某乙", "王某丙"]
