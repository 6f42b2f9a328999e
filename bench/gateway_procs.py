"""Processes for the gateway bench: the targets under test (started, pinned to a CPU, waited for,
stopped) and facts about the machine they run on."""

from __future__ import annotations

import contextlib
import os
import platform
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
GATEWAY_CPU = "1"
LOADGEN_CPU = "0"


# ---------------------------------------------------------------- processes


@dataclass
class Target:
    name: str
    base_url: str  # e.g. http://127.0.0.1:18081 (the /v1/... path is appended)
    api_key: str
    model: str
    proc: subprocess.Popen | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


class Procs:
    """Processes started by this script; each gets its own process group and is ended by pid."""

    def __init__(self, pin: bool, logdir: Path):
        self.pin = pin
        self.logdir = logdir
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], cpu: str, env: dict | None = None, shell: bool = False):
        if shell:
            argv = ["/bin/sh", "-c", argv if isinstance(argv, str) else shlex.join(argv)]
        if self.pin:
            argv = ["taskset", "-c", cpu, *argv]
        with open(self.logdir / f"{name}.log", "wb") as log:  # the child keeps its own copy of the fd
            p = subprocess.Popen(
                argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **(env or {})},
                process_group=0,  # own group (ended with killpg) but same session/autogroup: --nice holds
            )
        self.procs.append((name, p))
        return p

    def stop(self, p: subprocess.Popen, timeout: float = 8.0):
        if p.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)  # the process group this script created for it
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(5)

    def stop_all(self):
        for _, p in reversed(self.procs):
            self.stop(p)
        self.procs.clear()

    def log_tail(self, name: str, n: int = 30) -> str:
        f = self.logdir / f"{name}.log"
        if not f.exists():
            return ""
        return "\n".join(f.read_text(errors="replace").splitlines()[-n:])


def wait_http(
    url: str, timeout: float, proc: subprocess.Popen | None = None, headers: dict | None = None
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            req = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(req, timeout=2) as r:
                if r.status < 500:
                    return True
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return True
        except Exception:
            pass
        time.sleep(0.2)
    return False


def litellm_config(stub_port: int, master_key: str) -> str:
    # plain YAML by hand: the bench depends on no YAML library
    return f"""model_list:
  - model_name: stub
    litellm_params:
      model: openai/stub
      api_base: http://127.0.0.1:{stub_port}/v1
      api_key: sk-stub
litellm_settings:
  drop_params: true
  set_verbose: false
  telemetry: false
general_settings:
  master_key: {master_key}
  disable_spend_logs: true
"""


def versions(litellm_py: Path | None) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    v = {"python": platform.python_version()}
    for pkg in ("aiohttp", "starlette", "uvicorn", "httpx", "uvloop", "httptools"):
        try:
            v[pkg] = version(pkg)
        except PackageNotFoundError:
            v[pkg] = None
    if litellm_py and litellm_py.exists():
        try:
            v["litellm"] = (
                subprocess.run(
                    [
                        str(litellm_py),
                        "-c",
                        "from importlib.metadata import version; print(version('litellm'))",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=60,
                ).stdout.strip()
                or None
            )
        except Exception:
            v["litellm"] = None
    return v


def cpu_busy_pct(interval: float = 1.0) -> float | None:
    """Share of all CPUs busy over `interval` (from /proc/stat): other load skews results."""

    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait

    try:
        t0, i0 = snap()
        time.sleep(interval)
        t1, i1 = snap()
        return round(100.0 * (1 - (i1 - i0) / max(1, t1 - t0)), 1)
    except OSError:
        return None


def cpu_model() -> str:
    try:
        for ln in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if ln.startswith("Model name:"):
                return ln.split(":", 1)[1].strip()
    except Exception:
        pass
    return platform.processor() or "unknown"


def start_target(name: str, a, procs: Procs, stub_base: str, litellm_py: Path) -> Target | None:
    if name == "direct":
        return Target(name, stub_base, "sk-stub", "stub")
    if name in ("bare", "bare-httpx"):
        port = a.bare_port if name == "bare" else a.bare_httpx_port
        client = "aiohttp" if name == "bare" else "httpx"
        p = procs.start(
            name,
            [
                a.python,
                str(HERE / "bare_proxy.py"),
                "--port",
                str(port),
                "--upstream",
                stub_base,
                "--client",
                client,
                "--loop",
                a.bare_loop,
                "--http",
                a.bare_http,
            ]
            + ["--router", a.bare_router]
            + (["--access-log"] if a.bare_access_log else []),
            GATEWAY_CPU,
        )
        base = f"http://127.0.0.1:{port}"
        if not wait_http(base + "/v1/models", 20, p):
            print(f"{name} failed to start:\n" + procs.log_tail(name), file=sys.stderr)
            return None
        return Target(
            name,
            base,
            "sk-stub",
            "stub",
            p,
            f"(client={client}, loop={a.bare_loop}, http={a.bare_http}, "
            f"access_log={a.bare_access_log}, router={a.bare_router})",
        )
    if name == "litellm":
        exe = Path(a.litellm_venv) / "bin" / "litellm"
        if not exe.exists():
            print(f"litellm skipped: {exe} missing (run bash bench/setup_litellm.sh)", file=sys.stderr)
            return None
        cfg = procs.logdir / "litellm_config.yaml"
        cfg.write_text(litellm_config(a.stub_port, a.litellm_key))
        env = {
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no fetch of the cost map at start
            "LITELLM_LOG": "ERROR",
            "LITELLM_MODE": "PRODUCTION",
            "LITELLM_TELEMETRY": "False",
            "DISABLE_SCHEMA_UPDATE": "True",
            "NO_PROXY": "*",
            "no_proxy": "*",
        }
        for k in (
            "DATABASE_URL",
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "http_proxy",
            "https_proxy",
        ):
            os.environ.pop(k, None)
        p = procs.start(
            name,
            [
                str(exe),
                "--config",
                str(cfg),
                "--host",
                "127.0.0.1",
                "--port",
                str(a.litellm_port),
                "--num_workers",
                "1",
            ],
            GATEWAY_CPU,
            env=env,
        )
        base = f"http://127.0.0.1:{a.litellm_port}"
        if not wait_http(base + "/health/liveliness", a.startup_timeout, p):
            print("litellm failed to start:\n" + procs.log_tail(name), file=sys.stderr)
            return None
        return Target(name, base, a.litellm_key, "stub", p, "(1 worker)")
    if name == "siyada":
        p = None
        if a.siyada_cmd:
            cmd = a.siyada_cmd.replace("{stub_url}", stub_base + "/v1").replace("{stub_base}", stub_base)
            p = procs.start(name, cmd, GATEWAY_CPU, shell=True)
        else:
            print("siyada: external server, pin it yourself (taskset -c 1 ...)", file=sys.stderr)
        hdr = {"Authorization": f"Bearer {a.siyada_key}"} if a.siyada_key else {}
        if not wait_http(a.siyada_url.rstrip("/") + "/v1/models", a.startup_timeout, p, hdr):
            print(
                "siyada not reachable at " + a.siyada_url + ("\n" + procs.log_tail(name) if p else ""),
                file=sys.stderr,
            )
            return None
        return Target(
            name, a.siyada_url, a.siyada_key, a.siyada_model, p, "(started here)" if p else "(external)"
        )
    raise ValueError(name)
