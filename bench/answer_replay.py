"""The grounded answer replayed on stored hits (bench/answer_cases.py), with a diagnosis of where each
question is lost: is its own paragraph the top hit, in the best three (the passages the extractor
reads), or neither; and, when it is there, does the chosen quote hold a gold answer, or did another
sentence of those passages hold it. `contains` and `f1` are counted as bench/answer_quality.py counts
them (the extractive answer with the default abstention; an abstention is a miss), in seconds instead
of the minutes a re-ingestion takes.

    .venv/bin/python bench/answer_replay.py bench/results/cases-dev.pkl [--tasks a,b] \
        [--set extract.W_COS=6 --set extract.PASSAGES=5 ...] [--reader [--min-mass M]] \
        [--choices N] [--json OUT]

`--set module.NAME=VALUE` overrides a constant of `siyada.knowledge.<module>` for the run (the value
is read as a Python literal), to compare settings on the same hits. A constant that is only a
function's default argument (grounding.READER, reading.MIN_MASS, choice.CHOICES) is read when the
module is imported, so `--set` cannot move it: `--reader`, `--min-mass` and `--choices` pass those
to `extractive_answer` instead.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import pickle
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer_quality import answer_body, f1, normalise  # noqa: E402
from bench.retrieval_quality import _cached  # noqa: E402


def _paragraph(hit: dict[str, Any]) -> Any:
    return (hit.get("document") or {}).get("metadata", {}).get("paragraph")


def _holds(text: str, golds: list[str]) -> bool:
    body = normalise(text)
    return any(normalise(g) in body for g in golds)


def where(case: dict[str, Any]) -> str:
    """ "top1", "top3" (2nd or 3rd hit) or "lost" (not among the three passages read)."""
    own = [_paragraph(h) for h in case["hits"]]
    if own[:1] == [case["paragraph"]]:
        return "top1"
    return "top3" if case["paragraph"] in own[:3] else "lost"


def replay(case: dict[str, Any], embed: Any, **options: Any) -> dict[str, Any]:
    from siyada.knowledge import extract
    from siyada.knowledge.grounding import extractive_answer

    question, hits, golds = case["question"], case["hits"], case["golds"]
    content, cites = extractive_answer(question, hits, embed, **options)
    body = answer_body(content)
    ranked = extract.rank_candidates(question, hits, embed)
    best = ranked[0] if ranked else None
    read = {c.sentence for c in ranked}  # every sentence the extractor could have chosen
    return {
        "task": case["task"],
        "where": where(case),
        "contains": bool(cites) and _holds(body, golds),
        "f1": max(f1(body, g) for g in golds) if cites else 0.0,
        "abstained": not cites,
        "chosen_holds": best is not None and _holds(best.text, golds),
        "sentence_holds": best is not None and _holds(best.sentence, golds),
        "any_holds": any(_holds(s, golds) for s in read),
    }


def table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for task in sorted({r["task"] for r in rows}):
        mine = [r for r in rows if r["task"] == task]
        n = len(mine)
        per: dict[str, Any] = {
            "n": n,
            "contains": round(sum(r["contains"] for r in mine) / n, 4),
            "f1": round(sum(r["f1"] for r in mine) / n, 4),
        }
        for place in ("top1", "top3", "lost"):
            sub = [r for r in mine if r["where"] == place]
            per[place] = {
                "n": len(sub),
                "contains": sum(r["contains"] for r in sub),
                "chosen_holds": sum(r["chosen_holds"] for r in sub),
                "any_sentence_holds": sum(r["any_holds"] for r in sub),
                "abstained": sum(r["abstained"] for r in sub),
            }
        out[task] = per
    return out


def _override(settings: list[str]) -> None:
    for item in settings:
        name, value = item.split("=", 1)
        module, attr = name.rsplit(".", 1)
        mod = importlib.import_module(f"siyada.knowledge.{module}")
        if not hasattr(mod, attr):
            raise SystemExit(f"siyada.knowledge.{module} has no {attr}")
        setattr(mod, attr, ast.literal_eval(value))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", type=Path)
    ap.add_argument("--tasks", help="comma-separated task names (default: every task stored)")
    ap.add_argument("--set", action="append", default=[], help="module.NAME=VALUE, e.g. extract.PASSAGES=5")
    ap.add_argument("--json", type=Path, help="write the table here")
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "results" / "cache")
    ap.add_argument("--reader", action="store_true", help="quote the reader's words (answer_reader)")
    ap.add_argument("--choices", type=int, help="sentences the reader chooses among (answer_reader_choice)")
    ap.add_argument("--min-mass", type=float, help="the reader's words are quoted from this mass (--reader)")
    a = ap.parse_args()
    options: dict[str, Any] = {}
    if a.reader:
        options["reader"] = True
    if a.choices is not None:
        options["choices"] = a.choices
    if a.min_mass is not None:
        options["reader_min_mass"] = a.min_mass
    _override(a.set)
    cases = pickle.loads(a.cases.read_bytes())
    if a.tasks:
        cases = [c for c in cases if c["task"] in set(a.tasks.split(","))]
    embed = _cached(a.cache).embed
    t0 = time.perf_counter()
    rows = [replay(c, embed, **options) for c in cases]
    ms = (time.perf_counter() - t0) * 1000 / max(len(rows), 1)
    result = table(rows)
    print(
        f"{'task':<16} {'n':>4} {'contains':>8} {'f1':>6}   own paragraph top1 / top3 / lost: n, contains,"
        " chosen holds, any sentence holds"
    )
    for task, m in result.items():
        parts = [
            f"{p} {m[p]['n']}: {m[p]['contains']} {m[p]['chosen_holds']} {m[p]['any_sentence_holds']}"
            for p in ("top1", "top3", "lost")
        ]
        print(f"{task:<16} {m['n']:>4} {m['contains']:>8.3f} {m['f1']:>6.3f}   " + " | ".join(parts))
    settings = f"{a.set or 'default'} {options}"
    print(f"{ms:.0f} ms / question (the answer and the diagnosis, cached e5); settings: {settings}")
    print("outcomes:", dict(Counter((r["task"], r["where"], r["contains"]) for r in rows)), file=sys.stderr)
    if a.json:
        a.json.write_text(json.dumps({"settings": a.set, "options": options, "tasks": result}, indent=2))


if __name__ == "__main__":
    main()
