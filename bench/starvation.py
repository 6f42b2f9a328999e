"""Heavy uploads must not starve the rest: latency of `GET /v1/models` and of a short embedded chat
completion, quiet and then while clients upload pathological documents without pause.

    python bench/starvation.py [--clients 4] [--mb 4] [--samples 200] [--chats 5] [--json OUT]

A real server on a fresh data directory: documents are pseudonymised (their privacy analysis is the
heavy part: about ten seconds of CPU per megabyte of text dense with personal data, on the development
machine) and the key cache is off, so every request looks its key up, the worst case for starvation.
Each client uploads a new file (`--mb` megabytes of HTML) as soon as its previous one is answered,
201 or 422 document_too_complex. Printed: p50/p99 quiet and under attack, and their ratio (the goal:
p99 under attack at most twice the quiet one).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import Server, cli  # noqa: E402

CONFIG = """\
key_cache_seconds = 0
[privacy]
documents = true
"""
SENTENCE = "<p>Le citoyen Mohammed Alami, CIN AB123456, tél. 0612345678, demeurant à Rabat.</p>\n"


def pathological(mb: float, n: int) -> bytes:
    """HTML dense with personal data, `mb` megabytes; `n` makes each file new (no deduplication)."""
    body = SENTENCE * int(mb * 2**20 / len(SENTENCE.encode()))
    return f"<html><head><title>Dossier {n}</title></head><body>{body}</body></html>".encode()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def models_latencies(client: httpx.Client, samples: int) -> list[float]:
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        client.get("/v1/models").raise_for_status()
        out.append(time.perf_counter() - t0)
    return out


def chat_latencies(client: httpx.Client, samples: int) -> list[float]:
    out = []
    body = {"model": "siyada-chat", "messages": [{"role": "user", "content": "Bonjour"}], "max_tokens": 4}
    for _ in range(samples):
        t0 = time.perf_counter()
        client.post("/v1/chat/completions", json=body).raise_for_status()
        out.append(time.perf_counter() - t0)
    return out


class Attack:
    """`clients` threads uploading pathological files back to back until stopped."""

    def __init__(self, url: str, key: str, clients: int, mb: float) -> None:
        self.url, self.key, self.mb = url, key, mb
        self.stop = threading.Event()
        self.outcomes: dict[int, int] = {}
        self._lock = threading.Lock()
        self._counter = 0  # uploads sent
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=900) as client:
            while not self.stop.is_set():
                with self._lock:
                    self._counter += 1
                    n = self._counter
                files = {"file": (f"dossier-{n}.html", pathological(self.mb, n))}
                status = client.post("/v1/documents", files=files, data={"collection": "attack"}).status_code
                with self._lock:
                    self.outcomes[status] = self.outcomes.get(status, 0) + 1

    def __enter__(self) -> Attack:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()


def summary(quiet: list[float], attacked: list[float]) -> dict[str, float]:
    q50, q99 = statistics.median(quiet), percentile(quiet, 0.99)
    a50, a99 = statistics.median(attacked), percentile(attacked, 0.99)
    return {
        "quiet_p50_ms": round(q50 * 1000, 1),
        "quiet_p99_ms": round(q99 * 1000, 1),
        "attack_p50_ms": round(a50 * 1000, 1),
        "attack_p99_ms": round(a99 * 1000, 1),
        "p99_ratio": round(a99 / q99, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--mb", type=float, default=4.0, help="size of each pathological upload")
    ap.add_argument("--samples", type=int, default=200, help="GET /v1/models requests per phase")
    ap.add_argument("--chats", type=int, default=5, help="chat completions per phase (0: none)")
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds of attack before measuring")
    ap.add_argument(
        "--nice", type=int, help="the workers' niceness (`[workers] nice`; default: the server's)"
    )
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="siyada-starvation-") as tmp:
        data = Path(tmp)
        (data / "siyada.toml").write_text(
            CONFIG + (f"[workers]\nnice = {a.nice}\n" if a.nice is not None else "")
        )
        cli(data, "tenants", "create", "default")
        srv = Server(data, config=data / "siyada.toml").start()
        try:
            key = srv.key("default", "user")
            with httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {key}"}, timeout=600) as c:
                c.post("/v1/collections", json={"name": "attack", "embedding_model": None}).raise_for_status()
                if a.chats:
                    chat_latencies(c, 1)  # loads the model
                quiet = models_latencies(c, a.samples)
                quiet_chat = chat_latencies(c, a.chats)
                with Attack(srv.url, key, a.clients, a.mb) as attack:
                    time.sleep(a.warmup)
                    sent, answered = attack._counter, sum(attack.outcomes.values())
                    attacked = models_latencies(c, a.samples)
                    attacked_chat = chat_latencies(c, a.chats)
                    outcomes = dict(attack.outcomes)
                    in_flight = (sent - answered, attack._counter - sum(outcomes.values()))
        finally:
            srv.stop()
    result: dict[str, object] = {
        "clients": a.clients,
        "upload_mb": a.mb,
        "models": summary(quiet, attacked),
        "uploads_in_flight_at_start_and_end": in_flight,
        "uploads_answered_by_end": outcomes,
    }
    if a.chats:
        result["chat"] = summary(quiet_chat, attacked_chat)
    print(json.dumps(result, indent=2))
    if a.json:
        a.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
