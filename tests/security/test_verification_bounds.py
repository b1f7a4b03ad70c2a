"""Issue 17 item 1: checking an uploaded PDF is bounded in size, revisions, time and concurrency.

pyHanko's modification analysis grows with the square of the number of incremental updates: a sealed ruling with
1,000 empty updates costs seconds of CPU, 3,000 a minute and a half. Public uploads are therefore checked in a
worker process, never in the service's own; more revisions than a ruling has are refused before that analysis,
a check that runs out of time is killed, and with every check slot taken the caller is told when to come back.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from confirm.verification import service as verification
from tests.support import Staff, issued
from verify import check_sealed_pdf
from verify.bounds import MAX_REVISIONS, count_revisions
from verify.isolated import BoundedChecker

QUICKLY = 2.0  # seconds; without the bounds the thousand-update file below takes 6-9 s of CPU


def with_empty_updates(pdf: bytes, count: int, *, markers: bool = True) -> bytes:
    """``pdf`` followed by ``count`` incremental updates that change nothing (a cross-reference section with only
    the free-list head and a trailer with ``/Prev``). Without ``markers`` the sections are chained by ``/Prev``
    only, with one ``startxref``/``%%EOF`` at the very end."""
    reader = PdfFileReader(BytesIO(pdf))
    root = reader.trailer.raw_get("/Root")
    first_id, last_id = reader.document_id
    prev = reader.xrefs.get_startxref_for_revision(reader.xrefs.total_revisions - 1)
    trailer = b"/Size %d /Root %d %d R /ID [<%s> <%s>]" % (
        int(reader.trailer["/Size"]), root.idnum, root.generation, first_id.hex().encode(), last_id.hex().encode())
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    for _ in range(count):
        at = len(out)
        out += b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< %s /Prev %d >>\n" % (trailer, prev)
        if markers:
            out += b"startxref\n%d\n%%%%EOF\n" % at
        prev = at
    if not markers:
        out += b"startxref\n%d\n%%%%EOF\n" % prev
    return bytes(out)


@pytest.fixture
def ruling(client, passwords) -> bytes:  # type: ignore[no-untyped-def]
    """A real ruling, sealed by the service and in its registry."""
    m, app_id, _app = issued(client, passwords)
    r = m.get(f"/api/v1/applications/{app_id}/ruling.pdf")
    assert r.status_code == 200
    return r.content


@contextmanager
def installed(checker: BoundedChecker) -> Iterator[BoundedChecker]:
    """``checker`` checks the service's uploads for the duration (its limits set by the test)."""
    previous = verification.use_upload_checker(checker)
    try:
        yield checker
    finally:
        verification.use_upload_checker(previous)
        checker.close()


@pytest.fixture
def checker() -> Iterator[BoundedChecker]:
    """A fresh checker with the service's default limits."""
    with installed(BoundedChecker()) as fresh:
        yield fresh


def _post(client, pdf: bytes):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/verify", files={"file": ("r.pdf", pdf, "application/pdf")})


def _timed_post(client, pdf: bytes):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    r = _post(client, pdf)
    return r, time.monotonic() - started


def _wait_until_running(checker: BoundedChecker) -> None:
    deadline = time.monotonic() + 10
    while checker.in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checker.in_flight == 1


