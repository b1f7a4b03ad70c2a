"""The schema, first start and the command line, on the real database."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

import confirm.models  # noqa: F401
from confirm.bootstrap import initialize
from confirm.core.db import transaction
from confirm.models import Court, User


def test_models_and_migrations_agree(runtime):
    with runtime.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_first_start_is_idempotent_and_makes_demo_court_and_users(settings, runtime):
    _, again = initialize(settings, say=lambda _t: None)
    assert again.created_demo is False and again.credentials == ()
    with transaction(runtime.engine) as s:
        assert [c.code for c in s.exec(select(Court))] == ["渝0241"]
        assert sorted(u.role for u in s.exec(select(User))) == ["admin", "clerk", "judge", "judge", "mediator"]
        assert all(u.password_hash.startswith("$argon2") for u in s.exec(select(User)))


def test_key_files_are_private(runtime):
    keys = runtime.settings.data_dir / "keys"
    for path in keys.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def run_cli(settings, *args, stdin=""):  # type: ignore[no-untyped-def]
    env = {**os.environ, "JIUDI_DATA_DIR": str(settings.data_dir), "JIUDI_DATABASE_URL": settings.database_url}
    return subprocess.run([sys.executable, "-m", "confirm.cli", *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_cli_adds_court_org_and_user(settings, runtime):
    r = run_cli(settings, "court", "add", "--code", "渝0242", "--name", "酉阳土家族苗族自治县人民法院")
    assert r.returncode == 1 and "冠以省、自治区、直辖市的名称" in r.stderr  # the documents print the province too
    r = run_cli(settings, "court", "add", "--code", "渝0242", "--name", "重庆市酉阳土家族苗族自治县人民法院")
    assert r.returncode == 0, r.stderr
    r = run_cli(settings, "org", "add", "--court", "渝0242", "--name", "酉阳县钟多司法所人民调解委员会",
                "--kind", "judicial_office")
    assert r.returncode == 0, r.stderr
    r = run_cli(settings, "user", "add", "zhang", "--role", "mediator", "--court", "渝0242",
                "--org", "酉阳县钟多司法所人民调解委员会", "--name", "张调解", "--password-stdin",
                stdin="a-long-password\n")
    assert r.returncode == 0, r.stderr
    with transaction(runtime.engine) as s:
        user = s.exec(select(User).where(User.username == "zhang")).one()
        assert user.role == "mediator" and user.name == "张调解"
    dup = run_cli(settings, "court", "add", "--code", "渝0242", "--name", "重庆市酉阳土家族苗族自治县人民法院")
    assert dup.returncode == 1 and "court.exists" in dup.stderr
    weak = run_cli(settings, "user", "add", "li", "--role", "judge", "--court", "渝0242", "--password-stdin",
                   stdin="short\n")
    assert weak.returncode == 1 and "user.password_weak" in weak.stderr


def test_cli_sets_what_the_court_does_with_late_applications(settings, runtime):
    with transaction(runtime.engine) as s:
        assert s.exec(select(Court).where(Court.code == "渝0241")).one().late_applications == "flag"  # the default
    r = run_cli(settings, "court", "set", "--code", "渝0241", "--late-applications", "block")
    assert r.returncode == 0, r.stderr
    assert "late applications block" in r.stdout
    with transaction(runtime.engine) as s:
        assert s.exec(select(Court).where(Court.code == "渝0241")).one().late_applications == "block"


def test_cli_sets_whether_rulings_print_identity_numbers_in_full(settings, runtime):
    with transaction(runtime.engine) as s:
        assert s.exec(select(Court).where(Court.code == "渝0241")).one().print_full_id  # the default, as before
    r = run_cli(settings, "court", "set", "--code", "渝0241", "--print-full-id", "no")
    assert r.returncode == 0, r.stderr
    assert "print full ID numbers no" in r.stdout
    with transaction(runtime.engine) as s:
        assert not s.exec(select(Court).where(Court.code == "渝0241")).one().print_full_id


def test_cli_corrects_a_courts_name_and_the_next_ruling_prints_it_and_is_sealed_in_it(settings, runtime, client,
                                                                                    passwords):
    from tests.support import issued

    r = run_cli(settings, "court", "set", "--code", "渝0241", "--name", "秀山县人民法院")
    assert r.returncode == 1 and "court.name_format" in r.stderr
    r = run_cli(settings, "court", "set", "--code", "渝0241", "--name", "重庆市秀山县人民法院")
    assert r.returncode == 0 and "重庆市秀山县人民法院" in r.stdout, r.stderr
    m, app_id, _ = issued(client, passwords)
    pdf = m.get(f"/api/v1/applications/{app_id}/ruling.pdf").content
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    signer = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0].signer_cert.subject.native
    assert "重庆市秀山县人民法院" in str(signer)  # the seal reads as the documents do
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "重庆市秀山县人民法院" in "".join(text.split())


def test_migrations_upgrade_from_empty_and_from_every_earlier_revision(database_url):
    from confirm.core import migrate
    from confirm.core.db import make_engine

    engine = make_engine(database_url)
    try:
        revisions = migrate.revisions()
        assert revisions[0] == "0001"
        for revision in revisions:
            migrate.upgrade(engine, revision)
        for earlier in revisions[:-1]:
            migrate.downgrade(engine, earlier)
            migrate.upgrade(engine, "head")
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    finally:
        engine.dispose()
