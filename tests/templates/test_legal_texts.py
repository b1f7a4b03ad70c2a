"""The legal texts live in YAML: grounds per outcome, load-time checks, and wording changed without code."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from templates import load_texts, outcome_grounds, render_ruling, render_service_receipt, render_service_voucher
from templates.model import OUTCOMES
from templates.texts import TextsError

GROUNDS_358 = {
    "violates_mandatory_law": "违反法律强制性规定",
    "harms_public_or_others": "损害国家利益、社会公共利益、他人合法权益",
    "against_public_order": "违背公序良俗",
    "not_voluntary": "违反自愿原则",
    "unclear_content": "内容不明确",
    "other": "其他不能进行司法确认",
}
GROUNDS_355 = {
    "outside_court_remit",
    "outside_jurisdiction",
    "identity_relation",
    "other_special_procedure",
    "property_right_determination",
}


def test_rejection_takes_the_358_grounds_and_the_355_grounds_found_after_acceptance():
    grounds = outcome_grounds("rejected")
    assert {code: grounds[code] for code in GROUNDS_358} == GROUNDS_358
    assert set(grounds) == set(GROUNDS_358) | GROUNDS_355


def test_not_accepted_takes_only_the_355_grounds():
    assert set(outcome_grounds("not_accepted")) == GROUNDS_355


@pytest.mark.parametrize("outcome", ["confirmed", "withdrawal_permitted", "treated_as_withdrawn"])
def test_outcomes_without_grounds_accept_none(outcome: str):
    assert outcome_grounds(outcome) == {}


def test_every_ground_cites_an_item_and_only_other_needs_a_written_reason():
    texts = load_texts()
    assert {g.code for g in texts.grounds.values() if g.needs_reason} == {"other"}
    assert [texts.grounds[c].item for c in GROUNDS_358] == [
        "第一项",
        "第二项",
        "第三项",
        "第四项",
        "第五项",
        "第六项",
    ]


def test_unknown_outcome_is_refused():
    with pytest.raises(TextsError):
        outcome_grounds("granted")


@pytest.mark.parametrize("change", [{"outcomes": {"confirmed": "nowhere"}}, {"outcomes": {"granted": "immediate"}}])
def test_an_effect_rule_naming_an_unknown_sentence_or_outcome_is_refused(texts_copy, change):
    directory: Path = texts_copy()
    ruling = directory / "ruling.yaml"
    data = yaml.safe_load(ruling.read_text("utf-8"))
    data["effect"].update(change)
    ruling.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(TextsError):
        load_texts(directory)


def test_texts_are_loaded_once_per_directory():
    assert load_texts() is load_texts()
    assert set(load_texts().outcomes) == set(OUTCOMES)


def test_changed_wording_in_a_copied_texts_directory_changes_the_pdf_without_code_changes(
    confirmed, texts_copy, poppler
):
    directory: Path = texts_copy()
    ruling = directory / "ruling.yaml"
    data = yaml.safe_load(ruling.read_text("utf-8"))
    data["effect"]["sentences"]["served"] = "本裁定书送达后即发生法律效力（经法院校正的措辞）。"
    data["effect"]["outcomes"]["confirmed"] = "served"
    ruling.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")

    original = poppler.text(render_ruling(confirmed).pdf)
    changed = poppler.text(render_ruling(confirmed, texts=load_texts(directory)).pdf)
    assert "经法院校正的措辞" in changed.replace("\n", "")
    assert "经法院校正的措辞" not in original.replace("\n", "")
    assert "本裁定书自即日起发生法律效力" in original and "本裁定书自即日起发生法律效力" not in changed


def test_a_changed_ground_label_reaches_the_ruling(rejected, texts_copy, poppler):
    directory: Path = texts_copy()
    grounds = directory / "grounds.yaml"
    grounds.write_text(
        grounds.read_text("utf-8").replace("label: 内容不明确", "label: 权利义务内容约定不明确"), "utf-8"
    )
    text = poppler.text(render_ruling(rejected, texts=load_texts(directory)).pdf).replace("\n", "")
    assert "权利义务内容约定不明确" in text
    assert outcome_grounds("rejected", directory)["unclear_content"] == "权利义务内容约定不明确"


def test_changed_receipt_wording_reaches_the_receipt(receipt, texts_copy, poppler):
    directory: Path = texts_copy()
    path = directory / "receipt.yaml"
    path.write_text(path.read_text("utf-8").replace("in_person: 直接送达", "in_person: 当面送达"), "utf-8")
    text = poppler.text(render_service_receipt(receipt, texts=load_texts(directory)).pdf)
    assert "当面送达" in text and "直接送达" not in text


def test_changed_voucher_wording_reaches_the_voucher(voucher, texts_copy, poppler):
    directory: Path = texts_copy()
    path = directory / "voucher.yaml"
    path.write_text(path.read_text("utf-8").replace("channel: 送达方式", "channel: 送达渠道"), "utf-8")
    text = poppler.text(render_service_voucher(voucher, texts=load_texts(directory)).pdf)
    assert "送达渠道" in "".join(text.split())  # short labels are spread over their cell


def test_a_voucher_file_without_its_statement_fails_at_load_time(texts_copy):
    directory: Path = texts_copy()
    path = directory / "voucher.yaml"
    path.write_text(path.read_text("utf-8").replace("\nstatement:", "\nstatement_old:"), "utf-8")
    with pytest.raises(TextsError, match="statement"):
        load_texts(directory)


def test_a_template_with_an_unknown_placeholder_fails_at_load_time(texts_copy):
    directory: Path = texts_copy()
    ruling = directory / "ruling.yaml"
    ruling.write_text(
        ruling.read_text("utf-8").replace("因{dispute_type}，于", "因{case_type}，于", 1), "utf-8"
    )
    with pytest.raises(TextsError, match="case_type"):
        load_texts(directory)


def test_a_ground_code_listed_twice_fails_at_load_time(texts_copy):
    directory: Path = texts_copy()
    grounds = directory / "grounds.yaml"
    grounds.write_text(
        grounds.read_text("utf-8") + "\nextra:\n  other:\n    label: 重复\n    item: 第一项\n", "utf-8"
    )
    with pytest.raises(TextsError, match="other"):
        load_texts(directory)


def test_a_missing_file_is_reported(tmp_path: Path):
    with pytest.raises(TextsError, match="missing"):
        load_texts(tmp_path)


def test_texts_are_not_in_the_code():
    """The citations and operative wording come from the YAML files, not from Python source."""
    source = "".join(p.read_text("utf-8") for p in Path(load_texts().directory).parent.glob("*.py"))
    for phrase in ("第二百零六条", "第三百五十八条", "裁定如下", "驳回", "调解协议有效", "第九十条", "第三十一条"):
        assert phrase not in source, phrase
    assert dataclasses.is_dataclass(load_texts())
