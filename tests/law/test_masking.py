"""Masking names on public pages (domain.md §8)."""

import pytest

from confirm.law.masking import mask_party, mask_person_name


@pytest.mark.parametrize("name, masked", [("张三", "张某某"), ("欧阳明", "欧阳某某"), ("司马相如", "司马某某"),
                                          ("王小明", "王某某")])
def test_masks_given_name_and_keeps_surname(name, masked):
    assert mask_person_name(name) == masked


def test_organisation_names_are_not_masked():
    assert mask_party("organization", "秀山县某某建材有限公司") == "秀山县某某建材有限公司"