def _dead(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_ruling_with_a_thousand_empty_updates_is_refused_at_once_and_a_normal_one_still_verifies(
    client, ruling, checker
):  # type: ignore[no-untyped-def]
    genuine = _post(client, ruling)
    assert genuine.status_code == 200, genuine.text
    body = genuine.json()
    assert body["genuine"] is True and body["problems"] == [] and body["case_number"], body  # api.md's shape
    assert set(body) >= {"genuine", "case_number", "court", "signed_at", "timestamp_at", "signer", "problems"}

    attack = with_empty_updates(ruling, 1000)
    r, took = _timed_post(client, attack)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "verify.too_complex" and "过于复杂" in error["message"]
    assert took < QUICKLY, f"refusing took {took:.2f} s"

    page = client.post("/v/upload", files={"file": ("r.pdf", attack, "application/pdf")})
    assert page.status_code == 422 and "文件结构过于复杂" in page.text
    assert _post(client, ruling).json()["genuine"] is True  # and the service still answers normal files


def test_too_many_revisions_are_refused_before_any_worker_starts(client, ruling, checker):  # type: ignore[no-untyped-def]
    for attack in (with_empty_updates(ruling, MAX_REVISIONS), with_empty_updates(ruling, 1000, markers=False)):
        r = _post(client, attack)
        assert r.status_code == 422 and r.json()["error"]["code"] == "verify.too_complex", r.text
    assert list(checker.started_pids) == []  # counted in the web process, without parsing the file
    has = PdfFileReader(BytesIO(ruling)).xrefs.total_revisions  # 4 for B-LTA: document, seal, DSS, timestamp
    within = with_empty_updates(ruling, MAX_REVISIONS - has)  # exactly at the bound: still checked
    assert count_revisions(within) == MAX_REVISIONS
    r = _post(client, within)
    assert r.status_code == 200 and r.json()["genuine"] is False  # checked (empty updates are no LTV data)
    assert len(checker.started_pids) == 1


def test_revisions_chained_without_end_markers_are_counted_too(ruling):  # type: ignore[no-untyped-def]
    hidden = with_empty_updates(ruling, 1000, markers=False)
    assert hidden.count(b"%%EOF") == ruling.count(b"%%EOF") + 1  # one marker for a thousand sections
    assert count_revisions(hidden) > MAX_REVISIONS
    assert count_revisions(ruling) == PdfFileReader(BytesIO(ruling)).xrefs.total_revisions


def test_the_check_itself_refuses_too_many_revisions_before_its_modification_analysis(ruling, runtime):  # type: ignore[no-untyped-def]
    roots = runtime.seals.trust_roots()
    attack = with_empty_updates(ruling, 1000, markers=False)
    started = time.monotonic()
    report = check_sealed_pdf(attack, roots)
    took = time.monotonic() - started
    assert report.problem_codes == ["verify.too_complex"]
    assert report.revisions == 1000 + PdfFileReader(BytesIO(ruling)).xrefs.total_revisions
    assert (report.indication, report.sub_indication) == ("INDETERMINATE", "FORMAT_FAILURE")
    assert took < QUICKLY, f"the check took {took:.2f} s"
    assert check_sealed_pdf(ruling, roots).genuine


def test_a_check_over_the_time_limit_is_killed_and_reported(client, ruling):  # type: ignore[no-untyped-def]
    # the revision bound lifted, so that only the time limit stands between the file and the CPU
    with installed(BoundedChecker(timeout=1.0, max_revisions=100_000, concurrency=1)) as checker:
        attack = with_empty_updates(ruling, 1000)
        r, took = _timed_post(client, attack)
        assert r.status_code == 422 and r.json()["error"]["code"] == "verify.too_complex", r.text
        assert took < 1.0 + QUICKLY, f"the check ran {took:.2f} s past its limit of 1 s"
        killed = checker.started_pids[-1]
        assert _dead(killed), "the worker still runs after its check was refused"
        after = _post(client, ruling)  # a new worker takes its place
        assert after.status_code == 200 and after.json()["genuine"] is True
        assert checker.started_pids[-1] != killed


def test_at_most_n_checks_run_at_once_and_one_more_is_told_when_to_retry(client, ruling):  # type: ignore[no-untyped-def]
    with installed(BoundedChecker(timeout=3.0, max_revisions=100_000, concurrency=1)) as checker:
        assert _post(client, ruling).json()["genuine"] is True  # the worker is up
        slow = with_empty_updates(ruling, 1000)  # holds the only slot until it is killed after 3 s
        answers: list[int] = []
        holder = threading.Thread(target=lambda: answers.append(_post(client, slow).status_code))
        holder.start()
        try:
            _wait_until_running(checker)
            r, took = _timed_post(client, ruling)
            page = client.post("/v/upload", files={"file": ("r.pdf", ruling, "application/pdf")})
        finally:
            holder.join(timeout=30)  # never leave a request in flight behind the test client
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "verify.busy" and "繁忙" in r.json()["error"]["message"]
        assert r.headers.get("Retry-After") == "3" and took < 1.0  # answered, not queued
        assert page.status_code == 503 and page.headers.get("Retry-After") == "3" and "核验服务繁忙" in page.text
        assert answers == [422]
        assert _post(client, ruling).json()["genuine"] is True  # the slot is free again


def test_an_upload_over_20_mb_is_refused_before_it_is_checked(client, checker):  # type: ignore[no-untyped-def]
    r = _post(client, b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024))
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] in ("verify.too_large", "request.too_large")
    assert list(checker.started_pids) == []


def test_staff_requests_are_answered_while_checks_run(client, passwords, ruling):  # type: ignore[no-untyped-def]
    """The check runs in another process: the service keeps answering staff while a slow check runs."""
    judge = Staff(client, "judge", passwords["judge"])
    with installed(BoundedChecker(timeout=3.0, max_revisions=100_000, concurrency=1)) as checker:
        assert _post(client, ruling).status_code == 200  # the worker is up
        holder = threading.Thread(target=_post, args=(client, with_empty_updates(ruling, 1000)))
        holder.start()
        try:
            _wait_until_running(checker)
            started = time.monotonic()
            me = judge.get("/api/v1/me")
            took = time.monotonic() - started
            still_checking = checker.in_flight == 1
        finally:
            holder.join(timeout=30)  # never leave a request in flight behind the test client
        assert me.status_code == 200 and took < 1.0, f"/api/v1/me took {took:.2f} s"
        assert still_checking
