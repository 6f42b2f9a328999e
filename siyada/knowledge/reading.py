"""The answer localised by the neural reader (siyada.knowledge.reader) inside the sentence the extractor
chose (siyada.knowledge.extract). The reader reads that sentence with its neighbours (a few dozen
tokens, not whole passages: cheap, and it only has to find the words, not the sentence); every run of
W words of the sentence gets the probability that the answer starts in it times the probability that
it ends in it, and the shortest run (W in ANSWER_WIDTHS) whose best holds at least MIN_MASS is quoted.
Otherwise the caller quotes the sentence or clause as before: the reader's best single span
loses the answer far more often than a window that gathers its probability (docs/benchmarks.md,
fourth round).

The first wiring read the three best passages whole and quoted the best span widened within its
clause: it lost the answer far more often than the sentence did, and cost seconds a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from threadpoolctl import ThreadpoolController

from siyada.knowledge.reader.reader import Reader, TokenScores, load
from siyada.lang.sentences import sentence_spans

# the quote's lengths in words, tried shortest first: the shortest run that holds MIN_MASS is quoted
# (a sure reader gives one or two words, an unsure one six); set on the dev split, fifth round
# (bench/answer_localise.py): F1 +0.04 on XQuAD over a fixed six words for one question of `contains`
ANSWER_WIDTHS = (1, 2, 3, 4, 6)
ANSWER_WORDS = ANSWER_WIDTHS[-1]  # the longest quote
MIN_MASS = 0.12  # probability the answer lies in the window, under which the sentence is quoted; dev
MAX_CONTEXT_CHARS = 700  # the sentence with neighbours read while this fits (~150 tokens): bounded work
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Located:
    start: int  # chunk offsets of the quoted window
    end: int
    mass: float  # probability that the answer starts and ends inside it
    p_none: float  # the reader's no-answer probability for the text it read


def context(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence [start, end) with a neighbour on each side while they fit in MAX_CONTEXT_CHARS (the
    one before first: it often names what the sentence is about); a longer sentence is read alone, cut
    at MAX_CONTEXT_CHARS."""
    if end - start >= MAX_CONTEXT_CHARS:
        return start, start + MAX_CONTEXT_CHARS
    near = sentence_spans(text[max(0, start - MAX_CONTEXT_CHARS) : end + MAX_CONTEXT_CHARS])
    shift = max(0, start - MAX_CONTEXT_CHARS)
    before = [s + shift for s, e in near if e + shift <= start]
    after = [e + shift for s, e in near if s + shift >= end]
    lo, hi = start, end
    if before and hi - before[-1] <= MAX_CONTEXT_CHARS:
        lo = before[-1]
    if after and after[0] - lo <= MAX_CONTEXT_CHARS:
        hi = after[0]
    return lo, hi


def best_window(
    text: str, sentence: tuple[int, int], lo: int, scores: TokenScores, words: int = ANSWER_WORDS
) -> Located | None:
    """The run of `words` words of text[sentence] most likely to hold the answer, given the reader's
    token scores of text[lo:...]."""
    start, end = sentence
    tok_start = scores.starts + lo
    if not len(tok_start):
        return None
    # words the reader did not reach (a window cut short) are not offered
    spans = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
    spans = [sp for sp in spans if sp[0] <= tok_start[-1]]
    if not spans:
        return None
    # an answer starts at a word's first token and ends at its last: the word's start probability is
    # its first token's, its end probability its last token's (a sum over tokens would favour words
    # the tokenizer cuts into many pieces)
    word_of = np.searchsorted([s for s, _ in spans], tok_start, side="right") - 1
    inside = (tok_start >= start) & (tok_start < end) & (word_of >= 0)
    idx = np.nonzero(inside)[0]
    ps, pe = np.zeros(len(spans)), np.zeros(len(spans))
    if len(idx):
        words_in = word_of[idx]
        first = idx[np.r_[True, words_in[1:] != words_in[:-1]]]
        last = idx[np.r_[words_in[1:] != words_in[:-1], True]]
        ps[word_of[first]] = scores.p_start[first]
        pe[word_of[last]] = scores.p_end[last]
    w = max(1, min(words, len(spans)))
    cs, ce = np.r_[0, np.cumsum(ps)], np.r_[0, np.cumsum(pe)]
    mass = (cs[w:] - cs[:-w]) * (ce[w:] - ce[:-w])
    a = int(np.argmax(mass))
    return Located(spans[a][0], spans[a + w - 1][1], float(mass[a]), scores.p_none)


_BLAS = ThreadpoolController()


def read_sentence(
    question: str, text: str, sentence: tuple[int, int], reader: Reader | None = None
) -> tuple[int, TokenScores] | None:
    """The reader's token scores over the sentence with its neighbours, and where that context starts;
    None without the reader's weights."""
    reader = reader or load()
    if reader is None or sentence[1] <= sentence[0]:
        return None
    lo, hi = context(text, *sentence)
    # one BLAS thread: a ~120-token pass is small, and OpenBLAS's threads contending for busy cores
    # made it ~3 s instead of ~0.15 s (docs/benchmarks.md, sixth round, abstention)
    with _BLAS.limit(limits=1, user_api="blas"):
        return lo, reader.token_scores(question, text[lo:hi])


def locate(
    question: str,
    text: str,
    sentence: tuple[int, int],
    reader: Reader | None = None,
    words: int = ANSWER_WORDS,
) -> Located | None:
    """The run of `words` words of text[sentence] most likely to hold the answer, with that likelihood;
    None without the reader's weights or for a sentence with no word read."""
    read = read_sentence(question, text, sentence, reader)
    return best_window(text, sentence, read[0], read[1], words) if read else None


def shortest_window(
    text: str,
    sentence: tuple[int, int],
    lo: int,
    scores: TokenScores,
    widths: tuple[int, ...] = ANSWER_WIDTHS,
    min_mass: float = MIN_MASS,
) -> Located | None:
    """The best run of the first of `widths` words whose best run holds at least `min_mass` of the
    reader's probability; None when even the widest does not."""
    for w in widths:
        found = best_window(text, sentence, lo, scores, w)
        if found is not None and found.mass >= min_mass:
            return found
    return None
