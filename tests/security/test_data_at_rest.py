"""Issue 17 item 14: everything under the data directory is its owner's alone, and the access log keeps no token."""

from __future__ import annotations

import logging
import os
import stat

from confirm.web.security import RedactTokens, redact
from tests.support import issued


def test_every_file_under_the_data_directory_is_0600_and_every_directory_0700(client, passwords, settings):
    issued(client, passwords)  # the database, its WAL, the store (two levels of directories), keys, audit head
    loose = []
    for root, dirs, files in os.walk(settings.data_dir):
        for name in dirs + files:
            path = os.path.join(root, name)
            mode = stat.S_IMODE(os.lstat(path).st_mode)
            if mode & 0o077:
                loose.append(f"{oct(mode)} {os.path.relpath(path, settings.data_dir)}")
    if settings.database_url.startswith("sqlite"):  # (in the tests it lies beside the data directory)
        database = settings.database_url.split("///", 1)[1]
        for path in (database, f"{database}-wal", f"{database}-shm"):
            if os.path.exists(path) and stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                loose.append(f"{oct(stat.S_IMODE(os.stat(path).st_mode))} {path}")
    assert loose == []
    assert stat.S_IMODE(os.stat(settings.data_dir).st_mode) == 0o700


def test_a_data_directory_made_by_an_earlier_version_is_tightened_at_start(settings):
    from confirm.bootstrap import initialize

    settings.data_dir.chmod(0o755)
    (settings.data_dir / "store" / "ab").mkdir(parents=True, mode=0o755)
    (settings.data_dir / "store" / "ab").chmod(0o755)
    old = settings.data_dir / "jiudi.sqlite3"
    old.touch()
    old.chmod(0o644)
    runtime, _ = initialize(settings, say=lambda _t: None)
    runtime.engine.dispose()
    assert stat.S_IMODE(os.stat(settings.data_dir / "store" / "ab").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(old).st_mode) == 0o600


def test_the_access_log_keeps_no_verification_token_party_link_check_code_or_searched_person(client):
    access = logging.getLogger("uvicorn.access")
    assert any(isinstance(f, RedactTokens) for f in access.filters)  # installed by create_app
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("1.2.3.4:5", "GET", "/v/AbCdEf123_-x?x=1", "1.1", 200), None)
    for f in access.filters:
        f.filter(record)
    assert "AbCdEf123" not in record.getMessage() and "/v/…" in record.getMessage()
    for line, secret in (("/p/tok3n-Secret/ruling.pdf", "tok3n-Secret"), ("/api/v1/verify/SeCrEt", "SeCrEt"),
                         ("/api/v1/verify?check_code=ABCD-1234", "ABCD-1234"),
                         ("/v?check_code=WXYZ-9876&x=1", "WXYZ-9876"), ("/api/v1/party/PaRtY/code", "PaRtY"),
                         ("/j/cases?q=11010519491231002X&when=all", "11010519491231002X"),
                         ("/j/cases?when=all&q=%E5%BC%A0%E4%B8%89", "%E5%BC%A0%E4%B8%89")):  # a party's name
        assert secret not in redact(line), line
    assert redact("/api/v1/party/me/ruling.pdf") == "/api/v1/party/me/ruling.pdf"  # no secret there
    assert redact("/api/v1/applications/abc/documents/3") == "/api/v1/applications/abc/documents/3"


def test_successful_look_ups_leave_no_access_line_but_refused_ones_and_other_requests_do(client):
    """Issue 18: a look-up answered 200 costs no log line; a 404 (a guessed token), 429 or 401 is still logged."""
    access = logging.getLogger("uvicorn.access")

    def kept(path: str, status: int, method: str = "GET") -> bool:
        record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                                   ("1.2.3.4:5", method, path, "1.1", status), None)
        return access.filter(record) is not False

    assert not kept("/v/AbCdEf123_-x", 200) and not kept("/api/v1/verify/AbCdEf123_-x", 200)
    assert kept("/v/AbCdEf123_-x", 404) and kept("/api/v1/verify/AbCdEf123_-x", 429)
    assert kept("/api/v1/verify/x", 401)
    for path in ("/v", "/api/v1/verify?check_code=ABCD-1234", "/api/v1/applications", "/login"):
        assert kept(path, 200), path
    assert kept("/v/upload", 200, "POST") and kept("/api/v1/verify", 200, "POST")
