"""Cross-case signals through the API: computed at submission on the real database, linked both ways, shown in the
queue, never blocking; confirming over a high flag needs the judge's reason."""

from __future__ import annotations

from sqlmodel import select

from confirm.core.db import transaction
from confirm.core.runtime import Runtime
from confirm.models import AuditRecord
from tests.support import Staff, application_body, verification_now

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(first17: str) -> str:
    """A resident ID number with its GB 11643 check character."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def other_person(**changes: str) -> dict[str, str]:
    """Someone else than the default body's 张三, with changes (a phone, an address)."""
    return {"kind": "person", "name": "王五", "id_number": resident_id("50024119900101001"), "phone": "13700000000",
            "address": "重庆市秀山土家族苗族自治县清溪场镇3号", "ethnicity": "汉族", **changes}


def flags_of(staff: Staff, app_id: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {f["code"]: f for f in staff.get(f"/api/v1/applications/{app_id}").json()["risk_flags"]}


def test_a_phone_shared_across_cases_flags_both_cases_with_links_and_the_queue_shows_it(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    first = m.filed(confirmed=False)
    body = application_body()
    body["parties"][0] = other_person(phone="13800000000")  # 张三's phone, given by another person
    second = m.filed(body, confirmed=False)
    flag = flags_of(m, second)["risk.shared_phone_cases"]
    assert flag["related_application_ids"] == [first] and flag["severity"] == "high"
    assert "手机号码" in flag["message"] and "虚假诉讼的指导意见" in flag["message"]
    back = flags_of(m, first)["risk.shared_phone_cases"]  # the older open case is refreshed
    assert back["related_application_ids"] == [second]
    row = {i["id"]: i for i in judge.get("/api/v1/review-queue").json()["items"]}[second]
    assert "risk.shared_phone_cases" in [f["code"] for f in row["risk_flags"]]


def test_clean_cases_get_no_cross_case_flag(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    m.filed(confirmed=False)
    body = application_body()
    body["parties"][0] = other_person()
    # the same company (a second case of one party is no pattern yet), another person with their own contacts
    second = m.filed(body, confirmed=False)
    codes = set(flags_of(m, second))
    assert not codes & {"risk.shared_phone_cases", "risk.shared_address_cases", "risk.shared_agent_cases",
                        "risk.agent_both_sides", "risk.repeat_party"}


def test_confirming_over_a_high_flag_needs_a_reason_which_is_kept(client, runtime, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    judge = Staff(client, "judge", passwords["judge"])
    m.filed()
    body = application_body()
    body["parties"][0] = other_person(address="重庆市秀山土家族苗族自治县中和街道渝秀大道1号", phone="13800000000")
    app_id = m.filed(body)
    judge.post(f"/api/v1/applications/{app_id}/claim")
    decision = {"outcome": "confirmed", "grounds": [], "verification": verification_now()}
    r = judge.post(f"/api/v1/applications/{app_id}/decision", json=decision)
    assert r.status_code == 422 and r.json()["error"]["code"] == "decision.risk_reason_required", r.text
    assert "risk_reason" in r.json()["error"]["fields"]
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={**decision, "risk_reason": "已视频核实：二人系父子，共用一部手机"})
    assert r.status_code == 200, r.text
    assert r.json()["decision"]["risk_reason"] == "已视频核实：二人系父子，共用一部手机"
    with transaction(runtime.engine) as s:
        made = s.exec(select(AuditRecord).where(AuditRecord.application_id == app_id,
                                                AuditRecord.action == "decision.made")).one()
        assert made.data["risk_reason"].startswith("已视频核实")


def test_a_court_overrides_the_shipped_thresholds_in_its_data_directory(runtime):
    (runtime.settings.data_dir / "signals.yaml").write_text(
        "signals:\n  shared_phone:\n    enabled: false\n  repeat_party:\n    min_cases: 5\n", encoding="utf-8")
    table = Runtime(runtime.settings).signals
    assert table["signals"]["shared_phone"]["enabled"] is False
    assert table["signals"]["repeat_party"] == {**runtime.signals["signals"]["repeat_party"], "min_cases": 5}


def test_the_same_creditor_thrice_and_one_agent_for_both_sides_are_found_through_the_indexes(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    earlier = [m.filed(confirmed=False) for _ in range(2)]
    body = application_body()
    lawyer = {"name": "赵律师", "kind": "lawyer", "unit": "重庆秀山某律师事务所"}
    body["parties"][0]["agent"] = lawyer
    body["parties"][1]["agent"] = {**lawyer, "unit": "重庆秀山某律师事务所 "}  # the same unit, typed with a blank
    third = m.filed(body, confirmed=False)
    flags = flags_of(m, third)
    assert sorted(flags["risk.repeat_party"]["related_application_ids"]) == sorted(earlier)
    assert flags["risk.agent_both_sides"]["severity"] == "high" and "赵律师" in flags["risk.agent_both_sides"]["message"]
    assert flags_of(m, earlier[0])["risk.repeat_party"]["related_application_ids"] == [third]


def test_the_judge_sees_the_flag_with_its_links_and_gives_the_reason_on_the_review_page(client, passwords):
    from datetime import datetime

    from confirm.core.clock import CHINA
    from tests.api.test_decision_page import csrf, signed_in_page

    m = Staff(client, "mediator", passwords["mediator"])
    first = m.filed()
    body = application_body()
    body["parties"][0] = other_person(phone="13800000000")
    app_id = m.filed(body)
    signed_in_page(client, "judge", passwords["judge"])
    queue = client.get("/j").text
    assert "高风险" in queue and "risk.shared_phone_cases" in queue
    page = client.get(f"/j/a/{app_id}").text
    assert f'href="/j/a/{first}"' in page and "手机号码" in page
    assert client.post(f"/j/a/{app_id}/claim", data={"csrf": csrf(page)}).status_code == 200
    page = client.get(f"/j/a/{app_id}").text
    assert 'name="risk_reason"' in page
    body = {"csrf": csrf(page), "outcome": "confirmed", "verification_method": "video",
            "verification_at": datetime.now(CHINA).strftime("%Y-%m-%dT%H:%M"), "clerk": "clerk"}
    refused = client.post(f"/j/a/{app_id}/decision", data=body)
    assert refused.status_code == 422 and "确认调解协议有效须写明已核实的情况和理由" in refused.text
    summary = client.post(f"/j/a/{app_id}/decision", data={**body, "risk_reason": "已核实：二人系夫妻"})
    assert summary.status_code == 200 and "对风险提示的核实情况（不写入裁定书）：已核实：二人系夫妻" in summary.text
