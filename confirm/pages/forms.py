"""Reading the staff pages' HTML forms into the API's input models, so a page and the API validate alike."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from starlette.datastructures import FormData

from confirm.core.clock import CHINA, china_today, chinese_datetime_text
from confirm.law.errors import DomainError
from confirm.law.obligations import recognise
from confirm.law.review import DecisionIn, Outcome, grounds_for
from confirm.law.serving import ServiceMethod
from confirm.models import User
from confirm.serving.schemas import ServiceIn
from confirm.web.html import OTHER_DISPUTE_TYPE


def blank_application(user: User, court_code: str) -> dict[str, Any]:
    """A new application form: two persons, the mediator's name, concluded today (each shown for correction)."""
    return {"court_code": court_code, "dispute_type": "", "parties": [{"kind": "person"}, {"kind": "person"}],
            "mediation": {"concluded_on": china_today().isoformat(), "place": "", "mediator_name": user.name},
            "agreement": {"text": "", "amount": ""}, "obligations": []}


def nested_application(form: FormData) -> dict[str, Any]:
    """``parties[0].name`` → {"parties": [{"name": …}]}; empty optional values become None."""
    out: dict[str, Any] = {"parties": [], "obligations": []}
    for key, value in form.multi_items():
        if key in ("csrf", "idempotency_key", "action") or not isinstance(value, str):
            continue
        m = re.fullmatch(r"(parties|obligations)\[(\d+)\]\.(\w+)", key)
        if m:
            rows, index = out[m.group(1)], int(m.group(2))
            while len(rows) <= index:
                rows.append({})
            rows[index][m.group(3)] = value.strip() or None
        elif "." in key:
            group, field = key.split(".", 1)
            out.setdefault(group, {})[field] = value.strip() or None
        else:
            out[key] = value.strip()
    out["parties"] = [p for p in out["parties"] if p]
    for p in out["parties"]:
        p.setdefault("kind", "person")
        _gather_agent_and_guardian(p)
        person = ("id_number", "ethnicity", "occupation", "id_type", "sex", "birth_date", "nationality",
                  "without_capacity", "guardian")
        organisation = ("credit_code", "representative", "representative_role", "representative_title")
        keep = ("name", "phone", "email", "address", "agent") + (person if p["kind"] == "person" else organisation)
        for k in list(p):
            if k != "kind" and k not in keep:
                p.pop(k)
        for k in ("id_type", "representative_role", "without_capacity"):  # left empty: the model's default
            if p.get(k) is None:
                p.pop(k, None)
        p["name"] = p.get("name") or ""
    out["obligations"] = [_obligation_row(o) for o in out["obligations"] if o]
    other = out.pop("dispute_type_other", "")
    if out.get("dispute_type") == OTHER_DISPUTE_TYPE:  # the pick-list's 其他: the words typed beside it
        out["dispute_type"] = other
    return out


def _obligation_row(o: dict[str, Any]) -> dict[str, Any]:
    """One row of the form's 履行义务 as the API's obligation: the parties by their place in the form; a sum as typed
    less its thousands separators and 元 (the text's own 12,000元 is compared by value)."""
    row: dict[str, Any] = {"kind": o.get("kind") or "money"}
    for role in ("obligor", "obligee"):
        value = o.get(role)
        if value is not None:
            row[role] = int(value) if value.lstrip("-").isdigit() else value
    amount = (o.get("amount") or "").replace(",", "").replace("，", "").removesuffix("元").strip()
    row["amount"] = amount or None
    row["description"] = o.get("description")
    row["due_on"] = o.get("due_on")
    return row


def filed_obligations(body: dict[str, Any]) -> dict[str, Any]:
    """The body as filed: rows left blank (no sum, no words, no day) are not obligations."""
    rows = [o for o in body.get("obligations", []) if o.get("amount") or o.get("description") or o.get("due_on")]
    return {**body, "obligations": rows}


