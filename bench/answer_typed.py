"""Typed answers (siyada.knowledge.typed) replayed on stored hits (bench/answer_cases.py): each question's
extractive answer is made once as the server makes it (ranking, abstention), then the typed step's
variants are applied to the chosen candidate and scored in seconds, `contains` and token F1 exactly as
bench/answer_quality.py counts them (an abstention is a miss). `--check` also runs the real
`grounding.extractive_answer(..., typed=True)` on every case, to confirm the replay's figures.

    .venv/bin/python bench/answer_typed.py /work/main/bench/results/cases-dev.pkl [--check] [--show N]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer_quality import answer_body, f1, normalise  # noqa: E402
from bench.retrieval_quality import _cached  # noqa: E402

Step = Callable[[str, str, int, int, int, int], "tuple[int, int] | None"]


def chosen(cases: list[dict[str, Any]], cache: Path) -> list[dict[str, Any]]:
    """Per case: today's answer body, and (when it did not abstain) the chosen candidate's chunk text,
    its offsets and its sentence's."""
    from siyada.knowledge.extract import rank_candidates
    from siyada.knowledge.grounding import extractive_answer

    embed = _cached(cache).embed
    out = []
    for c in cases:
        content, cites = extractive_answer(c["question"], c["hits"], embed=embed, typed=False)
        row: dict[str, Any] = {"case": c, "body": answer_body(content), "answered": bool(cites)}
        if cites:
            best = rank_candidates(c["question"], c["hits"], embed)[0]
            row.update(
                text=c["hits"][best.hit]["chunk"]["text"],
                start=best.start,
                end=best.end,
                sentence=(best.sentence_start, best.sentence_start + len(best.sentence)),
            )
        out.append(row)
    return out


def outcome(body: str, golds: list[str]) -> tuple[bool, float]:
    return any(normalise(g) in normalise(body) for g in golds), max(f1(body, g) for g in golds)


def score(rows: list[dict[str, Any]], step: Step | None) -> dict[str, dict[str, float]]:
    """contains / F1 / share of questions shortened, per task; `step` maps (question, text, start, end,
    sentence start, sentence end) to the phrase's offsets or None."""
    from siyada.knowledge.extract import shorten, strip_markup

    per: dict[str, list[tuple[bool, float, bool]]] = {}
    for r in rows:
        c = r["case"]
        body, changed = r["body"], False
        if r["answered"] and step is not None:
            got = step(c["question"], r["text"], r["start"], r["end"], *r["sentence"])
            if got is not None:
                body, changed = shorten(strip_markup(r["text"][got[0] : got[1]])), True
        hit, f = outcome(body, c["golds"]) if r["answered"] else (False, 0.0)
        per.setdefault(c["task"], []).append((hit, f, changed))
    return {
        t: {
            "contains": sum(x[0] for x in v) / len(v),
            "f1": sum(x[1] for x in v) / len(v),
            "typed": sum(x[2] for x in v) / len(v),
            "n": len(v),
        }
        for t, v in per.items()
    }


def check(cases: list[dict[str, Any]], cache: Path) -> dict[str, dict[str, float]]:
    """The real extractive answer with the typed step on, scored the same way; and its time."""
    from siyada.knowledge.grounding import extractive_answer

    embed = _cached(cache).embed
    per: dict[str, list[tuple[bool, float]]] = {}
    t0 = time.perf_counter()
    for c in cases:
        content, cites = extractive_answer(c["question"], c["hits"], embed=embed, typed=True)
        got = outcome(answer_body(content), c["golds"]) if cites else (False, 0.0)
        per.setdefault(c["task"], []).append(got)
    ms = (time.perf_counter() - t0) * 1000 / max(len(cases), 1)
    print(f"extractive_answer with typed: {ms:.0f} ms / question (e5 cached)", file=sys.stderr)
    return {
        t: {"contains": sum(x[0] for x in v) / len(v), "f1": sum(x[1] for x in v) / len(v)}
        for t, v in per.items()
    }


def _table(name: str, got: dict[str, dict[str, float]]) -> None:
    cells = "  ".join(
        f"{t[:14]:<14} {m['contains']:.3f}/{m['f1']:.3f}" + (f"/{m['typed']:.2f}" if "typed" in m else "")
        for t, m in got.items()
    )
    print(f"{name:<28} {cells}")


def main() -> None:
    from siyada.knowledge.typed import typed_phrase

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", type=Path)
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "results" / "cache")
    ap.add_argument("--tasks", help="comma-separated task names (default: all in the cases)")
    ap.add_argument("--check", action="store_true", help="also run the real extractive_answer(typed=True)")
    ap.add_argument("--show", type=int, default=0, help="print N changed answers per task (gold, phrase)")
    ap.add_argument(
        "--global-cues",
        action="store_true",
        help="(experiment) the typed step's extra cues in extract.question_type too: ranking and abstention",
    )
    a = ap.parse_args()
    if a.global_cues:
        from siyada.knowledge import extract, typed

        extract._CUES[:] = [*extract._CUES, *typed._MORE_CUES]
    cases = pickle.loads(a.cases.read_bytes())
    if a.tasks:
        cases = [c for c in cases if c["task"] in set(a.tasks.split(","))]
    rows = chosen(cases, a.cache)

    def on(scope: str, unit: bool = True, lead: bool = True) -> Step:
        def step(q: str, text: str, s: int, e: int, ss: int, se: int) -> tuple[int, int] | None:
            lo, hi = (s, e) if scope == "candidate" else (ss, se)
            p = typed_phrase(q, text, lo, hi, unit, lead)
            return (p.start, p.end) if p else None

        return step

    print("contains / F1 / share of questions typed, per task")
    _table("sentence or clause (today)", score(rows, None))
    for scope in ("candidate", "sentence"):
        _table(f"typed {scope}", score(rows, on(scope)))
    _table("candidate, no unit word", score(rows, on("candidate", unit=False)))
    _table("candidate, no preposition", score(rows, on("candidate", lead=False)))
    if a.show:
        step = on("candidate")
        shown: dict[str, int] = {}
        for r in rows:
            c = r["case"]
            got = (
                step(c["question"], r["text"], r["start"], r["end"], *r["sentence"])
                if r["answered"]
                else None
            )
            if got is None or shown.get(c["task"], 0) >= a.show:
                continue
            shown[c["task"]] = shown.get(c["task"], 0) + 1
            phrase = r["text"][got[0] : got[1]]
            before, after = outcome(r["body"], c["golds"]), outcome(phrase, c["golds"])
            print(f"{c['task'][:8]} {int(before[0])}->{int(after[0])} Q: {c['question']}")
            print(f"    gold: {c['golds'][0]} | phrase: {phrase}")
    if a.check:
        _table("extractive_answer(typed=True)", check(cases, a.cache))


if __name__ == "__main__":
    main()
