"""What serving a model as an assistant adds to a call: `assistant/NAME` (version lookup, instructions,
usage label) against the same request sent to the underlying model with the same system message.

Starts a Siyada server whose `echo` model is tests/recording_upstream.py (an in-house echo), creates a
tenant, an assistant without collections (so no retrieval is timed), and runs sequential calls of each,
alternating, reporting the median and p90 latency in milliseconds. Also: the assistant with 200 versions
(a call reads one row, whatever the number of versions).

  python bench/assistant_overhead.py --calls 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli

SYSTEM = "Tu es le guichet de la commune."


def _timed(client: httpx.Client, body: dict) -> float:
    started = time.perf_counter()
    r = client.post("/v1/chat/completions", json=body)
    r.raise_for_status()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    echo = RecordingUpstream()
    data = Path(tempfile.mkdtemp(prefix="assistant-bench-"))
    config = data / "siyada.toml"
    config.write_text(
        f'[[providers]]\nname = "house"\nurl = "{echo.url}"\nin_house = true\n'
        '[[models]]\nname = "echo"\nroutes = [{provider = "house"}]\n'
    )
    cli(data, "tenants", "create", "commune")
    srv = Server(data, config=config).start()
    try:
        key = srv.key("commune", "admin")
        client = httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        made = {"name": "guichet", "model": "echo", "instructions": {"fr": SYSTEM}}
        client.post("/v1/assistants", json=made).raise_for_status()
        question = [{"role": "user", "content": "Quelles pièces pour le certificat de résidence ?"}]
        plain = {"model": "echo", "messages": [{"role": "system", "content": SYSTEM}, *question]}
        helper = {"model": "assistant/guichet", "messages": question}
        pinned = {"model": "assistant/guichet@1", "messages": question}
        for body in (plain, helper):  # warm up
            for _ in range(10):
                _timed(client, body)
        times: dict[str, list[float]] = {"model": [], "assistant": []}
        for _ in range(args.calls):
            times["model"].append(_timed(client, plain))
            times["assistant"].append(_timed(client, helper))
        for i in range(199):
            client.patch("/v1/assistants/guichet", json={"greeting": f"v{i + 2}"}).raise_for_status()
        times["assistant, 200 versions, latest"] = [_timed(client, helper) for _ in range(args.calls)]
        times["assistant, 200 versions, @1"] = [_timed(client, pinned) for _ in range(args.calls)]
        for name, ms in times.items():
            ms.sort()
            p90 = ms[int(len(ms) * 0.9)]
            print(f"{name:34s} median {statistics.median(ms):6.2f} ms   p90 {p90:6.2f} ms   n={len(ms)}")
    finally:
        srv.stop()
        echo.close()


if __name__ == "__main__":
    main()
