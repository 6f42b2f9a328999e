"""The login throttle's memory when full and its cost per attempt, in process.

    .venv/bin/python -m bench.login_throttle [--entries N]

Fills both tables (per (username, address) and per address) to their cap with distinct addresses, then
keeps trying new ones (each evicts the least recent), and prints the memory held (tracemalloc) and the
time per `attempt` + `failed`. A login costs a scrypt hash (tens of milliseconds) on top.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from siyada.governance.login_throttle import LoginThrottle


def _address(i: int) -> str:
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    tracemalloc.start()
    throttle = LoginThrottle(max_entries=args.entries)
    for i in range(args.entries):
        throttle.attempt(f"user{i}@example.ma", _address(i))
        throttle.failed(f"user{i}@example.ma", _address(i))
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = args.entries
    start = time.perf_counter()
    for i in range(n, 2 * n):
        throttle.attempt(f"user{i}@example.ma", _address(i))
        throttle.failed(f"user{i}@example.ma", _address(i))
    per_attempt = (time.perf_counter() - start) / n
    pairs, addresses = throttle.sizes()
    print(f"entries: {pairs} pairs, {addresses} addresses (cap {n} each)")
    print(f"memory when full: {held / 1e6:.1f} MB ({held / n:.0f} bytes per (pair + address))")
    print(f"attempt + failed at the cap (evicting): {per_attempt * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
