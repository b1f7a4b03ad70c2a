"""The process in which ``verify.isolated.BoundedChecker`` checks files: ``python -m verify.worker``.

It lowers its own scheduling priority, caps its address space, then answers requests on stdin/stdout until
stdin closes. A request is one JSON line ``{"size", "trust_roots": [base64 DER…], "max_revisions"}`` followed by
``size`` bytes of PDF; the answer is one JSON line, ``{"report": {…}}`` or ``{"error": "…"}``. JSON rather than
pickle: the parent never unpickles what came from a process that has just parsed a stranger's file.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import sys
from typing import Any, BinaryIO

NICENESS = 10  # the service's own threads come first


def report_to_json(report: Any) -> dict[str, Any]:
    """A ``VerificationReport`` as plain JSON values (the inverse of ``report_from_json``)."""
    return dataclasses.asdict(report)


def report_from_json(data: dict[str, Any]) -> Any:
    from verify.problems import Problem
    from verify.report import VerificationReport

    fields = {f.name for f in dataclasses.fields(VerificationReport)}
    values = {k: v for k, v in data.items() if k in fields}
    values["problems"] = tuple(Problem(code=p["code"], message=p["message"]) for p in values.get("problems", ()))
    return VerificationReport(**values)


def _limit_self(memory_bytes: int | None) -> None:
    try:
        os.nice(NICENESS)
    except OSError:
        pass
    if memory_bytes:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("request cut short")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    from asn1crypto import x509 as asn1_x509

    from verify.check import check_sealed_pdf

    while line := requests.readline():
        answer: dict[str, Any]
        try:
            request = json.loads(line)
            pdf = _read_exactly(requests, int(request["size"]))
            roots = [asn1_x509.Certificate.load(base64.b64decode(r)) for r in request["trust_roots"]]
            report = check_sealed_pdf(pdf, roots, max_revisions=int(request["max_revisions"]))
            answer = {"report": report_to_json(report)}
        except EOFError:
            return
        except BaseException as exc:  # noqa: BLE001 — MemoryError and the like: answer, never leave the parent hanging
            answer = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        answers.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
        answers.flush()


def main() -> None:
    # answers go to a private copy of stdout; anything a library prints goes to stderr, not into the protocol
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    memory = os.environ.get("JIUDI_VERIFY_WORKER_MEMORY")
    _limit_self(int(memory) if memory else None)
    import verify.check  # noqa: F401 — pyHanko imported before the first request, not during it

    answers.write(b"ready\n")
    answers.flush()
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
