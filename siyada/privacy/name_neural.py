"""The character-aware PERSON tagger, read with numpy alone (no torch at run time).

Trained by :mod:`siyada.privacy.name_neural_train` over the CRF's tokens
(:func:`siyada.privacy.name_features.tokens`). A word is its characters (an embedding, then
convolutions of widths 2-4 max-pooled: unseen names, Arabizi spellings and Tifinagh are read by their
letters), cheap flags the lists already give (:func:`_gazetteer`, script, case) and a hashed embedding
of the lower-cased word; three residual dilated convolutions over words then give each token
P(O), P(B), P(I). Everything before the word convolutions depends on the word alone, so it is cached
per word (an LRU): a prompt's cost is then three small matrix products. Long texts are read in
windows of ``MAX_TOKENS`` like the CRF, so the work is linear in the text.
"""

from __future__ import annotations

import contextlib
import threading
import zlib
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity
from siyada.privacy.gazetteer import WORD_CACHE_CHARS
from siyada.privacy.name_features import Token, _gazetteer, _script, tokens

MODEL_PATH = Path(__file__).parent / "data" / "person_neural.npz"
MAX_TOKENS = 256
_OVERLAP = 16  # tokens read twice at a window's edge so no name is cut in two
STRIDE = MAX_TOKENS - _OVERLAP
MAX_CHARS = 20  # a word's first characters; a longer word is no name's spelling worth more letters
MIN_CHARS = 4  # the widest character filter
CACHE_WORDS = 16384  # a window holds at most MAX_TOKENS of them, so none is reused while gathered
HASH_BUCKETS = 16384  # bucket 0 is the unknown word (word dropout trains it)
# Character ids: 0 pads, then the word's edges, then an unknown character by its script.
PAD, BOW, EOW, UNK_LATIN, UNK_ARABIC, UNK_TIFINAGH, UNK_OTHER = range(7)
FIRST_CHAR_ID = 7
_LIST_FLAGS = ("g", "f", "gs", "fs", "part", "place", "town", "pp", "word", "title", "voc", "kin", "nm")
_SCRIPTS = ("ar", "tf", "d", "lat", "p")
N_FLAGS = len(_LIST_FLAGS) + len(_SCRIPTS) + 6
LABELS = ("O", "B", "I")
# The products are small: a second OpenBLAS thread only spins for a busy core (measured 2.3 ms instead
# of 0.47 for a 56-word prompt on 2 shared cores), as for the vector search (siyada.knowledge.vectors).
_BLAS = ThreadpoolController()
_NO_LIMIT = contextlib.nullcontext()


@lru_cache(maxsize=1024)  # few distinct (flags, script) pairs: a new word's lookups become one
def _list_flags(flags: tuple[str, ...], script: str) -> tuple[bool, ...]:
    return (*(f in flags for f in _LIST_FLAGS), *(script == s for s in _SCRIPTS))


def flag_list(word: str) -> list[bool]:
    """The lists' flags, the script and the case of a word (a list: a text's new words become one array)."""
    script = _script(word)
    out = [*_list_flags(_gazetteer(word, script), script)]
    out += [
        word[:1].isupper(),
        len(word) > 1 and word.isupper(),
        not word.isalpha() and any(c.isdigit() for c in word),
        len(word) == 1,
        2 <= len(word) <= 3,
        not word.isalnum() and any(c in "'’-." for c in word),
    ]
    return out


def word_flags(word: str) -> np.ndarray:
    """The lists' flags, the script and the case of a word, as 0/1."""
    return np.array(flag_list(word), dtype=np.float32)


def word_hash(word: str) -> int:
    """The word's bucket (crc32: the same in every process, unlike ``hash``)."""
    return 1 + zlib.crc32(word.lower().encode("utf-8")) % (HASH_BUCKETS - 1)


def _unknown(c: str) -> int:
    if "\u0600" <= c <= "\u06ff":
        return UNK_ARABIC
    if "\u2d30" <= c <= "\u2d7f":
        return UNK_TIFINAGH
    return UNK_LATIN if c.isalpha() and c.isascii() else UNK_OTHER


def char_ids(word: str, vocab: dict[str, int]) -> list[int]:
    """The word's characters between its edge marks, padded to the widest filter."""
    ids = [BOW, *(vocab.get(c) or _unknown(c) for c in word[:MAX_CHARS]), EOW]
    return ids + [PAD] * (MIN_CHARS - len(ids))


def _shifted_sum(p: np.ndarray, bias: np.ndarray, d: int, hidden: int) -> np.ndarray:
    """A dilated convolution of width 3 from its taps' products ``p`` (n, 3 * hidden): the centre tap,
    plus the left tap of the word ``d`` before and the right tap of the word ``d`` after (zero past the
    ends)."""
    n = len(p)
    z = p[:, hidden : 2 * hidden] + bias
    if n > d:
        z[d:] += p[: n - d, :hidden]
        z[: n - d] += p[d:, 2 * hidden :]
    return z


