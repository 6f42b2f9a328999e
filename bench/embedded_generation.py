"""Tokens/s of the embedded chat model through Siyada vs llama-cpp-python called bare.

Same model file, same prompt, same settings (greedy, fixed max_tokens, same thread count); the bare run and
the Siyada run happen one after the other on the same machine, alternating, so both see the same load.

    python bench/embedded_generation.py [--runs 5] [--max-tokens 128] [--threads 2] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from siyada.gateway.packaged import PACKAGED_CHAT  # noqa: E402
from tests.server import Server, cli  # noqa: E402

PROMPTS = [
    "Explique en quelques phrases comment fonctionne une commune au Maroc.",
    "Write a short paragraph about the history of Marrakech.",
]


def bare_run(llm, prompt: str, max_tokens: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = llm.create_chat_completion(
        messages=[{"role": "user", "content": prompt}], max_tokens=max_tokens, temperature=0, seed=1
    )
    return out["usage"]["completion_tokens"], time.perf_counter() - t0


def siyada_run(url: str, key: str, prompt: str, max_tokens: int, stream: bool) -> tuple[int, float]:
    body = {
        "model": "siyada-chat",
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": max_tokens,
        "temperature": 0,
        "seed": 1,
    }
    headers = {"Authorization": f"Bearer {key}"}
    t0 = time.perf_counter()
    if not stream:
        r = httpx.post(url + "/v1/chat/completions", json=body, headers=headers, timeout=300)
        r.raise_for_status()
        return r.json()["usage"]["completion_tokens"], time.perf_counter() - t0
    tokens = 0
    body |= {"stream": True, "stream_options": {"include_usage": True}}
    with httpx.stream("POST", url + "/v1/chat/completions", json=body, headers=headers, timeout=300) as r:
        for line in r.iter_lines():
            if line.startswith("data: {"):
                obj = json.loads(line[6:])
                if obj.get("usage"):
                    tokens = obj["usage"]["completion_tokens"]
    return tokens, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from llama_cpp import Llama

    path = PACKAGED_CHAT.path()
    assert path is not None, "the packaged chat model is not installed"
    llm = Llama(
        model_path=str(path), n_ctx=2048, n_threads=args.threads, n_threads_batch=args.threads, verbose=False
    )

    data = Path(tempfile.mkdtemp(prefix="siyada-bench-"))
    cfg = data / "siyada.toml"
    cfg.write_text(f"[embedded]\nthreads = {args.threads}\ncontext_length = 2048\n")
    cli(data, "tenants", "create", "default")
    srv = Server(data, config=cfg).start()
    key = srv.key()
    results: dict[str, list[float]] = {"bare": [], "siyada": [], "siyada_stream": []}
    try:
        for p in PROMPTS:  # warm-up: load, caches
            bare_run(llm, p, 16)
            siyada_run(srv.url, key, p, 16, False)
        for i in range(args.runs):
            for p in PROMPTS:
                n, dt = bare_run(llm, p, args.max_tokens)
                results["bare"].append(n / dt)
                n, dt = siyada_run(srv.url, key, p, args.max_tokens, False)
                results["siyada"].append(n / dt)
                n, dt = siyada_run(srv.url, key, p, args.max_tokens, True)
                results["siyada_stream"].append(n / dt)
            print(f"run {i + 1}/{args.runs} done", file=sys.stderr)
    finally:
        srv.stop()

    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"model: {path.name}   threads: {args.threads}   max_tokens: {args.max_tokens}   runs: {args.runs}")
    print(f"{'path':<16}{'tok/s median':>14}{'min':>8}{'max':>8}{'ratio vs bare':>16}")
    for k, v in results.items():
        print(f"{k:<16}{med[k]:>14.1f}{min(v):>8.1f}{max(v):>8.1f}{med[k] / med['bare']:>16.3f}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(),
                    "date": time.strftime("%Y-%m-%d"),
                    "threads": args.threads,
                    "max_tokens": args.max_tokens,
                    "tok_s": results,
                    "median": med,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
