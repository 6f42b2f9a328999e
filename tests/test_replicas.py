"""Scale-out correctness: two Siyada replicas sharing one PostgreSQL and one Redis enforce a limit exactly.

200 concurrent clients hammer one key limited to 1,000 requests/minute through both replicas; exactly
1,000 calls are admitted, every other one gets 429, and the usage rows add up to the admitted calls.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa

from tests.pg import Postgres
from tests.redis_server import RedisServer
from tests.server import Server, free_port

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1000
TOTAL = 1300
CLIENTS = 200


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[Postgres, RedisServer]]:
    pg = Postgres().start()
    rd = RedisServer().start()
    yield pg, rd
    rd.stop()
    pg.stop()


def _siyada(data: Path, env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "siyada", "--data-dir", str(data), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return proc.stdout.strip()


async def _hammer(urls: list[str], key: str) -> list[int]:
    body = {"model": "stub", "messages": [{"role": "user", "content": "x"}]}
    headers = {"Authorization": f"Bearer {key}"}
    codes: list[int] = []
    todo = iter(range(TOTAL))

    async def client(session: aiohttp.ClientSession, n: int) -> None:
        for i in todo:
            async with session.post(
                urls[(n + i) % 2] + "/v1/chat/completions", json=body, headers=headers
            ) as r:
                await r.read()
                codes.append(r.status)

    connector = aiohttp.TCPConnector(limit=CLIENTS)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        await asyncio.gather(*(client(session, n) for n in range(CLIENTS)))
    return codes


def test_two_replicas_share_an_exact_limit(services: tuple[Postgres, RedisServer], tmp_path: Path) -> None:
    pg, rd = services
    stub_port = free_port()
    stub = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "stub_upstream.py"), "--port", str(stub_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db_url = pg.create_database("replicas")
    env = {"SIYADA_DATABASE_URL": db_url, "SIYADA_REDIS_URL": rd.url}
    config = tmp_path / "replica.toml"
    config.write_text(f"""
egress_allow = ["127.0.0.1"]
[embedded]
enabled = false
[[providers]]
name = "stub"
url = "http://127.0.0.1:{stub_port}/v1"
[[models]]
name = "stub"
routes = [{{ provider = "stub" }}]
""")
    replicas: list[Server] = []
    try:
        admin = tmp_path / "admin"
        _siyada(admin, env, "tenants", "create", "ministere")
        key = _siyada(admin, env, "keys", "create", "--tenant", "ministere", "--role", "user")
        key_id = json.loads(_siyada(admin, env, "keys", "list", "--json"))[0]["id"]
        _siyada(admin, env, "limits", "set", "--key", str(key_id), "--rpm", str(LIMIT))
        replicas = [Server(tmp_path / f"replica-{i}", config=config, env=env).start() for i in range(2)]
        left = 60 - time.time() % 60
        if left < 30:  # the whole burst must fall inside one minute window
            time.sleep(left + 0.2)
        codes = asyncio.run(_hammer([r.url for r in replicas], key))
    finally:
        for r in replicas:
            r.stop()
        stub.terminate()
    assert len(codes) == TOTAL
    assert codes.count(200) == LIMIT, {c: codes.count(c) for c in set(codes)}
    assert codes.count(429) == TOTAL - LIMIT
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("select status, count(*) from usage group by status")).all())
        tokens = conn.execute(sa.text("select sum(prompt_tokens) from usage where status = 200")).scalar()
    engine.dispose()
    assert rows.get(200) == LIMIT and rows.get(429) == TOTAL - LIMIT
    assert tokens and tokens > 0
