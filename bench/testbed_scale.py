"""Throughput with 1, 2 and 3 Siyada replicas behind HAProxy on the multi-host test bed (deploy/testbed),
on a call whose cost is the gateway itself, with the CPU time each program spent.

    sudo .venv/bin/python bench/testbed_scale.py [--call models|embeddings] [--clients 32] [--seconds 20]
        [--json OUT]

The bed is built as for tests/test_testbed.py (PostgreSQL, Redis, three replicas, HAProxy, a client
host); replicas beyond the count measured are put in HAProxy's maintenance state, so the same processes
serve every step. `--call models` is `GET /v1/models` (authentication, key cache, the catalogue: no model,
no usage row); `--call embeddings` embeds one word with the static model (`siyada-embed-static`: a table
look-up) and so adds the quota check, a usage row committed in PostgreSQL before the answer
(`durable_usage`) and the metrics. The key has a `tpd` limit that never bites, so every call also
admits and settles a quota lease in Redis. Each step: a 3 s warm-up, then `--seconds` of load from `--clients`
workers on the `client` host (one connection per call, as in the failure scenarios). CPU seconds are
read from /proc for each replica (process tree), HAProxy, PostgreSQL and Redis, and the load
generator's own, and each replica's idle CPU (10 s without load) first. `--keepalive` reuses
connections (cheaper for the client; HAProxy then spreads requests, not connections) and
`--client-procs` splits the clients over several load processes. On a machine whose cores are shared,
calls per replica CPU-second is the figure to size with, throughput the figure of that machine then.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.testbed import services  # noqa: E402
from deploy.testbed.bed import REPLICAS, TestBed  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    """pid and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process tree (with its reaped children's)."""
    total = 0.0
    for i, p in enumerate(_tree(pid)):
        try:
            f = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(f[11]) + int(f[12]) + (int(f[13]) + int(f[14]) if i == 0 else 0)
    return total / TICK


def rss_mb(pid: int) -> float:
    total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run_load(bed: TestBed, key: str, args: argparse.Namespace, seconds: float) -> tuple[list[dict], float]:
    cmd = [sys.executable, "-m", "deploy.testbed.load", "--url", bed.lb_url, "--key", key]
    cmd += ["--call", args.call, "--clients", str(args.clients // args.client_procs)]
    cmd += ["--seconds", str(seconds)] + (["--keepalive"] if args.keepalive else [])
    procs = [
        subprocess.Popen(
            bed.client.cmd(*cmd),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=services._env(),
        )
        for _ in range(args.client_procs)
    ]
    calls: list[dict] = []
    used = 0.0
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(err[-2000:])
        calls += [json.loads(line) for line in out.splitlines() if line.strip()]
        used += json.loads(err.strip().splitlines()[-1])["cpu_s"]
    return calls, used


def step(bed: TestBed, key: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    for i, name in enumerate(REPLICAS):
        services.haproxy_command(bed.root, f"set server gws/{name} state {'ready' if i < n else 'maint'}")
    for i, name in enumerate(REPLICAS):
        bed.wait_lb_state(name, "UP" if i < n else "MAINT")
    run_load(bed, key, args, 3)  # warm-up: connections, caches
    procs = {name: bed.gw_procs[name].pid for name in REPLICAS[:n]}
    others = {"haproxy": bed.lb_proc.pid, "postgres": bed.pg.proc.pid, "redis": bed.redis.pid}  # type: ignore[union-attr]
    before = {k: cpu_s(p) for k, p in {**procs, **others}.items()}
    t0 = time.monotonic()
    calls, client_cpu = run_load(bed, key, args, args.seconds)
    wall = time.monotonic() - t0
    used = {k: round(cpu_s(p) - before[k], 2) for k, p in {**procs, **others}.items()}
    ok = [c for c in calls if c["status"] == 200]
    lat = sorted((c["end"] - c["start"]) * 1000 for c in ok)
    replica_cpu = sum(used[k] for k in procs)
    return {
        "replicas": n,
        "calls": len(calls),
        "ok": len(ok),
        "failed": len(calls) - len(ok),
        "calls_per_s": round(len(ok) / args.seconds, 1),
        "p50_ms": round(lat[len(lat) // 2], 1) if lat else None,
        "p95_ms": round(lat[int(len(lat) * 0.95) - 1], 1) if lat else None,
        "wall_s": round(wall, 1),
        "cpu_s": {**used, "client": round(client_cpu, 2)},
        "replica_cpu_s_per_call_ms": round(replica_cpu / max(1, len(ok)) * 1000, 2),
        "calls_per_replica_cpu_s": round(len(ok) / replica_cpu, 1) if replica_cpu else None,
        "rss_mb": {k: round(rss_mb(p)) for k, p in procs.items()},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--call", choices=["models", "embeddings"], default="embeddings")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--counts", default="1,2,3", help="replica counts to measure, in this order")
    ap.add_argument("--keepalive", action="store_true", help="reuse connections (one per client)")
    ap.add_argument("--client-procs", type=int, default=1, help="load processes sharing --clients")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result: dict[str, Any] = {
        "call": args.call,
        "clients": args.clients,
        "client_procs": args.client_procs,
        "keepalive": args.keepalive,
        "seconds": args.seconds,
        "cores": os.cpu_count(),
        "load_avg_before": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "steps": [],
    }
    with TestBed() as bed:
        key, key_id = bed.key()
        # A limit that never bites, so every call also runs the quota's Lua scripts on `cache`.
        bed.siyada("limits", "set", "--key", str(key_id), "--tpd", "1000000000")
        before = {name: cpu_s(bed.gw_procs[name].pid) for name in REPLICAS}
        time.sleep(10)  # idle: health checks every 500 ms, background tasks
        result["idle_cpu_s_per_replica_per_s"] = {
            name: round((cpu_s(bed.gw_procs[name].pid) - before[name]) / 10, 3) for name in REPLICAS
        }
        for n in (int(x) for x in args.counts.split(",")):
            result["steps"].append(step(bed, key, n, args))
            print(json.dumps(result["steps"][-1]), file=sys.stderr, flush=True)
    result["load_avg_after"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
