"""在线诉讼规则 7: the identity documents of parties from Hong Kong, Macao, Taiwan or abroad, each with its own
format check (confirm/law/identity.py), and what intake asks of a natural person (民族 or 国籍, birth date where the
document does not carry it, a 法定代理人 for a minor; confirm/law/intake.py)."""

from datetime import date

import pytest

from confirm.law.identity import ID_DOCUMENTS, document_facts, document_problem, mask_document_number
from confirm.law.intake import ApplicationIn, PartyIn, check_parties, is_minor
from confirm.law.tables import ethnicities

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(("kind", "number"), [
    ("resident_id", "11010519491231002X"),
    ("resident_id", "440524188001010014"),
    ("hmt_residence_permit", "810000199001011230"),  # 香港
    ("hmt_residence_permit", "830000201006152220"),  # 台湾
    ("hmt_residence_permit", "820000202001010015"),  # 澳门
    ("hk_macao_permit", "H12345678"),  # the card since 2013: 9 characters
    ("hk_macao_permit", "M1234567801"),  # 2010 rule: 8 digits for life + 2 renewal digits
    ("hk_macao_permit", "h 1234 5678"),  # typed with spaces and lower case
    ("taiwan_permit", "12345678"),
    ("foreign_permanent_residence", "91104019850301001X"),  # 2023 version: 9…, MOD 11-2
    ("foreign_permanent_residence", "USA123456789012"),  # 2017 version: 3 letters + 12 digits
    ("passport", "E12345678"),
])
def test_accepts_a_well_formed_number_of_each_document(kind, number):
    assert document_problem(kind, number, today=TODAY) is None


@pytest.mark.parametrize(("kind", "number", "code"), [
    ("resident_id", "110105194912310021", "party.id_number_checksum"),
    ("hmt_residence_permit", "11010519491231002X", "party.id_document_format"),  # a mainland number
    ("hmt_residence_permit", "810000199001011231", "party.id_number_checksum"),
    ("hk_macao_permit", "X12345678", "party.id_document_format"),
    ("hk_macao_permit", "H1234567", "party.id_document_format"),
    ("hk_macao_permit", "H123456789", "party.id_document_format"),  # neither 9 nor 11 characters
    ("taiwan_permit", "1234567", "party.id_document_format"),
    ("taiwan_permit", "A1234567", "party.id_document_format"),
    ("foreign_permanent_residence", "911040198503010010", "party.id_document_checksum"),
    ("foreign_permanent_residence", "11010519491231002X", "party.id_document_format"),  # a citizen's number
    ("foreign_permanent_residence", "US123456789012", "party.id_document_format"),
    ("passport", "E12", "party.id_document_format"),
    ("passport", "E-1234567", "party.id_document_format"),
    ("driving_licence", "12345678", "party.id_type_unknown"),
])
def test_refuses_a_malformed_number_with_its_documents_own_code(kind, number, code):
    bad = document_problem(kind, number, today=TODAY)
    assert bad is not None and bad[0] == code


def test_birth_date_and_sex_are_read_only_where_the_document_carries_them():
    assert document_facts("hmt_residence_permit", "810000199001011230").birth_date == date(1990, 1, 1)
    assert document_facts("hmt_residence_permit", "810000199001011230").sex == "男"  # 123: odd
    for kind in ("hk_macao_permit", "taiwan_permit", "foreign_permanent_residence", "passport"):
        assert document_facts(kind, "H12345678") is None


def test_every_document_has_a_printed_name():
    assert set(ID_DOCUMENTS.values()) == {"居民身份证", "港澳居民来往内地通行证", "台湾居民来往大陆通行证",
                                           "港澳台居民居住证", "外国人永久居留身份证", "护照"}


def test_masking_keeps_the_ends_of_a_number():
    assert mask_document_number("resident_id", "11010519491231002X") == "110105********002X"
    assert mask_document_number("hk_macao_permit", "H12345678") == "H1*****78"


def test_the_table_lists_the_56_ethnicities():
    names = ethnicities()
    assert len(names) == 56 and "汉族" in names and "土家族" in names and "基诺族" in names


def test_a_person_is_a_minor_until_the_eighteenth_birthday():
    assert is_minor(date(2008, 11, 29), TODAY)
    assert not is_minor(date(2008, 11, 28), TODAY)


ADULT = {"kind": "person", "name": "张三", "id_number": "11010519491231002X", "phone": "13800000000",
         "address": "重庆市秀山县中和街道1号", "ethnicity": "汉族"}
