"""The document store: files kept by SHA-256, content-addressed, written durably, read back only if intact.

Two stores behind one interface:

- ``DirectoryStore``: files under the data directory (``store/ab/cd/<sha256>``), written atomically, owner-only.
  The default on SQLite, where one machine serves the court.
- ``DatabaseStore``: the documents in PostgreSQL itself, in chunks of ``CHUNK_BYTES`` (``stored_documents``,
  ``stored_chunks``), so every instance on one database reads what any of them stored, and ``pg_dump`` backs the
  documents up with the rows that name them. The default on PostgreSQL (``JIUDI_DOCUMENT_STORE``).

Both stream: a 20 MB upload is hashed and written a chunk at a time and a download is read a chunk at a time, so
neither is ever whole in memory. Every read checks that the bytes still hash to their name (``chunks``): a corrupt
document raises ``CorruptDocument`` and is never delivered whole.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Engine

from confirm.core.config import Settings
from confirm.law.errors import DomainError
from confirm.models import StoredChunk, StoredDocument
from keys.files import PRIVATE_FILE_MODE, ensure_private_dir, write_private_file

CHUNK_BYTES = 1024 * 1024  # 1 MiB: a 20 MB upload is 20 rows, and a read holds about two chunks at a time
DIRECTORY, DATABASE = "directory", "database"
STORE_KINDS = (DIRECTORY, DATABASE)


class CorruptDocument(DomainError):
    """The stored bytes no longer hash to their name (a disk fault, a hand edit): never served as the document."""

    def __init__(self, sha256: str) -> None:
        super().__init__("document.corrupt", "文件校验失败：存储的内容与登记的SHA-256不符，已停止提供，请联系管理员从备份恢复",
                         500)
        self.sha256 = sha256


def _check_name(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sha256


def _file_chunks(file: BinaryIO) -> Iterator[bytes]:
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


def digest_of(file: BinaryIO) -> tuple[str, int]:
    """SHA-256 and size of a seekable file from its start, read a chunk at a time; the file is left at its start."""
    file.seek(0)
    digest, size = hashlib.sha256(), 0
    for chunk in _file_chunks(file):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return digest.hexdigest(), size


@dataclass
class Opened:
    """A stored document ready to be sent: its size and its bytes, chunk by chunk, checked as they go."""

    size: int
    chunks: Iterator[bytes]


class DocumentStore:
    """Content-addressed storage: the same bytes are stored once; a key is the bytes' SHA-256."""

    kind: str

    # --- what a store provides -----------------------------------------------------------------------------
    def put_file(self, file: BinaryIO) -> tuple[str, int]:
        """Store a seekable file's bytes (from its start) durably, a chunk at a time; return (SHA-256, size)."""
        raise NotImplementedError

    def _size(self, sha256: str) -> int | None:
        raise NotImplementedError

    def _raw_chunks(self, sha256: str) -> Iterator[bytes]:
        raise NotImplementedError

    def names(self) -> Iterator[str]:
        """Every stored document's SHA-256 (for backups and checks)."""
        raise NotImplementedError

    # --- the same for every store ----------------------------------------------------------------------------
    def put(self, content: bytes) -> str:
        """Store ``content`` durably and return its SHA-256."""
        return self.put_file(io.BytesIO(content))[0]

    def has(self, sha256: str) -> bool:
        return self._size(_check_name(sha256)) is not None

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The document's bytes a chunk at a time. Each chunk is handed on only once the next has been read, and
        the last only once the whole has been hashed and found to match its name: a corrupt document raises
        ``CorruptDocument`` before its last chunk, so it is never delivered whole (and a document of one chunk,
        most of them, not at all)."""
        _check_name(sha256)
        digest = hashlib.sha256()
        held: bytes | None = None
        for chunk in self._raw_chunks(sha256):
            if held is not None:
                yield held
            digest.update(chunk)
            held = chunk
        if digest.hexdigest() != sha256:
            raise CorruptDocument(sha256)
        if held is not None:
            yield held

    def open(self, sha256: str) -> Opened:
        """The document to stream out. Its first chunk is read (and, for a document of one chunk, checked) now, so a
        missing or corrupt document fails here, before a response has started."""
        size = self._size(_check_name(sha256))
        if size is None:
            raise FileNotFoundError(sha256)
        chunks = self.chunks(sha256)
        first = next(chunks, b"")

        def rest() -> Iterator[bytes]:
            if first:
                yield first
            yield from chunks

        return Opened(size=size, chunks=rest())

    def get(self, sha256: str) -> bytes:
        """The whole document, checked (for the small ones the service reads itself: signatures, pages to render)."""
        if not self.has(sha256):
            raise FileNotFoundError(sha256)
        return b"".join(self.chunks(sha256))


class DirectoryStore(DocumentStore):
    """Files under one directory: ``ab/cd/<sha256>``, 0600 in 0700 directories, fsynced before they are renamed."""

    kind = DIRECTORY

    def __init__(self, root: Path) -> None:
        self.root = ensure_private_dir(root)

    def _path(self, sha256: str) -> Path:
        _check_name(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        path = self._path(digest)
        if not path.exists():
            self._make_parents(path)
            write_private_file(path, content)
        return digest

    def put_file(self, file: BinaryIO) -> tuple[str, int]:
        """Copied to a private temporary file while hashed, then renamed to its name (or dropped if already there)."""
        file.seek(0)
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".upload.", suffix=".tmp")
        tmp = Path(tmp_name)
        try:
            os.fchmod(fd, PRIVATE_FILE_MODE)
            digest, size = hashlib.sha256(), 0
            with os.fdopen(fd, "wb") as out:
                for chunk in _file_chunks(file):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            path = self._path(digest.hexdigest())
            if path.exists():
                tmp.unlink()
            else:
                self._make_parents(path)
                os.replace(tmp, path)
                dir_fd = os.open(path.parent, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)  # the rename itself durable
                finally:
                    os.close(dir_fd)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        file.seek(0)
        return digest.hexdigest(), size

    def _make_parents(self, path: Path) -> None:
        ensure_private_dir(path.parent.parent)  # both levels 0700: mkdir's parents would follow the umask
        ensure_private_dir(path.parent)

    def _size(self, sha256: str) -> int | None:
        path = self._path(sha256)
        return path.stat().st_size if path.is_file() else None

    def _raw_chunks(self, sha256: str) -> Iterator[bytes]:
        with self._path(sha256).open("rb") as file:
            yield from _file_chunks(file)

    def names(self) -> Iterator[str]:
        for path in sorted(self.root.glob("??/??/*")):
            if path.is_file() and len(path.name) == 64:
                yield path.name


documents_table = StoredDocument.__table__  # type: ignore[attr-defined]
chunks_table = StoredChunk.__table__  # type: ignore[attr-defined]


class DatabaseStore(DocumentStore):
    """Documents in PostgreSQL, a row per chunk. A document is written in one transaction of its own (its header
    row first, ``ON CONFLICT DO NOTHING``: two instances storing the same bytes at once store them once), committed
    before the row that names it, as the directory store's file is. Documents stored in the directory before the
    database store was configured are still read from there (``legacy``), until ``jiudi store import`` copies them
    in."""

    kind = DATABASE

    def __init__(self, engine: Engine, legacy: DirectoryStore | None = None) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("the database document store needs PostgreSQL (JIUDI_DOCUMENT_STORE=database)")
        self.engine = engine
        self.legacy = legacy

    def put_file(self, file: BinaryIO) -> tuple[str, int]:
        """Hashed in a first pass (the name comes first), then written a chunk a row in a second."""
        sha256, size = digest_of(file)
        if self._stored_size(sha256) is not None:
            return sha256, size
        count = (size + CHUNK_BYTES - 1) // CHUNK_BYTES
        with self.engine.begin() as conn:
            header = pg_insert(documents_table).values(sha256=sha256, size=size, chunks=count)
            if conn.execute(header.on_conflict_do_nothing()).rowcount == 0:
                return sha256, size  # another instance stored the same bytes meanwhile
            again = hashlib.sha256()
            for number, chunk in enumerate(_file_chunks(file)):
                again.update(chunk)
                conn.execute(chunks_table.insert().values(sha256=sha256, chunk_no=number, data=chunk))
            if again.hexdigest() != sha256:  # the file changed between the passes: store nothing
                raise CorruptDocument(sha256)
        file.seek(0)
        return sha256, size

    def _stored_size(self, sha256: str) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(documents_table.c.size)
                                .where(documents_table.c.sha256 == sha256)).scalar_one_or_none()

    def _size(self, sha256: str) -> int | None:
        size = self._stored_size(sha256)
        if size is None and self.legacy is not None:
            return self.legacy._size(sha256)
        return size

    def _raw_chunks(self, sha256: str) -> Iterator[bytes]:
        """One short query per chunk: no connection is held while the client reads, and one chunk is in memory."""
        with self.engine.connect() as conn:
            count = conn.execute(sa.select(documents_table.c.chunks)
                                 .where(documents_table.c.sha256 == sha256)).scalar_one_or_none()
        if count is None:
            if self.legacy is None:
                raise FileNotFoundError(sha256)
            yield from self.legacy._raw_chunks(sha256)
            return
        for number in range(count):
            with self.engine.connect() as conn:
                data = conn.execute(sa.select(chunks_table.c.data).where(
                    chunks_table.c.sha256 == sha256, chunks_table.c.chunk_no == number)).scalar_one_or_none()
            if data is None:
                raise CorruptDocument(sha256)  # a chunk missing: the document is not whole
            yield bytes(data)

    def names(self) -> Iterator[str]:
        with self.engine.connect() as conn:
            yield from conn.execute(sa.select(documents_table.c.sha256).order_by(documents_table.c.sha256)).scalars()

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(documents_table)).scalar_one())


def store_kind(settings: Settings) -> str:
    """``JIUDI_DOCUMENT_STORE`` if set, else the database on PostgreSQL (every instance reaches it) and the
    directory on SQLite (one machine)."""
    if settings.document_store:
        return settings.document_store
    return DIRECTORY if settings.database_url.startswith("sqlite") else DATABASE


def make_store(settings: Settings, engine: Engine) -> DocumentStore:
    directory = DirectoryStore(settings.store_dir)
    if store_kind(settings) == DATABASE:
        return DatabaseStore(engine, legacy=directory)
    return directory


def import_directory(directory: DirectoryStore, store: DatabaseStore) -> int:
    """Copy every document of the directory store into the database store (once each); return how many were new."""
    added = 0
    for sha256 in directory.names():
        if store._stored_size(sha256) is None:
            path = directory._path(sha256)
            with path.open("rb") as file:
                if store.put_file(file)[0] != sha256:
                    raise CorruptDocument(sha256)
            added += 1
    return added


def make_private(data_dir: Path) -> None:
    """Every directory under the data directory 0700 and every file 0600 (a data directory made by an earlier
    version, or copied with cp -r, may have 0755/0644 ones: the SQLite files hold password hashes and ID numbers)."""
    for path in [data_dir, *data_dir.rglob("*")]:
        if path.is_symlink():
            continue
        wanted = 0o700 if path.is_dir() else 0o600
        if path.stat().st_mode & 0o777 != wanted:
            path.chmod(wanted)
