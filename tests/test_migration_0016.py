"""Upgrading a store made with two roles (migrations up to 0015): the first tenant's admin keys become
operator keys, every other tenant's admin keys stay tenant admins (migration 0016)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from siyada.store.db import MIGRATIONS_DIR, make_engine, migrate, sqlite_url
from tests.pg import Postgres


@pytest.fixture(scope="module")
def pg() -> Iterator[Postgres]:
    server = Postgres().start()
    yield server
    server.stop()


def _store_at_0015(url: str) -> sa.Engine:
    """A store as today's main (before the operator role) leaves it."""
    engine = make_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0015")
    return engine


def _insert(engine: sa.Engine) -> None:
    now = time.time()
    with engine.begin() as conn:
        for tid, name in ((1, "default"), (2, "commune-fes")):
            conn.execute(
                sa.text("INSERT INTO tenants (id, name, description, created_at) VALUES (:i, :n, '', :t)"),
                {"i": tid, "n": name, "t": now},
            )
        keys = ((1, 1, "admin"), (2, 1, "user"), (3, 2, "admin"), (4, 2, "user"), (5, 1, "admin"))
        for kid, tid, role in keys:
            conn.execute(
                sa.text(
                    "INSERT INTO api_keys (id, tenant_id, name, role, key_hash, prefix, created_at) "
                    "VALUES (:k, :t, '', :r, :h, 'sk-x', :c)"
                ),
                {"k": kid, "t": tid, "r": role, "h": f"{kid:064d}", "c": now},
            )


def _roles(engine: sa.Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return {r.id: r.role for r in conn.execute(sa.text("SELECT id, role FROM api_keys ORDER BY id"))}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_first_tenants_admins_become_operators(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = sqlite_url(tmp_path)
    else:
        url = request.getfixturevalue("pg").create_database("upgrade_0016")
    engine = _store_at_0015(url)
    _insert(engine)
    assert _roles(engine) == {1: "admin", 2: "user", 3: "admin", 4: "user", 5: "admin"}
    migrate(engine)  # what `siyada serve` does at start: to head
    assert _roles(engine) == {1: "operator", 2: "user", 3: "admin", 4: "user", 5: "operator"}
    engine.dispose()
