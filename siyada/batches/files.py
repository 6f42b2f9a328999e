"""Files of `/v1/files`: a tenant's own, their bytes under the data dir and their rows in the database.

A file is written under a temporary name beside its final place, flushed, and renamed into place inside
the transaction that inserts its row: a crash before the commit leaves at most an unregistered file on
disk (never a row whose bytes are missing or half written). Another tenant's file is "not found".
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.batches.paging import newest_first, owned
from siyada.errors import ApiError
from siyada.lang.bidi import neutralise
from siyada.store.tables_batches import batches, files

ROOT = "files"
UPLOADABLE = ("batch",)  # what a client may upload; `batch_output` files are written by the batches
PURPOSES = (*UPLOADABLE, "batch_output")
ACTIVE = ("validating", "in_progress", "finalizing", "cancelling")  # a batch still reading its input


@dataclass(frozen=True)
class StoredFile:
    id: str
    tenant_id: int
    purpose: str
    filename: str
    bytes: int
    created_at: float

    def render(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": self.bytes,
            "created_at": int(self.created_at),
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "status_details": None,
            "expires_at": None,
        }


ID = re.compile(r"file-[0-9a-f]{24}")


def new_id() -> str:
    return "file-" + secrets.token_hex(12)


def path_of(data_dir: Path, tenant_id: int, file_id: str) -> Path:
    return data_dir / ROOT / str(tenant_id) / file_id


def not_found(file_id: str) -> ApiError:
    return ApiError(404, f"No such file: {file_id[:64]!r}", code="file_not_found", param="file_id")


def _temp(final: Path, chunks: Iterator[bytes]) -> tuple[Path, int]:
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    size = 0
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
                size += len(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o640)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp), size


def write(
    conn: Connection, data_dir: Path, tenant_id: int, purpose: str, filename: str, chunks: Iterator[bytes]
) -> StoredFile:
    """Store a file inside the caller's transaction; its bytes are in place before the row commits. On
    failure of the transaction the caller removes the file again (`discard`)."""
    file_id = new_id()
    final = path_of(data_dir, tenant_id, file_id)
    tmp, size = _temp(final, chunks)
    stored = StoredFile(file_id, tenant_id, purpose, filename[:255], size, time.time())
    try:
        conn.execute(
            files.insert().values(
                id=file_id, tenant_id=tenant_id, purpose=purpose, filename=stored.filename,
                bytes=size, created_at=stored.created_at,
            )
        )  # fmt: skip
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return stored


def discard(data_dir: Path, *stored: StoredFile) -> None:
    """Remove the bytes of files whose transaction did not commit."""
    for f in stored:
        with contextlib.suppress(OSError):
            path_of(data_dir, f.tenant_id, f.id).unlink()


def upload(
    engine: Engine, data_dir: Path, tenant_id: int, purpose: str, filename: str, data: bytes
) -> StoredFile:
    if purpose not in UPLOADABLE:
        raise ApiError(
            400,
            f"purpose must be one of {', '.join(UPLOADABLE)} (Siyada keeps files for batches only)",
            code="invalid_purpose",
            param="purpose",
        )
    if not data:
        raise ApiError(400, "The file is empty", code="empty_file", param="file")
    stored: list[StoredFile] = []
    try:
        with engine.begin() as conn:
            name = neutralise(filename) or "upload.jsonl"  # no control or direction characters listed back
            stored.append(write(conn, data_dir, tenant_id, purpose, name, iter([data])))
    except BaseException:
        discard(data_dir, *stored)
        raise
    return stored[0]


def _row(row: Any) -> StoredFile:
    return StoredFile(row.id, row.tenant_id, row.purpose, row.filename, row.bytes, row.created_at)


def get(engine: Engine, tenant_id: int, file_id: str) -> StoredFile:
    if not ID.fullmatch(file_id):  # names no file (and odd text, a NUL, never reaches the database)
        raise not_found(file_id)
    with engine.connect() as conn:
        row = owned(conn, files, tenant_id, file_id)
    if row is None:
        raise not_found(file_id)
    return _row(row)


def listed(
    engine: Engine, tenant_id: int, limit: int, after: str | None, purpose: str | None
) -> list[StoredFile]:
    """Up to `limit` + 1 files, newest first, after the file `after` (a cursor)."""
    q = sa.select(files).where(files.c.tenant_id == tenant_id)
    if purpose:
        q = q.where(files.c.purpose == purpose)
    with engine.connect() as conn:
        rows = newest_first(conn, files, q, tenant_id, limit, after)
        return [_row(r) for r in rows]


def delete(engine: Engine, data_dir: Path, tenant_id: int, file_id: str) -> None:
    """Delete a file (row first: a crash after it leaves bytes no row names). A file that a running batch
    still reads is kept (409) until the batch ends."""
    get(engine, tenant_id, file_id)
    with engine.begin() as conn:
        if owned(conn, files, tenant_id, file_id, files.c.id) is None:  # deleted meanwhile
            raise not_found(file_id)
        busy = conn.execute(
            sa.select(batches.c.id).where(
                batches.c.tenant_id == tenant_id,
                batches.c.input_file_id == file_id,
                batches.c.status.in_(ACTIVE),
            )
        ).first()
        if busy is not None:
            raise ApiError(
                409, f"The batch {busy.id} is still reading this file", code="file_in_use", param="file_id"
            )
        conn.execute(files.delete().where(files.c.id == file_id))
    with contextlib.suppress(OSError):
        path_of(data_dir, tenant_id, file_id).unlink()


def content_path(engine: Engine, data_dir: Path, tenant_id: int, file_id: str) -> Path:
    """Where the bytes of the tenant's file lie (404 for another tenant's, or bytes removed by hand)."""
    stored = get(engine, tenant_id, file_id)
    path = path_of(data_dir, stored.tenant_id, stored.id)
    if not path.is_file():
        raise not_found(file_id)
    return path
