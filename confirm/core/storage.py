"""The document store: files kept by SHA-256 under the data directory, written atomically, owner-only."""

from __future__ import annotations

import hashlib
from pathlib import Path

from keys.files import ensure_private_dir, write_private_file


class DocumentStore:
    """Content-addressed storage: the same bytes are stored once; a key is the bytes' SHA-256."""

    def __init__(self, root: Path) -> None:
        self.root = ensure_private_dir(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, content: bytes) -> str:
        """Store ``content`` durably and privately (0600, fsync before rename) and return its SHA-256."""
        digest = hashlib.sha256(content).hexdigest()
        path = self._path(digest)
        if not path.exists():
            ensure_private_dir(path.parent.parent)  # both levels 0700: mkdir's parents would follow the umask
            ensure_private_dir(path.parent)
            write_private_file(path, content)
        return digest

    def get(self, sha256: str) -> bytes:
        return self._path(sha256).read_bytes()


def make_private(data_dir: Path) -> None:
    """Every directory under the data directory 0700 and every file 0600 (a data directory made by an earlier
    version, or copied with cp -r, may have 0755/0644 ones: the SQLite files hold password hashes and ID numbers)."""
    for path in [data_dir, *data_dir.rglob("*")]:
        if path.is_symlink():
            continue
        wanted = 0o700 if path.is_dir() else 0o600
        if path.stat().st_mode & 0o777 != wanted:
            path.chmod(wanted)

