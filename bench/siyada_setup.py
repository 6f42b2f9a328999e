"""Prepare a Siyada data directory for bench/gateway_overhead.py: the stub as upstream, a tenant, a key.

    eval "$(python bench/siyada_setup.py --dir /tmp/siyada-bench --stub-port 18080)"
    python bench/gateway_overhead.py --only direct,bare,siyada,litellm \\
        --siyada-url http://127.0.0.1:18084 \\
        --siyada-cmd "$SIYADA_BENCH_SERVE --port 18084"

Prints shell `export` lines: SIYADA_BENCH_KEY (an API key) and SIYADA_BENCH_SERVE (the serve command).
Accounting stays on (usage rows are written, as in production); the embedded models are disabled so the
gateway process does only gateway work. The stub is an outside provider, so prompts are pseudonymised on
the way (the production default); `--in-house` measures the path without the privacy shield.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

CONFIG = """\
egress_allow = ["127.0.0.1"]

[embedded]
enabled = false

[[providers]]
name = "stub"
url = "http://127.0.0.1:{port}/v1"
timeout = 30
max_concurrency = 512
in_house = {in_house}

[privacy]
prompts = "{prompts}"

[[models]]
name = "stub"
routes = [{{ provider = "stub", model = "stub" }}]
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/siyada-bench"))
    ap.add_argument("--stub-port", type=int, default=18080)
    ap.add_argument(
        "--in-house",
        action="store_true",
        help="mark the stub in-house and let it read prompts as sent (no pseudonymisation on the path); "
        "by default the stub is an outside provider and every prompt is pseudonymised, as in production",
    )
    a = ap.parse_args()
    shutil.rmtree(a.dir, ignore_errors=True)
    a.dir.mkdir(parents=True)
    (a.dir / "siyada.toml").write_text(
        CONFIG.format(
            port=a.stub_port,
            in_house=str(a.in_house).lower(),
            prompts="external" if a.in_house else "all",
        )
    )
    base = [sys.executable, "-m", "siyada", "--data-dir", str(a.dir)]
    subprocess.run([*base, "tenants", "create", "bench"], check=True, capture_output=True)
    key = subprocess.run(
        [*base, "keys", "create", "--tenant", "bench", "--role", "user"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"export SIYADA_BENCH_KEY={shlex.quote(key)}")
    print(f"export SIYADA_BENCH_SERVE={shlex.quote(shlex.join([*base, 'serve']))}")


if __name__ == "__main__":
    main()
