"""CPL 205 and Interp. 351/354/355: what an application must hold (confirm/domain/intake.py)."""

from datetime import date, timedelta

import pytest

from confirm.law.calendar import calendar_from_table
from confirm.law.errors import DomainError
from confirm.law.intake import (
    ApplicationIn,
    check_application,
    check_filing_window,
    check_required_documents,
    require_valid_application,
)
from confirm.law.tables import holiday_table

TODAY = date(2026, 11, 28)
CALENDAR = calendar_from_table(holiday_table())
RULES = {"calendar": CALENDAR, "late_applications": "block"}


def body(**changes):
    data = {
        "court_code": "渝0241",
        "dispute_type": "民间借贷纠纷",
        "parties": [
            {"kind": "person", "name": "张三", "id_number": "11010519491231002X", "phone": "13800000000",
             "address": "重庆市秀山县中和街道1号", "ethnicity": "汉族"},
            {"kind": "organization", "name": "秀山县某某建材有限公司", "credit_code": "914403001922038216",
             "representative": "李四", "representative_title": "总经理", "phone": "13900000000", "address": "重庆市秀山县工业园区2号"},
        ],
        "mediation": {"concluded_on": "2026-11-20", "place": "中和派出所调解室", "mediator_name": "杨调解"},
        "agreement": {"text": "一、被申请人于2026年12月31日前支付12000元。", "amount": "12000.00"},
    }
    data.update(changes)
    return ApplicationIn.model_validate(data)


def codes(problems):
    return [p.code for p in problems]


def test_a_complete_application_has_no_problems():
    assert check_application(body(), today=TODAY, **RULES) == []


def test_accepts_application_filed_on_the_thirtieth_day():
    assert check_filing_window(TODAY - timedelta(days=30), today=TODAY, **RULES) is None


def test_rejects_application_filed_after_30_days_where_the_court_blocks_late_applications():
    problem = check_filing_window(TODAY - timedelta(days=31), today=TODAY, **RULES)
    assert problem.code == "application.deadline_passed" and problem.field == "mediation.concluded_on"
    assert "应在2026-11-27前（含当日）" in problem.message


def test_accepts_a_late_application_where_the_court_flags_it_for_the_judge():
    late = TODAY - timedelta(days=40)
    assert check_filing_window(late, today=TODAY, calendar=CALENDAR, late_applications="flag") is None
    assert check_application(body(mediation={"concluded_on": late.isoformat(), "place": "调解室",
                                              "mediator_name": "杨调解"}),
                             today=TODAY, calendar=CALENDAR, late_applications="flag") == []


def test_a_last_day_moved_past_national_day_still_accepts_on_the_moved_day():
    # day 30 of 2026-09-01 is 10-01; the holidays run to 10-07, so 10-08 is still in time even where blocking
    assert check_filing_window(date(2026, 9, 1), today=date(2026, 10, 8), **RULES) is None
    assert check_filing_window(date(2026, 9, 1), today=date(2026, 10, 9), **RULES).code == "application.deadline_passed"


def test_rejects_agreement_dated_in_the_future():
    assert check_filing_window(TODAY + timedelta(days=1), today=TODAY, **RULES).code == "application.future_date"


def test_rejects_a_single_applicant():
    b = body()
    b.parties = b.parties[:1]
    assert "application.parties_too_few" in codes(check_application(b, today=TODAY, **RULES))


def test_rejects_the_same_person_twice():
    b = body()
    b.parties = [b.parties[0], b.parties[0].model_copy(update={"name": "张三丰"})]
    assert "application.duplicate_party" in codes(check_application(b, today=TODAY, **RULES))


def test_rejects_bad_id_number_and_names_the_field():
    b = body()
    b.parties[0].id_number = "110105194912310021"
    problems = check_application(b, today=TODAY, **RULES)
    assert [(p.field, p.code) for p in problems] == [("parties[0].id_number", "party.id_number_checksum")]


def test_organisation_needs_credit_code_and_representative():
    b = body()
    b.parties[1].credit_code = None
    b.parties[1].representative = None
    assert codes(check_application(b, today=TODAY, **RULES)) == ["party.credit_code_required", "party.representative_required"]


@pytest.mark.parametrize("dispute_type, code", [
    ("离婚纠纷", "application.inadmissible.identity_relation"),
    ("确认收养关系纠纷", "application.inadmissible.identity_relation"),
    ("所有权确认纠纷", "application.inadmissible.property_right_determination"),
    ("知识产权权属纠纷", "application.inadmissible.property_right_determination"),
])
def test_refuses_inadmissible_dispute_types_at_intake(dispute_type, code):
    problems = check_application(body(dispute_type=dispute_type), today=TODAY, **RULES)
    assert codes(problems) == [code]
    assert "不能申请司法确认" in problems[0].message


def test_reports_every_problem_at_once_in_one_error():
    b = body(dispute_type="离婚纠纷")
    b.parties[0].phone = "123"
    with pytest.raises(DomainError) as caught:
        require_valid_application(b, today=TODAY, **RULES)
    err = caught.value
    assert err.status == 422 and err.code == "application.inadmissible.identity_relation"
    assert {p.field for p in err.problems} == {"dispute_type", "parties[0].phone"}


def test_amount_must_be_a_decimal_string():
    b = body()
    b.agreement.amount = "12,000"
    assert codes(check_application(b, today=TODAY, **RULES)) == ["agreement.amount_format"]


def test_submission_needs_agreement_and_joint_application():
    assert codes(check_required_documents({"identity"})) == [
        "application.missing_document.agreement", "application.missing_document.joint_application"]
    assert check_required_documents({"agreement", "joint_application"}) == []
