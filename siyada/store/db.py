"""Engine creation: SQLite in WAL mode by default, PostgreSQL by URL, migrations applied at start."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 10_000  # how long a connection waits for SQLite's one writer


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'siyada.db'}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    # WAL lets the CLI write while the server reads; synchronous=NORMAL is crash-safe under WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


def write_if_free(engine: Engine, write: Callable[[sa.Connection], object], wait_ms: int = 20) -> bool:
    """Run `write` in its own short transaction, unless another writer holds the database for more
    than `wait_ms` (SQLite has one writer at a time): for caches a reader fills (champion lists,
    re-ranking vectors), which must never make a search wait on an ingestion. False when skipped or
    refused (a row deleted meanwhile fails its foreign key)."""
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as writer:
            if sqlite:
                writer.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms)}")
            try:
                write(writer)
                writer.commit()
                return True
            finally:
                writer.rollback()
                if sqlite:
                    writer.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # the pool's setting
                    writer.commit()
    except (sa.exc.OperationalError, sa.exc.IntegrityError):
        return False


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@functools.cache
def revisions() -> dict[str, str | None]:
    """Each revision id and the one it follows, read once from the revision files (cheaper than
    importing Alembic); shared, not to be changed."""
    revs: dict[str, str | None] = {}
    for f in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = f.read_text(encoding="utf-8")
        rev = re.search(r"^revision = ['\"]([^'\"]+)['\"]", text, re.M)
        down = re.search(r"^down_revision = (?:['\"]([^'\"]+)['\"]|None)", text, re.M)
        if rev:
            revs[rev.group(1)] = down.group(1) if down else None
    return revs


def head_revision() -> str:
    """The newest revision id."""
    revs = revisions()
    heads = set(revs) - {d for d in revs.values() if d}
    if len(heads) != 1:
        raise RuntimeError(f"expected one migration head, found {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def is_newer(revision: str | None) -> bool:
    """Whether the schema is at a revision this code does not know: a newer release migrated it."""
    return revision is not None and revision not in revisions()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent, run at every start). A schema a
    newer release migrated is left as it is: revisions only add, so this code runs on it (a rollback,
    or an old replica restarting during a rolling upgrade); Alembic would refuse the unknown revision."""
    current = current_revision(engine)
    if current == head_revision() or is_newer(current):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Replicas starting together: one migrates, the others wait and then find nothing to do.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7411)"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(url: str, migrate_schema: bool = True) -> Engine:
    """An engine on the store; migrated to the newest revision unless `migrate_schema` is false (replicas
    whose migrations a separate job runs: GET /ready says when the schema is not theirs yet)."""
    engine = make_engine(url)
    if migrate_schema:
        migrate(engine)
    return engine
