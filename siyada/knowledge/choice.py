"""The reader's say in which sentence is quoted: the extractor (siyada.knowledge.extract) ranks the
sentences of the best passages on word shares, e5 cosine, rank and cues; the reader
(siyada.knowledge.reading) then reads its best CHOICES sentences, each with its neighbours, and the
sentence quoted is the one with the highest extractor score + W_READER x sqrt(P(the answer starts in
it) x P(it ends in it)).

Only across scripts (an English question over Arabic text): there the extractor's word shares are
mostly noise and the sentence is chosen on e5's cosine alone, which finds the sentence *about* the
question rather than the one that answers. On the dev split (docs/benchmarks.md, "Seventh round") the
chosen sentence held the answer for 200 → 225 of 318 English → Arabic questions (48 → 55 of 84 on
paragraphs the reader was not trained on); for Arabic questions the gain was on the paragraphs the
reader was trained on only (ARCD 62 → 63, XQuAD 60 → 59 on the others), so they are left alone and
pay nothing.

Off by default (DEFAULT): the held-out split did not confirm the dev gain (English → Arabic `contains`
0.51 → 0.49); `[knowledge] answer_reader_choice = 3` turns it on.

Abstention is decided on the extractor's own ranking (its model was fitted on it); only the quote moves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from siyada.knowledge.extract import Candidate, arabic_script, top_sentences
from siyada.knowledge.reader.reader import Reader, TokenScores, load
from siyada.knowledge.reading import read_sentence

CHOICES = 3  # sentences read when it is on ([knowledge] answer_reader_choice = 3; set on the dev split)
# Off by default ([knowledge] answer_reader_choice = 0): held out, on 100 English -> Arabic questions, it
# moved 21 quotes, 5 to the answer and 7 away from it (docs/benchmarks.md, "Seventh round").
DEFAULT = 0
W_READER = 0.5  # set on the dev split, beside the extractor's score (e5 cosine weighs 8 there)

Key = tuple[int, int]  # (hit, sentence start): one sentence of the hits


@dataclass(frozen=True)
class Read:
    lo: int  # chunk offset where the text read starts
    scores: TokenScores
    mass: float  # sqrt(P(start in the sentence) x P(end in it))


def sentence_mass(sentence: tuple[int, int], lo: int, scores: TokenScores) -> float:
    """The geometric mean of the reader's probabilities that the answer starts and ends in the sentence
    (chunk offsets), given its token scores of the text from `lo`."""
    starts = scores.starts + lo
    inside = (starts >= sentence[0]) & (starts < sentence[1])
    return math.sqrt(float(scores.p_start[inside].sum()) * float(scores.p_end[inside].sum()))


def read_best(
    question: str,
    hits: Sequence[dict[str, Any]],
    ranked: Sequence[Candidate],
    n: int = CHOICES,
    reader: Reader | None = None,
    weight: float = W_READER,
) -> dict[Key, Read]:
    """The reader's reading of those of the `n` best sentences of `ranked` that it could still move to
    the top (the mass is at most 1, so a sentence scoring `weight` or more below the best cannot win:
    it is not read, and when none can, nothing is), for a question in another script than the best
    sentence's; empty for one in the same script, or without the reader's weights."""
    if n < 2 or not ranked or arabic_script(question) == arabic_script(ranked[0].sentence):
        return {}
    reader = reader or load()
    if reader is None:
        return {}
    sentences = top_sentences(ranked, n)
    within = [s for s in sentences if sentences[0].score - s.score < weight]
    if len(within) < 2:
        return {}
    out: dict[Key, Read] = {}
    for s in within:
        text: str = hits[s.hit]["chunk"]["text"]
        got = read_sentence(question, text, (s.start, s.end), reader)
        if got is not None:
            out[(s.hit, s.start)] = Read(got[0], got[1], sentence_mass((s.start, s.end), *got))
    return out


def choose(ranked: Sequence[Candidate], reads: dict[Key, Read], weight: float = W_READER) -> list[Candidate]:
    """`ranked` with the candidates of the sentence the reader prefers first (their order kept), the
    rest after; unchanged when nothing was read."""
    if not reads:
        return list(ranked)
    best: dict[Key, float] = {}
    for c in ranked:  # a sentence's score is its best candidate's, as top_sentences keeps it
        key = (c.hit, c.sentence_start)
        if key in reads and key not in best:
            best[key] = c.score + weight * reads[key].mass
    chosen = max(best, key=lambda k: best[k])
    return sorted(ranked, key=lambda c: (c.hit, c.sentence_start) != chosen)  # stable: order kept
