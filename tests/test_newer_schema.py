"""This version on a schema a newer release migrated (a rollback, or an old replica restarting during a
rolling upgrade): revisions only add, so it must start, serve and stay ready, and its `siyada migrate`
must leave the schema as it is. Alembic refuses a revision it cannot locate, which made every command
and `serve` (migrating at start) crash on such a store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from siyada.store.db import head_revision
from tests.server import Server, cli

NEWER = "0099_next"  # a revision this code does not know, as the next release would write


def _as_next_release_left_it(data: Path) -> None:
    """What the next release's migration does: adds a column and a table, moves the version on."""
    db = sqlite3.connect(data / "siyada.db")
    db.execute("ALTER TABLE usage ADD COLUMN region TEXT")
    db.execute("CREATE TABLE regions (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    db.execute("UPDATE alembic_version SET version_num = ?", (NEWER,))
    db.commit()
    db.close()


def _revision(data: Path) -> str:
    db = sqlite3.connect(data / "siyada.db")
    try:
        return str(db.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        db.close()


def test_old_version_serves_and_migrates_nothing_on_a_newer_schema(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cli(data, "tenants", "create", "default")
    assert _revision(data) == head_revision()
    _as_next_release_left_it(data)
    config = tmp_path / "siyada.toml"
    config.write_text("[embedded]\nenabled = false\n[knowledge]\nwarm_at_start = false\n")

    migrated = cli(data, "migrate", config=config, check=False)
    assert migrated.returncode == 0, migrated.stderr
    assert "newer than this version" in migrated.stdout
    key = cli(data, "keys", "create", "--tenant", "default", "--role", "operator").stdout.strip()
    srv = Server(data, config=config).start()  # migrate_on_start is on (the default)
    try:
        ready = httpx.get(srv.url + "/ready", timeout=10)
        assert ready.status_code == 200, ready.text
        models = httpx.get(srv.url + "/v1/models", headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert models.status_code == 200, models.text
    finally:
        srv.stop()
    assert _revision(data) == NEWER  # nothing downgraded or re-stamped
