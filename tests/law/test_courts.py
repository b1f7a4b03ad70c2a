"""A court's name as its documents print it begins with the province-level name (legal-review §1)."""

from __future__ import annotations

import pytest

from confirm.law.courts import court_name_problem


@pytest.mark.parametrize("name", ["重庆市秀山土家族苗族自治县人民法院", "重庆市第一中级人民法院", "广西壮族自治区南宁市青秀区人民法院",
                                  "新疆维吾尔自治区高级人民法院", "最高人民法院", "上海海事法院", "北京知识产权法院"])
def test_names_that_begin_with_the_province_or_are_specialised_courts_are_accepted(name):
    assert court_name_problem(name) is None


@pytest.mark.parametrize("name, words", [("秀山土家族苗族自治县人民法院", "冠以省、自治区、直辖市的名称"),
                                         ("重庆秀山县人民法院", "冠以省"), ("重庆市秀山县调解中心", "以“法院”结尾")])
def test_a_basic_court_without_its_province_is_refused_in_chinese(name, words):
    assert words in court_name_problem(name)
