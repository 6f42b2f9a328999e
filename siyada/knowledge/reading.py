"""The answer span by the neural reader (siyada.knowledge.reader): the reader reads the best passages,
its best span is widened within its clause to a short quote (ANSWER_WORDS words: the gold answer is
usually kept whole and little else comes with it), and its margin over the passage's no-answer score
is the reader's own evidence. None when the reader's weights are not installed."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from siyada.knowledge.reader.reader import Reader, load
from siyada.lang.sentences import sentence_spans

PASSAGES = 3  # as the sentence choice: lower passages rarely answer
ANSWER_WORDS = 12  # set on the dev split (bench/answer_quality.py --split dev)
_CLAUSE_END = re.compile(r"[,،;؛:](?=\s)")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ReadSpan:
    hit: int  # index in the hits
    start: int  # chunk offsets of the widened quote
    end: int
    text: str
    margin: float  # span score minus its passage's no-answer score


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (else the sentence, else the text) that holds [start, end)."""
    lo, hi = 0, len(text)
    for s, e in sentence_spans(text):
        if s <= start and end <= e:
            lo, hi = s, e
            break
    cuts = [lo] + [lo + m.end() for m in _CLAUSE_END.finditer(text[lo:hi])] + [hi]
    for a, b in itertools.pairwise(cuts):
        if a <= start and end <= b:
            return a, b
    return lo, hi


def widen(text: str, start: int, end: int, words: int = ANSWER_WORDS) -> tuple[int, int]:
    """[start, end) grown word by word, right then left, up to `words` words, within its clause."""
    lo, hi = _clause(text, start, end)
    spans = [(m.start() + lo, m.end() + lo) for m in _WORD.finditer(text[lo:hi])]
    inside = [i for i, (s, e) in enumerate(spans) if e > start and s < end]
    if not inside:
        return start, end
    a, b = inside[0], inside[-1]
    while b - a + 1 < words and (a > 0 or b < len(spans) - 1):
        if b < len(spans) - 1:
            b += 1
        if b - a + 1 < words and a > 0:
            a -= 1
    return min(spans[a][0], start), max(spans[b][1], end)


def read_answer(
    question: str, hits: Sequence[dict[str, Any]], reader: Reader | None = None, words: int = ANSWER_WORDS
) -> ReadSpan | None:
    reader = reader or load()
    if reader is None or not hits:
        return None
    texts = [h["chunk"]["text"] for h in hits[:PASSAGES]]
    got = reader.reading(question, texts, top=1)
    if not got.spans:
        return None
    best = got.spans[0]
    text = texts[best.passage]
    a, b = widen(text, best.start, best.end, words)
    return ReadSpan(best.passage, a, b, text[a:b], best.score - got.no_answer[best.passage])
