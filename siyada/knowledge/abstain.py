"""Abstention for extractive answers: the calibrated probability that the retrieved passages do not
hold the answer, from features of the best candidate the extractor chose (siyada.knowledge.extract).

A logistic regression over features known at answer time: e5 cosines, the share of the question's
words in the quote, its sentence and its passage, the gap to the next sentence, whether the question's
type (a number, a date, a name…) is met (and by words the question does not already hold), the script
pair, the retrieval scores before normalisation (the chosen passage's BM25 and raw cosine, and their
lead over the other hits: a collection's fused scores are min-max normalised, so its top hit scores
the same whether or not it answers, but its raw scores do not), and, when the reader's weights are
installed, the reader's no-answer probability for the chosen sentence. Its weights are fitted on the
dev splits of the answer tasks with cross-validation by paragraph (`bench/abstain_fit.py`, which
writes `siyada/data/abstain.json`); the answer abstains when the probability is above
`[knowledge] answer_abstain_threshold` (unset: the thresholds fitted with it)."""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from siyada.knowledge.extract import (
    Candidate,
    arabic_script,
    cue,
    lexical_shares,
    question_type,
    question_words,
    top_sentences,
    with_proclitics_off,
)
from siyada.lang.analysis import index_terms

WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "abstain.json"
# the fifth round's inputs (docs/benchmarks.md), kept to compare against
BASE = (
    "cosine",
    "second_cosine",
    "lexical",
    "sentence_lexical",
    "passage_lexical",
    "cross_script",
    "cross_cosine",
    "gap",
    "typed",
    "cue",
    "question_words",
    "arabic_question",
)
# signals added in the sixth round (docs/benchmarks.md): the retrieval scores before normalisation
# (`raw_scores` of a hit: BM25 and the e5 cosine) and whether the sentence brings what a typed
# question asks for that the question does not already hold
RAW = ("bm25", "bm25_gap", "raw_cosine", "raw_cosine_gap", "novel_cue")
# the shipped model's inputs, in order; "p_none" only in the model used when the reader is installed
FEATURES = (*BASE, *RAW)


@dataclass(frozen=True)
class Model:
    """Standardised logistic regression: p = sigmoid(bias + sum(w * (x - mean) / scale))."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def probability(self, values: dict[str, float]) -> float:
        z = self.bias + sum(
            w * (values[f] - m) / s
            for f, m, s, w in zip(self.features, self.mean, self.scale, self.weights, strict=True)
        )
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Model:
        return cls(
            tuple(d["features"]),
            tuple(map(float, d["mean"])),
            tuple(map(float, d["scale"])),
            tuple(map(float, d["weights"])),
            float(d["bias"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(x, 6) for x in self.mean],
            "scale": [round(x, 6) for x in self.scale],
            "weights": [round(x, 6) for x in self.weights],
            "bias": round(self.bias, 6),
        }


@dataclass(frozen=True)
class Thresholds:
    """Thresholds chosen on dev, one for a question in the script of the quote and one across scripts
    (an English question over Arabic text: its cosines run lower and its errors differ)."""

    same_script: float
    cross_script: float

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Thresholds:
        return cls(float(d["same_script"]), float(d["cross_script"]))


@dataclass(frozen=True)
class Calibration:
    """The fitted models, with and without the reader's feature, each with its thresholds (used unless
    `[knowledge] answer_abstain_threshold` is set)."""

    plain: Model
    plain_thresholds: Thresholds
    with_reader: Model | None = None
    reader_thresholds: Thresholds | None = None

    def pick(self, p_none: float | None) -> tuple[Model, Thresholds]:
        if p_none is not None and self.with_reader is not None and self.reader_thresholds is not None:
            return self.with_reader, self.reader_thresholds
        return self.plain, self.plain_thresholds

    @property
    def wants_reader(self) -> bool:
        return self.with_reader is not None


_lock = threading.Lock()
_loaded: dict[Path, Calibration] = {}


def load(path: Path = WEIGHTS) -> Calibration:
    """The calibration shipped in the package (read once)."""
    with _lock:
        if path not in _loaded:
            d = json.loads(path.read_text(encoding="utf-8"))
            reader = d.get("with_reader")
            _loaded[path] = Calibration(
                Model.from_dict(d["plain"]),
                Thresholds.from_dict(d["plain_thresholds"]),
                Model.from_dict(reader) if reader else None,
                Thresholds.from_dict(d["reader_thresholds"]) if reader else None,
            )
        return _loaded[path]


def features(question: str, ranked: Sequence[Candidate], hits: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The model's inputs for the best of `ranked` (non-empty, ranked with an embedder)."""
    best = ranked[0]
    sentences = top_sentences(ranked, 2)
    gap = sentences[0].score - sentences[1].score if len(sentences) > 1 else 1.0
    cosines = sorted({c.sentence: c.cosine for c in ranked}.values(), reverse=True)
    cross = float(arabic_script(question) != arabic_script(best.sentence))
    kind = question_type(question)
    wanted = question_words(question)
    return {
        "cosine": best.cosine,
        "second_cosine": cosines[1] if len(cosines) > 1 else 0.0,
        "lexical": best.lexical,
        "sentence_lexical": best.sentence_lexical,
        "passage_lexical": lexical_shares(wanted, hits[best.hit]["chunk"]["text"])[0],
        "cross_script": cross,
        "cross_cosine": cross * best.cosine,
        "gap": min(gap, 5.0),
        "typed": float(kind is not None),
        "cue": cue(kind, best.text),
        "question_words": math.log1p(len(wanted)),
        "arabic_question": float(arabic_script(question)),
        **raw_features(hits, best.hit, len(wanted)),
        "novel_cue": novel_cue(kind, question, best.sentence),
    }


