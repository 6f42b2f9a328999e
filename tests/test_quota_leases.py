"""Quota reservations are leases: a reservation whose process died stops counting when its lease ends,
settling and refunding stay exactly-once, and concurrent admissions never pass a limit. In this process
(`LocalCounters`) and in a real Redis shared by several counter clients (`RedisCounters`), then end to
end: a replica killed with -9 mid-call, the other replica admits again once the lease is over."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from siyada.governance.limits import Limit
from siyada.governance.quota_counters import LocalCounters, RedisCounters
from siyada.governance.quotas import QuotaExceeded, Quotas, Ticket, plan
from tests.redis_server import RedisServer
from tests.server import Server, cli, free_port

ROOT = Path(__file__).resolve().parent.parent
# key 1 of tenant 1: 10 requests a minute, 100 tokens a day
LIMITS = [Limit(1, "key", 1, None, 10, None, 100, None)]


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    rd = RedisServer().start()
    yield rd
    rd.stop()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _inside_one_minute() -> None:
    """Windows are aligned in UTC: a test must not straddle a minute (or a day) boundary."""
    left = 60 - time.time() % 60
    if left < 15:
        time.sleep(left + 0.2)


def _keys(prompt: int = 0) -> tuple[str, str]:
    """The (rpm, tpd) counter keys an admission of key 1 uses now."""
    checks = plan(LIMITS, 1, 1, "m", prompt, time.time())
    return next(c.key for c in checks if c.name == "rpm"), next(c.key for c in checks if c.name == "tpd")


async def _admitted(quotas: Quotas, prompt: int) -> Ticket | None:
    try:
        return await quotas.admit(1, 1, "m", prompt)
    except QuotaExceeded:
        return None


def test_local_reservation_of_a_dead_call_stops_counting_after_its_lease() -> None:
    async def scenario() -> None:
        clock = Clock()
        quotas = Quotas(LocalCounters(clock), lambda: LIMITS, lease_seconds=30)
        assert await _admitted(quotas, 60) is not None  # never settled: its caller "died"
        assert await _admitted(quotas, 60) is None  # 60 reserved + 60 > 100 tokens a day
        clock.now += 29
        assert await _admitted(quotas, 60) is None  # the lease still runs
        clock.now += 2
        second = await _admitted(quotas, 60)  # the dead call's lease ended: its 60 tokens are free
        assert second is not None
        await quotas.settle(second, 60, 10)
        rpm, tpd = _keys()
        assert quotas.counters.level(tpd) == 70  # type: ignore[attr-defined]
        assert quotas.counters.level(rpm) == 1  # type: ignore[attr-defined]

    asyncio.run(scenario())


async def _exactly_once(quotas: Quotas, level: Any) -> None:
    rpm, tpd = _keys()
    t = await quotas.admit(1, 1, "m", 4)
    assert (await level(tpd), await level(rpm)) == (4, 1)  # reserved
    await quotas.settle(t, 4, 3)
    await quotas.settle(t, 4, 3)
    await quotas.refund(t)
    assert (await level(tpd), await level(rpm)) == (7, 1)  # committed once: prompt and completion
    r = await quotas.admit(1, 1, "m", 5)
    assert (await level(tpd), await level(rpm)) == (12, 2)
    await quotas.refund(r)
    await quotas.refund(r)
    await quotas.settle(r, 5, 5)
    assert (await level(tpd), await level(rpm)) == (7, 1)  # given back once, nothing committed


def test_local_settle_and_refund_are_exactly_once() -> None:
    counters = LocalCounters()

    async def level(key: str) -> int:
        return counters.level(key)

    asyncio.run(_exactly_once(Quotas(counters, lambda: LIMITS), level))


def test_redis_settle_and_refund_are_exactly_once(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        await _flush(redis_server)
        counters = RedisCounters(redis_server.url)
        await _exactly_once(Quotas(counters, lambda: LIMITS), counters.level)
        await counters.close()

    asyncio.run(scenario())


async def _flush(rd: RedisServer) -> None:
    import redis.asyncio as redis

    client = redis.Redis.from_url(rd.url)
    await client.flushdb()
    await client.aclose()


def test_redis_lease_of_a_dead_replica_expires_and_a_late_settle_still_counts(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        await _flush(redis_server)
        dead, alive = RedisCounters(redis_server.url), RedisCounters(redis_server.url)
        q_dead = Quotas(dead, lambda: LIMITS, lease_seconds=1)
        q_alive = Quotas(alive, lambda: LIMITS, lease_seconds=1)
        _, tpd = _keys()
        slow = await q_alive.admit(1, 1, "m", 30)  # a live call that will outlive its lease
        assert await q_dead.admit(1, 1, "m", 60)  # the replica then dies: never settled
        assert await alive.level(tpd) == 90
        assert await _admitted(q_alive, 20) is None  # 90 + 20 > 100
        await dead.close()
        await asyncio.sleep(1.2)  # both leases are over
        assert await alive.level(tpd) == 0
        await q_alive.settle(slow, 30, 5)  # ran longer than its lease: still counted in full
        assert await alive.level(tpd) == 35
        third = await _admitted(q_alive, 60)
        assert third is not None  # 35 + 60 fit once the dead reservation stopped counting
        assert await _admitted(q_alive, 10) is None  # 35 + 60 + 10 > 100
        await alive.close()

    asyncio.run(scenario())


def test_redis_concurrent_admissions_from_several_replicas_never_pass_the_limit(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        await _flush(redis_server)
        replicas = [RedisCounters(redis_server.url) for _ in range(3)]
        quotas = [Quotas(c, lambda: LIMITS) for c in replicas]
        tickets = await asyncio.gather(*(_admitted(quotas[i % 3], 3) for i in range(40)))
        admitted = [t for t in tickets if t is not None]
        assert len(admitted) == 10  # rpm 10 (30 tokens fit under 100)
        for i, t in enumerate(admitted):
            await (quotas[i % 3].settle(t, 3, 2) if i % 2 else quotas[i % 3].refund(t))
        rpm, tpd = _keys()
        assert (await replicas[0].level(rpm), await replicas[0].level(tpd)) == (5, 25)
        for c in replicas:
            await c.close()

    asyncio.run(scenario())


# -- end to end: two replicas sharing Redis, one killed with -9 mid-call -------------------------------

LEASE_S = 6


def _rpm_level(rd: RedisServer) -> int:
    """Committed requests plus live reservations of limit 1's rpm counter in this minute."""
    import redis

    client = redis.Redis.from_url(rd.url)
    try:
        minute = int(time.time() // 60) * 60
        committed = int(client.get(f"q:1:rpm:{minute}") or 0)
        return committed + int(client.hget(f"qr:1:rpm:{minute}", "_sum") or 0)
    finally:
        client.close()


def test_kill_9_mid_call_reservation_stops_counting_after_the_lease(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    stub_port = free_port()
    stub = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "stub_upstream.py"), "--port", str(stub_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    hang = socket.socket()  # an upstream that accepts connections and never answers: calls stay in flight
    hang.bind(("127.0.0.1", 0))
    hang.listen(16)
    config = tmp_path / "siyada.toml"
    config.write_text(f"""
quota_lease_seconds = {LEASE_S}
[embedded]
enabled = false
[[providers]]
name = "hang"
url = "http://127.0.0.1:{hang.getsockname()[1]}/v1"
retries = 0
timeout = 60
[[providers]]
name = "stub"
url = "http://127.0.0.1:{stub_port}/v1"
[[models]]
name = "slow"
routes = [{{ provider = "hang" }}]
[[models]]
name = "fast"
routes = [{{ provider = "stub" }}]
""")
    data = tmp_path / "data"
    asyncio.run(_flush(redis_server))  # limit ids restart at 1: the unit tests' counters must go
    env = {"SIYADA_REDIS_URL": redis_server.url}
    cli(data, "tenants", "create", "default", config=config, env=env)
    replicas: list[Server] = []
    try:
        replicas = [Server(data, config=config, env=env).start() for _ in range(2)]
        doomed, other = replicas
        key = doomed.key("default", "user")
        key_id = max(k["id"] for k in json.loads(cli(data, "keys", "list", "--json").stdout))
        cli(data, "limits", "set", "--key", str(key_id), "--rpm", "1", config=config, env=env)
        time.sleep(1.2)  # limits are re-read at most once a second
        left = 60 - time.time() % 60
        if left < 30:  # the whole scenario inside one minute window
            time.sleep(left + 0.2)
        headers = {"Authorization": f"Bearer {key}"}

        def call(server: Server, model: str) -> httpx.Response:
            body = {"model": model, "messages": [{"role": "user", "content": "x"}], "max_tokens": 4}
            return httpx.post(server.url + "/v1/chat/completions", json=body, headers=headers, timeout=60)

        def doomed_call() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the replica dies under it
                call(doomed, "slow")

        threading.Thread(target=doomed_call, daemon=True).start()
        deadline = time.monotonic() + 20
        while _rpm_level(redis_server) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        admitted_at = time.monotonic()
        assert _rpm_level(redis_server) == 1  # admitted: the call now waits on the upstream
        assert doomed.proc is not None
        doomed.proc.send_signal(signal.SIGKILL)  # its reservation is never given back
        doomed.proc.wait(10)
        during = call(other, "fast")
        time.sleep(max(0.0, admitted_at + LEASE_S + 0.5 - time.monotonic()))
        after = call(other, "fast")
        assert during.status_code == 429, during.text  # the lease still holds the one request
        assert "requests per minute" in during.json()["error"]["message"]
        assert after.status_code == 200, after.text  # the dead replica's lease is over
        assert call(other, "fast").status_code == 429  # and the completed call counts
    finally:
        for s in replicas:
            s.stop()
        hang.close()
        stub.terminate()
        stub.wait(10)