def form_step(body: dict[str, Any], action: str) -> str | None:
    """The form's own steps, which store nothing (they work without JavaScript): one more party, one more
    obligation, one obligation removed, or the obligations read from the agreement's text (识别), which replace those
    shown. Returns a note for the obligations' section ("" for none), or None when the form is to be filed."""
    if action == "add_party":
        body["parties"].append({"kind": "person", "name": ""})
        return ""
    if action == "add_obligation":
        body["obligations"].append({"kind": "money"})
        return ""
    if action.startswith("remove_obligation:") and action.removeprefix("remove_obligation:").isdigit():
        index = int(action.removeprefix("remove_obligation:"))
        if index < len(body["obligations"]):
            del body["obligations"][index]
        return ""
    if action == "recognise_obligations":
        text = (body.get("agreement") or {}).get("text") or ""
        try:
            on = date.fromisoformat((body.get("mediation") or {}).get("concluded_on") or "")
        except ValueError:
            on = china_today()
        drafts = recognise(text, [p.get("name") or "" for p in body["parties"]], agreement_date=on)
        body["obligations"] = [{"obligor": d.obligor, "obligee": d.obligee, "kind": d.kind,
                                "amount": None if d.amount is None else f"{d.amount:.2f}",
                                "description": d.description, "due_on": d.due_on.isoformat() if d.due_on else None}
                               for d in drafts]
        if not drafts:
            return "未能从协议内容中识别出履行义务，可点击“添加一项”手动填写；没有具体履行义务的协议也可以提交。"
        return (f"已从协议内容中识别出{len(drafts)}项履行义务，请逐项核对履行人、权利人、金额和期限，"
                "更正或补充后再保存。协议内容仍以填写的文字为准。")
    return None


def _gather_agent_and_guardian(p: dict[str, Any]) -> None:
    """The form's flat agent_* and guardian_* fields as the API's nested 委托诉讼代理人 and 法定代理人. An agent filed
    by an older client (hidden JSON, no category) is kept as filed and updated by what the form shows."""
    filed: dict[str, Any] | None = None
    if isinstance(p.get("agent"), str):
        try:
            filed = json.loads(p["agent"])
        except ValueError:
            filed = None
    agent = {k: p.pop(f"agent_{k}", None) for k in ("name", "kind", "unit", "relation")}
    if agent["name"]:
        p["agent"] = {**(filed or {}), **{k: v for k, v in agent.items() if v is not None}}
    else:
        p["agent"] = None  # the name cleared: no agent
    guardian = {k: p.pop(f"guardian_{k}", None) for k in ("name", "relation")}
    if guardian["name"] or guardian["relation"]:
        p["guardian"] = {k: v or "" for k, v in guardian.items()}


def china_local_time(text: str, field: str, name: str) -> datetime | None:
    """A datetime-local input (no zone) read as China's time; None when left empty."""
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=CHINA)
    except ValueError:
        raise DomainError.for_field(field, "page.time_format", f"{name}格式不对，请重新选择") from None


def decision_from_form(form: FormData) -> DecisionIn:
    """The review page's decision form as the API's decision body."""
    outcome = str(form.get("outcome", ""))
    verification = None
    if form.get("verification_method") and form.get("verification_at"):
        at = china_local_time(str(form.get("verification_at")), "verification.at", "核实时间")
        verification = {"method": str(form.get("verification_method")), "at": at}
    waivers = [{"party_id": int(key.removeprefix("waiver_")), "reason": str(value).strip()}
               for key, value in form.multi_items()
               if key.startswith("waiver_") and key.removeprefix("waiver_").isdigit() and str(value).strip()]
    withdrawal = None
    withdrawers = [int(str(v)) for v in form.getlist("withdrawal_party") if str(v).isdigit()]
    if outcome == Outcome.WITHDRAWAL_PERMITTED and (withdrawers or form.get("withdrawal_on")):
        if not withdrawers or not form.get("withdrawal_on"):
            raise DomainError.for_field("withdrawal", "decision.withdrawal_required",
                                        "准许撤回申请须勾选申请撤回的申请人并填写申请撤回的日期")
        withdrawal = {"party_ids": withdrawers, "on": str(form.get("withdrawal_on"))}
    return DecisionIn.model_validate({
        "outcome": outcome, "grounds": [str(g) for g in form.getlist(f"grounds_{outcome}")],
        "reasoning": str(form.get("reasoning", "")), "verification": verification, "waivers": waivers,
        "withdrawal": withdrawal, "risk_reason": str(form.get("risk_reason", ""))})


