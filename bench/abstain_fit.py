"""Fit the abstention model of extractive answers (siyada.knowledge.abstain) on the dev split, with
cross-validation by paragraph, and write its weights and threshold to siyada/data/abstain.json.

    .venv/bin/python bench/answer_cases.py ../shared/data/answers --split dev \
        --tasks arcd_ar,xquad_ar,xquad_en_to_ar --out bench/results/cases-dev-raw.pkl
    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python bench/abstain_fit.py bench/results/cases-dev-raw.pkl \
        --store bench/results/abstain2-rows --reads bench/results/abstain2-reads.jsonl \
        [--write siyada/data/abstain.json]

The shipped calibration (2026-12-05, sixth round) is the last command: the cases must come from a
search whose hits carry `raw_scores` (answer_cases.py of that round or later). The reader's no-answer
probability of each case and side is read once and appended to `--reads` as it is read (a killed run
resumes; delete the file after new reader weights land): 1,968 reads, ~4 minutes with one BLAS
thread (OpenBLAS's own threads made a read ~2 s instead of ~0.08 s on the shared 2-core machine).
Four feature sets are compared out of fold: the fifth round's (`BASE`), with the raw retrieval
scores and the novel-type cue (`FEATURES`), each with and without the reader's `p_none`; the best
without the reader is written as `plain`, the best with it as `with_reader` (extractive answers then
read the chosen sentence once to use it). `--no-reader` leaves the reader out. French questions
(`--tasks cnil_fr --limit 120` to answer_cases.py, another pickle given here) are then fitted on and
scored in the report, but do not choose the thresholds; the shipped model was fitted without them.

The cases hold, for every dev question, the hits of the full collection and of the collection without
its own paragraph (a search filtered before fusion: bench.answer_quality.without_own). For each, the
features of the best candidate (siyada.knowledge.abstain.features) and the reader's no-answer
probability for that candidate's sentence (siyada.knowledge.reading); label 1 for the collection
without the paragraph (abstaining is right), 0 with it. Out-of-fold probabilities (5 folds by
paragraph: no question's own paragraph is in its fold's training) choose two thresholds, for
same-script and cross-script questions: the best smallest recall over the three Arabic tasks with
precision >= TARGET_P on each and `contains` (an abstention on the full collection is a miss) at most
MAX_CONTAINS_DROP below the calibration shipped before this run (siyada/data/abstain.json as found).
The shipped models are then fitted on all the given dev cases.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer_quality import normalise  # noqa: E402
from bench.retrieval_quality import _cached  # noqa: E402
from siyada.knowledge.abstain import BASE, FEATURES, WEIGHTS, Model, features  # noqa: E402
from siyada.knowledge.abstain import load as load_calibration  # noqa: E402
from siyada.knowledge.extract import evidence, rank_candidates, shorten, strip_markup  # noqa: E402
from siyada.knowledge.grounding import MIN_EVIDENCE  # noqa: E402
from siyada.knowledge.reading import read_sentence  # noqa: E402

TASKS = ("arcd_ar", "xquad_ar", "xquad_en_to_ar")
TARGET_P = 0.8
MAX_CONTAINS_DROP = 0.01
FOLDS = 5


def side(question: str, hits: list[dict[str, Any]], embed: Any) -> dict[str, Any] | None:
    """Features of the best candidate of these hits, today's evidence, the quote the answer gives when
    it does not abstain (the sentence or clause, reader off: the default), and what the reader would
    read (`read`: the chunk text and the sentence's offsets) for its no-answer probability."""
    ranked = rank_candidates(question, hits, embed)
    if not ranked:
        return None  # nothing to quote: the answer abstains whatever the model says
    best = ranked[0]
    text = hits[best.hit]["chunk"]["text"]
    out: dict[str, Any] = features(question, ranked, hits)
    out["evidence"] = evidence(best, question, True)
    out["quote"] = normalise(shorten(strip_markup(text[best.start : best.end])))
    out["read"] = (text, best.sentence_start, best.sentence_start + len(best.sentence))
    return out


def rows(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    e5 = _cached(ROOT / "bench" / "results" / "cache")
    out = []
    for i, c in enumerate(cases):
        q = c["question"]
        sides = [side(q, hits, e5.embed) for hits in (c["hits"], c["others"])]
        quote = sides[0]["quote"] if sides[0] else ""
        contains = any(normalise(g) in quote for g in c["golds"])
        for f, label in zip(sides, (0, 1), strict=True):
            row = {"task": c["task"], "par": c["paragraph"], "label": label, "contains": contains}
            out.append({**row, "question": q, "f": f})
        if i % 100 == 0:
            print(f"  {i}/{len(cases)} cases featured", file=sys.stderr)
    return out


def read_all(r: list[dict[str, Any]], store: Path) -> None:
    """Each side's reader no-answer probability (`p_none`), read once: every read is appended to
    `store` (JSON lines keyed by a hash of question, text and sentence) as it is made, so a killed run
    resumes where it stopped and a refit replays them without the reader (~0.2 s a read alone)."""
    done: dict[str, float] = {}
    if store.exists():
        for line in store.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                done[d["key"]] = d["p_none"]
    with store.open("a", encoding="utf-8") as sink:
        for i, x in enumerate(r):
            if x["f"] is None:
                continue
            text, lo, hi = x["f"]["read"]
            key = hashlib.sha1(f"{x['question']}\0{lo}\0{hi}\0{text}".encode()).hexdigest()
            if key not in done:
                got = read_sentence(x["question"], text, (lo, hi))
                done[key] = got[1].p_none if got else 0.0
                sink.write(json.dumps({"key": key, "p_none": done[key]}) + "\n")
                sink.flush()
            x["f"]["p_none"] = done[key]
            if i % 200 == 0:
                print(f"  {i}/{len(r)} sides read", file=sys.stderr)


def fit(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], steps: int = 3000, l2: float = 1e-3) -> Model:
    mu, sd = x.mean(0), x.std(0) + 1e-6
    z = np.hstack([(x - mu) / sd, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0.0])
    return Model(names, tuple(mu), tuple(sd), tuple(w[:-1]), float(w[-1]))


def probabilities(model: Model, x: np.ndarray) -> np.ndarray:
    z = (x - np.array(model.mean)) / np.array(model.scale) @ np.array(model.weights) + model.bias
    return 1 / (1 + np.exp(-z))


def scores(abstain: np.ndarray, r: list[dict[str, Any]], task: str) -> dict[str, float]:
    """abstain precision / recall and contains for one task, given who abstains."""
    task_of, label, contains = _columns(r)
    m = task_of == task
    right = int((abstain & m & (label == 1)).sum())
    wrong = int((abstain & m & (label == 0)).sum())
    full = int((m & (label == 0)).sum())
    kept = int((~abstain & m & (label == 0) & contains).sum())
    return {
        "abstain_precision": round(right / max(right + wrong, 1), 3),
        "abstain_recall": round(right / max(full, 1), 3),
        "contains": round(kept / max(full, 1), 3),
    }


_COLUMNS: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _columns(r: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if id(r) not in _COLUMNS:  # the threshold search scores the same rows thousands of times
        _COLUMNS[id(r)] = (
            np.array([x["task"] for x in r]),
            np.array([x["label"] for x in r]),
            np.array([bool(x["contains"]) for x in r]),
        )
    return _COLUMNS[id(r)]


def choose(p: np.ndarray, r: list[dict[str, Any]], today: dict[str, dict[str, float]]) -> dict[str, float]:
    """Thresholds for same-script and cross-script questions: the best smallest recall over TASKS with
    precision >= TARGET_P on each and `contains` at most MAX_CONTAINS_DROP below today's."""
    cross = np.array([bool(x["f"] and x["f"]["cross_script"]) for x in r])
    grid = np.round(np.linspace(0.3, 0.95, 66), 3)

    def key(same: float, across: float) -> tuple[bool, float]:
        abstain = np.where(cross, p > across, p > same)
        got = {t: scores(abstain, r, t) for t in TASKS}
        ok = all(
            g["abstain_precision"] >= TARGET_P
            and g["contains"] >= today[t]["contains"] - MAX_CONTAINS_DROP - 1e-9
            for t, g in got.items()
        )
        return ok, min(g["abstain_recall"] for g in got.values())

    same, across = max(((a, b) for a in grid for b in grid), key=lambda ab: key(*ab))
    return {"same_script": float(same), "cross_script": float(across)}


def matrix(r: list[dict[str, Any]], names: tuple[str, ...]) -> np.ndarray:
    # a side with nothing to quote abstains anyway; it is left out of fitting (masked by the caller)
    return np.array([[x["f"][n] for n in names] if x["f"] else [0.0] * len(names) for x in r])


def evaluate(r: list[dict[str, Any]], names: tuple[str, ...]) -> tuple[np.ndarray, Model]:
    """Out-of-fold probabilities (folds by paragraph) and the model fitted on all the rows."""
    x, y = matrix(r, names), np.array([x["label"] for x in r], dtype=float)
    live = np.array([x["f"] is not None for x in r])
    fold = np.array([(x["par"] // 2) % FOLDS for x in r])
    p = np.ones(len(r))
    for k in range(FOLDS):
        train, test = live & (fold != k), live & (fold == k)
        p[test] = probabilities(fit(x[train], y[train], names), x[test])
    return p, fit(x[live], y[live], names)


def shipped_abstains(r: list[dict[str, Any]], live: np.ndarray) -> np.ndarray:
    """Who the calibration shipped now (siyada/data/abstain.json, read before any --write; its model
    without the reader) abstains on: the baseline whose `contains` the new thresholds must keep."""
    cal = load_calibration(WEIGHTS)
    p = np.where(live, probabilities(cal.plain, matrix(r, cal.plain.features)), 1.0)
    cross = np.array([bool(x["f"] and x["f"]["cross_script"]) for x in r])
    th = cal.plain_thresholds
    return np.where(cross, p > th.cross_script, p > th.same_script)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", type=Path, nargs="+", help="pickles of bench/answer_cases.py (dev only)")
    ap.add_argument("--store", type=Path, help="a folder: keep each file's rows there, reuse them on a rerun")
    ap.add_argument("--no-reader", action="store_true", help="leave the reader's feature out")
    ap.add_argument(
        "--reads",
        type=Path,
        default=ROOT / "bench" / "results" / "abstain-reads.jsonl",
        help="the reader's no-answer probabilities, appended as they are read (resumable)",
    )
    ap.add_argument("--write", type=Path, help=f"write the calibration here (the shipped one: {WEIGHTS})")
    a = ap.parse_args()
    from siyada.knowledge.reader.reader import load

    reader = not a.no_reader and load() is not None
    r: list[dict[str, Any]] = []
    for path in a.cases:  # each file's rows (features only), kept under --store
        kept = a.store / f"{path.stem}.rows.pkl" if a.store else None
        if kept is not None and kept.exists():
            r += pickle.loads(kept.read_bytes())
            continue
        cases = pickle.loads(path.read_bytes())
        if any(c["paragraph"] % 2 for c in cases):
            sys.exit(f"refusing: {path} holds held-out questions (odd-numbered paragraphs)")
        got = rows(cases)
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_bytes(pickle.dumps(got))
        r += got
    if reader:  # stale once the reader's weights change: delete --reads then
        read_all(r, a.reads)
    live = np.array([x["f"] is not None for x in r])
    ev = np.array([x["f"]["evidence"] if x["f"] else 0.0 for x in r])
    tasks = sorted({x["task"] for x in r})
    rule = {t: scores(~live | (ev < MIN_EVIDENCE), r, t) for t in tasks}
    shipped = shipped_abstains(r, live)
    today = {t: scores(shipped, r, t) for t in tasks}
    report: dict[str, Any] = {"evidence < 0.92": rule, "shipped model (in-sample)": today}
    plain = {"base": BASE, "raw": FEATURES}
    sets = {**plain, **({f"{k}+reader": (*v, "p_none") for k, v in plain.items()} if reader else {})}
    found = {name: evaluate(r, names) for name, names in sets.items()}
    chosen: dict[str, dict[str, float]] = {}
    worst: dict[str, tuple[bool, float]] = {}
    cross = np.array([bool(x["f"] and x["f"]["cross_script"]) for x in r])
    for name, (p, _) in found.items():
        p = np.where(live, p, 1.0)
        th = chosen[name] = choose(p, r, today)
        abstain = np.where(cross, p > th["cross_script"], p > th["same_script"])
        got = {t: scores(abstain, r, t) for t in tasks}
        ok = all(
            got[t]["abstain_precision"] >= TARGET_P
            and got[t]["contains"] >= today[t]["contains"] - MAX_CONTAINS_DROP - 1e-9
            for t in TASKS
        )
        worst[name] = (ok, min(got[t]["abstain_recall"] for t in TASKS))
        report[f"{name} (out-of-fold, thresholds {th})"] = got
    print(json.dumps(report, indent=1))
    best_plain = max(plain, key=lambda n: worst[n])
    best_reader = max((n for n in found if n.endswith("+reader")), key=lambda n: worst[n], default=None)
    print(f"chosen: {best_plain} {worst[best_plain]}, {best_reader} {worst.get(best_reader or '')}")
    if a.write:
        calibration = {
            "plain": found[best_plain][1].to_dict(),
            "plain_thresholds": chosen[best_plain],
            "with_reader": found[best_reader][1].to_dict() if best_reader else None,
            "reader_thresholds": chosen[best_reader] if best_reader else None,
            "fitted_on": {t: sum(x["task"] == t and x["label"] == 0 for x in r) for t in tasks},
        }
        a.write.write_text(json.dumps(calibration, indent=1) + "\n")


if __name__ == "__main__":
    main()
