"""Gateway overhead bench: what a gateway adds on top of a bare hop to the upstream.

Starts a stub OpenAI-compatible upstream (bench/stub_upstream.py), the gateways
under test, and drives them with a closed-loop aiohttp load generator.

Targets (--only):
  direct      straight to the stub (the floor)
  bare        bench/bare_proxy.py, Starlette + pooled aiohttp (the Python proxy floor)
  bare-httpx  the same with one shared httpx.AsyncClient (encode/httpx#3215)
  litellm     LiteLLM proxy, one worker, from bench/.venv-litellm (bash bench/setup_litellm.sh)
  siyada      Siyada at --siyada-url with --siyada-key / --siyada-model, configured with
              the stub (http://127.0.0.1:<--stub-port>/v1) as an OpenAI-compatible
              upstream; started by this script when --siyada-cmd is given, else already running
Scenarios: non-streaming with 1 and 32 clients, streaming (SSE) with 8 clients.
Gateways run on CPU 1, the stub and this load generator on CPU 0 (taskset).

  python bench/gateway_overhead.py --only direct,bare,litellm --json bench/results.json
  python bench/gateway_overhead.py --quick
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

from gateway_load import SCENARIOS, run_scenario, summarize
from gateway_procs import (
    GATEWAY_CPU,
    HERE,
    LOADGEN_CPU,
    Procs,
    cpu_busy_pct,
    cpu_model,
    start_target,
    versions,
    wait_http,
)

ALL_TARGETS = ["direct", "bare", "bare-httpx", "litellm", "siyada"]
DEFAULT_TARGETS = ["direct", "bare", "bare-httpx", "litellm", "siyada"]


# ---------------------------------------------------------------- reporting


def fmt(v, spec=".1f", dash="-"):
    return dash if v is None else format(v, spec)


def print_table(summary: dict, targets: list[str], file=sys.stdout) -> str:
    lines = []
    for scen, (stream, conc) in SCENARIOS.items():
        rows = [(t, summary[t][scen]) for t in targets if scen in summary.get(t, {})]
        if not rows:
            continue
        d = summary.get("direct", {}).get(scen)
        b = summary.get("bare", {}).get(scen)
        title = (
            f"{'streaming' if stream else 'non-streaming'}, {conc} concurrent client{'s' if conc > 1 else ''}"
        )
        hdr = ["target", "req/s", "±%", "p50 ms", "p95 ms"]
        if stream:
            hdr += ["TTFT p50"]
        hdr += ["x direct", "+p50 vs direct", "x bare", "+p50 vs bare"]
        if stream:
            hdr += ["TTFT Δ direct", "TTFT Δ bare"]
        hdr += ["err"]
        table = [hdr]
        for t, s in rows:
            if s.get("rps") is None:
                table.append([t, "failed"] + [""] * (len(hdr) - 2))
                continue
            r = [
                t,
                f"{s['rps']:,.0f}",
                fmt(s["rps_spread_pct"], ".0f"),
                fmt(s["p50_ms"], ".2f"),
                fmt(s["p95_ms"], ".2f"),
            ]
            if stream:
                r.append(fmt(s["ttft_p50_ms"], ".2f"))
            for ref in (d, b):
                if ref and ref.get("rps"):
                    r += [f"{s['rps'] / ref['rps']:.2f}", f"{s['p50_ms'] - ref['p50_ms']:+.2f}"]
                else:
                    r += ["-", "-"]
            if stream:
                for ref in (d, b):
                    if ref and ref.get("ttft_p50_ms") is not None and s.get("ttft_p50_ms") is not None:
                        r.append(f"{s['ttft_p50_ms'] - ref['ttft_p50_ms']:+.2f}")
                    else:
                        r.append("-")
            r.append(str(s["errors"]))
            table.append(r)
        widths = [max(len(row[i]) for row in table) for i in range(len(hdr))]
        lines.append(f"\n== {title} ==")
        for i, row in enumerate(table):
            lines.append(
                "  ".join(
                    c.rjust(w) if j else c.ljust(w) for j, (c, w) in enumerate(zip(row, widths, strict=True))
                )
            )
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
    text = "\n".join(lines)
    print(text, file=file, flush=True)
    return text


# ---------------------------------------------------------------- main


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--only",
        default=",".join(DEFAULT_TARGETS),
        help=f"comma list of targets among {','.join(ALL_TARGETS)} (siyada is skipped without --siyada-url)",
    )
    ap.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help=f"comma list among {','.join(SCENARIOS)}"
    )
    ap.add_argument("--duration", type=float, default=5.0, help="measured seconds per scenario run")
    ap.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each scenario run")
    ap.add_argument(
        "--max-requests", type=int, default=200_000, help="stop a scenario run after this many requests"
    )
    ap.add_argument("--runs", type=int, default=2, help="runs of each configuration (spread is reported)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 run, 1 s per scenario, 0.3 s warmup")
    ap.add_argument("--json", metavar="OUT", help="write results as JSON")
    ap.add_argument("--no-pin", action="store_true", help="do not pin processes with taskset")
    ap.add_argument("--stub-port", type=int, default=18080)
    ap.add_argument("--stub-chunks", type=int, default=16)
    ap.add_argument("--stub-chunk-delay-ms", type=float, default=0.0)
    ap.add_argument("--bare-port", type=int, default=18081)
    ap.add_argument("--bare-httpx-port", type=int, default=18082)
    ap.add_argument("--bare-loop", default="uvloop", help="uvicorn --loop for the bare proxies")
    ap.add_argument("--bare-http", default="httptools", help="uvicorn --http for the bare proxies")
    ap.add_argument(
        "--bare-router",
        choices=["starlette", "asgi"],
        default="starlette",
        help="bare proxies as a Starlette app (default) or a plain ASGI callable",
    )
    ap.add_argument(
        "--bare-access-log", action="store_true", help="turn uvicorn's access log on for the bare proxies"
    )
    ap.add_argument("--python", default=sys.executable, help="interpreter for the stub and bare proxies")
    ap.add_argument("--litellm-port", type=int, default=18083)
    ap.add_argument("--litellm-venv", default=str(HERE / ".venv-litellm"))
    ap.add_argument("--litellm-key", default="sk-bench-litellm")
    ap.add_argument("--siyada-url", help="base URL of a Siyada server, e.g. http://127.0.0.1:8000")
    ap.add_argument(
        "--siyada-key", default=os.environ.get("SIYADA_BENCH_KEY", ""), help="API key (or $SIYADA_BENCH_KEY)"
    )
    ap.add_argument("--siyada-model", default="stub", help="model name Siyada routes to the stub")
    ap.add_argument(
        "--siyada-cmd",
        help="shell command that starts Siyada (run pinned to CPU 1, stopped at the end); "
        "{stub_url} / {stub_base} become the stub's /v1 URL / base URL. Without it Siyada must already run",
    )
    ap.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness for this script and everything it starts (children inherit it); a negative "
        "value (root) keeps other work on a shared machine from skewing the figures",
    )
    ap.add_argument(
        "--realtime",
        action="store_true",
        help="run the bench and what it starts under SCHED_RR priority 1 (root): on a shared, busy "
        "machine this keeps other work from skewing the figures (the kernel still leaves others "
        "their RT-throttling share); runs stay bounded by --duration",
    )
    ap.add_argument("--startup-timeout", type=float, default=90.0)
    a = ap.parse_args(argv)
    if a.quick:
        a.runs, a.duration, a.warmup = 1, 1.0, 0.3
    return a


async def amain(a) -> int:
    targets = [t.strip() for t in a.only.split(",") if t.strip()]
    bad = [t for t in targets if t not in ALL_TARGETS]
    if bad:
        print(f"unknown target(s): {bad}", file=sys.stderr)
        return 2
    scen_names = [s.strip() for s in a.scenarios.split(",") if s.strip()]
    for s in scen_names:
        if s not in SCENARIOS:
            print(f"unknown scenario {s!r}", file=sys.stderr)
            return 2
    if "siyada" in targets and not a.siyada_url:
        print("note: siyada skipped (no --siyada-url)", file=sys.stderr)
        targets.remove("siyada")

    pin = not a.no_pin
    if pin and not shutil.which("taskset"):
        print("taskset not found (apt-get install util-linux); use --no-pin to run unpinned", file=sys.stderr)
        return 2
    if pin and (os.cpu_count() or 1) < 2:
        print("fewer than 2 CPUs: running unpinned", file=sys.stderr)
        pin = False
    if a.nice:
        # With kernel autogroups, niceness only counts inside a session: this script runs in a
        # session of its own (see main) and lowers that session's autogroup nice as well.
        os.setpriority(os.PRIO_PROCESS, 0, a.nice)  # inherited by the stub and the gateways
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(str(a.nice))
    if a.realtime:
        try:
            os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(1))  # inherited by children
        except (OSError, AttributeError) as e:
            print(f"--realtime: {e}; running with the normal scheduler", file=sys.stderr)
            a.realtime = False
    if pin:
        os.sched_setaffinity(0, {int(LOADGEN_CPU)})  # the load generator shares CPU 0 with the stub

    logdir = Path(tempfile.mkdtemp(prefix="siyada-bench-"))
    procs = Procs(pin, logdir)
    stub_base = f"http://127.0.0.1:{a.stub_port}"
    litellm_py = Path(a.litellm_venv) / "bin" / "python"
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "cpu_model": cpu_model(),
        "cpus": os.cpu_count(),
        "pinned": pin,
        "nice": a.nice,
        "realtime": a.realtime,
        "gateway_cpu": GATEWAY_CPU if pin else None,
        "loadgen_stub_cpu": LOADGEN_CPU if pin else None,
        "duration_s": a.duration,
        "warmup_s": a.warmup,
        "runs": a.runs,
        "stub": {"chunks": a.stub_chunks, "chunk_delay_ms": a.stub_chunk_delay_ms},
        "bare_uvicorn": {"loop": a.bare_loop, "http": a.bare_http, "access_log": a.bare_access_log},
        "bare_router": a.bare_router,
        "versions": versions(litellm_py if "litellm" in targets else None),
        "command": " ".join(shlex.quote(x) for x in sys.argv),
    }
    print(
        f"# {meta['date']}  {meta['cpu_model']}  cpus={meta['cpus']}  pinned={pin}  logs={logdir}", flush=True
    )
    results: dict = {}
    summary: dict = {}
    rc = 0
    try:
        stub = procs.start(
            "stub",
            [
                a.python,
                str(HERE / "stub_upstream.py"),
                "--port",
                str(a.stub_port),
                "--chunks",
                str(a.stub_chunks),
                "--chunk-delay-ms",
                str(a.stub_chunk_delay_ms),
            ],
            LOADGEN_CPU,
        )
        if not wait_http(stub_base + "/health", 15, stub):
            print("stub failed to start:\n" + procs.log_tail("stub"), file=sys.stderr)
            return 1

        for name in targets:
            t = start_target(name, a, procs, stub_base, litellm_py)
            if t is None:
                rc = 1
                summary[name] = {}
                continue
            results[name] = {}
            summary[name] = {}
            busy = cpu_busy_pct()
            meta.setdefault("background_cpu_busy_pct", {})[name] = busy
            warn = "  WARNING: other load on the machine skews results" if busy and busy > 10 else ""
            print(f"\n--- {name}: {t.base_url} {t.note}  (background CPU busy {busy}%){warn}", flush=True)
            for scen in scen_names:
                stream, conc = SCENARIOS[scen]
                runs = []
                for i in range(a.runs):
                    r = await run_scenario(t, stream, conc, a.duration, a.warmup, a.max_requests)
                    runs.append(r)
                    tt = f" ttft_p50={r['ttft_p50_ms']:.2f}ms" if r["ttft_p50_ms"] is not None else ""
                    print(
                        f"  {scen:14s} run {i + 1}: {r['rps']:8.1f} req/s  p50={r['p50_ms']:.2f}ms "
                        f"p95={r['p95_ms']:.2f}ms{tt}  n={r['requests']} err={r['errors']}"
                        + (f" {r['error_kinds']}" if r["errors"] else ""),
                        flush=True,
                    )
                results[name][scen] = runs
                summary[name][scen] = summarize(runs)
            if t.proc is not None:
                procs.stop(t.proc)
    finally:
        procs.stop_all()

    shown = [t for t in targets if summary.get(t)]
    table = print_table(summary, shown)
    if a.json:
        out = {"meta": meta, "summary": summary, "runs": results, "table": table}
        Path(a.json).write_text(json.dumps(out, indent=2, default=str))
        print(f"\nwrote {a.json}")
    return rc


def main(argv=None) -> int:
    a = parse_args(argv)
    if a.nice and argv is None and not os.environ.get("_GW_BENCH_SETSID") and shutil.which("setsid"):
        # a new session, so that --nice applies to this bench only (kernel autogroups)
        os.environ["_GW_BENCH_SETSID"] = "1"
        os.execvp("setsid", ["setsid", "-w", sys.executable, *sys.argv])
    try:
        import uvloop

        runner = uvloop.run
    except (ImportError, AttributeError):
        runner = asyncio.run
    return runner(amain(a))


if __name__ == "__main__":
    sys.exit(main())