def service_from_form(form: FormData) -> ServiceIn:
    """The mediator's service form (a checkbox, method and details per party) as the API's service body."""
    recipients = []
    for key in form:
        m = re.fullmatch(r"serve_(\d+)", key)
        if m and form.get(key):
            pid = int(m.group(1))
            method = str(form.get(f"method_{pid}", ServiceMethod.IN_PERSON))
            if method == ServiceMethod.ELECTRONIC:  # the signature pad and the address are both on the form
                recipients.append({"party_id": pid, "method": method,
                                   "electronic_address": str(form.get(f"address_{pid}", "")) or None,
                                   "channel": str(form.get(f"channel_{pid}", "")) or None,
                                   "consent_basis": str(form.get(f"consent_{pid}", "")) or None,
                                   "sent_at": china_local_time(str(form.get(f"sent_{pid}", "")),
                                                               f"recipients.sent_{pid}", "发送时间")})
            elif method == ServiceMethod.LEFT_AT_RESIDENCE:  # 留置送达: no signature, a refusal and its proof
                recipients.append({"party_id": pid, "method": method,
                                   **{key: str(form.get(f"{name}_{pid}", "")).strip() or None for key, name in (
                                       ("refusal_circumstances", "refusal"), ("witness_name", "witness_name"),
                                       ("witness_unit", "witness_unit"), ("photo", "photo"))}})
            else:
                recipients.append({"party_id": pid, "method": method,
                                   "signature_png": str(form.get(f"signature_{pid}", "")) or None,
                                   "receiver_name": str(form.get(f"receiver_name_{pid}", "")).strip() or None,
                                   "receiver_relation": str(form.get(f"receiver_relation_{pid}", "")).strip() or None})
    if not recipients:
        raise DomainError.for_field("recipients", "page.recipient_required", "请至少选择一名受送达人")
    when = china_local_time(str(form.get("served_at", "")), "served_at", "送达时间")
    if when is None:
        raise DomainError.for_field("served_at", "page.time_format", "请填写送达时间")
    return ServiceIn.model_validate({"served_at": when, "place": str(form.get("place", "")),
                                     "remarks": str(form.get("remarks", "")).strip() or None,
                                     "recipients": recipients})


def decision_summary(decision: DecisionIn, *, case_number: str, clerk: str, names: dict[int, str],
                     accepts: bool = False) -> dict[str, Any]:
    """The last look before sealing, in the judge's words: only what the form says, never a default (and, when the
    case was not yet accepted, that this decision accepts it)."""
    verification = decision.verification
    how = {"video": "视频核实", "in_person": "当面核实"}
    checked = (f"经{how[verification.method]}（{chinese_datetime_text(verification.at)}）" if verification
               else "未记录共同核实")
    lines = [f"理由：{'、'.join(grounds_for(decision.outcome)[g] for g in decision.grounds)}"] if decision.grounds else []
    lines += [f"{names.get(w.party_id, w.party_id)}未能本人确认：{w.reason}" for w in decision.waivers]
    if decision.reasoning:
        lines.append(f"理由说明：{decision.reasoning}")
    if decision.risk_reason:
        lines.append(f"对风险提示的核实情况（不写入裁定书）：{decision.risk_reason}")
    lines.append(f"书记员：{clerk}")
    if accepts:
        lines.append("本案尚未受理：作出本裁定即同时受理（当场受理，裁定书记载的立案日期为今日）")
    return {"sentence": f"将{checked}、以“{Outcome(decision.outcome).name_zh}”出具{case_number}民事裁定书，"
                        "盖章后不可撤回。", "lines": lines}