class NeuralTagger:
    """The weights of one ``.npz`` file (float16 on disk, float32 in memory) and the forward pass."""

    def __init__(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as z:
            w = {k: z[k].astype(np.float32) for k in z.files if k != "chars"}
            chars = str(z["chars"])
        self.vocab = {c: FIRST_CHAR_ID + k for k, c in enumerate(chars)}
        self.char_emb = w["char_emb"]
        dim = self.char_emb.shape[1]
        # Each character filter as one table per tap, (characters, filters): the embedding times that
        # tap's weights, so a convolution is k gathers and sums (a cold word's cost was its products).
        self.char_taps = [
            ([self.char_emb @ w[f"char{k}_w"][i * dim : (i + 1) * dim] for i in range(k)], w[f"char{k}_b"], k)
            for k in (2, 3, 4)
        ]  # fmt: skip
        # The three filters' tables side by side per tap (a zero block where a filter is narrower), so a
        # text's new words go through one gather per tap: the same sums in the same order (adding 0.0
        # changes no float), a third of the numpy calls.
        self.tap_tables = [
            np.concatenate([t[i] if i < k else np.zeros_like(t[0]) for t, _, k in self.char_taps], axis=1)
            for i in range(MIN_CHARS)
        ]  # fmt: skip
        self.tap_bias = np.concatenate([bias for _, bias, _ in self.char_taps])
        filters = self.char_taps[0][0][0].shape[1]
        # Added to the windows of a word of each length: 0.0 where a filter's window lies inside the word
        # (x + 0.0 is x), -inf past its end (so the max never reads padding). One gather and one add,
        # where a comparison and a masked assignment cost a sixth of a cold word's time.
        width = np.repeat([k for _, _, k in self.char_taps], filters)  # each column's filter width
        longest = MAX_CHARS + 2  # the word's characters and its two edge marks
        windows = np.arange(longest)[None, :, None] > (np.arange(longest + 1)[:, None, None] - width)
        self.past_end = np.where(windows, -np.inf, 0.0).astype(np.float32)  # (length, window, column)
        self.word_emb = w["word_emb"]
        self.proj = (w["proj_w"], w["proj_b"])
        hidden = self.proj[1].shape[0]
        # Each word convolution's three taps side by side, (hidden, 3 * hidden): one product per layer,
        # then the taps' rows shifted and summed (no padded copy of the sequence).
        self.layers = [
            (w[f"layer{i}_w"].reshape(3, hidden, hidden).transpose(1, 0, 2).reshape(hidden, -1),
             w[f"layer{i}_b"], int(w[f"layer{i}_d"][0]))
            for i in range(3)
        ]  # fmt: skip
        self.out = (w["out_w"], w["out_b"])
        # The per-word cache: rows of one table (gathered in one indexing, where stacking a prompt's
        # arrays cost a third of its time), the least recently used row reused when full; a lock keeps
        # a thread from reusing a row another is gathering.
        self._rows: OrderedDict[str, int] = OrderedDict()
        self._capacity = CACHE_WORDS
        self._table = np.zeros((self._capacity, 4 * hidden), dtype=np.float32)  # 1 KB a word, paged in lazily
        self._lock = threading.Lock()

    def _row_ids(self, words: list[str]) -> list[int]:
        """The table rows of `words`, the words not cached yet computed together (caller holds the lock)."""
        rows = self._rows
        new: dict[str, None] = {}  # insertion-ordered, each word once
        for w in words:
            if w in rows:
                rows.move_to_end(w)
            else:
                new[w] = None
        if new:
            missing = list(new)
            vectors = self._word_vectors(missing)
            free = []
            for w in missing:  # a text has fewer new words than the table rows: none evicts another
                row = rows.popitem(last=False)[1] if len(rows) >= self._capacity else len(rows)
                rows[w] = row
                free.append(row)
            self._table[free] = vectors  # one write for all
        return [rows[w] for w in words]

    def _word_vectors(self, words: list[str]) -> np.ndarray:
        """The words alone, projected: characters, flags and hashed word (cached by `_row_ids`: words repeat).
        All of a text's new words go through each product at once: one word at a time, numpy's call
        overhead made a cold word cost more than the rest of the tagger."""
        ids = [char_ids(w, self.vocab) for w in words]
        lengths = [len(i) for i in ids]
        width = max(lengths)
        n = width - 1  # the narrowest filter's windows; a wider one's last windows read padding, masked
        padded = np.array([row + [PAD] * (width + 2 - len(row)) for row in ids], dtype=np.int64)
        out = self.tap_tables[0][padded[:, :n]]  # (words, windows, all filters)
        for i in range(1, MIN_CHARS):
            out += self.tap_tables[i][padded[:, i : i + n]]
        out += self.past_end[lengths, :n]  # windows past a word's own end, for each filter's width
        chars = np.maximum(out.max(axis=1) + self.tap_bias, 0.0)
        flags = np.array([flag_list(w) for w in words], dtype=np.float32)
        hashed = self.word_emb[[word_hash(w) for w in words]]
        x = np.concatenate([chars, flags, hashed], axis=1)
        v = np.maximum(x @ self.proj[0] + self.proj[1], 0.0)
        # The first word convolution's three products with each word, cached too: that layer is then
        # only shifted sums.
        return np.concatenate([v, v @ self.layers[0][0]], axis=1)

    def probabilities(self, words: list[str]) -> np.ndarray:
        """(len(words), 3): P(O), P(B), P(I) per word."""
        if not words:
            return np.zeros((0, 3), dtype=np.float32)
        hidden = self.proj[1].shape[0]
        # OpenBLAS keeps a product under 262,144 multiply-adds on one thread: most prompts need no limit.
        # The new words' products are under it too: a text of many new words woke the second thread,
        # which then spins on the CPU after the product (a first pass paid for it).
        with (
            _BLAS.limit(limits=1, user_api="blas") if len(words) * 3 * hidden * hidden > 262144 else _NO_LIMIT
        ):
            # A word too long to be a name is read but not cached (its key would hold the whole word):
            # its row is looked up under "." and replaced by its own vector.
            long = [k for k, w in enumerate(words) if len(w) > WORD_CACHE_CHARS]
            keys = [("." if len(w) > WORD_CACHE_CHARS else w) for w in words] if long else words
            with self._lock:
                both = self._table[self._row_ids(keys)]
            if long:
                both[long] = self._word_vectors([words[k] for k in long])
            h = both[:, :hidden]
            for k, (taps, bias, d) in enumerate(self.layers):
                p = both[:, hidden:] if k == 0 else h @ taps  # the first layer's products are cached
                z = _shifted_sum(p, bias, d, hidden)
                h += np.maximum(z, 0.0, out=z)  # h starts as a view of `both`, a fresh array
            logits = h @ self.out[0]
        logits += self.out[1]
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        return logits


_LOCK = threading.Lock()
_TAGGERS: dict[Path, NeuralTagger | None] = {}


def tagger(path: Path | None = None) -> NeuralTagger | None:
    """The tagger of ``path`` (the shipped weights by default), loaded once per process."""
    path = path or MODEL_PATH
    with _LOCK:
        if path not in _TAGGERS:
            _TAGGERS[path] = NeuralTagger(path) if path.exists() else None
        return _TAGGERS[path]


def windows(n: int) -> list[int]:
    """The first token of each window over ``n`` tokens (the CRF's stride: work linear in the text)."""
    return list(range(0, max(n - _OVERLAP, 1), STRIDE))


def token_probabilities(toks: list[Token], model: NeuralTagger) -> np.ndarray:
    """P(O), P(B), P(I) for every token. Windows overlap by ``_OVERLAP`` tokens; each token keeps the
    reading of the window where it sits furthest from an edge (half the overlap each side), so every
    token is read with context on both sides."""
    if len(toks) <= MAX_TOKENS:
        return model.probabilities([w for _, _, w in toks])
    out = np.zeros((len(toks), 3), dtype=np.float32)
    for start in windows(len(toks)):
        window = toks[start : start + MAX_TOKENS]
        p = model.probabilities([w for _, _, w in window])
        first, last = kept(start, len(window), len(toks))
        out[start + first : start + last] = p[first:last]
    return out


def kept(start: int, size: int, n: int) -> tuple[int, int]:
    """The part of the window at ``start`` (``size`` tokens of ``n``) whose reading is kept."""
    return (0 if start == 0 else _OVERLAP // 2), (size if start + MAX_TOKENS >= n else STRIDE + _OVERLAP // 2)


def spans(probs: np.ndarray) -> list[tuple[int, int, float]]:
    """(first token, end token, mean probability of the labels read) of each B/I run; an I after O
    starts a run."""
    best = probs.argmax(axis=1).tolist()
    top = probs.max(axis=1).tolist()
    out = []
    i, n = 0, len(best)
    while i < n:
        if best[i] == 0:
            i += 1
            continue
        j = i + 1
        while j < n and best[j] == 2:
            j += 1
        out.append((i, j, sum(top[i:j]) / (j - i)))
        i = j
    return out


def find_people_neural(text: str, path: Path | None = None, toks: list[Token] | None = None) -> list[Entity]:
    """PERSON spans the neural tagger finds, scored by its probability."""
    model = tagger(path)
    if model is None or not text:
        return []
    toks = tokens(text) if toks is None else toks
    return [
        Entity(toks[i][0], toks[j - 1][1], T.PERSON, round(p, 3))
        for i, j, p in spans(token_probabilities(toks, model))
    ]
