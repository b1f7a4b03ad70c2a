"""调解员考评 over the API (issue 16 items 3–4): the parties' ratings from their own links (once, after service, on
the scale), the figures of a hand-computed small history, who may read what (mediator, organisation head, court
staff, administrator), anonymity, and the period's rules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from confirm.accounts import admin
from confirm.core.db import transaction
from confirm.models import MediationRating, Obligation, OrgKind
from tests.api.test_obligations_api import OBLIGATIONS, body_with
from tests.support import (
    Staff,
    application_body,
    now_iso,
    objected,
    party_session,
    png_signature,
    today,
    verification_now,
)

REASON = "请补充协议第二条的付款方式"
OTHER_COURT = "渝0242"
PASSWORD = "Evaluation-test-9-account"
DEMO_ORG = "秀山县中和派出所驻所调解室"
SECOND_ORG = "秀山县中和司法所"


def filed(staff: Staff, body: dict[str, Any] | None = None) -> tuple[str, list[dict[str, Any]], list[dict[str, str]]]:
    """A submitted application confirmed by every party from their own link: its id, parties and their sessions."""
    app_id = staff.filed(body, confirmed=False)
    parties = staff.get(f"/api/v1/applications/{app_id}").json()["parties"]
    sessions = [party_session(staff.client, app_id, p) for p in parties]
    for headers in sessions:
        r = staff.client.post("/api/v1/party/me/confirmation", headers=headers, json={"decision": "confirm"})
        assert r.status_code == 200, r.text
    return app_id, parties, sessions


def decide(judge: Staff, app_id: str, outcome: str, grounds: list[str]) -> None:
    judge.post(f"/api/v1/applications/{app_id}/claim")
    r = judge.post(f"/api/v1/applications/{app_id}/decision",
                   json={"outcome": outcome, "grounds": grounds, "verification": verification_now()})
    assert r.json()["status"] == "issued", r.text


def serve_all(m: Staff, app_id: str, parties: list[dict[str, Any]]) -> None:
    r = m.post(f"/api/v1/applications/{app_id}/service", json={"served_at": now_iso(), "place": "调解室", "recipients": [
        {"party_id": p["id"], "method": "in_person", "signature_png": png_signature()} for p in parties]})
    assert r.status_code == 200 and r.json()["status"] == "served", r.text


def accounts(runtime) -> None:  # type: ignore[no-untyped-def]
    with runtime.unit_of_work() as session:
        admin.add_organization(session, "渝0241", SECOND_ORG, OrgKind.JUDICIAL_OFFICE, actor="test")
        admin.add_user(session, "mediator2", role="mediator", court_code="渝0241", password=PASSWORD,
                       organization=SECOND_ORG, name="田调解", actor="test")
        admin.add_user(session, "head", role="org_head", court_code="渝0241", password=PASSWORD,
                       organization=DEMO_ORG, name="彭主任", actor="test")
        admin.add_user(session, "head2", role="org_head", court_code="渝0241", password=PASSWORD,
                       organization=SECOND_ORG, name="龙主任", actor="test")
        admin.add_court(session, OTHER_COURT, "重庆市酉阳土家族苗族自治县人民法院", actor="test")
        admin.add_organization(session, OTHER_COURT, "酉阳县桃花源派出所驻所调解室", OrgKind.POLICE_STATION, actor="test")
        admin.add_user(session, "mediator9", role="mediator", court_code=OTHER_COURT, password=PASSWORD,
                       organization="酉阳县桃花源派出所驻所调解室", name="冉调解", actor="test")


def history(client, runtime, passwords) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Today, agreements concluded two days ago. 杨调解 (the demo organisation): A confirmed with three obligations
    (two performed, one not), served, objected to, rated 5 with a comment and 3 without; B rejected; C returned once.
    田调解 (the justice office): D confirmed. Another court's application, which must not count."""
    accounts(runtime)
    m, judge = Staff(client, "mediator", passwords["mediator"]), Staff(client, "judge", passwords["judge"])
    a, a_parties, a_sessions = filed(m, body_with(OBLIGATIONS))
    b, _, b_sessions = filed(m)
    c = m.filed(confirmed=False)
    decide(judge, a, "confirmed", [])
    decide(judge, b, "rejected", ["unclear_content"])
    judge.post(f"/api/v1/applications/{c}/claim")
    assert judge.post(f"/api/v1/applications/{c}/return", json={"reason": REASON}).status_code == 200
    d = Staff(client, "mediator2", PASSWORD).filed()
    decide(judge, d, "confirmed", [])
    serve_all(m, a, a_parties)
    objected(client, passwords, a)
    with transaction(runtime.engine) as session:  # the obligees' answers (the performance step records them)
        for obligation, state in zip(session.exec(select(Obligation).where(Obligation.application_id == a)
                                                  .order_by(Obligation.position)), ("performed", "performed", "not_performed")):
            obligation.state = state
            session.add(obligation)
    rate(client, a_sessions[0], 5, "调解员很耐心，讲清了法律后果")
    rate(client, a_sessions[1], 3, None)
    Staff(client, "mediator9", PASSWORD).filed(application_body(court_code=OTHER_COURT), confirmed=False)
    return {"a": a, "b": b, "c": c, "d": d, "a_sessions": a_sessions, "b_sessions": b_sessions, "a_parties": a_parties}


