"""不予受理的案由 by meaning (Interp. 355 (3)-(5)): the words a mediator may type for a refused matter are caught,
the admissible types that share a word with them are not."""

from __future__ import annotations

import pytest

from confirm.law.admissibility import InadmissibleGround, inadmissible_ground
from confirm.law.tables import common_dispute_types, inadmissible_grounds

IDENTITY, PROPERTY, SPECIAL = "identity_relation", "property_right_determination", "other_special_procedure"


def ground_of(dispute_type: str) -> str | None:
    ground = inadmissible_ground(dispute_type, inadmissible_grounds(), admissible=common_dispute_types())
    return ground.code if ground else None


@pytest.mark.parametrize("dispute_type, code", [
    ("离婚", IDENTITY),
    ("离婚纠纷", IDENTITY),
    ("要求离婚", IDENTITY),
    ("协议离婚", IDENTITY),
    ("解除婚姻关系", IDENTITY),
    ("确认婚姻无效", IDENTITY),
    ("解除夫妻关系", IDENTITY),
    ("确认亲子关系", IDENTITY),
    ("否认父子关系", IDENTITY),
    ("解除收养关系", IDENTITY),
    ("变更监护关系", IDENTITY),
    ("离 婚 纠 纷", IDENTITY),  # spaces typed in between
    ("离婚后财产纠纷（要求离婚）", IDENTITY),  # the exception does not hide a divorce asked for besides
    ("房屋所有权确认", PROPERTY),
    ("确认房屋所有权归原告", PROPERTY),
    ("宅基地使用权确认纠纷", PROPERTY),
    ("确认土地承包经营权", PROPERTY),
    ("商标归属（商标权权属纠纷）", PROPERTY),
    ("房产确权", PROPERTY),
    ("宣告张三死亡", SPECIAL),
    ("申请宣告失踪", SPECIAL),
    ("认定财产无主", SPECIAL),
    ("企业破产清算", SPECIAL),
    ("指定监护人", SPECIAL),  # the longer term wins: a special procedure, not a guardianship dispute
    ("票据公示催告", SPECIAL),
])
def test_refuses_a_dispute_type_by_meaning(dispute_type, code):
    assert ground_of(dispute_type) == code


@pytest.mark.parametrize("dispute_type", [
    "离婚后财产纠纷",
    "离婚后财产分割纠纷",
    "离婚后损害责任纠纷",
    "婚约财产纠纷",
    "彩礼返还",
    "夫妻财产约定纠纷",
    "同居关系析产纠纷",
    "抚养纠纷",
    "变更抚养关系纠纷",
    "赡养费",
    "分家析产纠纷",
    "机动车交通事故责任纠纷（死亡赔偿）",
    "侵害商标权纠纷",
    "民间借贷",
    "物业费",
])
def test_admits_dispute_types_that_only_share_a_word_with_a_refused_matter(dispute_type):
    assert ground_of(dispute_type) is None


def test_every_listed_inadmissible_type_is_also_caught_by_its_own_terms():
    """The names are a shortcut, not the only way in: each would be refused even if a clerk dropped it."""
    for ground in inadmissible_grounds():
        by_terms = InadmissibleGround(ground.code, ground.item, ground.reason, (), ground.terms, ground.exceptions)
        for dispute_type in ground.dispute_types:
            assert inadmissible_ground(dispute_type, (by_terms,)) == by_terms, dispute_type


def test_no_suggested_type_is_caught_by_the_terms_even_without_the_pick_list_exemption():
    """The exceptions are right for the pick-list (离婚后财产纠纷 contains 离婚), not only exempted by name."""
    for dispute_type in common_dispute_types():
        assert inadmissible_ground(dispute_type, inadmissible_grounds()) is None, dispute_type


def test_a_suggested_type_is_never_refused_even_when_a_term_matches():
    ground = InadmissibleGround("identity_relation", 3, "身份关系", (), ("离婚",))
    assert inadmissible_ground("离婚后财产纠纷", (ground,)) == ground
    assert inadmissible_ground("离婚后财产纠纷", (ground,), admissible=("离婚后财产纠纷",)) is None
    assert inadmissible_ground("", (ground,)) is None
