"""Lexical retrieval quality: plain BM25 against BM25 over `siyada.lang.analysis` terms.

    .venv/bin/python bench/lexical_quality.py [TASKS_DIR] [--tasks a,b] [--json OUT]

TASKS_DIR (default ../shared/data/retrieval) holds one folder per task with ``corpus.jsonl``
(``{"id", "text"}``) and ``queries.jsonl`` (``{"id", "text", "relevant": [ids]}``). Each corpus is
indexed twice in memory, with the same BM25 (k1=1.2, b=0.75, idf = ln(1 + (N - df + 0.5)/(df + 0.5)),
each distinct query term counted once, as the FTS5 index does):

* ``plain``: lowercase ``\\w+`` tokens, no language processing;
* ``siyada``: `index_terms` for documents, `query_terms` for queries.

Prints R@1, R@10 and MRR@10 per task for both, and the seconds `index_terms` took per corpus.
``--throughput DIR`` also times `index_terms` over the ``*.txt`` files of DIR (e.g.
../shared/data/ma_law/text) cut in 1,500-character chunks, as the ingester does, and prints MB/s
(UTF-8 bytes) on one core; ``--limit-mb`` reads only that much of it.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from siyada.lang.analysis import index_terms, query_terms  # noqa: E402

DEFAULT_TASKS = ROOT.parent / "shared" / "data" / "retrieval"
K1, B = 1.2, 0.75


def plain_terms(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


class BM25:
    def __init__(self, ids: list[str], docs: list[list[str]]) -> None:
        self.ids = ids
        self.tf = [Counter(d) for d in docs]
        self.len = [len(d) for d in docs]
        self.avg = sum(self.len) / max(len(self.len), 1)
        df: Counter[str] = Counter()
        for t in self.tf:
            df.update(t.keys())
        n = len(docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
        self.postings: dict[str, list[int]] = {}
        for i, t in enumerate(self.tf):
            for w in t:
                self.postings.setdefault(w, []).append(i)

    def search(self, terms: list[str], k: int = 10) -> list[str]:
        scores: Counter[int] = Counter()
        for w in dict.fromkeys(terms):
            idf = self.idf.get(w, 0.0)
            for i in self.postings.get(w, []):
                f = self.tf[i][w]
                scores[i] += idf * f * (K1 + 1) / (f + K1 * (1 - B + B * self.len[i] / self.avg))
        return [self.ids[i] for i, _ in sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:k]]


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _score(ranked: list[list[str]], relevant: list[set[str]]) -> dict[str, float]:
    r1 = r10 = mrr = 0.0
    for got, rel in zip(ranked, relevant, strict=True):
        r1 += bool(got[:1] and got[0] in rel)
        r10 += any(d in rel for d in got[:10])
        mrr += next((1.0 / (i + 1) for i, d in enumerate(got[:10]) if d in rel), 0.0)
    n = max(len(ranked), 1)
    return {"r1": round(r1 / n, 4), "r10": round(r10 / n, 4), "mrr10": round(mrr / n, 4)}


def run_task(
    folder: Path, systems: dict[str, tuple[Callable[[str], list[str]], Callable[[str], list[str]]]]
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    corpus = _read(folder / "corpus.jsonl")
    queries = _read(folder / "queries.jsonl")
    relevant = [set(q["relevant"]) for q in queries]
    ids = [d["id"] for d in corpus]
    results: dict[str, dict[str, float]] = {}
    timing: dict[str, float] = {}
    for name, (index_fn, query_fn) in systems.items():
        start = time.perf_counter()
        docs = [index_fn(d["text"]) for d in corpus]
        timing[name] = time.perf_counter() - start
        bm25 = BM25(ids, docs)
        results[name] = _score([bm25.search(query_fn(q["text"])) for q in queries], relevant)
    return results, timing


def throughput(folder: Path, limit_mb: float) -> None:
    texts: list[str] = []
    size = 0
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        texts.append(text)
        size += len(text.encode("utf-8"))
        if size >= limit_mb * 1e6:
            break
    chunks = [t[i : i + 1500] for t in texts for i in range(0, len(t), 1500)]
    start = time.perf_counter()
    terms = sum(len(index_terms(c)) for c in chunks)
    took = time.perf_counter() - start
    print(
        f"\nindex_terms: {size / 1e6:.1f} MB in {len(texts)} files, {len(chunks)} chunks, {terms} terms, "
        f"{took:.1f} s: {size / 1e6 / took:.2f} MB/s on one core"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tasks_dir", nargs="?", type=Path, default=DEFAULT_TASKS)
    ap.add_argument("--tasks", default="", help="comma-separated task names (default: all)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--throughput", type=Path, default=None, help="folder of .txt files to time")
    ap.add_argument("--limit-mb", type=float, default=1e9)
    args = ap.parse_args()

    systems = {"plain": (plain_terms, plain_terms), "siyada": (index_terms, query_terms)}
    wanted = set(filter(None, args.tasks.split(",")))
    report: dict[str, dict[str, dict[str, float]]] = {}
    print(f"{'task':28} {'system':8} {'R@1':>7} {'R@10':>7} {'MRR@10':>7} {'index s':>8}")
    for folder in sorted(p for p in args.tasks_dir.iterdir() if (p / "corpus.jsonl").exists()):
        if wanted and folder.name not in wanted:
            continue
        results, timing = run_task(folder, systems)
        report[folder.name] = results
        for name, r in results.items():
            print(
                f"{folder.name:28} {name:8} {r['r1']:7.3f} {r['r10']:7.3f} {r['mrr10']:7.3f} "
                f"{timing[name]:8.2f}"
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    if args.throughput:
        throughput(args.throughput, args.limit_mb)


if __name__ == "__main__":
    main()
