"""Issue 17 item 16: ``jiudi verify FILE --trust-root CERT`` on a machine with a data directory.

api.md: the command checks that "the signature is intact, covers the whole file … and chains to a trusted root
(the configured court roots, or those given)". With roots given, the seal decides; this court's registry, which
need not know a file sealed elsewhere, is reported beside the verdict and does not overturn it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from confirm.cli import main
from keys import ensure_court_seal, ensure_dev_pki
from signing import DevTimestampAuthority, Pkcs12Sealer, SealRequest
from tests.pki_fixtures import make_pdf, make_seal_appearance
from tests.support import Staff, issued, objected


@pytest.fixture
def on_this_machine(settings, runtime, monkeypatch):  # type: ignore[no-untyped-def]
    """The command runs where the service's data directory and database are (the court's own machine)."""
    monkeypatch.setenv("JIUDI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("JIUDI_DATABASE_URL", settings.database_url)
    return settings


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["verify", *args])
    return code, capsys.readouterr().out


def _sealed_elsewhere(tmp_path: Path) -> tuple[Path, Path]:
    """A PDF sealed under a root of its own (another court's, made here), and that root's certificate."""
    pki = ensure_dev_pki(tmp_path / "another-court")
    seal = ensure_court_seal(pki, "渝0242", "重庆市酉阳土家族苗族自治县人民法院")
    tsa = DevTimestampAuthority(pki.tsa_cert, pki.tsa_key, pki.tsa_chain)
    request = SealRequest(field_name="CourtSeal", page_index=0, box=(400.0, 100.0, 519.0, 219.0),
                          appearance_pdf=make_seal_appearance(), reason="依法作出民事裁定", location="酉阳")
    pdf = tmp_path / "elsewhere.pdf"
    pdf.write_bytes(Pkcs12Sealer(seal.p12_path, seal.passphrase, tsa).seal(make_pdf(), request))
    return pdf, pki.paths.root_cert


def test_a_pdf_sealed_under_the_given_root_is_genuine_though_this_registry_does_not_know_it(
    on_this_machine, tmp_path, capsys
):  # type: ignore[no-untyped-def]
    pdf, root = _sealed_elsewhere(tmp_path)

    code, out = _verify(capsys, str(pdf), "--trust-root", str(root), "--json")
    report = json.loads(out)
    assert code == 0, out
    assert report["genuine"] is True and report["problems"] == [] and report["verdict_from"] == "signature"
    assert report["report"]["trusted"] and report["court"] == "重庆市酉阳土家族苗族自治县人民法院"
    assert report["registry"] is None  # reported beside the verdict: this registry has no record of it
    assert [p["code"] for p in report["registry_problems"]] == ["verify.unregistered"]

    code, out = _verify(capsys, str(pdf), "--trust-root", str(root))
    assert code == 0 and "真实有效" in out and "verify.unregistered" in out and "✖" not in out, out

    # without the root, against this court's configured roots, it is not genuine: untrusted and unregistered
    code, out = _verify(capsys, str(pdf), "--json")
    assert code == 1
    assert {p["code"] for p in json.loads(out)["problems"]} >= {"verify.untrusted", "verify.unregistered"}


def test_with_the_given_root_a_changed_or_foreign_file_is_still_not_genuine(on_this_machine, tmp_path, capsys):  # type: ignore[no-untyped-def]
    pdf, root = _sealed_elsewhere(tmp_path)
    content = pdf.read_bytes()
    at = content.index(b"Hello ruling")
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(content[:at] + b"J" + content[at + 1:])
    code, out = _verify(capsys, str(changed), "--trust-root", str(root), "--json")
    assert code == 1 and [p["code"] for p in json.loads(out)["problems"]] == ["verify.modified"]

    other_root = ensure_dev_pki(tmp_path / "a-third-root").paths.root_cert
    code, out = _verify(capsys, str(pdf), "--trust-root", str(other_root), "--json")
    assert code == 1 and json.loads(out)["problems"][0]["code"] == "verify.untrusted"  # its TSA is untrusted too


def test_with_the_court_s_own_root_given_the_registry_s_revocation_is_reported_beside_the_verdict(
    on_this_machine, client, passwords, tmp_path, capsys
):  # type: ignore[no-untyped-def]
    m, app_id, _app = issued(client, passwords)
    pdf = tmp_path / "ruling.pdf"
    pdf.write_bytes(m.get(f"/api/v1/applications/{app_id}/ruling.pdf").content)
    root = ensure_dev_pki(on_this_machine.data_dir).paths.root_cert
    judge = Staff(client, "judge", passwords["judge"])
    objected(client, passwords, app_id)  # revocation goes through an objection (Interp. 372)
    assert judge.post(f"/api/v1/applications/{app_id}/ruling/revoke", json={"reason": "经异议审查，撤销原裁定"}).status_code == 200

    code, out = _verify(capsys, str(pdf), "--trust-root", str(root), "--json")
    report = json.loads(out)
    assert code == 0 and report["genuine"] is True and report["problems"] == []  # the seal is what was asked
    assert report["registry"]["status"] == "revoked"
    assert [p["code"] for p in report["registry_problems"]] == ["verify.revoked"]

    # the service's own answer (no root given) stays the registry's: a revoked ruling is not genuine
    code, out = _verify(capsys, str(pdf), "--json")
    assert code == 1 and "verify.revoked" in [p["code"] for p in json.loads(out)["problems"]]
