"""GET /ready against real servers: ready when the database answers at this version's schema (and Redis
when configured); 503 naming what is not, for a store behind head, a PostgreSQL stopped, a Redis down."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.config import Config

from siyada.readiness import Readiness
from siyada.store.db import MIGRATIONS_DIR, head_revision, make_engine, migrate, revisions, sqlite_url
from tests.pg import Postgres
from tests.redis_server import RedisServer
from tests.server import Server, cli

# No model is needed to be ready: the servers here start without the embedded ones (faster).
CONFIG = """
[embedded]
enabled = false
[knowledge]
warm_at_start = false
"""


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "siyada.toml"
    path.write_text(CONFIG)
    return path


def _until(url: str, done: Callable[[httpx.Response], bool], timeout: float = 20) -> httpx.Response:
    """GET /ready until `done` holds (answers are cached for a second)."""
    deadline = time.monotonic() + timeout
    while True:
        r = httpx.get(url + "/ready", timeout=10)
        if done(r) or time.monotonic() > deadline:
            return r
        time.sleep(0.3)


def _not_ready(r: httpx.Response) -> str:
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["code"] == "not_ready" and error["type"] == "service_unavailable"
    return error["message"]


def test_a_fresh_server_is_ready(server: Server) -> None:
    r = httpx.get(server.url + "/ready", timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "redis": "not configured"},
    }


def test_a_flood_of_probes_runs_one_check(tmp_path: Path) -> None:
    """The probe is unauthenticated: 200 concurrent probes cost one database check, not 200."""
    engine = make_engine(sqlite_url(tmp_path))
    migrate(engine)
    readiness = Readiness(engine)

    async def flood() -> list[bool]:
        return [r.ready for r in await asyncio.gather(*(readiness.report() for _ in range(200)))]

    assert asyncio.run(flood()) == [True] * 200
    assert readiness.runs == 1
    engine.dispose()


def test_a_store_behind_head_is_not_ready_until_migrated(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    engine = make_engine(sqlite_url(data))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:  # the store as the previous release left it
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revisions()[head_revision()] or "base")
    engine.dispose()
    # A replica whose migrations a job runs (deploy/kubernetes) starts on the old schema, unready.
    srv = Server(data, config=_config(tmp_path), env={"SIYADA_MIGRATE_ON_START": "false"}).start()
    try:
        message = _not_ready(httpx.get(srv.url + "/ready", timeout=10))
        assert "migrations: the database schema is behind this version" in message
        assert cli(data, "migrate", "--check", check=False).returncode == 1
        cli(data, "migrate")  # the job
        assert cli(data, "migrate", "--check", "--wait", "5").returncode == 0
        r = _until(srv.url, lambda r: r.status_code == 200)
        assert r.status_code == 200, r.text  # ready without a restart
    finally:
        srv.stop()


@pytest.fixture()
def services() -> Iterator[tuple[Postgres, RedisServer]]:
    pg = Postgres().start()
    rd = RedisServer().start()
    yield pg, rd
    rd.stop()
    pg.stop()


def test_redis_down_then_postgresql_stopped_is_not_ready(
    services: tuple[Postgres, RedisServer], tmp_path: Path
) -> None:
    pg, rd = services
    env = {"SIYADA_DATABASE_URL": pg.create_database("ready"), "SIYADA_REDIS_URL": rd.url}
    srv = Server(tmp_path / "data", config=_config(tmp_path), env=env).start()
    try:
        r = httpx.get(srv.url + "/ready", timeout=10)
        assert r.status_code == 200, r.text
        assert r.json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}
        rd.stop()
        message = _not_ready(_until(srv.url, lambda r: r.status_code == 503))
        assert message == "Not ready: redis: unreachable"
        pg.stop()
        message = _not_ready(_until(srv.url, lambda r: "database" in r.text))
        assert "database: unreachable" in message
        for leak in (str(pg.port), str(rd.port), "127.0.0.1", "siyada@", head_revision()):
            assert leak not in message  # names what is down, never where or which version
        assert httpx.get(srv.url + "/health", timeout=10).status_code == 200  # alive, just not ready
    finally:
        srv.stop()
