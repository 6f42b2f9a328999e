"""The database half of a backup: a consistent copy of a live store and its way back.

SQLite: the sqlite3 online backup API, which copies pages under one read transaction, so the copy is a
state the database was in even while the server writes (a raw copy of the file and its WAL is not).
PostgreSQL: `pg_dump --format=custom` (one snapshot) and `pg_restore`; the password goes through the
environment, never the command line, where `ps` would show it.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

SQLITE_MEMBER = "database/siyada.db"
PG_MEMBER = "database/siyada.pgdump"
PG_TIMEOUT_S = 6 * 3600  # a dump or restore that runs longer than this is stuck, not slow


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


def kind(database_url: str) -> str:
    """ "sqlite" or "postgresql" (the stores Siyada runs on)."""
    name = make_url(database_url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {name} database (SQLite and PostgreSQL only)")
    return name


def sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("the SQLite database is in memory: nothing to back up")
    return Path(database)


def sqlite_files(path: Path) -> list[Path]:
    """The database file and its companions (write-ahead log, shared memory, rollback journal)."""
    return [path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))]


def dump_sqlite(database_url: str, dest: Path) -> None:
    src_path = sqlite_path(database_url)
    if not src_path.is_file():
        raise BackupError(f"no database at {src_path}")
    src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
        # One self-contained file: a restored store must not need a -wal file the archive lacks.
        dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {exc}") from exc
    finally:
        dst.close()
        src.close()


def _pg_tool(name: str) -> str:
    """The newest `pg_dump`/`pg_restore` found: one older than the server refuses to dump it."""
    versions = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    hits = sorted((p for p in versions if p.split("/")[4].isdigit()), key=lambda p: int(p.split("/")[4]))
    found = hits[-1] if hits else shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: a PostgreSQL backup needs the PostgreSQL client tools "
            "(apt-get install postgresql-client, of the server's major version or newer)"
        )
    return found


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and the environment that carries it."""
    url: URL = make_url(database_url).set(drivername="postgresql")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    try:
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what} did not finish in {PG_TIMEOUT_S} s") from None
    if proc.returncode != 0:
        raise BackupError(f"{what} failed ({proc.returncode}): {proc.stderr.strip()[-1500:]}")


def dump_postgres(database_url: str, dest: Path) -> None:
    uri, env = _libpq(database_url)
    _run([_pg_tool("pg_dump"), "--format=custom", f"--file={dest}", f"--dbname={uri}"], env, "pg_dump")


def restore_postgres(database_url: str, dump: Path, clean: bool) -> None:
    """Load a dump in one transaction (all or nothing); objects owned by whoever restores."""
    uri, env = _libpq(database_url)
    args = [
        _pg_tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ]
    if clean:
        args += ["--clean", "--if-exists"]
    _run([*args, f"--dbname={uri}", str(dump)], env, "pg_restore")


def postgres_is_empty(database_url: str) -> bool:
    """No table in the schemas the connection searches (a fresh database)."""
    from siyada.store.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return not sa.inspect(conn).get_table_names()
    except sa.exc.SQLAlchemyError as exc:
        raise BackupError(f"cannot reach the target database: {type(exc).__name__}") from None
    finally:
        engine.dispose()


def revision_of(database_url: str) -> str | None:
    from siyada.store.db import current_revision, make_engine

    engine = make_engine(database_url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()
