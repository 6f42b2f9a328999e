"""The whole test bed: hosts, their programs, Siyada's configuration, and what an operator does on it.

with TestBed() as bed:            # db, cache, llm, gw1-gw3, lb, client, outside; all torn down at exit
    bed.key(...), bed.load(...), bed.kill_replica("gw2"), bed.usage_rows(), ...
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from deploy.testbed import services
from deploy.testbed.netns import Host, Network, kill, probe

REPLICAS = ("gw1", "gw2", "gw3")
QUOTA_LEASE_S = 30  # a call here lasts at most ~10 s (32 clients queued on a one-thread llm)


class TestBed:
    __test__ = False  # not a pytest class

    def __init__(self) -> None:
        probe()
        self.net = Network()
        self.root = self.net.root
        os.chmod(self.root, 0o755)  # the postgres user walks through it to its data directory
        self.gw_procs: dict[str, subprocess.Popen[bytes]] = {}
        self.gw_logs: dict[str, Path] = {}

    # -- bring-up ------------------------------------------------------------------------------------
    def __enter__(self) -> TestBed:
        try:
            self.up()
        except BaseException:
            self.down()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.down()

    def up(self) -> None:
        net = self.net
        net.up()
        self.db = net.add("db", 10)
        self.cache = net.add("cache", 11)
        self.gws = {name: net.add(name, 21 + i) for i, name in enumerate(REPLICAS)}
        self.lb = net.add("lb", 30)
        self.llm = net.add("llm", 40)
        self.client = net.add("client", 50)
        # A host that exists on the wire but off the replicas' routes: only `client` may reach it.
        self.outside = net.add("outside", 5, outside=True)
        net.route(self.outside, net.prefix)
        net.route(self.client, net.outside_prefix)

        self.pg = services.Postgres(self.db, self.root, net.prefix)
        self.pg.init()
        self.redis = services.redis(self.cache, self.root)
        self.llm_proc = services.llm(self.llm, self.root)
        self.config = self._config()
        first = self.gws["gw1"]
        # One replica migrates and creates the tenant before the others start (no migration race).
        services.siyada_cli(first, self.data("gw1"), self.config, "tenants", "create", "default")
        for name in REPLICAS:
            self.start_replica(name, wait=False)
        for name in REPLICAS:
            self.wait_replica(name)
        self.lb_proc = services.haproxy(self.lb, self.root, list(self.gws.values()))
        self.lb_url = f"http://{self.lb.addr}:{services.LB_PORT}"

    def _config(self) -> Path:
        net = self.net
        path = self.root / "siyada.toml"
        path.write_text(
            f"""
database_url = "{self.pg.url}"
redis_url = "redis://{self.cache.addr}:{services.REDIS_PORT}/0"
egress_allow = ["{self.llm.addr}"]
shutdown_grace_seconds = 30  # the default; 10 s cut calls queued behind the one-thread llm on a busy machine
quota_lease_seconds = {QUOTA_LEASE_S}

[embedded]
threads = 1

[knowledge]
warm_at_start = false

[[providers]]
name = "llm"
url = "http://{self.llm.addr}:{services.LLM_PORT}/v1"
in_house = true
retries = 0
connect_timeout = 1
timeout = 60
failure_threshold = 1
cooldown = 60

[[models]]
name = "chat"
routes = [{{ provider = "llm", model = "smollm2", priority = 0 }},
          {{ provider = "embedded", model = "siyada-chat", priority = 1 }}]
