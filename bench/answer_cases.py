"""The retrieved hits of every question of the answer tasks, stored once (pickle), so that extraction
rules and the span scorer (siyada.knowledge.spans) can be trained and compared in seconds without
re-ingesting: the same ingestion and `Knowledge.search` as bench/answer_quality.py.

    .venv/bin/python bench/answer_cases.py [TASKS_DIR] --out bench/results/cases-dev.pkl --split dev

Each case: task, paragraph index, question, gold answers, `hits` (top K of the full collection) and
`others` (top K of the collection without the question's own paragraph, filtered before fusion:
`bench.answer_quality.without_own`, for abstention).
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

from bench.answer_quality import DEFAULT_TASKS, K, answer_holders, read_task, without_own  # noqa: E402
from bench.retrieval_quality import _cached  # noqa: E402


def collect(folder: Path, split: str, limit: int | None, cache: Path) -> list[dict[str, Any]]:
    from siyada.governance.tenants import create_tenant
    from siyada.knowledge.service import Knowledge
    from siyada.store.db import open_store

    paragraphs, questions = read_task(folder)
    if split != "all":
        questions = [q for q in questions if q[0] % 2 == (0 if split == "dev" else 1)]
    questions = questions[:limit] if limit else questions
    e5 = _cached(cache)
    blob = "\n".join(
        json.dumps({"text": p, "paragraph": i}, ensure_ascii=False) for i, p in enumerate(paragraphs)
    )
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{tmp}/bench.db")
        tenant = create_tenant(engine, "bench")
        kn = Knowledge(engine, lambda name: e5 if name == "siyada-embed" else None, None, "siyada-embed")
        kn.create_collection(tenant.id, folder.name)
        kn.ingest(tenant.id, tenant.name, folder.name, blob.encode(), "paragraphs.jsonl")
        for par, question, golds in questions:
            hits = kn.search(tenant.id, tenant.name, [folder.name], question, 4 * K)
            drop = answer_holders(paragraphs, par, golds)
            others = without_own(kn, tenant, folder.name, question, par, len(paragraphs), drop)
            out.append(
                {
                    "task": folder.name,
                    "paragraph": par,
                    "question": question,
                    "golds": golds,
                    "hits": hits[:K],
                    "others": others,
                }
            )
        engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tasks_dir", nargs="?", type=Path, default=DEFAULT_TASKS)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--tasks", help="comma-separated task names (default: every folder)")
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "results" / "cache")
    a = ap.parse_args()
    folders = sorted(p for p in a.tasks_dir.iterdir() if (p / "squad.json").exists())
    if a.tasks:
        folders = [f for f in folders if f.name in set(a.tasks.split(","))]
    cases: list[dict[str, Any]] = []
    for folder in folders:
        cases += collect(folder, a.split, a.limit, a.cache)
        print(f"  {folder.name}: {len(cases)} cases so far", file=sys.stderr)
    a.out.write_bytes(pickle.dumps(cases))


if __name__ == "__main__":
    main()
