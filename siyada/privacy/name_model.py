"""The learned PERSON recogniser: a linear-chain CRF (CRFsuite) over the features of
:mod:`siyada.privacy.name_features`, trained by the project on sentences it generates itself.

Retrain (about a minute on 2 cores; writes ``siyada/privacy/data/person.crfsuite``)::

    nice -n 10 python -m siyada.privacy.name_train

The model's span probability (the mean of its tokens' marginal probabilities) is its score; the
analyzer combines it with the rules' scores (:mod:`siyada.privacy.analyzer`). Work is linear in the
text: tokens are cut by one regex, features are bounded per token, and CRF decoding is linear in the
number of tokens (bounded in its turn by ``MAX_TOKENS`` per call, longer texts are read in windows).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from pathlib import Path

import pycrfsuite

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity
from siyada.privacy.gazetteer import word_cache
from siyada.privacy.name_features import (
    OFFSETS,
    TOKEN,
    Token,
    View,
    affixes,
    features,
    near_marks,
    own_head,
    own_tail,
    parts_of,
    plain_words,
    tokens,
    word_keys,
)

MODEL_PATH = Path(__file__).parent / "data" / "person.crfsuite"
# Everyday words read into the word caches at load (bench/privacy_warm_words.py writes the list).
WARM_WORDS_PATH = Path(__file__).parent / "data" / "warm_words.txt"
MAX_TOKENS = 256
_OVERLAP = 16  # tokens read twice at a window's edge so no name is cut in two


_LOCAL = threading.local()


def _tagger() -> pycrfsuite.Tagger | None:
    """One tagger per thread: a tagger keeps the sequence it last tagged for its marginals, so two
    threads sharing one would read each other's (the shield may run in several threads)."""
    tagger = getattr(_LOCAL, "tagger", None)
    if tagger is None and MODEL_PATH.exists():
        tagger = pycrfsuite.Tagger()
        tagger.open(str(MODEL_PATH))
        _LOCAL.tagger = tagger
    return tagger


_VIEWS: dict[Path, View] = {}
_VIEWS_LOCK = threading.Lock()


def _model_views(tagger: pycrfsuite.Tagger) -> View:
    """The words' features less those the model holds no weight for (L1 zeroes about a quarter): the
    same decoding, and a quarter fewer strings handed to CRFsuite, whose conversion is most of its time."""
    with _VIEWS_LOCK:
        view = _VIEWS.get(MODEL_PATH)
        if view is None:
            known = frozenset(a for (a, _label), w in tagger.info().state_features.items() if w)
            # Per neighbour offset, the features it holds a weight for without their prefix: "-1w=foo" is
            # built only when the model knows it (a new word's "w=" is known at no offset).
            by_offset = {
                off: frozenset(a[len(f"{off}") :] for a in known if a.startswith(f"{off}")) for off in OFFSETS
            }

            vocab = vocabulary(known)
            # A stand-in word outside the vocabulary: its "w=" is kept nowhere, as a new word's is not.
            blank = "\x00" * next(k for k in itertools.count() if "\x00" * k not in vocab)

            def kept(features: Iterable[str], keep: frozenset[str], off: str = "") -> tuple[bytes, ...]:
                # as UTF-8, CRFsuite's own strings: handing it bytes spares a quarter of its conversion
                return tuple([f"{off}{f}".encode() for f in features if f in keep])

            @word_cache(maxsize=65536)
            def view(word: str) -> tuple[tuple[bytes, ...], ...]:
                # The same tuples as word_views(word) filtered by `known`: this cache holds them once.
                script, low, shape, gz = word_keys(word)
                if low in vocab:  # (a spelling of) a word the model knows: "Karim" for "karim"
                    own, near, far = parts_of(len(word), script, low, shape, gz)
                    nearby = (
                        kept(near if off in (-1, 1) else far, by_offset[off], str(off)) for off in OFFSETS
                    )
                    return (kept(own, known), *nearby)
                # A word the model has no "w=" for at any offset (most new words): its views are its
                # affixes plus runs shared by many words, each filtered once (a new word cost a third
                # of a first pass).
                head, tail = framed(shape, script, len(word), gz)
                return (head + kept(affixes(low), known) + tail, *around(shape[:2], gz))

            @word_cache(maxsize=4096)
            def framed(shape: str, script: str, n: int, gz: tuple[str, ...]) -> tuple[tuple[bytes, ...], ...]:
                return kept(own_head(blank, script, shape), known), kept(own_tail(n, gz), known)

            @word_cache(maxsize=4096)
            def around(shape2: str, gz: tuple[str, ...]) -> tuple[tuple[bytes, ...], ...]:
                near = near_marks(shape2, gz)
                return tuple(
                    kept(near if off in (-1, 1) else gz, by_offset[off], str(off)) for off in OFFSETS
                )

            # The model's own vocabulary (the words whose "w=" carries a weight at some offset, about
            # 3,600) is read when the model is loaded, once (~0.1 s, a few MB): most words of a prompt are
            # among them, and a word met for the first time costs more than the rest of its analysis.
            for word in sorted(vocab):
                view(word)
            # Then the words most often met in everyday texts (about 9,600, ~60 ms once, a few MB): a
            # fresh worker's first prompts are read as fast as a busy one's (the first pass of a set
            # was ~1.4 times the next; a few more words a prompt are new to the caches either way).
            for word in _warm_words():
                view(word)
                tokens(word)  # the tokenizer's proclitic cut, cached per word
            _VIEWS[MODEL_PATH] = view
        return view


