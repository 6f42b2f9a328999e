"""Gateway requests/s with usage accounting on vs off, same load, side by side; and the usage table's
size after 1M calls, before and after the daily roll-up.

    python bench/accounting.py [--runs 2] [--duration 4] [--table-rows 1000000] [--json OUT]

The stub upstream (bench/stub_upstream.py) and the load generator share CPU 0; Siyada is pinned to CPU 1.
"On" is production: one usage row per call (batched writes to SQLite) and Prometheus metrics. "Off" sets
`usage_accounting = false`. The audit log records administrative events only, never per call, so it is
not on this path. Runs alternate on/off so both see the same machine state.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from gateway_load import run_scenario, summarize  # noqa: E402
from gateway_procs import Target, wait_http  # noqa: E402

from siyada.governance.usage import UsageRecord, UsageRecorder  # noqa: E402
from siyada.governance.usage_query import rollup  # noqa: E402
from siyada.store.db import open_store  # noqa: E402

SCENARIOS = [("nonstream-c1", False, 1), ("nonstream-c32", False, 32), ("stream-c8", True, 8)]


def _pin(cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def start_siyada(root: Path, stub_port: int, port: int, accounting: bool) -> tuple[subprocess.Popen, str]:
    data = root / ("on" if accounting else "off")
    data.mkdir(parents=True)
    (data / "siyada.toml").write_text(
        f'usage_accounting = {"true" if accounting else "false"}\negress_allow = ["127.0.0.1"]\n'
        f'[embedded]\nenabled = false\n[[providers]]\nname = "stub"\nurl = "http://127.0.0.1:{stub_port}/v1"\n'
        f'max_concurrency = 512\n[[models]]\nname = "stub"\nroutes = [{{ provider = "stub" }}]\n'
    )
    base = [sys.executable, "-m", "siyada", "--data-dir", str(data)]
    subprocess.run([*base, "tenants", "create", "bench"], check=True, capture_output=True)
    key = subprocess.run(
        [*base, "keys", "create", "--tenant", "bench"], check=True, capture_output=True, text=True
    ).stdout.strip()
    proc = subprocess.Popen(
        [*_pin(1), *base, "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    if not wait_http(f"http://127.0.0.1:{port}/health", 60, proc, {}):
        raise RuntimeError("siyada did not start")
    return proc, key


async def measure(targets: dict[str, Target], runs: int, duration: float, warmup: float) -> dict:
    results: dict[str, dict[str, list[dict]]] = {name: {s[0]: [] for s in SCENARIOS} for name in targets}
    for _ in range(runs):
        for scen, stream, conc in SCENARIOS:
            for name, t in targets.items():
                results[name][scen].append(await run_scenario(t, stream, conc, duration, warmup, None))
    return {name: {scen: summarize(r) for scen, r in per.items()} for name, per in results.items()}


def table_size(rows: int) -> dict:
    """Write `rows` usage rows the way the server does (batched), then roll them up; sizes in MB."""
    root = Path(tempfile.mkdtemp(prefix="siyada-usage-"))
    engine = open_store(f"sqlite:///{root / 'siyada.db'}")
    rec = UsageRecorder(engine)
    rnd = random.Random(1)
    start = time.time() - 40 * 86400  # spread over 30 days, all older than the raw retention window
    t0 = time.perf_counter()
    batch = []
    for i in range(rows):
        key = rnd.randint(1, 200)  # 200 keys across 20 tenants, 3 models, 3 providers
        batch.append(
            UsageRecord(
                start + i * 30 * 86400 / rows,
                key % 20 + 1,
                key,
                "chat/completions",
                rnd.choice(["siyada-chat", "atlas-9b", "siyada-embed"]),
                rnd.choice(["embedded", "vllm-rabat", "vllm-fes"]),
                200,
                rnd.randint(10, 900),
                rnd.randint(1, 400),
                rnd.uniform(50, 3000),
                None,
                0.01,
            )
        )
        if len(batch) == 5000:
            rec._write(batch)
            batch = []
    if batch:
        rec._write(batch)
    write_s = time.perf_counter() - t0
    db = root / "siyada.db"

    def size() -> float:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return db.stat().st_size / 1e6

    before = size()
    t0 = time.perf_counter()
    folded = rollup(engine, 7)
    rollup_s = time.perf_counter() - t0
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM")
        daily = conn.exec_driver_sql("select count(*) from usage_daily").scalar()
    after = size()
    engine.dispose()
    shutil.rmtree(root, ignore_errors=True)
    return {
        "rows": rows,
        "write_s": write_s,
        "mb_raw": before,
        "rolled_up": folded,
        "rollup_s": rollup_s,
        "daily_rows": daily,
        "mb_after_rollup": after,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--duration", type=float, default=4.0)
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--table-rows", type=int, default=1_000_000, help="0 to skip the table-size part")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="siyada-acct-"))
    stub_port, on_port, off_port = 18090, 18091, 18092
    procs: list[subprocess.Popen] = []
    try:
        procs.append(
            subprocess.Popen(
                [*_pin(0), sys.executable, str(HERE / "stub_upstream.py"), "--port", str(stub_port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        on, key_on = start_siyada(root, stub_port, on_port, True)
        off, key_off = start_siyada(root, stub_port, off_port, False)
        procs += [on, off]
        targets = {
            "off": Target("off", f"http://127.0.0.1:{off_port}", key_off, "stub"),
            "on": Target("on", f"http://127.0.0.1:{on_port}", key_on, "stub"),
        }
        summary = asyncio.run(measure(targets, a.runs, a.duration, a.warmup))
    finally:
        for p in procs:
            p.terminate()
    print(f"{'scenario':<16}{'off req/s':>12}{'on req/s':>12}{'on/off':>9}{'off p50':>10}{'on p50':>9}")
    for scen, _, _ in SCENARIOS:
        off_s, on_s = summary["off"][scen], summary["on"][scen]
        print(
            f"{scen:<16}{off_s['rps']:>12,.0f}{on_s['rps']:>12,.0f}{on_s['rps'] / off_s['rps']:>9.3f}"
            f"{off_s['p50_ms']:>10.2f}{on_s['p50_ms']:>9.2f}"
        )
    out: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "throughput": summary}
    if a.table_rows:
        sizes = table_size(a.table_rows)
        out["table"] = sizes
        print(
            f"usage table: {sizes['rows']:,} calls -> {sizes['mb_raw']:.1f} MB raw "
            f"(written in {sizes['write_s']:.1f} s); after roll-up {sizes['daily_rows']:,} daily rows, "
            f"{sizes['mb_after_rollup']:.1f} MB (roll-up took {sizes['rollup_s']:.1f} s)"
        )
    if a.json:
        a.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
