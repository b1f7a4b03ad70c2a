"""Verification tokens and check codes for the QR code (api.md "Public verification", domain.md §8).

A token is derived from a random nonce with a server secret (HMAC-SHA-256), so the database keeps only the
nonce and the token's hash: a copy of the database alone cannot produce working verification links, yet the
service can show a ruling's verify URL again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from pathlib import Path

from keys.files import ensure_private_dir, exclusive_lock, write_private_file

CHECK_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: typed by hand from paper
CHECK_LENGTH = 10


def load_or_create_secret(path: Path) -> bytes:
    """The server secret: 32 random bytes in a 0600 file under the data directory, made once."""
    ensure_private_dir(path.parent)
    with exclusive_lock(path.parent / ".secret.lock"):
        if not path.exists():
            write_private_file(path, secrets.token_bytes(32))
    return path.read_bytes()


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for(secret: bytes, nonce: str) -> str:
    """The URL token: 192 bits, URL-safe, no padding."""
    mac = hmac.new(secret, b"verify-token|" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode().rstrip("=")


def verify_url(public_base_url: str, secret: bytes, nonce: str) -> str:
    """The URL printed in the QR code: ``{JIUDI_PUBLIC_BASE_URL}/v/{token}`` (api.md)."""
    return f"{public_base_url}/v/{token_for(secret, nonce)}"


def check_code_for(secret: bytes, nonce: str) -> str:
    """A 10-character code (50 bits) from an unambiguous alphabet, printed as XXXXX-XXXXX."""
    mac = hmac.new(secret, b"check-code|" + nonce.encode(), hashlib.sha256).digest()
    value = int.from_bytes(mac[:8], "big")
    chars = []
    for _ in range(CHECK_LENGTH):
        value, index = divmod(value, len(CHECK_ALPHABET))
        chars.append(CHECK_ALPHABET[index])
    code = "".join(chars)
    return f"{code[:5]}-{code[5:]}"


def normalize_check_code(text: str) -> str:
    """What a person typed, in canonical form: upper case, spaces and dashes dropped, the dash restored."""
    cleaned = "".join(c for c in text.upper() if c.isalnum())
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == CHECK_LENGTH else cleaned


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
