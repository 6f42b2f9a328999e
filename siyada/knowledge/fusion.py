"""Hybrid fusion: CombSUM of min-max-normalised rankings, the semantic one weighed, passage by
passage, by what the embedding model can read of the query and of the passage.

A dense model declares how well it reads each kind of word (``reading``: word kind, as the lexical
analysis decides it, to a weight; `siyada.lang.analysis.word_kinds`). e5 reads English, French and
Arabic script, but barely Arabizi or Tifinagh: its cosine between a Tifinagh query and an English
passage is mostly noise, and fused at a fixed weight it pulled hybrid below lexical search alone
(docs/benchmarks.md). So each semantic candidate's normalised score is multiplied by

    query reading × passage reading

where the query reading is the mean of the model's weights over the query's words, numbers left out
(a weight above 1, where the model is stronger than the lexical side's learned lexicon, lets it
lead), and the passage reading the share of the passage's words it reads (weights capped at 1: a
passage is read or not). A mixed query (French words around an Arabizi one) is read in part.
A model that declares nothing (the static one, weak everywhere) keeps weight 1 for every candidate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from siyada.lang.analysis import word_kinds

DEPTH = 50  # candidates a search takes from each ranking (at least); past it a score normalises to 0

Ranking = list[tuple[int, float]]


def reading(kinds: Counter[str], weights: Mapping[str, float], cap: float | None = None) -> float:
    """The mean of `weights` over the words counted in `kinds` (undeclared kinds weigh 1, each weight
    capped at `cap`); 1.0 for a text without words."""
    total = sum(kinds.values())
    if not total:
        return 1.0
    got = sum(
        n * min(weights.get(k, 1.0), cap if cap is not None else float("inf")) for k, n in kinds.items()
    )
    return got / total


def readings_of(embedders: Iterable[object]) -> list[Mapping[str, float]] | None:
    """The declared reading tables of the dense models, or None when one declares none (it is then
    trusted equally everywhere, and so is the fusion)."""
    tables = [getattr(e, "reading", None) for e in embedders]
    if not tables or any(t is None for t in tables):
        return None
    return tables  # type: ignore[return-value]


def query_reading(tables: list[Mapping[str, float]], query: str) -> float:
    """The mean weight of the query's words, numbers left out (both sides read them alike, so they
    say nothing of which to trust; a query of numbers alone reads 1). With several models, the most
    cautious one's."""
    kinds = word_kinds(query, query=True)
    words = Counter({k: n for k, n in kinds.items() if k != "num"})
    return min(reading(words, t) for t in tables)


def passage_weights(
    tables: list[Mapping[str, float]], query_read: float, passages: Mapping[int, str]
) -> dict[int, float]:
    """Each passage's semantic weight: the query's reading (`query_reading`) × the passage's."""
    if query_read == 0.0:
        return dict.fromkeys(passages, 0.0)
    out = {}
    for cid, text in passages.items():
        kinds = _passage_kinds(text)
        out[cid] = query_read * min(reading(kinds, t, cap=1.0) for t in tables)
    return out


# Passages' word kinds by text: the same passages meet query after query, and analysing 50 of them
# costs a few ms. Keyed by the text's hash and length (a collision costs one weight, never an error).
_KINDS: dict[tuple[int, int], Counter[str]] = {}
_KINDS_MAX = 50_000


def _passage_kinds(text: str) -> Counter[str]:
    key = (hash(text), len(text))
    got = _KINDS.get(key)
    if got is None:
        if len(_KINDS) >= _KINDS_MAX:
            _KINDS.clear()
        got = _KINDS[key] = word_kinds(text, query=False)
    return got


def fuse(
    rankings: dict[str, Ranking],
    weights: dict[str, float] | None = None,
    per_chunk: dict[str, Mapping[int, float]] | None = None,
) -> Ranking:
    """CombSUM: each ranking's scores mapped onto [0, 1] between its best candidate and its DEPTH-th
    (below that, 0), times the ranking's weight (and the chunk's, where `per_chunk` gives that ranking
    one; a chunk missing there weighs 0), summed; a chunk missing from a ranking gets 0 there. Unlike
    reciprocal rank fusion it keeps how far ahead a ranking's best candidates are, so a confident
    ranking is not drowned by a flat one (on the dev tasks it beat RRF k=60 on R@10 everywhere;
    docs/benchmarks.md). The scale does not depend on how many candidates were asked for, and ties
    keep the lexical order (rankings are summed lexical first, and the sort is stable)."""
    scores: dict[int, float] = {}
    for mode, ranking in rankings.items():  # each best first
        if not ranking:
            continue
        w = (weights or {}).get(mode, 1.0)
        chunk_w = (per_chunk or {}).get(mode)
        hi, lo = ranking[0][1], ranking[min(len(ranking), DEPTH) - 1][1]
        for cid, s in ranking:
            norm = max(0.0, (s - lo) / (hi - lo)) if hi > lo else 1.0
            scale = w if chunk_w is None else w * chunk_w.get(cid, 0.0)
            scores[cid] = scores.get(cid, 0.0) + scale * norm
    return sorted(scores.items(), key=lambda x: -x[1])


def scoring_head(ranking: Ranking) -> list[int]:
    """The candidates of a ranking that can score above 0 once normalised."""
    return [cid for cid, _ in ranking[:DEPTH]]
