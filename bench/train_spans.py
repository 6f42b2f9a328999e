"""Train the answer-word scorer (siyada.knowledge.spans) on the development split only.

    .venv/bin/python bench/answer_cases.py ../shared/data/answers --split dev \
        --out bench/results/cases-dev.pkl
    .venv/bin/python bench/train_spans.py bench/results/cases-dev.pkl [--folds] [--out siyada/data/spans.json]

For every dev question (even-numbered paragraphs of the answer tasks; the held-out odd ones are never
read: the script refuses cases from odd paragraphs), the words of its best sentences as
`grounding.extractive_answer` ranks them get a label: part of the first occurrence of a gold answer or
not. A logistic regression (numpy, full-batch Adam, L2) learns P(answer word); the quote is then the run
of at most MAX_WINDOW words whose logits, less a threshold, sum highest. The threshold is chosen on the
same dev questions for the best mean of `contains` and F1 of the quoted run. `--folds` first reports a
2-fold estimate (paragraphs split by parity of index // 2). A few minutes on 2 CPUs.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer_quality import f1, normalise  # noqa: E402
from bench.retrieval_quality import _cached  # noqa: E402
from siyada.knowledge.extract import question_words, rank_candidates, top_sentences  # noqa: E402
from siyada.knowledge.spans import FEATURES, MAX_WINDOW, WEIGHTS, _trim, best_run, sentence_words  # noqa: E402

TASKS = ("arcd_ar", "xquad_ar", "xquad_en_to_ar")  # short gold answers; CNIL's are whole paragraphs
TRAIN_SENTENCES = 3
THRESHOLDS = np.arange(-6.0, 2.01, 0.25)


def _labels(words: list[str], golds: list[str]) -> np.ndarray:
    norm = [normalise(w) for w in words]
    y = np.zeros(len(words), np.float32)
    for g in golds:
        gw = normalise(g).split()
        if not gw:
            continue
        for i in range(len(norm) - len(gw) + 1):
            got = " ".join(norm[i : i + len(gw)]).split()
            if len(got) >= len(gw) and all(gw[j] in got[j] for j in range(len(gw))):  # proclitics kept
                y[i : i + len(gw)] = 1
                return y
    return y


def featurise(cases: list[dict[str, Any]], cache: Path) -> list[dict[str, Any]]:
    e5 = _cached(cache)
    out = []
    for c in cases:
        if c["task"] not in TASKS:
            continue
        q, hits = c["question"], c["hits"]
        ranked = rank_candidates(q, hits, e5.embed)
        terms = set().union(*question_words(q)) if q.strip() else set()
        sents = []
        for s, found, rows in sentence_words(terms, q, hits, top_sentences(ranked, TRAIN_SENTENCES)):
            text = hits[s.hit]["chunk"]["text"]
            spans = [(m.start(), m.end()) for m in found]
            sents.append(
                {
                    "x": rows,
                    "y": _labels([m.group() for m in found], c["golds"]),
                    "spans": spans,
                    "text": text,
                }
            )
        out.append({"task": c["task"], "paragraph": c["paragraph"], "golds": c["golds"], "sentences": sents})
    return out


def fit(groups: list[dict[str, Any]], l2: float = 1e-3, steps: int = 400) -> np.ndarray:
    x = np.vstack([s["x"] for g in groups for s in g["sentences"]]).astype(np.float64)
    y = np.concatenate([s["y"] for g in groups for s in g["sentences"]]).astype(np.float64)
    w = np.zeros(x.shape[1])
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    lr, b1, b2 = 0.05, 0.9, 0.999
    for step in range(1, steps + 1):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) / len(y) + l2 * w
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad**2
        w -= lr * (m / (1 - b1**step)) / (np.sqrt(v / (1 - b2**step)) + 1e-8)
    return w


def quote(g: dict[str, Any], w: np.ndarray, tau: float, sentences: int = 1) -> str:
    best: tuple[float, str] | None = None
    for s in g["sentences"][:sentences]:
        a, b, score = best_run(s["x"] @ w - tau, MAX_WINDOW)
        lo, hi = _trim(s["text"], s["spans"][a][0], s["spans"][b - 1][1])
        if best is None or score > best[0]:
            best = (score, s["text"][lo:hi])
    return best[1] if best else ""


def evaluate(groups: list[dict[str, Any]], w: np.ndarray, tau: float) -> dict[str, tuple[float, float]]:
    out = {}
    for task in TASKS:
        gs = [g for g in groups if g["task"] == task]
        if not gs:
            continue
        qs = [quote(g, w, tau) for g in gs]
        con = np.mean(
            [any(normalise(x) in normalise(t) for x in g["golds"]) for g, t in zip(gs, qs, strict=True)]
        )
        ff = np.mean([max(f1(t, x) for x in g["golds"]) for g, t in zip(gs, qs, strict=True)])
        out[task] = (round(float(con), 3), round(float(ff), 3))
    return out


def choose_threshold(groups: list[dict[str, Any]], w: np.ndarray) -> float:
    def worth(tau: float) -> float:
        got = evaluate(groups, w, tau).values()
        return float(np.mean([c + f for c, f in got]))

    return float(max(THRESHOLDS, key=worth))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", type=Path, help="bench/answer_cases.py output, dev split")
    ap.add_argument("--l2", type=float, default=1e-3)
    ap.add_argument("--folds", action="store_true")
    ap.add_argument("--features", type=Path, help="reuse / store the featurised cases here (pickle)")
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "results" / "cache")
    a = ap.parse_args()
    cases = pickle.loads(a.cases.read_bytes())
    if any(c["paragraph"] % 2 for c in cases):
        sys.exit("refusing: the cases hold held-out questions (odd-numbered paragraphs)")
    if a.features and a.features.exists():
        groups = pickle.loads(a.features.read_bytes())
    else:
        groups = featurise(cases, a.cache)
        if a.features:
            a.features.write_bytes(pickle.dumps(groups))
    if a.folds:
        for fold in (0, 1):
            train = [g for g in groups if (g["paragraph"] // 2) % 2 != fold]
            test = [g for g in groups if (g["paragraph"] // 2) % 2 == fold]
            w = fit(train, a.l2)
            tau = choose_threshold(train, w)
            print(f"fold {fold}: threshold {tau}: {evaluate(test, w, tau)}", flush=True)
    w = fit(groups, a.l2)
    tau = choose_threshold(groups, w)
    print(f"all dev (trained on it): threshold {tau}: {evaluate(groups, w, tau)}")
    a.out.write_text(
        json.dumps(
            {
                "features": FEATURES,
                "weights": [round(float(v), 5) for v in w],
                "threshold": tau,
                "l2": a.l2,
                "trained_on": "dev split (even-numbered paragraphs) of " + ", ".join(TASKS),
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
