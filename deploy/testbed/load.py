"""The load generator that runs on the `client` host: `clients` workers call chat completions on the
load balancer in a loop for `seconds` (`--call`: list the models or embed a word instead), and print one
JSON line per call (start, end, status, provider, error), so the test can tell calls in flight at an
event from calls that started after it."""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import signal
import sys
import time

import httpx


async def worker(
    client: httpx.AsyncClient, args: argparse.Namespace, stop: list[float], out: list[dict]
) -> None:
    n = 0
    while time.time() < stop[0]:
        n += 1
        body = {
            "model": "chat",
            "messages": [{"role": "user", "content": "Say hello."}],
            "max_tokens": args.max_tokens,
            "temperature": 0,
        }
        rec: dict = {"start": time.time()}
        try:
            if args.call == "models":  # the gateway alone: authentication, the catalogue, no model
                r = await client.get("/v1/models")
            elif args.call == "embeddings":  # plus a usage row and the static model (microseconds)
                r = await client.post("/v1/embeddings", json={"model": args.model, "input": "Salam"})
            else:
                r = await client.post("/v1/chat/completions", json=body)
            rec["status"] = r.status_code
            rec["provider"] = r.headers.get("x-siyada-provider")
            if r.status_code == 200 and args.call == "chat":
                reply = r.json()
                rec["tokens"] = reply["usage"]["prompt_tokens"] + reply["usage"]["completion_tokens"]
                rec["full"] = bool(reply["choices"][0]["message"]["content"])
            elif r.status_code != 200:
                rec["error"] = r.text[:200]
        except httpx.HTTPError as exc:
            rec["status"] = 0
            rec["error"] = f"{type(exc).__name__}: {exc}"[:200]
        rec["end"] = time.time()
        out.append(rec)


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--max-tokens", type=int, default=4)
    p.add_argument("--keepalive", action="store_true", help="reuse connections (throughput runs only)")
    p.add_argument("--call", choices=["chat", "models", "embeddings"], default="chat")
    p.add_argument("--model", default="siyada-embed-static", help="the model of --call embeddings")
    args = p.parse_args()
    out: list[dict] = []
    # One connection per call: a kept-alive connection the balancer closed between two calls would fail
    # a call that never reached a replica, and a retry would hide calls that did fail in flight.
    keep = args.clients if args.keepalive else 0
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=keep)
    headers = {"Authorization": f"Bearer {args.key}"}
    async with httpx.AsyncClient(base_url=args.url, headers=headers, timeout=120, limits=limits) as client:
        stop = [time.time() + args.seconds]
        # SIGTERM ends the run early (no new call; those in flight finish): a scenario whose steps take
        # as long as the machine makes them keeps the load on until its last step is done.
        asyncio.get_running_loop().add_signal_handler(
            signal.SIGTERM, lambda: stop.__setitem__(0, time.time())
        )
        await asyncio.gather(*(worker(client, args, stop, out) for _ in range(args.clients)))
    for rec in out:
        print(json.dumps(rec))
    used = resource.getrusage(resource.RUSAGE_SELF)  # the client's own share of a shared machine
    print(json.dumps({"cpu_s": round(used.ru_utime + used.ru_stime, 2)}), file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
