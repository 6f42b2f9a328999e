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
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.retrieval_common import BM25, plain_terms, read_jsonl, score  # noqa: E402
from siyada.lang.analysis import index_terms, query_terms  # noqa: E402

DEFAULT_TASKS = ROOT.parent / "shared" / "data" / "retrieval"


def run_task(
    folder: Path, systems: dict[str, tuple[Callable[[str], list[str]], Callable[[str], list[str]]]]
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    corpus = read_jsonl(folder / "corpus.jsonl")
    queries = read_jsonl(folder / "queries.jsonl")
    relevant = [set(q["relevant"]) for q in queries]
    ids = [d["id"] for d in corpus]
    results: dict[str, dict[str, float]] = {}
    timing: dict[str, float] = {}
    for name, (index_fn, query_fn) in systems.items():
        start = time.perf_counter()
        docs = [index_fn(d["text"]) for d in corpus]
        timing[name] = time.perf_counter() - start
        bm25 = BM25(ids, docs)
        results[name] = score([bm25.search(query_fn(q["text"])) for q in queries], relevant)
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
