"""The reader at sentence scale, replayed on stored hits (bench/answer_cases.py): for each question the
extractor's best sentence (and the second best) is read with its neighbours by the reader
(siyada.knowledge.reading.read_sentence) once, then every quote length W and fallback probability is scored in
seconds: `contains` and token F1 as bench/answer_quality.py counts them (an abstention is a miss), and
the reader's no-answer probability as an
abstention signal beside today's evidence (measured on the `others` hits, the question's own paragraph
removed).

    .venv/bin/python bench/answer_localise.py bench/results/cases-dev80.pkl [--weights W.npz] \
        [--store read.pkl] [--words 4,6,8,10,12,14] [--masses 0,0.3,0.5] [--quotes-only]

`--store` keeps the reader's outputs so that a second call (other grids) does not read again;
`--quotes-only` reads only the full ranking (no abstention table, half the time). The table also
gives the shortest window of a few width sets that holds each threshold (reading.shortest_window).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer_quality import f1, normalise  # noqa: E402
from bench.retrieval_quality import _cached  # noqa: E402


def read_cases(
    cases: list[dict[str, Any]], weights: Path | None, cache: Path, others: bool = True
) -> list[dict[str, Any]]:
    from siyada.knowledge.extract import evidence, rank_candidates, top_sentences
    from siyada.knowledge.reader.reader import Reader, load
    from siyada.knowledge.reading import read_sentence

    reader = Reader.from_file(weights) if weights else load()
    embed = _cached(cache).embed
    out = []
    t_read = 0.0
    for c in cases:
        row: dict[str, Any] = {"task": c["task"], "golds": c["golds"], "question": c["question"]}
        for side in ("hits", "others") if others else ("hits",):
            hits = c[side]
            ranked = rank_candidates(c["question"], hits, embed)
            if not ranked:
                row[side] = None
                continue
            best = ranked[0]
            sents = []
            t0 = time.perf_counter()
            for s in top_sentences(ranked, 2):
                text = hits[s.hit]["chunk"]["text"]
                got = read_sentence(c["question"], text, (s.start, s.end), reader)
                sents.append({"text": text, "sentence": (s.start, s.end), "read": got})
            t_read += (time.perf_counter() - t0) * (side == "hits")
            row[side] = {
                "evidence": evidence(best, c["question"], True),
                "default": hits[best.hit]["chunk"]["text"][best.start : best.end],
                "best_sentence": (best.hit, best.sentence_start),
                "sentences": sents,
            }
        out.append(row)
    print(f"reader: {t_read * 1000 / max(len(cases), 1):.0f} ms / question (2 sentences)", file=sys.stderr)
    return out


def _best(side: dict[str, Any], words: int, second: bool) -> Any:
    from siyada.knowledge.reading import best_window

    found = [
        best_window(x["text"], x["sentence"], x["read"][0], x["read"][1], words) if x["read"] else None
        for x in side["sentences"][: 2 if second else 1]
    ]
    found = [(f, x) for f, x in zip(found, side["sentences"], strict=False) if f is not None]
    return max(found, key=lambda fx: fx[0].mass) if found else (None, None)


def _shortest(side: dict[str, Any], widths: list[int], mass: float) -> str | None:
    """The shortest window of the best sentence (widths tried in order) that holds `mass`."""
    from siyada.knowledge.reading import shortest_window

    x = side["sentences"][0]
    got = shortest_window(x["text"], x["sentence"], *x["read"], tuple(widths), mass) if x["read"] else None
    return str(x["text"][got.start : got.end]) if got else None


def score(
    rows: list[dict[str, Any]],
    words: int,
    mass: float,
    second: bool,
    ev_min: float = 0.0,
    widths: list[int] | None = None,
) -> dict[str, dict[str, float]]:
    """contains / F1 / words per task; a question whose evidence is below `ev_min` abstains (a miss).
    With `widths`, the shortest of those windows that holds `mass` is quoted (`words` unused)."""
    from siyada.knowledge.extract import strip_markup

    per: dict[str, list[tuple[bool, float, int]]] = {}
    for r in rows:
        h = r["hits"]
        quote = h["default"] if h else ""
        if h and h["sentences"] and widths:
            quote = _shortest(h, widths, mass) or quote
        elif h and h["sentences"]:
            got, x = _best(h, words, second)
            if got is not None and got.mass >= mass:
                quote = x["text"][got.start : got.end]
        if h is None or h["evidence"] < ev_min:
            quote = ""
        body = strip_markup(quote)
        hit = bool(body) and any(normalise(g) in normalise(body) for g in r["golds"])
        f = max(f1(body, g) for g in r["golds"]) if body else 0.0
        per.setdefault(r["task"], []).append((hit, f, len(body.split())))
    return {
        t: {
            "contains": sum(x[0] for x in v) / len(v),
            "f1": sum(x[1] for x in v) / len(v),
            "words": sum(x[2] for x in v) / len(v),
        }
        for t, v in per.items()
    }


def abstention(
    rows: list[dict[str, Any]], ev_min: float, none_max: float | None
) -> dict[str, tuple[float, float]]:
    """(precision, recall) per task when abstaining below the evidence or (if given) when the reader's
    no-answer probability on the best sentence is above `none_max`."""

    def abstains(side: dict[str, Any] | None) -> bool:
        if side is None or side["evidence"] < ev_min:
            return True
        read = side["sentences"][0]["read"] if side["sentences"] else None
        return none_max is not None and read is not None and read[1].p_none > none_max

    per: dict[str, list[tuple[bool, bool]]] = {}
    for r in rows:
        per.setdefault(r["task"], []).append((abstains(r["hits"]), abstains(r["others"])))
    out = {}
    for t, v in per.items():
        right = sum(o for _, o in v)
        wrong = sum(h for h, _ in v)
        out[t] = (right / (right + wrong) if right + wrong else 0.0, right / len(v))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", type=Path)
    ap.add_argument("--weights", type=Path, help="reader weights (default: siyada/data/reader.npz)")
    ap.add_argument("--store", type=Path, help="keep (or reuse) the reader's outputs here")
    ap.add_argument("--words", default="4,6,8,10,12,14")
    ap.add_argument("--masses", default="0,0.2,0.3,0.4,0.5,0.6,0.7")
    ap.add_argument("--evidence", type=float, default=0.92, help="abstention threshold for the table")
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "results" / "cache")
    ap.add_argument(
        "--quotes-only", action="store_true", help="read only the full ranking (half the time, no abstention)"
    )
    a = ap.parse_args()
    if a.store and a.store.exists():
        rows = pickle.loads(a.store.read_bytes())
    else:
        rows = read_cases(pickle.loads(a.cases.read_bytes()), a.weights, a.cache, not a.quotes_only)
        if a.store:
            a.store.write_bytes(pickle.dumps(rows))
    base = score(rows, 0, 1e9, False, a.evidence)
    print("sentence / clause (today):", {t: f"{m['contains']:.3f}/{m['f1']:.3f}" for t, m in base.items()})
    for second in (False, True):
        for w in (int(x) for x in a.words.split(",")):
            for m in (float(x) for x in a.masses.split(",")):
                got = score(rows, w, m, second, a.evidence)
                cells = " ".join(
                    f"{t[:9]} {v['contains']:.3f}/{v['f1']:.3f}/{v['words']:4.1f}" for t, v in got.items()
                )
                print(f"2nd={int(second)} W={w:2d} mass>={m:4.2f}  {cells}")
    for widths in ([1, 2, 3, 4, 6], [2, 3, 4, 6, 8], [1, 2, 3, 4, 6, 8, 10], [3, 6, 10]):
        for m in (float(x) for x in a.masses.split(",")):
            got = score(rows, 0, m, False, a.evidence, widths)
            cells = " ".join(
                f"{t[:9]} {v['contains']:.3f}/{v['f1']:.3f}/{v['words']:4.1f}" for t, v in got.items()
            )
            print(f"shortest of {widths} mass>={m:4.2f}  {cells}")
    for ev in (0.88, 0.90, 0.92, 0.94) if "others" in rows[0] else ():
        for nm in (None, 0.1, 0.2, 0.3, 0.5, 0.7):
            got_ab = abstention(rows, ev, nm)
            cells = " ".join(f"{t[:9]} {p:.2f}/{r:.2f}" for t, (p, r) in got_ab.items())
            print(f"abstain ev<{ev} p_none>{nm}  P/R {cells}")


if __name__ == "__main__":
    main()
