"""Retrieval quality on folders of tasks, through Siyada's real ingestion and search code.

    .venv/bin/python bench/retrieval_quality.py [TASKS_DIR] [--json OUT] [--tasks a,b] [--modes ...]

TASKS_DIR (default ../shared/data/retrieval) holds one folder per task with `corpus.jsonl`
(`{"id", "text"}`) and `queries.jsonl` (`{"id", "text", "relevant": [ids]}`). Each corpus is ingested as a
JSONL upload into a fresh SQLite store (parse -> chunk -> language analysis -> FTS5 and e5 vectors), each
query goes through `Knowledge.search` in every mode, and the results are scored beside the two
baselines: plain BM25 (`bm25`: lowercase word tokens, no language processing) and plain
multilingual-e5-small (`e5`: one vector per whole document, exact cosine; vectors cached under
bench/results/cache, shared with Siyada's e5 collection). R@1, R@10 and MRR@10 per task and mode.
`--embeddings` picks the collection embedding options to measure (`siyada-embed`, the e5
transformer; `siyada-embed-static`, the static model distilled from it); modes of a non-default
option are named `mode[option]`.
`--json OUT` writes `{task: {mode: {"r1", "r10", "mrr10"}}}`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.retrieval_common import BM25, plain_terms, read_jsonl, score  # noqa: E402

DEFAULT_TASKS = ROOT.parent / "shared" / "data" / "retrieval"
MODES = ("lexical", "semantic", "hybrid", "hybrid+rerank")  # +rerank: e5 re-scores a static collection
DEFAULT_EMBEDDING = "siyada-embed"


def _distinct_docs(hits: list[dict[str, Any]], k: int) -> list[str]:
    out: list[str] = []
    for h in hits:
        cid = str(h["document"]["metadata"].get("corpus_id"))
        if cid not in out:
            out.append(cid)
        if len(out) == k:
            break
    return out


class CachedEmbedder:
    """The e5 embedder behind a per-text disk cache (sqlite, keyed by role and text hash): the e5
    baseline and Siyada's e5 collection embed many identical texts, and reruns embed all of them
    again; on 2 cores each costs minutes. The vectors are the model's own, so results do not change."""

    def __init__(self, cache: Path) -> None:
        import sqlite3

        from siyada.gateway.backends.embedder import E5Embedder

        cache.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(cache / "e5-vectors.sqlite", timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS v (k TEXT PRIMARY KEY, vec BLOB)")
        self._inner: Any = None
        self._make = E5Embedder
        self.dim = 384
        self.sentence_vectors = E5Embedder.sentence_vectors  # it stands for the E5Embedder
        self.reading = E5Embedder.reading

    def embed(self, texts: list[str], input_type: str = "query") -> Any:
        import hashlib

        import numpy as np

        keys = [hashlib.sha256(f"{input_type}\0{t}".encode()).hexdigest() for t in texts]
        found: dict[str, bytes] = {}
        for lo in range(0, len(keys), 500):
            part = keys[lo : lo + 500]
            marks = ",".join("?" * len(part))
            found.update(self._db.execute(f"SELECT k, vec FROM v WHERE k IN ({marks})", part).fetchall())
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            self._inner = self._inner or self._make()
            for lo in range(0, len(missing), 64):
                idx = missing[lo : lo + 64]
                vecs = self._inner.embed([texts[i] for i in idx], input_type)
                rows = [(keys[i], v.astype("<f4").tobytes()) for i, v in zip(idx, vecs, strict=True)]
                self._db.executemany("INSERT OR REPLACE INTO v VALUES (?, ?)", rows)
                found.update(rows)
            self._db.commit()
        return np.vstack([np.frombuffer(found[k], dtype="<f4") for k in keys])


_CACHED: dict[Path, CachedEmbedder] = {}


def _cached(cache: Path) -> CachedEmbedder:
    """One cached embedder (one sqlite connection, one loaded model) per cache folder."""
    if cache not in _CACHED:
        _CACHED[cache] = CachedEmbedder(cache)
    return _CACHED[cache]


def _e5_baseline(corpus: list[dict[str, Any]], queries: list[dict[str, Any]], e5: Any) -> list[list[str]]:
    """Plain multilingual-e5-small: one vector per whole document, exact cosine."""
    import numpy as np

    docs = e5.embed([d["text"] for d in corpus], "passage")
    qs = e5.embed([q["text"] for q in queries], "query")
    ids = [str(d["id"]) for d in corpus]
    ranked = []
    for row in qs @ docs.T:
        top = np.argsort(-row)[:10]
        ranked.append([ids[i] for i in top])
    return ranked


def run_task(
    folder: Path, modes: list[str], embeddings: list[str], limit: int | None, cache: Path
) -> dict[str, dict[str, float]]:
    from siyada.governance.tenants import create_tenant
    from siyada.knowledge.service import Knowledge
    from siyada.store.db import open_store

    corpus, queries = read_jsonl(folder / "corpus.jsonl"), read_jsonl(folder / "queries.jsonl")
    if limit:
        queries = queries[:limit]
    relevant = [set(map(str, q["relevant"])) for q in queries]
    result: dict[str, dict[str, float]] = {}
    bm25 = BM25([str(d["id"]) for d in corpus], [plain_terms(d["text"]) for d in corpus])
    result["bm25"] = score([bm25.search(plain_terms(q["text"])) for q in queries], relevant)
    if "e5" in embeddings:
        result["e5"] = score(_e5_baseline(corpus, queries, _cached(cache)), relevant)
    options = [e for e in embeddings if e != "e5"] or [None]
    blob = "\n".join(
        json.dumps({"text": d["text"], "corpus_id": d["id"]}, ensure_ascii=False) for d in corpus
    )
    for option in options:
        with tempfile.TemporaryDirectory() as tmp:
            engine = open_store(f"sqlite:///{tmp}/bench.db")
            tenant = create_tenant(engine, "bench")
            embedder = _embedder(option, cache)
            models = {option: embedder, "siyada-embed": _cached(cache)}  # e5 also re-ranks
            kn = Knowledge(engine, lambda name, m=models: m.get(name), None, option)
            kn.create_collection(tenant.id, folder.name)
            t0 = time.perf_counter()
            kn.ingest(tenant.id, tenant.name, folder.name, blob.encode(), "corpus.jsonl")
            print(
                f"  {folder.name} [{option or 'lexical only'}]: {len(corpus)} documents ingested in "
                f"{time.perf_counter() - t0:.1f}s",
                file=sys.stderr,
            )
            for mode in modes if option else ["lexical"]:
                if mode == "lexical" and option != options[0]:
                    continue  # the same lexical index whatever the embedding
                if mode.endswith("+rerank") and option in (None, DEFAULT_EMBEDDING):
                    continue  # e5 re-ranking its own vectors changes nothing
                base, rerank = mode.removesuffix("+rerank"), mode.endswith("+rerank")
                t0 = time.perf_counter()
                ranked = [
                    _distinct_docs(
                        kn.search(tenant.id, tenant.name, [folder.name], q["text"], 30, base, rerank=rerank),  # type: ignore[arg-type]
                        10,
                    )
                    for q in queries
                ]
                name = mode if mode == "lexical" or option == DEFAULT_EMBEDDING else f"{mode}[{option}]"
                result[name] = score(ranked, relevant)
                result[name]["ms_per_query"] = round(
                    (time.perf_counter() - t0) * 1000 / max(len(queries), 1), 2
                )
            engine.dispose()
    return result


def _embedder(option: str | None, cache: Path) -> Any:
    if option is None:
        return None
    if option == "siyada-embed":
        return _cached(cache)
    if option == "siyada-embed-static":
        from siyada.gateway.backends.static import StaticEmbedder

        return StaticEmbedder()
    raise SystemExit(f"unknown embedding option {option!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tasks_dir", nargs="?", type=Path, default=DEFAULT_TASKS)
    ap.add_argument("--json", type=Path, help="write {task: {mode: {r1, r10, mrr10}}} here")
    ap.add_argument("--tasks", help="comma-separated task names (default: every folder)")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--limit-queries", type=int, help="score only the first N queries of each task")
    ap.add_argument(
        "--embeddings",
        default="e5,siyada-embed",
        help="comma-separated: e5 (the plain e5 baseline), siyada-embed, siyada-embed-static",
    )
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "results" / "cache")
    a = ap.parse_args()
    folders = sorted(
        p for p in a.tasks_dir.iterdir() if (p / "corpus.jsonl").exists() and (p / "queries.jsonl").exists()
    )
    if a.tasks:
        wanted = set(a.tasks.split(","))
        folders = [f for f in folders if f.name in wanted]
    modes = [m for m in a.modes.split(",") if m]
    results: dict[str, Any] = {}
    for folder in folders:
        results[folder.name] = run_task(
            folder, modes, [e for e in a.embeddings.split(",") if e], a.limit_queries, a.cache
        )
    print(f"{'task':<28} {'mode':<9} {'R@1':>6} {'R@10':>6} {'MRR@10':>7}")
    for task, by_mode in results.items():
        for mode, m in by_mode.items():
            print(f"{task:<28} {mode:<9} {m['r1']:>6.3f} {m['r10']:>6.3f} {m['mrr10']:>7.3f}")
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