def rate(client, headers: dict[str, str], stars: object, comment: str | None, status: int = 200) -> Any:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/party/me/rating", headers=headers, json={"stars": stars, "comment": comment})
    assert r.status_code == status, r.text
    return r.json()


def period(**extra: object) -> dict[str, object]:
    return {"from": today().isoformat(), "to": today().isoformat(), **extra}


def by_name(groups: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {g["name"]: g["figures"] for g in groups}


def test_the_court_reads_every_mediator_s_figures_of_a_small_history(client, runtime, passwords):
    history(client, runtime, passwords)
    r = Staff(client, "clerk", passwords["clerk"]).get("/api/v1/reports/mediators", params=period())
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["audience"] == "court" and report["court"]["code"] == "渝0241"
    yang = by_name(report["by_mediator"])["杨调解"]
    assert (yang["cases"], yang["decided"], yang["confirmed"], yang["confirmation_rate"]) == (3, 2, 1, 0.5)
    assert yang["returns"] == {"count": 1, "applications": 1, "rate": 0.3333,
                               "reasons": [{"reason": REASON, "count": 1}]}
    assert (yang["objected"], yang["revoked"]) == (1, 0)
    assert yang["performance"]["rate"] == 0.6667 and yang["performance"]["answered"] == 3
    assert yang["days_to_submit"]["median"] == 2.0 and yang["days_to_submit"]["timely"] == 3
    assert yang["rating"] == {"count": 2, "average": 4.0,
                              "comments": [{"stars": 5, "comment": "调解员很耐心，讲清了法律后果"}]}
    # 30×0.5 + 15×0.6667 + 15×0 + 20×0.6667 + 10×1 + 10×0.75 = 15 + 10.0005 + 13.334 + 10 + 7.5 = 55.8345
    assert yang["score"] == 55.8 and yang["weights"]["confirmation_rate"] == 30
    tian = by_name(report["by_mediator"])["田调解"]
    assert tian["cases"] == 1 and tian["score"] == 100.0 and tian["rating"]["count"] == 0
    orgs = by_name(report["by_organization"])
    assert orgs[DEMO_ORG]["score"] == 55.8 and orgs[SECOND_ORG]["score"] == 100.0
    total = report["total"]
    assert total["cases"] == 4  # the other court's application is not counted
    # 30×0.6667 + 15×0.75 + 15×0.5 + 20×0.6667 + 10×1 + 10×0.75 = 20.001+11.25+7.5+13.334+10+7.5 = 69.585
    assert total["score"] == 69.6
    assert report["weights"] == {"weights": {"confirmation_rate": 30, "no_returns": 15, "no_objections": 15,
                                             "performance_rate": 20, "timeliness": 10, "rating": 10}, "timely_days": 7}


def test_a_mediator_reads_only_their_own_figures_and_no_party_s_name(client, runtime, passwords):
    h = history(client, runtime, passwords)
    report = Staff(client, "mediator", passwords["mediator"]).get("/api/v1/reports/mediators", params=period()).json()
    assert report["audience"] == "mediator" and report["by_organization"] == []
    assert [m["name"] for m in report["by_mediator"]] == ["杨调解"] and report["total"]["cases"] == 3
    text = str(report)
    for party in h["a_parties"]:  # anonymous: neither the rater's name nor the case it came from
        assert party["name"] not in text
    assert h["a"] not in text and "party_id" not in text
    other = Staff(client, "mediator2", PASSWORD).get("/api/v1/reports/mediators", params=period()).json()
    assert [m["name"] for m in other["by_mediator"]] == ["田调解"] and other["total"]["rating"]["count"] == 0


def test_an_organisation_s_head_reads_the_organisation_and_its_mediators_only(client, runtime, passwords):
    h = history(client, runtime, passwords)
    head = Staff(client, "head", PASSWORD)
    report = head.get("/api/v1/reports/mediators", params=period()).json()
    assert report["audience"] == "organization"
    assert [o["name"] for o in report["by_organization"]] == [DEMO_ORG]
    assert [m["name"] for m in report["by_mediator"]] == ["杨调解"] and report["total"]["score"] == 55.8
    orgs = Staff(client, "judge", passwords["judge"]).get("/api/v1/reports/mediators", params=period()).json()
    second = next(o["organization_id"] for o in orgs["by_organization"] if o["name"] == SECOND_ORG)
    r = head.get("/api/v1/reports/mediators", params=period(organization_id=second))
    assert r.status_code == 422 and r.json()["error"]["code"] == "report.unknown_organization"
    # the head reads figures, not case files
    assert head.get("/api/v1/applications").json()["items"] == []
    assert head.get(f"/api/v1/applications/{h['a']}").status_code == 404


def test_the_court_narrows_to_one_organisation_and_not_to_another_court_s(client, runtime, passwords):
    history(client, runtime, passwords)
    judge = Staff(client, "judge", passwords["judge"])
    orgs = judge.get("/api/v1/reports/mediators", params=period()).json()["by_organization"]
    second = next(o["organization_id"] for o in orgs if o["name"] == SECOND_ORG)
    narrowed = judge.get("/api/v1/reports/mediators", params=period(organization_id=second)).json()
    assert narrowed["total"]["cases"] == 1 and [m["name"] for m in narrowed["by_mediator"]] == ["田调解"]
    r = judge.get("/api/v1/reports/mediators", params=period(organization_id=max(o["organization_id"] for o in orgs) + 1))
    assert r.status_code == 422 and r.json()["error"]["code"] == "report.unknown_organization"
    assert r.json()["error"]["message"] == "本院辖区内没有该调解组织"


def test_the_administrator_is_refused_and_a_token_is_needed(client, passwords):
    r = Staff(client, "admin", passwords["admin"]).get("/api/v1/reports/mediators", params=period())
    assert r.status_code == 403 and r.json()["error"]["code"] == "auth.forbidden"
    assert client.get("/api/v1/reports/mediators", params=period()).status_code == 401


def test_bad_periods_are_refused_with_the_report_s_codes(client, passwords):
    judge = Staff(client, "judge", passwords["judge"])
    day = today()
    for start, end, code in ((day, day - timedelta(days=1), "report.period_reversed"),
                             (day, day + timedelta(days=1), "report.period_in_future"),
                             (day - timedelta(days=366), day, "report.period_too_long")):
        r = judge.get("/api/v1/reports/mediators", params={"from": start.isoformat(), "to": end.isoformat()})
        assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text


def test_a_party_rates_once_after_service_on_the_scale_and_refusals_change_nothing(client, runtime, passwords):
    h = history(client, runtime, passwords)
    count = lambda: len(runtime_ratings(runtime))  # noqa: E731
    before = count()
    assert before == 2
    # the rejected case was never served: too early
    refused = rate(client, h["b_sessions"][0], 4, "好", status=409)
    assert refused["error"]["code"] == "rating.not_served" and "送达" in refused["error"]["message"]
    # a second rating from a party who rated
    again = rate(client, h["a_sessions"][0], 1, "改主意了", status=409)
    assert again["error"]["code"] == "rating.already_given" and again["error"]["message"]
    for stars in (0, 6, -3):
        off = rate(client, h["a_sessions"][0], stars, None, status=422)
        assert off["error"]["code"] == "rating.stars_out_of_range"
    long = rate(client, h["a_sessions"][1], 5, "字" * 501, status=422)
    assert long["error"]["code"] == "rating.comment_too_long"
    assert count() == before
    me = client.get("/api/v1/party/me", headers=h["a_sessions"][0]).json()
    assert me["rating"]["state"] == "given" and me["rating"]["stars"] == 5
    assert client.get("/api/v1/party/me", headers=h["b_sessions"][0]).json()["rating"]["state"] == "not_yet"


def test_staff_tokens_cannot_rate(client, passwords):
    r = Staff(client, "mediator", passwords["mediator"]).post("/api/v1/party/me/rating", json={"stars": 5})
    assert r.status_code == 401


def test_the_database_keeps_one_rating_per_party_per_case(client, runtime, passwords):
    h = history(client, runtime, passwords)
    first = runtime_ratings(runtime)[0]
    with pytest.raises(Exception) as refused:
        with transaction(runtime.engine) as session:
            session.add(MediationRating(application_id=first.application_id, party_id=first.party_id, stars=1))
    assert "uq_mediation_ratings_party" in str(refused.value) or "UNIQUE" in str(refused.value).upper()
    assert len(runtime_ratings(runtime)) == 2 and h


def runtime_ratings(runtime) -> list[MediationRating]:  # type: ignore[no-untyped-def]
    with transaction(runtime.engine) as session:
        rows = list(session.exec(select(MediationRating).order_by(MediationRating.id)))
        session.expunge_all()
        return rows


def test_a_court_s_evaluation_yaml_sets_the_weights_shown_and_used(client, runtime, passwords):
    (runtime.settings.data_dir / "evaluation.yaml").write_text(
        "weights:\n  rating: 0\n  no_objections: 45\ntimely_days: 1\n", encoding="utf-8")
    history(client, runtime, passwords)  # the weights are read on first use, after the file is there
    report = Staff(client, "judge", passwords["judge"]).get("/api/v1/reports/mediators", params=period()).json()
    assert report["weights"] == {"weights": {"confirmation_rate": 30, "no_returns": 15, "no_objections": 45,
                                             "performance_rate": 20, "timeliness": 10, "rating": 0}, "timely_days": 1}
    yang = by_name(report["by_mediator"])["杨调解"]
    # 2 days to submit > 1: none timely; rating weighs 0, so 120 of the weights count:
    # (30×0.5 + 15×0.6667 + 45×0 + 20×0.6667 + 10×0) ÷ 120 × 100 = 38.3345 ÷ 120 × 100 = 31.945
    assert yang["days_to_submit"]["timely"] == 0 and yang["weights"]["rating"] == 0
    assert yang["score"] == 31.9