OTHER = {"kind": "person", "name": "李四", "id_number": "440524188001010014", "phone": "13900000000",
         "address": "重庆市秀山县中和街道2号", "ethnicity": "苗族"}


def problems(*parties):
    body = ApplicationIn.model_validate({
        "court_code": "渝0241", "dispute_type": "民间借贷纠纷", "parties": list(parties),
        "mediation": {"concluded_on": "2026-11-20", "place": "调解室", "mediator_name": "杨调解"},
        "agreement": {"text": "一、还款。"}})
    return {(p.field, p.code) for p in check_parties(body.parties, today=TODAY)}


def test_refuses_a_person_without_ethnicity_with_a_stable_code():
    assert ("parties[0].ethnicity", "party.ethnicity_required") in problems({**ADULT, "ethnicity": None}, OTHER)


def test_refuses_an_ethnicity_not_among_the_56():
    assert ("parties[0].ethnicity", "party.ethnicity_unknown") in problems({**ADULT, "ethnicity": "汉"}, OTHER)


def test_a_foreigner_gives_a_nationality_not_an_ethnicity():
    foreigner = {**ADULT, "id_type": "passport", "id_number": "E12345678", "ethnicity": None,
                 "sex": "男", "birth_date": "1980-05-01"}
    assert problems({**foreigner, "nationality": "美国"}, OTHER) == set()
    assert ("parties[0].nationality", "party.nationality_required") in problems(foreigner, OTHER)


def test_a_document_without_birth_date_asks_for_it_and_for_sex():
    compatriot = {**ADULT, "id_type": "hk_macao_permit", "id_number": "H12345678"}
    found = problems(compatriot, OTHER)
    assert ("parties[0].birth_date", "party.birth_date_required") in found
    assert ("parties[0].sex", "party.sex_required") in found
    assert problems({**compatriot, "birth_date": "1990-01-01", "sex": "女"}, OTHER) == set()
    every = problems({**compatriot, "ethnicity": None}, OTHER)  # every problem at once, not the first only
    assert {"party.ethnicity_required", "party.birth_date_required", "party.sex_required"} <= {c for _f, c in every}


def test_a_minor_by_the_id_number_needs_a_statutory_agent():
    minor = {**ADULT, "id_number": "830000201006152220", "id_type": "hmt_residence_permit"}  # born 2010
    assert ("parties[0].guardian", "party.guardian_required") in problems(minor, OTHER)
    assert problems({**minor, "guardian": {"name": "张大山", "relation": "父亲"}}, OTHER) == set()


def test_a_person_declared_without_capacity_needs_a_statutory_agent():
    assert ("parties[0].guardian", "party.guardian_required") in problems({**ADULT, "without_capacity": True}, OTHER)


def test_an_organisation_may_give_its_representatives_title():
    org = {"kind": "organization", "name": "某公司", "credit_code": "914403001922038216", "representative": "王五",
           "phone": "13700000000", "address": "某地"}
    assert problems(ADULT, org) == set()  # the v1.0 contract's body (api.md) has no 职务: it still files
    assert problems(ADULT, {**org, "representative_title": "经理", "representative_role": "principal"}) == set()


def test_an_agent_of_a_known_category_gives_unit_or_relation():
    lawyer = {"name": "赵律", "kind": "lawyer"}
    assert ("parties[0].agent.unit", "party.agent_unit_required") in problems({**ADULT, "agent": lawyer}, OTHER)
    relative = {"name": "张小三", "kind": "relative"}
    assert ("parties[0].agent.relation", "party.agent_relation_required") in problems({**ADULT, "agent": relative}, OTHER)
    assert problems({**ADULT, "agent": {**relative, "relation": "儿子"}}, OTHER) == set()
    assert problems({**ADULT, "agent": {"name": "赵律", "authorization": "特别授权"}}, OTHER) == set()  # v1.0


def test_the_same_permit_twice_is_one_party():
    compatriot = {**ADULT, "id_type": "taiwan_permit", "id_number": "12345678", "birth_date": "1990-01-01", "sex": "男"}
    assert ("parties[1]", "application.duplicate_party") in problems(compatriot, {**compatriot, "name": "张三三"})


def test_party_in_defaults_to_the_resident_id_card_for_older_clients():
    assert PartyIn.model_validate({"kind": "person", "name": "张三"}).id_type == "resident_id"
