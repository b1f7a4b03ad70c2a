"""Every error code the code can raise is documented (confirm/error_codes.py, published in the OpenAPI schema)."""

import re
from pathlib import Path

from confirm.web.error_codes import ERROR_CODES, is_documented

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = (
    r'DomainError\(\s*"([a-z_.]+)"',
    r'DomainError\(\s*f"([a-z_.]+)\.\{',
    r'for_field\(\s*[^,]+,\s*"([a-z_.]+)"',
    r'FieldProblem\(\s*[^,]+,\s*"([a-z_.]+)"',
    r'FieldProblem\(\s*[^,]+,\s*f"([a-z_.]+)\.\{',
    r'return "((?:party|application|agreement|mediation)\.[a-z_]+)", "',
    r'(?:codes|_http)\W.*?\("([a-z_]+\.[a-z_]+)", "',
)


def codes_in_source() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "confirm").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            for code in re.findall(pattern, text):
                found.add(code if "." in code else code)
    return found


def test_every_raised_code_is_documented():
    found = codes_in_source()
    assert len(found) > 60  # the scan really finds the codes
    missing = sorted(c for c in found if not is_documented(c) and not is_documented(c + ".x"))
    assert missing == []


def test_documented_statuses_are_http_statuses():
    assert all(200 <= status < 600 for status, _text in ERROR_CODES.values())