def _warm_words() -> list[str]:
    if not WARM_WORDS_PATH.exists():  # a checkout without the list reads as before, only slower at first
        return []
    return WARM_WORDS_PATH.read_text(encoding="utf-8").split()


def vocabulary(known: frozenset[str]) -> set[str]:
    """The words a model's features name ("w=salam", "-1w=ya" → salam, ya)."""
    out = set()
    for feature in known:
        head, sep, word = feature.partition("w=")
        if sep and (not head or head.lstrip("-").isdigit()):
            out.add(word)
    return out


def _spans(labels: list[str], tagger: pycrfsuite.Tagger) -> list[tuple[int, int, float]]:
    """(first token, end token, mean marginal probability) of each B/I run the tagger decoded."""
    out = []
    n = len(labels)
    end = 0  # the end of the run last read: its inner "I"s start no run
    for i in [k for k, label in enumerate(labels) if label != "O"]:  # most labels are "O"
        if i < end:
            continue
        j = i + 1
        while j < n and labels[j] == "I":
            j += 1
        probs = [tagger.marginal(labels[k], k) for k in range(i, j)]
        out.append((i, j, sum(probs) / len(probs)))
        end = j
    return out


def find_people_model(text: str, toks: list[Token] | None = None) -> list[Entity]:
    """PERSON spans the model finds, scored by its probability (``toks``: the text's tokens, when the
    caller has them already)."""
    tagger = _tagger()
    if tagger is None or not text:
        return []
    view = _model_views(tagger)
    if toks is None:
        words = plain_words(text)
        if words is not None and len(words) <= MAX_TOKENS:
            # One window and no word cut: the tokens' places are read only where a name was found
            # (a match object per token was a fifth of the model's time; most tokens are in no name).
            labels = tagger.tag(features(words, view))
            return _located(text, _spans(labels, tagger))
        toks = tokens(text)
    words = [w for _, _, w in toks]
    out: list[Entity] = []
    stride = MAX_TOKENS - _OVERLAP
    free = 0  # first token index no kept span covers yet
    for start in range(0, max(len(toks) - _OVERLAP, 1), stride):
        window = toks[start : start + MAX_TOKENS]
        labels = tagger.tag(features(words[start : start + MAX_TOKENS], view))
        final = start + MAX_TOKENS >= len(toks)
        for i, j, p in _spans(labels, tagger):
            if start + i >= free and (i < stride or final):
                out.append(Entity(window[i][0], window[j - 1][1], T.PERSON, round(p, 3)))
                free = start + j
    return out


def _located(text: str, spans: list[tuple[int, int, float]]) -> list[Entity]:
    """The entities of token runs (`_spans`, in order) of a text whose tokens are TOKEN's matches: the
    matches are skipped in C up to each run's first and last token."""
    out: list[Entity] = []
    matches = TOKEN.finditer(text)
    at = -1  # the index of the token last read
    for i, j, p in spans:
        first = next(itertools.islice(matches, i - at - 1, None))
        last = first if j - 1 == i else next(itertools.islice(matches, j - 2 - i, None))
        at = j - 1
        out.append(Entity(first.start(), last.end(), T.PERSON, round(p, 3)))
    return out
