"""`siyada restore`: check an archive of `siyada backup` whole, then put it onto an empty store.

Nothing of the target changes until every member has been read into a staging directory and matched
its manifest entry (name, size, sha256). A member is only ever a regular file under `database/` or
`data/` with a plain relative name (no `..`, no absolute path, no link, device or duplicate), at most
`MAX_MEMBERS` of them, each of the size the manifest gives, all together within the free space: a
crafted archive can neither write outside the target nor fill the disk. An archive of a schema newer
than this code is refused (this code could not serve it); an older one is migrated up after the load.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from siyada.store import backup_db
from siyada.store.backup import CHUNK, DATA_PREFIX, FORMAT, FORMAT_VERSION, MANIFEST, sha256_file
from siyada.store.backup_db import BackupError

MAX_MEMBERS = 100_000
MAX_MANIFEST = 16 << 20
MAX_NAME = 1024
SPACE_MARGIN = 64 << 20  # left free on the target's disk
STAGING_PREFIX = ".siyada-restore-"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_DB_MEMBER = {"sqlite": backup_db.SQLITE_MEMBER, "postgresql": backup_db.PG_MEMBER}


@dataclass(frozen=True)
class Restored:
    revision: str  # the archive's
    migrated_to: str | None  # the schema's after the restore (this code's head)
    members: int


def _name(raw: str) -> str:
    if len(raw) > MAX_NAME or "\\" in raw or "\x00" in raw:
        raise BackupError(f"refused: member name {raw[:80]!r} is not a plain relative path")
    path = PurePosixPath(raw)
    if path.is_absolute() or any(p in ("..", ".", "") for p in raw.split("/")):
        raise BackupError(f"refused: member name {raw[:80]!r} is not a plain relative path")
    if raw != MANIFEST and not raw.startswith((DATA_PREFIX, "database/")):
        raise BackupError(f"refused: unexpected member {raw[:80]!r}")
    return raw


def _manifest(body: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(body)
    except ValueError:
        raise BackupError("refused: the manifest is not JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BackupError("refused: not a Siyada backup (no Siyada manifest)")
    if doc.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"refused: backup format {doc.get('format_version')!r} is not {FORMAT_VERSION}")
    members = doc.get("members")
    if doc.get("database") not in _DB_MEMBER or not isinstance(doc.get("revision"), str):
        raise BackupError("refused: the manifest names no database kind or revision")
    if not isinstance(members, dict) or len(members) > MAX_MEMBERS:
        raise BackupError("refused: the manifest's member list is missing or too long")
    for name, entry in members.items():
        _name(name)
        ok = isinstance(entry, dict) and isinstance(entry.get("size"), int) and entry["size"] >= 0
        if not ok or not isinstance(entry.get("sha256"), str) or not _HEX64.fullmatch(entry["sha256"]):
            raise BackupError(f"refused: the manifest entry of {name!r} is malformed")
    if _DB_MEMBER[doc["database"]] not in members:
        raise BackupError("refused: the archive holds no database")
    return doc


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path) -> str:
    """Copy one member's bytes to `dest` (mode 0600), its sha256."""
    src = tar.extractfile(member)
    if src is None:
        raise BackupError(f"refused: {member.name!r} has no content")
    dest.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    left = member.size
    with src, os.fdopen(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
        while left > 0:
            chunk = src.read(min(CHUNK, left))
            if not chunk:
                raise BackupError(f"refused: {member.name!r} is truncated")
            h.update(chunk)
            fh.write(chunk)
            left -= len(chunk)
    return h.hexdigest()


def read_checked(archive: Path, staging: Path) -> dict[str, Any]:
    """Every member into `staging`, each checked against the manifest (which comes first); the manifest."""
    manifest: dict[str, Any] | None = None
    seen: set[str] = set()
    room = shutil.disk_usage(staging).free - SPACE_MARGIN
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for count, member in enumerate(tar):
                if count > MAX_MEMBERS:
                    raise BackupError(f"refused: more than {MAX_MEMBERS} members")
                name = _name(member.name)
                if not member.isfile():  # links, devices, directories: a backup writes none
                    raise BackupError(f"refused: {name!r} is not a regular file")
                if name in seen:
                    raise BackupError(f"refused: {name!r} appears twice")
                seen.add(name)
                if manifest is None:
                    if name != MANIFEST or member.size > MAX_MANIFEST:
                        raise BackupError("refused: the archive does not start with its manifest")
                    body = tar.extractfile(member)
                    manifest = _manifest(body.read() if body else b"")
                    continue
                entry = manifest["members"].get(name)
                if entry is None:
                    raise BackupError(f"refused: {name!r} is not in the manifest")
                if member.size != entry["size"]:
                    raise BackupError(f"refused: {name!r} is not of the size the manifest gives")
                room -= member.size
                if room < 0:
                    raise BackupError("refused: not enough free space on the target for this archive")
                if _extract(tar, member, staging / name) != entry["sha256"]:
                    raise BackupError(f"refused: {name!r} does not match its sha256 in the manifest")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"refused: the archive is unreadable or damaged ({type(exc).__name__})") from None
    if manifest is None:
        raise BackupError("refused: the archive is empty")
    missing = set(manifest["members"]) - seen
    if missing:
        raise BackupError(
            f"refused: {len(missing)} member(s) of the manifest are missing, e.g. {min(missing)!r}"
        )
    return manifest


