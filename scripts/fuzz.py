"""Long fuzz runs of the harnesses in tests/fuzz/targets.py.

    .venv/bin/python scripts/fuzz.py --seconds 600 [--targets parse chunk ...] [--out fuzz-out]

Each target runs in its own process under atheris (libFuzzer, coverage-guided) when it is installed
(`pip install atheris`), starting from the target's seeds. libFuzzer's per-input `-timeout` turns a
super-linear input into a finding, `-rss_limit_mb` a memory blow-up. Without atheris the same targets
run under hypothesis for the same time. Findings land in OUT/<target>/ (crash-*, timeout-*, oom-*):
copy the ones worth keeping into tests/fixtures/fuzz/<target>/, where CI replays them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _child(target: str, seconds: int, out: Path, timeout: int) -> None:
    """Runs inside the subprocess: one target under atheris (or hypothesis)."""
    from tests.fuzz.targets import TARGETS, seeds

    run = TARGETS[target]
    try:
        import atheris
    except ImportError:
        _hypothesis(run, seeds(target), seconds)
        return
    # Everything the target imports is imported here, inside the block, so that atheris instruments it
    # (a module imported before would run blind: libFuzzer would see no coverage).
    with atheris.instrument_imports(include=["siyada"]):
        pool = seeds(target)
        run(pool[0])  # also warms caches (the query store) outside the timed inputs
    corpus = out / target / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(pool):
        (corpus / f"seed-{i}").write_bytes(seed)
    args = [
        sys.argv[0],
        str(corpus),
        f"-max_total_time={seconds}",
        f"-timeout={timeout}",
        "-rss_limit_mb=3072",
        "-max_len=200000",
        f"-artifact_prefix={out / target}/",
        "-print_final_stats=1",
    ]
    atheris.Setup(args, run)
    atheris.Fuzz()


def _hypothesis(run, pool: list[bytes], seconds: int) -> None:  # type: ignore[no-untyped-def]
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:

        @settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(st.one_of(st.sampled_from(pool), st.binary(max_size=4000)))
        def check(data: bytes) -> None:
            run(data)

        check()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=600, help="per target")
    ap.add_argument("--targets", nargs="*")
    ap.add_argument("--out", type=Path, default=ROOT / "fuzz-out")
    ap.add_argument("--timeout", type=int, default=10, help="seconds one input may take")
    ap.add_argument("--parallel", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.seconds, args.out, args.timeout)
        return 0
    from tests.fuzz.targets import TARGETS

    names = args.targets or sorted(TARGETS)
    pending, running, summary = list(names), {}, {}
    while pending or running:
        while pending and len(running) < args.parallel:
            name = pending.pop(0)
            (args.out / name).mkdir(parents=True, exist_ok=True)
            log = (args.out / name / "log.txt").open("wb")
            cmd = [sys.executable, __file__, "--child", name, "--seconds", str(args.seconds)]
            cmd += ["--out", str(args.out), "--timeout", str(args.timeout)]
            running[name] = (
                subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT),
                time.time(),
            )
        for name, (proc, started) in list(running.items()):
            if proc.poll() is not None:
                findings = sorted(
                    p.name
                    for p in (args.out / name).iterdir()
                    if p.name.split("-")[0] in ("crash", "timeout", "oom")
                )
                summary[name] = {
                    "exit": proc.returncode,
                    "seconds": round(time.time() - started),
                    "findings": findings,
                }
                print(json.dumps({name: summary[name]}), flush=True)
                del running[name]
        time.sleep(1)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1))
    return 1 if any(s["findings"] or s["exit"] not in (0,) for s in summary.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
