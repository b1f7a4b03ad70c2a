"""Key material for Jiudi: the development PKI (root CA, timestamp authority) and court seal certificates.

This package creates and loads keys and certificates; it knows nothing of PDFs or rulings. Nothing it writes is
ever committed: key files live under the data directory and ``.gitignore`` excludes ``*.pem`` and ``*.p12``.
"""

from .court_seal import (
    CourtSeal,
    court_code_from_dir_name,
    court_dir_name,
    ensure_court_seal,
    retired_court_seals,
    rotate_court_seal,
)
from .dev_pki import CRL_PATH, DEFAULT_BASE_URL, OCSP_PATH, DevPki, DevPkiPaths, ensure_dev_pki, load_trust_roots
from .errors import KeyMaterialError
from .revocation import RevocationAuthority, RevocationData

__all__ = [
    "CRL_PATH",
    "DEFAULT_BASE_URL",
    "OCSP_PATH",
    "RevocationAuthority",
    "RevocationData",
    "CourtSeal",
    "DevPki",
    "DevPkiPaths",
    "KeyMaterialError",
    "court_code_from_dir_name",
    "court_dir_name",
    "ensure_court_seal",
    "ensure_dev_pki",
    "load_trust_roots",
    "retired_court_seals",
    "rotate_court_seal",
]