def _target_state(kind: str, database_url: str, data_dir: Path) -> list[str]:
    """What is already on the target (empty list: nothing)."""
    found = []
    if data_dir.exists() and any(data_dir.iterdir()):
        found.append(f"the data directory {data_dir} is not empty")
    if kind == "sqlite":
        if any(p.exists() for p in backup_db.sqlite_files(backup_db.sqlite_path(database_url))):
            found.append("the SQLite database exists")
    elif not backup_db.postgres_is_empty(database_url):
        found.append("the PostgreSQL database holds tables")
    return found


def restore(
    database_url: str, data_dir: Path, archive: Path, force: bool = False, sha256: str | None = None
) -> Restored:
    from siyada.store.db import current_revision, open_store, revisions

    kind = backup_db.kind(database_url)
    data_dir = data_dir.absolute()
    if not archive.is_file():
        raise BackupError(f"no archive at {archive}")
    if sha256 is not None and sha256_file(archive) != sha256.strip().lower():
        raise BackupError("refused: the archive's sha256 is not the one given")
    present = _target_state(kind, database_url, data_dir)
    if present and not force:
        raise BackupError(f"refused: {'; '.join(present)} (restore onto an empty one, or --force to replace)")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Staged inside the target directory: the moves below are renames on one file system, and a
    # container's data volume is often the only writable place.
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=data_dir))
    try:
        manifest = read_checked(archive, staging)
        if manifest["database"] != kind:
            raise BackupError(
                f"refused: the archive holds a {manifest['database']} database, the target is {kind}"
            )
        if manifest["revision"] not in revisions():
            raise BackupError(
                f"refused: the archive's schema (revision {manifest['revision']}) is newer than this"
                f" version's; restore it with Siyada {manifest.get('siyada_version', '?')} or newer"
            )
        # The database first: pg_restore is one transaction, so when it fails nothing has changed.
        db_member = staging / _DB_MEMBER[kind]
        if kind == "sqlite":
            db_path = backup_db.sqlite_path(database_url)
            for stale in backup_db.sqlite_files(db_path)[1:]:  # another state's log must not replay
                stale.unlink(missing_ok=True)
            db_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(db_member, db_path)
        else:
            backup_db.restore_postgres(database_url, db_member, clean=force)
        for name in manifest["members"]:
            if name.startswith(DATA_PREFIX):
                dest = data_dir / name.removeprefix(DATA_PREFIX)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / name, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    engine = open_store(database_url)  # an older archive's schema is migrated up to this version's
    try:
        migrated_to = current_revision(engine)
    finally:
        engine.dispose()
    return Restored(manifest["revision"], migrated_to, len(manifest["members"]))
