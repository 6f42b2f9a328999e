"""`siyada backup` on PostgreSQL (pg_dump, custom format) restored into a fresh PostgreSQL database: the
keys, usage rows and the signed audit chain come back, and a server on it goes on serving."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.pg import Postgres, pg_bin
from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli
from tests.test_backup import _chat, _config, _h, _settle, _usage

pytestmark = pytest.mark.skipif(pg_bin("initdb") is None, reason="PostgreSQL is not installed")


@pytest.fixture()
def pg() -> Iterator[Postgres]:
    server = Postgres().start()
    yield server
    server.stop()


def test_a_postgresql_backup_restores_into_a_fresh_database(pg: Postgres, tmp_path: Path) -> None:
    upstream = RecordingUpstream()
    config = tmp_path / "siyada.toml"
    config.write_text(_config(upstream))
    source = {"SIYADA_DATABASE_URL": pg.create_database("source")}
    target = {"SIYADA_DATABASE_URL": pg.create_database("target")}
    try:
        data = tmp_path / "data"
        cli(data, "tenants", "create", "commune", config=config, env=source)
        srv = Server(data, config=config, env=source).start()
        try:
            made = cli(
                data, "keys", "create", "--tenant", "commune", "--role", "operator", config=config, env=source
            )
            operator = made.stdout.strip()
            _chat(srv.url, operator, 4)
            cli(data, "audit", "checkpoint", config=config, env=source)
            rows = len(_usage(srv.url, operator))
            archive = tmp_path / "pg.tar.gz"
            cli(data, "backup", str(archive), config=config, env=source)  # while it serves
        finally:
            srv.stop()

        fresh = tmp_path / "fresh"
        done = cli(fresh, "restore", str(archive), config=config, env=target)
        assert "restored" in done.stdout
        assert "Audit log intact" in cli(fresh, "audit", "verify", config=config, env=target).stdout
        again = cli(tmp_path / "again", "restore", str(archive), config=config, env=target, check=False)
        assert again.returncode == 1 and "holds tables" in again.stderr  # the database is not empty now
        srv = Server(fresh, config=config, env=target).start()
        try:
            assert len(_usage(srv.url, operator)) == rows >= 4
            verdict = httpx.post(srv.url + "/v1/admin/audit/verify", headers=_h(operator), timeout=60).json()
            assert verdict["ok"] is True and verdict["checkpoints_ok"] >= 1, verdict
            _chat(srv.url, operator, 1)
            assert _settle(srv.url, operator, rows + 1)
        finally:
            srv.stop()
    finally:
        upstream.close()
