"""Conformance suite: every case's PDF is made by code and must get its required verdict from Jiudi."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.cases import CASES, Case, World
from verify import check_sealed_pdf


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return World.create(tmp_path_factory.mktemp("conformance"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_gets_its_required_verdict(case: Case, world: World, tmp_path: Path) -> None:
    pdf = case.build(world)
    roots = [world.other.root_cert] if case.untrusted else [world.pki.root_cert]
    report = check_sealed_pdf(pdf, roots)
    assert report.genuine is case.expected.genuine, report.problem_codes
    if case.expected.code is not None:
        assert report.problem_codes[0] == case.expected.code, report.problem_codes
    assert report.indication == case.expected.indication
