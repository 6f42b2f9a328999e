"""Sentence spans of a text: for highlighting the sentences of a passage that answer a question, and for
the per-sentence vectors that let a question meet the one sentence of a long passage that answers it."""

from __future__ import annotations

import re

# A sentence ends at a full stop, question or exclamation mark, Arabic semicolon or Urdu full stop that
# is followed by a space or the end of the text, or at a line break. A stop inside a token ("etc.)",
# "300.000", "www.cnil.fr", "art.5") is no end: splitting there gives fragments that match everything.
# Written without a lazy quantifier (that form retried the whole run of stops at each of its
# characters: quadratic on a line of dots): runs of other characters and runs of stops not followed by
# a space, taken possessively, then the run that ends the sentence, if any.
_STOPS = ".!?؟؛۔"
_SENTENCE = re.compile(rf"[^\n](?:[^\n{_STOPS}]++|[{_STOPS}]++(?!\s|$))*+(?:[{_STOPS}]++(?=\s|$))?")
MIN_EMBED_CHARS = 30  # shorter pieces (headings, list numbers, "Art. 3.") carry too little meaning alone


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, trimmed of surrounding spaces."""
    out = []
    for m in _SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def embedding_sentences(text: str, min_chars: int = MIN_EMBED_CHARS) -> list[str]:
    """The sentences of a passage as they are embedded one by one: a piece shorter than `min_chars` is
    joined to the next one (a heading to the sentence it heads), and a short last piece to the one
    before it. A passage that is a single sentence gives one item."""
    spans = sentence_spans(text)
    merged: list[tuple[int, int]] = []
    start: int | None = None
    for s, e in spans:
        start = s if start is None else start
        if e - start >= min_chars:
            merged.append((start, e))
            start = None
    if start is not None:  # a short tail: it belongs to the sentence before it, if any
        merged[-1:] = [(merged[-1][0] if merged else start, spans[-1][1])]
    return [text[s:e] for s, e in merged]