def raw_features(hits: Sequence[dict[str, Any]], best: int, words: int) -> dict[str, float]:
    """The retrieval scores before normalisation: the BM25 of the chosen passage per question word (a
    sum over the question's terms: longer questions score more) and the raw cosine of its passage, each
    with its lead over the best other hit (a difference: a ratio of two near-zero BM25s is noise). A
    hit without a ranking's score (a lexical-only search, a passage one ranking missed) counts 0 there."""

    def score(hit: dict[str, Any], mode: str) -> float:
        return float(hit.get("raw_scores", {}).get(mode, 0.0))

    per = 1 / max(words, 1)
    out = {}
    for mode, name, scale in (("lexical", "bm25", per), ("semantic", "raw_cosine", 1.0)):
        mine = score(hits[best], mode)
        other = max((score(h, mode) for i, h in enumerate(hits) if i != best), default=0.0)
        out[name] = mine * scale
        out[f"{name}_gap"] = (mine - other) * scale
    return out


def novel_cue(kind: str | None, question: str, sentence: str) -> float:
    """1 when a typed question (a number, a date, a name, a place) finds what it asks for in the
    sentence's words that are not the question's own: a sentence that restates "in what year did X
    happen in 1990?"'s topic holds the question's words, one that answers holds a new year."""
    if kind is None:
        return 0.0
    asked = with_proclitics_off(set(index_terms(question)))
    words = re.findall(r"\w+", sentence)
    kept = [not with_proclitics_off(set(index_terms(w))) & asked for w in words]
    new = " ".join(w for w, k in zip(words, kept, strict=True) if k)
    # a capital opening the sentence names no one (as in extract.cue): only a kept first word stays unspaced
    return cue(kind, new if kept and kept[0] else " " + new)


def should_abstain(
    question: str,
    ranked: Sequence[Candidate],
    hits: Sequence[dict[str, Any]],
    p_none: float | None = None,
    threshold: float | None = None,
    calibration: Calibration | None = None,
) -> bool:
    """Whether the probability that the passages do not hold the answer exceeds `threshold` (None: the
    calibrated one); `p_none` is the reader's no-answer probability for the chosen sentence, None when
    the reader did not read it."""
    model, calibrated = (calibration or load()).pick(p_none)
    values = features(question, ranked, hits)
    values["p_none"] = p_none if p_none is not None else 0.0
    if threshold is None:
        threshold = calibrated.cross_script if values["cross_script"] else calibrated.same_script
    return model.probability(values) > threshold  # strictly above: 1 never abstains, 0 always does
