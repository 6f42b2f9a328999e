"""Metrics of the evaluation lab.

Every metric is split in two: `item` turns one prediction into a value (a number, or sufficient
statistics such as BLEU's n-gram counts) and `aggregate` turns a list of values into the score. That one
shape serves the headline figure, the per-language breakdown and the bootstrap (which resamples values),
and keeps corpus-level metrics (BLEU, chrF, span F1) corpus-level under resampling instead of averaging
sentence scores.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from siyada.lang.normalise import normalise_arabic

Value = Any


@dataclass(frozen=True)
class Metric:
    name: str
    item: Callable[[Any, dict[str, Any]], Value]  # (prediction, item) -> value
    aggregate: Callable[[Sequence[Value]], float]
    higher_is_better: bool = True
    scale: float = 1.0  # 100 for BLEU/chrF, whose convention is 0-100


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# ---- retrieval ------------------------------------------------------------------------------------
def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    for rank, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Binary-gain nDCG: DCG = sum of 1/log2(rank+1) over relevant hits, over the ideal DCG."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, doc in enumerate(ranked[:k], start=1) if doc in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


# ---- short answers -------------------------------------------------------------------------------
_ARTICLES = {
    "en": r"\b(a|an|the)\b",
    "fr": r"\b(le|la|les|l'|un|une|des|du|de|d')",
}
_PUNCT = set(string.punctuation) | {"،", "؛", "؟", "«", "»", "…", "’", "“", "”", "ـ"}


def normalise_answer(text: str, lang: str = "") -> str:
    """SQuAD-style answer normalisation, extended for Arabic and French.

    Lowercase, drop punctuation and articles; Arabic text also gets its letter variants unified
    (alef forms, taa marbuta, alef maqsura, diacritics, tatweel) and the definite article "ال" removed
    from the front of each word, because "المغرب" and "مغرب" name the same answer span.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = normalise_arabic(text)
    text = "".join(" " if ch in _PUNCT else ch for ch in text)
    article = _ARTICLES.get(lang[:2])
    if article:
        text = re.sub(article, " ", text)
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in text.split()]
    return " ".join(words)


def exact_match(prediction: str, references: Sequence[str], lang: str = "") -> float:
    got = normalise_answer(prediction, lang)
    return float(any(got == normalise_answer(r, lang) for r in references))


def token_f1(prediction: str, references: Sequence[str], lang: str = "") -> float:
    """Bag-of-words F1 against the best-matching reference."""
    pred = normalise_answer(prediction, lang).split()
    best = 0.0
    for ref in references:
        gold = normalise_answer(ref, lang).split()
        if not pred or not gold:
            best = max(best, float(pred == gold))
            continue
        common = _overlap(pred, gold)
        if common:
            p, r = common / len(pred), common / len(gold)
            best = max(best, 2 * p * r / (p + r))
    return best


def _overlap(a: list[str], b: list[str]) -> int:
    return sum((Counter(a) & Counter(b)).values())


