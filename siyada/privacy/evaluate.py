"""Exact-span + type precision / recall / F1 on a labelled JSONL file, and throughput.

Usage: ``python -m siyada.privacy.evaluate /work/shared/data/pii/ma_pii_dev.jsonl``
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

from siyada.privacy.analyzer import analyze
from siyada.privacy.entities import ALIASES


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def evaluate(gold_path: str | Path) -> dict:
    docs = [
        json.loads(line) for line in Path(gold_path).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    tp, fp, fn = Counter(), Counter(), Counter()
    t0 = time.perf_counter()
    predictions = [analyze(d["text"]) for d in docs]
    elapsed = time.perf_counter() - t0
    for doc, pred in zip(docs, predictions, strict=True):
        gold = {(e["start"], e["end"], ALIASES.get(e["type"], e["type"])) for e in doc["entities"]}
        got = {(e.start, e.end, e.type) for e in pred}
        for key in got & gold:
            tp[key[2]] += 1
        for key in got - gold:
            fp[key[2]] += 1
        for key in gold - got:
            fn[key[2]] += 1
    types = sorted(set(tp) | set(fp) | set(fn))
    return {
        "per_type": {t: _prf(tp[t], fp[t], fn[t]) for t in types},
        "overall": _prf(sum(tp.values()), sum(fp.values()), sum(fn.values())),
        "documents": len(docs),
        "docs_per_s": round(len(docs) / elapsed, 1) if elapsed else float("inf"),
    }


def format_report(result: dict) -> str:
    lines = [f"{'type':<14} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    rows = [*result["per_type"].items(), ("OVERALL", result["overall"])]
    for name, m in rows:
        cells = " ".join(f"{m[k]:>6.3f}" for k in ("precision", "recall", "f1"))
        counts = " ".join(f"{m[k]:>5}" for k in ("tp", "fp", "fn"))
        lines.append(f"{name:<14} {cells} {counts}")
    lines.append(f"{result['documents']} documents, {result['docs_per_s']} docs/s")
    return "\n".join(lines)


if __name__ == "__main__":
    print(
        format_report(
            evaluate(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/pii/ma_pii_dev.jsonl")
        )
    )
