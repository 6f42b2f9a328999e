"""`siyada backup`: one archive with the database and the data directory, and a manifest.

The archive is a gzip'd tar: `manifest.json` first (format, Siyada version, Alembic revision, creation
time, the database kind, and the size and sha256 of every other member), then `database/...` (see
`backup_db`) and `data/...` (the data directory: audit signing key, privacy secrets, registered models,
a config file kept there). Everything is first copied into a hidden staging directory beside the
output, so each file is one state of it; the archive is written there and renamed onto OUT only when
complete: a backup killed half way leaves no half archive under the name an operator restores from.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from siyada import __version__
from siyada.store import backup_db
from siyada.store.backup_db import BackupError

FORMAT = "siyada-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_PREFIX = "data/"
STAGING_PREFIX = ".siyada-backup-"
_STAGING = (STAGING_PREFIX, ".siyada-restore-")  # never archived (a backup or restore's leftovers)
CHUNK = 1 << 20


@dataclass(frozen=True)
class Result:
    path: Path
    sha256: str  # of the whole archive: keep it apart from the archive to check it before a restore
    revision: str | None
    members: int
    skipped: list[str]  # links and special files of the data directory, not archived


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _stage_data(data_dir: Path, skip: set[Path], staging: Path) -> tuple[list[str], list[str]]:
    """Copy the data directory's regular files under staging/data; (archived names, skipped names)."""
    names: list[str] = []
    skipped: list[str] = []
    if not data_dir.is_dir():
        return names, skipped
    for root, dirs, files in os.walk(data_dir, followlinks=False):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(_STAGING) and here / d not in skip)
        for d in list(dirs):
            if (here / d).is_symlink():  # os.walk lists a link to a directory among dirs
                skipped.append((here / d).relative_to(data_dir).as_posix())
                dirs.remove(d)
        for f in sorted(files):
            path = here / f
            rel = path.relative_to(data_dir).as_posix()
            if path in skip or f.startswith(_STAGING):
                continue
            if path.is_symlink() or not path.is_file():  # a link may point anywhere: not followed
                skipped.append(rel)
                continue
            target = staging / DATA_PREFIX / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(path, target)
            except FileNotFoundError:  # removed since the walk listed it (a temporary file)
                continue
            names.append(DATA_PREFIX + rel)
    return names, skipped


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    # Owner and mode are not the source's: restored files belong to whoever restores, mode 0600.
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.type = size, int(mtime), 0o600, tarfile.REGTYPE
    return info


def create(database_url: str, data_dir: Path, out: Path) -> Result:
    """Write the archive at `out` (which must not exist yet)."""
    kind = backup_db.kind(database_url)
    out = out.expanduser().absolute()
    if out.exists():
        raise BackupError(f"{out} already exists: give a new name")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out.parent))
    try:
        skip = {out}
        if kind == "sqlite":
            skip.update(backup_db.sqlite_files(backup_db.sqlite_path(database_url).absolute()))
            db_member = backup_db.SQLITE_MEMBER
            (staging / "database").mkdir()
            backup_db.dump_sqlite(database_url, staging / db_member)
            revision = _sqlite_revision(staging / db_member)
            if revision is None:
                raise BackupError("the database has no schema yet: nothing to back up")
        else:
            db_member = backup_db.PG_MEMBER
            (staging / "database").mkdir()
            revision = backup_db.revision_of(database_url)
            backup_db.dump_postgres(database_url, staging / db_member)
            if backup_db.revision_of(database_url) != revision:
                raise BackupError("a migration ran during the backup: run it again")
        data_names, skipped = _stage_data(data_dir.absolute(), skip, staging)
        names = [db_member, *data_names]
        members = {
            n: {"size": (staging / n).stat().st_size, "sha256": sha256_file(staging / n)} for n in names
        }
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "siyada_version": __version__,
            "revision": revision,
            "database": kind,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "members": members,
        }
        body = json.dumps(manifest, indent=1, sort_keys=True).encode()
        tmp = staging / "archive.tar.gz"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds the secrets
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=3) as tar:
            tar.addfile(_tarinfo(MANIFEST, len(body), time.time()), io.BytesIO(body))
            for n in names:
                path = staging / n
                with path.open("rb") as fh:
                    tar.addfile(_tarinfo(n, members[n]["size"], path.stat().st_mtime), fh)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        digest = sha256_file(tmp)
        os.replace(tmp, out)  # same directory: atomic, OUT is the whole archive or nothing
        _fsync_dir(out.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Result(out, digest, revision, len(names), skipped)


def _sqlite_revision(path: Path) -> str | None:
    import sqlite3

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    finally:
        db.close()
    return str(row[0]) if row else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