"""
        )
        del net
        return path

    def data(self, replica: str) -> Path:
        return self.root / replica

    def start_replica(self, name: str, wait: bool = True, code: Path = services.REPO) -> None:
        """Start `name` from the version in `code`; a version other than this checkout is started as
        a Kubernetes pod of a new release is: it never migrates, its init container waits for the
        migration Job (`siyada migrate --check --wait`)."""
        env = None
        if code != services.REPO:
            env = {"SIYADA_MIGRATE_ON_START": "false"}
            wait = ("migrate", "--check", "--wait", "60")
            services.siyada_cli(self.gws[name], self.data(name), self.config, *wait, code=code, env=env)
        proc, log = services.gateway(self.gws[name], self.data(name), self.config, code, env)
        self.gw_procs[name], self.gw_logs[name] = proc, log
        if wait:
            self.wait_replica(name)

    def wait_replica(self, name: str) -> None:
        url = f"http://{self.gws[name].addr}:{services.GW_PORT}/health"
        services.wait_http(url, 180, name, self.gw_procs[name], self.gw_logs[name])

    def down(self) -> None:
        self.net.down()

    # -- operator actions ----------------------------------------------------------------------------
    def siyada(self, *args: str) -> str:
        return services.siyada_cli(self.gws["gw1"], self.data("gw1"), self.config, *args)

    def key(self, role: str = "user") -> tuple[str, int]:
        """A new API key and its id."""
        secret = self.siyada("keys", "create", "--tenant", "default", "--role", role)
        key_id = max(k["id"] for k in json.loads(self.siyada("keys", "list", "--json")))
        return secret, key_id

    def kill_replica(self, name: str) -> None:
        kill(self.gw_procs[name])

    def wait_lb_state(self, name: str, state: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while services.haproxy_states(self.root).get(name) != state:
            if time.monotonic() > deadline:
                raise RuntimeError(f"HAProxy never saw {name} {state}: {services.haproxy_states(self.root)}")
            time.sleep(0.2)

    def roll(self, name: str, code: Path = services.REPO) -> int:
        """Replace one replica the way an operator upgrades: drain it at the load balancer, SIGTERM (it
        finishes what it has in flight), start the new one (of the version in `code`), put it back.
        The old process's exit code."""
        services.haproxy_command(self.root, f"set server gws/{name} state drain")
        old = self.gw_procs[name]
        old.send_signal(signal.SIGTERM)
        exit_code = old.wait(60)
        self.start_replica(name, code=code)
        services.haproxy_command(self.root, f"set server gws/{name} state ready")
        self.wait_lb_state(name, "UP")
        return exit_code

    def migrate_job(self, code: Path) -> str:
        """The migration Job of a new release: its `siyada migrate`, run once from the `client` host."""
        return services.siyada_cli(self.client, self.root / "migrate-job", self.config, "migrate", code=code)

    def load(self, key: str, clients: int, seconds: float, max_tokens: int = 4) -> subprocess.Popen[str]:
        """Start the load generator on `client`; `finish` collects its per-call records."""
        args = [sys.executable, "-m", "deploy.testbed.load", "--url", self.lb_url, "--key", key]
        args += ["--clients", str(clients), "--seconds", str(seconds), "--max-tokens", str(max_tokens)]
        return subprocess.Popen(
            self.client.cmd(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=services.REPO,
            env=services._env(),
        )

    @staticmethod
    def finish(proc: subprocess.Popen[str], timeout: float = 240) -> list[dict[str, Any]]:
        out, err = proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"load generator failed ({proc.returncode}): {err[-2000:]}")
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        """A query on the shared database, from this machine (the operator's seat on the bridge)."""
        import psycopg

        with psycopg.connect(self.pg.url, autocommit=True) as conn:
            return [tuple(r) for r in conn.execute(query).fetchall()]  # type: ignore[arg-type]

    def quota_level(self, limit_id: int, name: str = "tpd") -> int:
        """What an admission under this limit counts now (committed calls plus live leases), read from
        the shared Redis with the replicas' own script."""
        import asyncio

        from siyada.governance.quota_counters import RedisCounters
        from siyada.governance.quotas import WINDOWS, window

        key = f"q:{int(limit_id)}:{name}:{window(WINDOWS[name], time.time())[0]}"

        async def level() -> int:
            counters = RedisCounters(f"redis://{self.cache.addr}:{services.REDIS_PORT}/0")
            try:
                return await counters.level(key)
            finally:
                await counters.close()

        return asyncio.run(level())

    def redis_sum(self, pattern: str) -> int:
        import redis

        r = redis.Redis(host=self.cache.addr, port=services.REDIS_PORT)
        try:
            return sum(int(r.get(k) or 0) for k in r.scan_iter(match=pattern))
        finally:
            r.close()

    def reach(self, src: Host, addr: str, port: int) -> str:
        """'ok', or the error a TCP connection from `src` to addr:port meets."""
        code = (
            "import socket, sys\n"
            "try:\n    socket.create_connection((sys.argv[1], int(sys.argv[2])), 2).close(); print('ok')\n"
            "except OSError as e:\n    print(e)"
        )
        return src.run(sys.executable, "-c", code, addr, str(port)).stdout.strip()