# ---- characters ----------------------------------------------------------------------------------
def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _surface(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(prediction: str, references: Sequence[str]) -> tuple[int, int]:
    """(edits, reference length) against the closest reference; the corpus CER is their sums' ratio."""
    pred = _surface(prediction)
    refs = [_surface(r) for r in references]
    return min(((levenshtein(pred, r), len(r)) for r in refs), key=lambda x: x[0])


def _cer_aggregate(values: Sequence[tuple[int, int]]) -> float:
    edits = sum(v[0] for v in values)
    length = sum(v[1] for v in values)
    return edits / length if length else 0.0


def surface_match(prediction: str, references: Sequence[str]) -> float:
    pred = _surface(prediction)
    return float(any(pred == _surface(r) for r in references))


# ---- BLEU and chrF (sacrebleu) -------------------------------------------------------------------
_SACRE: dict[str, Any] = {}


def _sacre_metric(kind: str) -> Any:
    """sacrebleu's default BLEU (13a tokens, 4-grams) or chrF (character 6-grams, beta 2), made once."""
    if kind not in _SACRE:
        from sacrebleu.metrics import BLEU, CHRF

        _SACRE[kind] = BLEU() if kind == "bleu" else CHRF()
    return _SACRE[kind]


def sacre_stats(kind: str, prediction: str, references: Sequence[str]) -> list[int]:
    """sacrebleu's per-sentence sufficient statistics; summing them gives the corpus statistics."""
    metric = _sacre_metric(kind)
    refs = [[r] for r in references]
    return [int(x) for x in metric._extract_corpus_statistics([prediction], refs)[0]]


def sacre_score(kind: str, stats: Sequence[Sequence[int]]) -> float:
    if not stats:
        return 0.0
    total = [sum(column) for column in zip(*stats, strict=True)]
    return float(_sacre_metric(kind)._compute_score_from_stats(total).score)


# ---- spans (personal data) ------------------------------------------------------------------------
Span = tuple[int, int, str]


def span_counts(predicted: set[Span], gold: set[Span], only: str | None = None) -> tuple[int, int, int]:
    """(tp, fp, fn) of exact span-and-type matches, optionally for one type."""
    if only is not None:
        predicted = {s for s in predicted if s[2] == only}
        gold = {s for s in gold if s[2] == only}
    return len(predicted & gold), len(predicted - gold), len(gold - predicted)


def f1_from_counts(values: Sequence[tuple[int, int, int]]) -> float:
    tp = sum(v[0] for v in values)
    fp = sum(v[1] for v in values)
    fn = sum(v[2] for v in values)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# ---- the registry the task specs name -------------------------------------------------------------
def _refs(item: dict[str, Any]) -> list[str]:
    return list(item["references"])


def _text(pred: Any) -> str:
    """The answer text of a prediction (a judged answer is a dict holding it and its score)."""
    if isinstance(pred, dict):
        return str(pred.get("text") or "")
    return str(pred or "")


def _judged(pred: Any) -> float:
    score = pred.get("score") if isinstance(pred, dict) else None
    return float(score) if score is not None else 0.0


def _ranked(pred: Any) -> list[str]:
    return list(pred or [])


def _relevant(item: dict[str, Any]) -> set[str]:
    return set(item["relevant"])


def _span_set(pred: Any) -> set[Span]:
    return {(int(s[0]), int(s[1]), str(s[2])) for s in pred or []}


def _gold_spans(item: dict[str, Any]) -> set[Span]:
    return {(e["start"], e["end"], e["type"]) for e in item["entities"]}


def _retrieval(k: int, fn: Callable[[Sequence[str], set[str], int], float]) -> Callable[..., float]:
    return lambda pred, item: fn(_ranked(pred), _relevant(item), k)


METRICS: dict[str, Metric] = {
    "recall@1": Metric("recall@1", _retrieval(1, recall_at), mean),
    "recall@5": Metric("recall@5", _retrieval(5, recall_at), mean),
    "recall@10": Metric("recall@10", _retrieval(10, recall_at), mean),
    "mrr@10": Metric("mrr@10", _retrieval(10, reciprocal_rank), mean),
    "ndcg@10": Metric("ndcg@10", _retrieval(10, ndcg_at), mean),
    "exact_match": Metric(
        "exact_match", lambda p, it: exact_match(_text(p), _refs(it), it.get("lang", "")), mean
    ),
    "f1": Metric("f1", lambda p, it: token_f1(_text(p), _refs(it), it.get("lang", "")), mean),
    "chrf": Metric(
        "chrf",
        lambda p, it: sacre_stats("chrf", _text(p), _refs(it)),
        lambda v: sacre_score("chrf", v),
        scale=100.0,
    ),
    "bleu": Metric(
        "bleu",
        lambda p, it: sacre_stats("bleu", _text(p), _refs(it)),
        lambda v: sacre_score("bleu", v),
        scale=100.0,
    ),
    "cer": Metric("cer", lambda p, it: cer(_text(p), _refs(it)), _cer_aggregate, higher_is_better=False),
    "surface_match": Metric("surface_match", lambda p, it: surface_match(_text(p), _refs(it)), mean),
    "accuracy": Metric("accuracy", lambda p, it: float(p == it["label"]), mean),
    "span_f1": Metric("span_f1", lambda p, it: span_counts(_span_set(p), _gold_spans(it)), f1_from_counts),
    "judge_score": Metric("judge_score", lambda p, it: _judged(p), mean),
    # Share of answers the judge gave a usable verdict for: a low value means the judge, not the model,
    # is what the judge score measures.
    "judge_parsed": Metric(
        "judge_parsed", lambda p, it: float(isinstance(p, dict) and p.get("score") is not None), mean
    ),
}


def span_f1_for(entity_type: str) -> Metric:
    """Span F1 of one personal-data type (the per-type rows of a personal-data report)."""
    return Metric(
        f"span_f1[{entity_type}]",
        lambda p, it: span_counts(_span_set(p), _gold_spans(it), entity_type),
        f1_from_counts,
    )


def metric(name: str) -> Metric:
    if name.startswith("span_f1[") and name.endswith("]"):
        return span_f1_for(name[len("span_f1[") : -1])
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; known: {sorted(METRICS)}") from None


def item_score(m: Metric, value: Value) -> float:
    """One item's own score (for sorting worst examples): the metric aggregated over that item alone."""
    return m.aggregate([value])
