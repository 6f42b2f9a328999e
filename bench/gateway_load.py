"""The gateway bench's load generator: a closed loop of aiohttp clients per scenario, and the
summary of its runs (req/s, latency percentiles, time to first token, spread between runs)."""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import time

import aiohttp
from gateway_procs import Target

SCENARIOS = {
    # name: (stream, concurrency)
    "nonstream-c1": (False, 1),
    "nonstream-c32": (False, 32),
    "stream-c8": (True, 8),
}


# ---------------------------------------------------------------- load generator


def pct(sorted_vals: list[float], q: float) -> float:
    if not sorted_vals:
        return float("nan")
    k = max(0, min(len(sorted_vals) - 1, math.ceil(q / 100.0 * len(sorted_vals)) - 1))  # nearest rank
    return sorted_vals[k]


async def run_scenario(
    t: Target, stream: bool, concurrency: int, duration: float, warmup: float, max_requests: int | None
) -> dict:
    url = t.base_url.rstrip("/") + "/v1/chat/completions"
    payload = {
        "model": t.model,
        "messages": [{"role": "user", "content": "Say hello."}],
        "max_tokens": 16,
    }
    if stream:
        payload["stream"] = True
        payload["stream_options"] = {"include_usage": True}
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {t.api_key}"}
    lat: list[float] = []
    ttft: list[float] = []
    errors: dict[str, int] = {}
    state = {"record": False, "deadline": 0.0, "done": 0}

    def err(kind: str):
        errors[kind] = errors.get(kind, 0) + 1

    async def one(session: aiohttp.ClientSession) -> None:
        t0 = time.perf_counter()
        first = None
        async with session.post(url, data=body, headers=headers) as r:
            if not stream:
                data = await r.read()
                ok = r.status == 200 and b'"choices"' in data
            else:
                tail = b""
                async for chunk in r.content.iter_any():
                    if first is None and b"data:" in chunk:
                        first = time.perf_counter()
                    tail = (tail + chunk)[-64:]
                ok = r.status == 200 and b"[DONE]" in tail
        t1 = time.perf_counter()
        if not state["record"]:
            return
        if not ok:
            err(f"http {r.status}" if r.status != 200 else "bad body")
            return
        lat.append(t1 - t0)
        if first is not None:
            ttft.append(first - t0)

    async def worker(session):
        while time.perf_counter() < state["deadline"]:
            if state["record"] and max_requests and state["done"] >= max_requests:
                return
            try:
                await one(session)
            except (TimeoutError, aiohttp.ClientError, OSError) as e:
                if state["record"]:
                    err(type(e).__name__)
                await asyncio.sleep(0.01)
            if state["record"]:
                state["done"] += 1

    conn = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=conn, timeout=timeout, skip_auto_headers=("User-Agent",)) as s:
        if warmup > 0:
            state["deadline"] = time.perf_counter() + warmup
            await asyncio.gather(*(worker(s) for _ in range(concurrency)))
        state["record"] = True
        start = time.perf_counter()
        state["deadline"] = start + duration
        await asyncio.gather(*(worker(s) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    lat.sort()
    ttft.sort()
    ms = 1000.0
    return {
        "requests": len(lat),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "elapsed_s": round(elapsed, 3),
        "rps": len(lat) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": pct(lat, 50) * ms,
        "p95_ms": pct(lat, 95) * ms,
        "p99_ms": pct(lat, 99) * ms,
        "mean_ms": (statistics.fmean(lat) * ms) if lat else float("nan"),
        "ttft_p50_ms": (pct(ttft, 50) * ms) if ttft else None,
        "ttft_p95_ms": (pct(ttft, 95) * ms) if ttft else None,
    }


def summarize(runs: list[dict]) -> dict:
    def agg(key):
        vals = [r[key] for r in runs if r.get(key) is not None and r["requests"] > 0]
        if not vals:
            return None, None
        m = statistics.fmean(vals)
        spread = (max(vals) - min(vals)) / m * 100 if m else 0.0
        return m, spread

    out = {
        "runs": len(runs),
        "errors": sum(r["errors"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
    }
    for k in ("rps", "p50_ms", "p95_ms", "ttft_p50_ms"):
        m, sp = agg(k)
        out[k] = m
        out[k.replace("_ms", "") + "_spread_pct"] = sp
    return out
