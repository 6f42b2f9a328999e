"""The same schema and the same server on PostgreSQL (selected by URL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from siyada.store.db import head_revision, open_store
from siyada.store.tables import metadata
from tests.pg import Postgres
from tests.server import Server


@pytest.fixture(scope="module")
def pg() -> Iterator[Postgres]:
    server = Postgres().start()
    yield server
    server.stop()


def test_migrations_give_the_same_schema_on_sqlite_and_postgres(pg: Postgres, tmp_path: Path) -> None:
    engines = {
        "sqlite": open_store(f"sqlite:///{tmp_path / 's.db'}"),
        "postgres": open_store(pg.create_database("schema_check")),
    }
    shapes = {}
    for name, engine in engines.items():
        insp = sa.inspect(engine)
        shapes[name] = {
            t: sorted((c["name"], c["nullable"]) for c in insp.get_columns(t))
            for t in insp.get_table_names()
            if t != "alembic_version" and not t.startswith(("chunk_terms", "chunk_vectors"))
        }
        # The lexical index is dialect-specific by design (FTS5 and its term counts per tenant on SQLite,
        # made by a tenant's first upload; a tsvector table on PostgreSQL), and so is pgvector's
        # chunk_vectors (only where the extension is available).
        assert ("chunk_terms" in insp.get_table_names()) == (name == "postgres")
        with engine.connect() as conn:
            assert (
                conn.execute(sa.text("select version_num from alembic_version")).scalar() == head_revision()
            )
        engine.dispose()
    assert shapes["sqlite"] == shapes["postgres"]
    assert set(shapes["sqlite"]) == set(metadata.tables)


def test_server_and_cli_on_postgres(pg: Postgres, tmp_path: Path) -> None:
    url = pg.create_database("siyada_app")
    env = {"SIYADA_DATABASE_URL": url}
    data = tmp_path / "d"
    import os
    import subprocess
    import sys

    run_env = {**os.environ, **env}
    subprocess.run(
        [sys.executable, "-m", "siyada", "--data-dir", str(data), "tenants", "create", "default"],
        env=run_env,
        check=True,
        capture_output=True,
    )
    key = subprocess.run(
        [
            sys.executable,
            "-m",
            "siyada",
            "--data-dir",
            str(data),
            "keys",
            "create",
            "--tenant",
            "default",
            "--role",
            "user",
        ],
        env=run_env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    srv = Server(data, env=env).start()
    try:
        r = httpx.post(
            srv.url + "/v1/embeddings",
            headers={"Authorization": f"Bearer {key}"},
            json={"model": "siyada-embed", "input": "Bonjour"},
            timeout=60,
        )
        assert r.status_code == 200, r.text
    finally:
        srv.stop()
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from usage where provider = 'embedded'")).scalar() == 1
    engine.dispose()
    assert not (data / "siyada.db").exists()  # nothing went to SQLite
