"""``jiudi verify FILE.pdf``: the same report as ``POST /api/v1/verify``, computed on this machine without the
network: the seal against the configured court roots (or those given), and the registry from the local database.

With ``--trust-root`` the verifier chose what to trust, so the seal alone decides (api.md: the signature is intact,
covers the whole file and chains to a trusted root — "those given"); the registry's answer, if this machine has
one, is reported beside the verdict (``registry``, ``registry_problems``), never turned into "not genuine". With
the configured court roots the answer is the service's own: genuine only if this court's registry knows the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography import x509
from sqlalchemy.exc import SQLAlchemyError

from confirm.core.clock import iso_text
from confirm.core.config import Settings
from confirm.core.runtime import Runtime
from confirm.verification.service import with_registry
from keys import load_trust_roots
from verify import check_sealed_pdf

EXIT_GENUINE, EXIT_NOT_GENUINE, EXIT_UNUSABLE = 0, 1, 2
UNUSABLE = ("verify.not_pdf", "verify.too_complex")  # no verdict at all: the input cannot be checked


def _load_roots(settings: Settings, paths: list[Path]) -> list[x509.Certificate]:
    if not paths:
        return load_trust_roots(settings.data_dir)
    roots = []
    for path in paths:
        data = path.read_bytes()
        roots.append(x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data))
    return roots


def verify_file(settings: Settings, path: Path, trust_root_paths: list[Path]) -> tuple[dict[str, Any], int]:
    """The report and the exit code: 0 genuine, 1 not genuine, 2 unusable input."""
    try:
        pdf = path.read_bytes()
    except OSError as exc:
        return {"genuine": False, "problems": [{"code": "verify.unreadable", "message": f"无法读取文件：{exc.strerror}"}]}, 2
    try:
        roots = _load_roots(settings, trust_root_paths)
    except (OSError, ValueError) as exc:
        return {"genuine": False, "problems": [{"code": "verify.bad_trust_root",
                                                "message": f"无法读取信任根证书：{exc}"}]}, EXIT_UNUSABLE
    crypto = check_sealed_pdf(pdf, roots)
    try:
        report = with_registry(Runtime(settings), crypto, signature_decides=bool(trust_root_paths))
    except SQLAlchemyError:
        # No local registry (a verifier outside the court): the seal alone decides, and the report says so.
        report = {"genuine": crypto.genuine, "case_number": None, "court": crypto.signer_organization,
                  "signed_at": iso_text(crypto.signed_at), "timestamp_at": iso_text(crypto.timestamp_at), "signer": crypto.signer,
                  "problems": [{"code": p.code, "message": p.message} for p in crypto.problems],
                  "report": crypto.to_dict(), "registry": "not_checked"}
    if any(p["code"] in UNUSABLE for p in report["problems"]):
        return report, EXIT_UNUSABLE
    return report, EXIT_GENUINE if report["genuine"] else EXIT_NOT_GENUINE
