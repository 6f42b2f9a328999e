"""`POST /v1/privacy/analyze` per document through the real server, against the in-process call.

    nice -n 5 .venv/bin/python bench/privacy_http.py --gold tests/fixtures/pii_wild13.txt

Starts `python -m siyada serve` on a fresh data directory (a tenant, a user key, the embedded models
off), then sends each document of the gold files once, one request at a time over one keep-alive
connection (httpx), and again (the workers' word caches warm). The same documents are analysed in
this process (`siyada.privacy.analyzer.analyze`) first and again. Printed per pass: the median and
p95 milliseconds per document both ways, their difference (what the HTTP path adds: parsing, the
key's check, the hand-off to a worker process and back, the JSON answer), and the CPU time of the
server's whole process tree per request. The spans returned must equal the in-process ones.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from siyada.privacy.analyzer import analyze  # noqa: E402
from siyada.privacy.markup import load_markup  # noqa: E402

_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> float:
    """CPU seconds of `root` and every process below it (the forkserver and its workers), from /proc."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS)
    below, total, frontier = {root}, 0.0, [root]
    while frontier:
        pid = frontier.pop()
        total += stats.get(pid, (0, 0.0))[1]
        kids = [p for p, (ppid, _) in stats.items() if ppid == pid and p not in below]
        below.update(kids)
        frontier += kids
    return total


def start_server(data: Path, port: int) -> tuple[subprocess.Popen[bytes], str]:
    (data / "siyada.toml").write_text("[embedded]\nenabled = false\n", encoding="utf-8")
    base = [sys.executable, "-m", "siyada", "--data-dir", str(data)]
    subprocess.run([*base, "tenants", "create", "bench"], check=True, capture_output=True, cwd=ROOT)
    out = subprocess.run(
        [*base, "keys", "create", "--tenant", "bench", "--role", "user"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    key = next(w for w in out.split() if w.startswith("sk-"))
    proc = subprocess.Popen([*base, "serve", "--port", str(port)], cwd=ROOT)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc, key
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    sys.exit("the server did not start")


def in_process(texts: list[str]) -> tuple[list[float], list[list[tuple[int, int, str]]]]:
    times, spans = [], []
    for text in texts:
        t0 = time.perf_counter()
        found = analyze(text)
        times.append((time.perf_counter() - t0) * 1000)
        spans.append([(e.start, e.end, e.type) for e in found])
    return times, spans


def over_http(client: httpx.Client, texts: list[str]) -> tuple[list[float], list[list[tuple[int, int, str]]]]:
    times, spans = [], []
    for text in texts:
        t0 = time.perf_counter()
        r = client.post("/v1/privacy/analyze", json={"text": text})
        times.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
        spans.append([(d["start"], d["end"], d["type"]) for d in r.json()["data"]])
    return times, spans


def summary(label: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[int(len(ordered) * 0.95)]
    return (
        f"{label}: median {statistics.median(ms):.3f} ms, p95 {p95:.3f} ms, mean {statistics.mean(ms):.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, action="append", required=True, help="markup .txt; repeatable")
    parser.add_argument("--port", type=int, default=18731)
    args = parser.parse_args()
    texts = [d["text"] for path in args.gold for d in load_markup(path)]
    analyze(texts[0])  # the models load here, as they load on a worker's first request
    local = [in_process(texts) for _ in range(2)]
    with tempfile.TemporaryDirectory(prefix="siyada-privacy-http-") as tmp:
        proc, key = start_server(Path(tmp), args.port)
        try:
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(
                base_url=f"http://127.0.0.1:{args.port}", headers=headers, timeout=60
            ) as client:
                client.post("/v1/privacy/analyze", json={"text": texts[0]}).raise_for_status()  # warm-up
                remote = []
                for _ in range(2):
                    cpu0 = tree_cpu(proc.pid)
                    remote.append((*over_http(client, texts), tree_cpu(proc.pid) - cpu0))
        finally:
            proc.terminate()
            proc.wait(10)
    print(f"{len(texts)} documents, load {os.getloadavg()[0]:.1f}")
    for k, ((ms, spans), (http_ms, http_spans, cpu)) in enumerate(zip(local, remote, strict=True)):
        name = "first pass" if k == 0 else "again (caches warm)"
        print(f"{name}:")
        print("  " + summary("in process", ms))
        print("  " + summary("HTTP      ", http_ms))
        print(
            f"  HTTP adds {statistics.median(http_ms) - statistics.median(ms):.3f} ms per request (medians); "
            f"server CPU {1000 * cpu / len(texts):.3f} ms per request (its whole process tree)"
        )
        same = spans == http_spans
        print(f"  spans {'identical' if same else 'DIFFER'} between the two paths")


if __name__ == "__main__":
    main()
