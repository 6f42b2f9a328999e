"""Start real Siyada servers as subprocesses for tests, and drive the real CLI."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(
    data_dir: Path,
    *args: str,
    config: Path | None = None,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "siyada", "--data-dir", str(data_dir)]
    if config is not None:
        cmd += ["--config", str(config)]
    proc = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120, env=_env(env))
    if check and proc.returncode != 0:
        raise AssertionError(f"siyada {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIYADA_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class Server:
    """A `siyada serve` subprocess on a free loopback port."""

    def __init__(
        self,
        data_dir: Path,
        config: Path | None = None,
        env: dict[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.config = config
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data_dir / f"server-{self.port}.log"

    def start(self, timeout: float = 120) -> Server:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "siyada", "--data-dir", str(self.data_dir)]
        if self.config is not None:
            cmd += ["--config", str(self.config)]
        cmd += ["serve", "--port", str(self.port)]
        self._logfh = self.log.open("ab")
        self.proc = subprocess.Popen(cmd, stdout=self._logfh, stderr=subprocess.STDOUT, env=_env(self.env))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.output()}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start in {timeout}s: {self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def key(self, tenant: str = "default", role: str = "operator") -> str:
        return cli(self.data_dir, "keys", "create", "--tenant", tenant, "--role", role).stdout.strip()

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_logfh", None):
            self._logfh.close()


def configure(data_dir: Path, toml: str, *tenants: str, models: dict[str, str] | None = None) -> Path:
    """Write this `siyada.toml` into a fresh data folder and create these tenants, each tenant named in
    `models` limited to those models (a comma-separated list); the config's path."""
    config = data_dir / "siyada.toml"
    config.write_text(toml)
    for tenant in tenants:
        cli(data_dir, "tenants", "create", tenant)
    for tenant, allowed in (models or {}).items():
        cli(data_dir, "tenants", "set-models", tenant, allowed)
    return config


@contextmanager
def serving(
    data_dir: Path, toml: str, *tenants: str, models: dict[str, str] | None = None
) -> Iterator[Server]:
    """A server over a fresh data folder with this `siyada.toml` and these tenants (see `configure`),
    stopped on leaving."""
    server = Server(data_dir, config=configure(data_dir, toml, *tenants, models=models)).start()
    try:
        yield server
    finally:
        server.stop()
