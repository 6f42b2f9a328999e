"""Hybrid fusion replayed offline on stored rankings: how a fusion rule would score, in seconds.

    .venv/bin/python bench/fusion_replay.py dump [TASKS_DIR] [--tasks a,b]    # once per task (ingests)
    .venv/bin/python bench/fusion_replay.py replay [--tasks a,b] [--reading '{"en": 3, ...}']

`dump` ingests each task as `bench/retrieval_quality.py` does (the same cached e5 vectors) and stores,
per query, Siyada's lexical and semantic rankings (the candidates a hybrid search fuses) and the texts
of the semantic candidates, under bench/results/replay. `replay` fuses them with
`siyada.knowledge.fusion` under e5's declared reading (or the one given) and prints R@1 / R@10 /
MRR@10 of lexical, semantic, the former fixed per-language weights and the reading rule, scored as the
bench scores a search (30 chunks, the first 10 distinct documents). The rankings do not depend on the
fusion, so a rule is judged here, then checked end to end with the bench.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.retrieval_common import read_jsonl, score  # noqa: E402
from bench.retrieval_quality import DEFAULT_TASKS, _cached  # noqa: E402

OUT = ROOT / "bench" / "results" / "replay"
CANDIDATES = 180  # what a hybrid search of 30 results asks each side for (max(50, 3k) * 2)
# The fixed per-language lexical weights e5 declared before the reading rule (for comparison).
FORMER = {"en": 0.3, "fr": 0.5, "ary-Latn": 2.0}


def dump(folder: Path, cache: Path) -> None:
    import sqlalchemy as sa

    from siyada.governance.tenants import create_tenant
    from siyada.knowledge import lexical
    from siyada.knowledge.service import Knowledge
    from siyada.lang.analysis import query_terms
    from siyada.store.db import open_store
    from siyada.store.tables import chunks, documents

    corpus, queries = read_jsonl(folder / "corpus.jsonl"), read_jsonl(folder / "queries.jsonl")
    blob = "\n".join(
        json.dumps({"text": d["text"], "corpus_id": d["id"]}, ensure_ascii=False) for d in corpus
    )
    e5 = _cached(cache)
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{tmp}/bench.db")
        tenant = create_tenant(engine, "bench")
        kn = Knowledge(engine, lambda name: e5, None, "siyada-embed")
        coll = kn.create_collection(tenant.id, folder.name)
        kn.ingest(tenant.id, tenant.name, folder.name, blob.encode(), "corpus.jsonl")
        cid = int(coll["id"])
        searcher = kn.searcher
        rows = []
        with engine.connect() as conn:
            owner = {
                int(r[0]): str((r[1] or {}).get("corpus_id"))
                for r in conn.execute(
                    sa.select(chunks.c.id, documents.c.metadata).join(
                        documents, documents.c.id == chunks.c.document_id
                    )
                )
            }
            texts = {int(r[0]): str(r[1]) for r in conn.execute(sa.select(chunks.c.id, chunks.c.text))}
            for q in queries:
                lex = lexical.search(conn, tenant.id, [cid], query_terms(q["text"]), CANDIDATES)
                sem = searcher._semantic(conn, {cid: e5}, q["text"], CANDIDATES)
                rows.append((q["text"], [str(r) for r in q["relevant"]], lex, sem))
        engine.dispose()
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / f"{folder.name}.pkl", "wb") as f:
        pickle.dump({"rows": rows, "owner": owner, "texts": texts}, f)


def _docs(fused: list[tuple[int, float]], owner: dict[int, str]) -> list[str]:
    out: list[str] = []
    for cid, _ in fused[:30]:
        d = owner[cid]
        if d not in out:
            out.append(d)
        if len(out) == 10:
            break
    return out


def replay(task: str, table: dict[str, float]) -> dict[str, dict[str, float]]:
    from siyada.knowledge.fusion import fuse, passage_weights, query_reading, scoring_head
    from siyada.lang.analysis import latin_language

    with open(OUT / f"{task}.pkl", "rb") as f:
        data = pickle.load(f)
    owner, texts = data["owner"], data["texts"]
    ranked: dict[str, list[list[str]]] = {"lexical": [], "semantic": [], "former": [], "reading": []}
    relevant = []
    for text, rel, lex, sem in data["rows"]:
        relevant.append(set(rel))
        both = {"lexical": lex, "semantic": sem}
        ranked["lexical"].append(_docs(lex, owner))
        ranked["semantic"].append(_docs(sem, owner))
        w = FORMER.get(latin_language(text) or "", 1.0)
        ranked["former"].append(_docs(fuse(both, {"lexical": w}), owner))
        q = query_reading([table], text)
        per = passage_weights([table], q, {c: texts[c] for c in scoring_head(sem)} if q else {})
        ranked["reading"].append(_docs(fuse(both, None, {"semantic": per}), owner))
    return {mode: score(r, relevant) for mode, r in ranked.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("verb", choices=["dump", "replay"])
    ap.add_argument("tasks_dir", nargs="?", type=Path, default=DEFAULT_TASKS)
    ap.add_argument("--tasks", help="comma-separated task names (default: every one)")
    ap.add_argument("--reading", help="a reading table as JSON (default: e5's declared one)")
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "results" / "cache")
    a = ap.parse_args()
    wanted = set(a.tasks.split(",")) if a.tasks else None
    if a.verb == "dump":
        for folder in sorted(p for p in a.tasks_dir.iterdir() if (p / "queries.jsonl").exists()):
            if wanted is None or folder.name in wanted:
                dump(folder, a.cache)
        return
    from siyada.gateway.backends.embedder import E5Embedder

    table: dict[str, Any] = json.loads(a.reading) if a.reading else dict(E5Embedder.reading)
    tasks = sorted(p.stem for p in OUT.glob("*.pkl") if wanted is None or p.stem in wanted)
    print(f"{'task':<26} " + " ".join(f"{m:>20}" for m in ("lexical", "semantic", "former", "reading")))
    for task in tasks:
        res = replay(task, table)
        cells = [f"{m['r1']:.3f}/{m['r10']:.3f}/{m['mrr10']:.3f}" for m in res.values()]
        print(f"{task:<26} " + " ".join(f"{c:>20}" for c in cells))


if __name__ == "__main__":
    main()
