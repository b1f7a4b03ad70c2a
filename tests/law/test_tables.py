"""The court-editable rule tables of the law (confirm/law/tables/*.yaml)."""


def test_the_suggested_dispute_types_are_all_admissible_and_include_the_common_ones():
    from confirm.law.intake import check_dispute_type
    from confirm.law.tables import common_dispute_types

    suggested = common_dispute_types()
    assert {"民间借贷纠纷", "买卖合同纠纷", "机动车交通事故责任纠纷"} <= set(suggested)
    assert all(check_dispute_type(t) is None for t in suggested)
    assert check_dispute_type("离婚纠纷").code == "application.inadmissible.identity_relation"
