"""Sentence spans of a text: for highlighting the sentences of a passage that answer a question, and for
the per-sentence vectors that let a question meet the one sentence of a long passage that answers it."""

from __future__ import annotations

import itertools
import re

# A sentence ends at a full stop, question or exclamation mark, Arabic semicolon or Urdu full stop that
# is followed by a space or the end of the text, or at a line break. A stop inside a token ("etc.)",
# "300.000", "www.cnil.fr", "art.5") is no end: splitting there gives fragments that match everything.
# Written without a lazy quantifier (that form retried the whole run of stops at each of its
# characters: quadratic on a line of dots): runs of other characters and runs of stops not followed by
# a space, taken possessively, then the run that ends the sentence, if any.
_STOPS = ".!?؟؛۔"
_SENTENCE = re.compile(rf"[^\n](?:[^\n{_STOPS}]++|[{_STOPS}]++(?!\s|$))*+(?:[{_STOPS}]++(?=\s|$))?")
# A line that starts a new block whatever precedes it: a heading, a list item, a table row, a quote.
_BLOCK_START = re.compile(r"\s*(?:#|[-*+•]\s|\d{1,3}[.)]\s|\||>)")
HEADING_WORDS = 12
WRAPPED_WORDS = 6
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


def unwrap(text: str) -> str:
    """The text with its soft line breaks (a paragraph wrapped at a fixed width, as PDFs and Markdown
    files are) turned into spaces, so a sentence that runs over two lines is one sentence. Same length
    as the text: offsets into one are offsets into the other. A break stays where a line is empty, is a
    heading (`#`), or where the next line starts a block (a list item, a table row, a quote)."""
    out = list(text)
    pos = 0
    lines = text.split("\n")
    for line, nxt in itertools.pairwise(lines):
        pos += len(line)
        # a short line ("Article 2", a label) is a heading or a field of its own, not a wrapped one
        wrapped = len(line.split()) > WRAPPED_WORDS
        if wrapped and nxt.strip() and not _BLOCK_START.match(line) and not _BLOCK_START.match(nxt):
            out[pos] = " "
        pos += 1
    return "".join(out)


def is_heading(text: str, start: int, end: int) -> bool:
    """Whether the span is a line of its own that names a topic rather than says something: a Markdown
    heading, or a short line without a closing stop set apart from what follows it."""
    piece = text[start:end]
    if not piece.lstrip().startswith("#") and len(piece.split()) > HEADING_WORDS:
        return False  # cheap first: most sentences are longer than any heading
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:start].strip() or text[end:line_end].strip():
        return False  # the span shares its line with other text
    if piece.lstrip().startswith("#"):
        return True
    if _BLOCK_START.match(piece):
        return False  # a list item or a table row is content, however short
    return (
        piece.rstrip()[-1:] not in _STOPS
        and len(piece.split()) <= HEADING_WORDS
        and (line_end == len(text) or text[line_end + 1 : line_end + 2] in ("\n", ""))
    )
