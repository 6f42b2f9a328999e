"""Lexical terms for the BM25 index: what `siyada.knowledge` stores and searches.

The pivot is Arabic script. Every token becomes one or more terms:

* Arabic-script tokens: `normalise_arabic`, the light stem (`stem.arabic_stem`) and, when different,
  the unstemmed form (an exact form then outranks a mere shared stem);
* Latin tokens: `normalise_latin`, the light Latin stem and the unstemmed form;
* Arabizi tokens (Darija in Latin letters, decided per token by `scripts`): the Latin terms *and* the
  Arabic-script transliteration, normalised and stemmed like any Arabic word, so "ki3ti" and "كيعطي"
  share a term. The index side writes the best transliteration; the query side writes the
  ``QUERY_CANDIDATES`` best (it cannot know which spelling the document used; more candidates lower
  R@1 more than they raise R@10 on the Darija benchmark);
* Tifinagh tokens: the token and its IRCAM Latin transliteration.

On top, a sound key (`keys.sound_key`, terms ``k:...``): the word's consonants in Arabic letters with
vowel letters dropped and often-confused letters merged. The index writes it for every word of every
script; a query writes it for Arabic, Tifinagh and Arabizi words (the keys of its
``QUERY_KEY_CANDIDATES`` best transliterations) and for capitalised Latin words after the first (names:
"Gish" meets غيش and ⴳⵉⵛ), but not for other French or English words, whose keys would only add
near-misses. Transliterated terms carry no prefix: a prefix would keep them from meeting the Arabic
words they were made for. A short list of function words is left out on both sides.

Whether a Latin word with no Arabizi evidence of its own (no digit-letter, not a marker word, no
impossible French/English onset) is Arabizi depends on its text: in an index text, only when the text's
decided Latin words are mostly Arabizi; in a query, unless they are mostly French, English or
Tamazight (so a one-word query "jerriti" is expanded).

Both functions cache per token (Zipf's law: most tokens of a corpus were seen before), so indexing
runs at about 3.5 MB of Moroccan legal Arabic per second on one core.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

from siyada.lang.arabizi import arabic_candidates
from siyada.lang.keys import sound_key, tifinagh_key
from siyada.lang.lexicon import translations
from siyada.lang.normalise import normalise_arabic, normalise_latin
from siyada.lang.scripts import latin_evidence
from siyada.lang.stem import arabic_stem, latin_stem
from siyada.lang.tifinagh import to_latin as tifinagh_to_latin

__all__ = [
    "ANALYSIS_VERSION",
    "QUERY_CANDIDATES",
    "index_terms",
    "query_terms",
    "tifinagh_words",
    "translation_terms",
    "word_kinds",
]

# The version of the terms this module makes. Bump it with ANY change to the terms of a text (either
# side: normaliser, stemmer, keys, transliteration, lexicons, stop words...): a collection records the
# version its terms came from, and `siyada collections reindex` rebuilds the terms of one that differs
# (siyada.knowledge.lexical_rebuild). tests/test_lexical_version.py holds the digest of a fixed sample's
# terms per version and fails when they change without a bump. 1: before the digit split below.
ANALYSIS_VERSION = 2

QUERY_CANDIDATES = 2
QUERY_KEY_CANDIDATES = 4
# Which query tokens carry their sound key (index tokens always do; Arabizi query tokens carry the
# keys of all their candidates).
QUERY_KEYS = {"ar": True, "lat": False, "tfng": True, "num": False}
_CACHE_MAX = 500_000

_TOKEN = re.compile(r"[^\W_]+")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")
_NOT_ARABIZI = ("fr", "en", "ber-Latn")

# Function words left out of both sides ("على" is not: folded, it is also the name علي).
_STOP = frozenset(
    normalise_arabic(w)
    for w in """
    في من الى عن ان او ثم قد لا ما لم لن هذا هذه ذلك التي الذي الذين كان كانت مع كل بين عند
    le la les des du de un une et est sont dans pour par avec sur au aux ce ces qui que ne pas ou il
    elle ils on se sa son ses en a y l d qu c n s j m t
    the of and to in is are was were be for on with as by at from this that it its an or
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


class _Token(NamedTuple):
    kind: str  # "ar", "lat", "tfng", "num"
    evidence: str | None  # Latin only: the language the word alone points to
    terms: tuple[str, ...]  # terms whatever the context
    key: str  # the sound key ("" when none)
    arabizi: bool  # whether the word may be Arabizi (then `_transliterations` adds terms)


_cache: dict[str, _Token] = {}


def _arabic_terms(word: str) -> tuple[str, ...]:
    """Stem and surface form of a normalised Arabic word."""
    if word in _STOP or not word:
        return ()
    stem = arabic_stem(word)
    return (stem,) if stem == word else (stem, word)


@lru_cache(maxsize=200_000)
def _transliterations(word: str, n: int, n_keys: int) -> tuple[str, ...]:
    """Arabic-script terms of an Arabizi word's n best transliterations, and the sound keys of its
    n_keys best (keys are coarse: more candidates widen recall without drowning the exact forms)."""
    terms: list[str] = []
    for i, cand in enumerate(arabic_candidates(word, max(n, n_keys))):
        w = normalise_arabic(cand)
        if i < n:
            terms.extend(_arabic_terms(w))
        if i < n_keys:
            terms.append(sound_key(w))
    return tuple(t for t in dict.fromkeys(terms) if t)


# How French and English spell sounds that Arabizi spells otherwise, for the key of a word that is
# not Arabizi (names, loanwords): "Panthers" keys like بانثرز, "Phoenix" like فينيكس.
_FOREIGN = [(re.compile(p), r) for p, r in (
    (r"sch", "ch"), (r"th", "t"), (r"ph", "f"), (r"ck", "k"), (r"qu", "k"), (r"x", "ks"), (r"w", "ou"),
)]  # fmt: skip


def _latin_key(word: str, arabizi: bool) -> str:
    if not arabizi:
        word = word.lower()
        for pattern, repl in _FOREIGN:
            word = pattern.sub(repl, word)
    best = arabic_candidates(word, 1)
    return sound_key(normalise_arabic(best[0])) if best else ""


# A digit glued to an Arabic letter ("27من", "7.98لقانون", "لسنة2011"): the typist's missing space,
# which OCR reads back with or without it. The token is analysed as its pieces, in the index and in
# queries alike, so either spelling meets the other. Done here, under the per-token cache, because a
# split of the whole text cost 10 % of indexing speed. Digits glued to Latin letters stay whole:
# Arabizi spells letters with them ("ki3ti").
_ARABIC_LETTER = "\u0620-\u065f\u066e-\u06ef\u06fa-\u06ff\u0750-\u077f"
_DIGIT_JUNCTION = re.compile(f"(?<=\\d)(?=[{_ARABIC_LETTER}])|(?<=[{_ARABIC_LETTER}])(?=\\d)")


def _glued(token: str) -> _Token | None:
    """The analysis of a token made of digits and Arabic words glued together (None for any other):
    each piece's terms, an Arabic piece's sound key among them (both sides write Arabic keys)."""
    pieces = _DIGIT_JUNCTION.split(token)
    if len(pieces) < 2:
        return None
    terms: list[str] = []
    for piece in pieces:
        t = _analyse(piece)
        terms += [*t.terms, t.key] if t.kind == "ar" and t.key else t.terms
    return _Token("ar", None, tuple(terms), "", False)


def _analyse(token: str) -> _Token:
    if _ARABIC.search(token):
        if not token.isalpha() and (glued := _glued(token)):
            return glued
        terms = _arabic_terms(token)
        if not terms:
            return _Token("ar", None, (), "", False)
        stem_key = sound_key(terms[0])
        key = sound_key(token)
        extra = (stem_key,) if stem_key and stem_key != key else ()
        return _Token("ar", None, terms + extra, key, False)
    if _TIFINAGH.search(token):
        latin = normalise_latin(tifinagh_to_latin(token))
        learned = tuple(t for t in translations(token) if t not in (token, latin))
        return _Token("tfng", None, (token, latin, *learned), tifinagh_key(token), False)
    if token.isdigit():
        return _Token("num", None, (token,), "", False)
    low = normalise_latin(token)
    evidence = latin_evidence(token)
    if low in _STOP or len(low) < 2:
        return _Token("lat", evidence, (), "", False)
    stem = latin_stem(low) if low.isalpha() else low
    base = (stem,) if stem == low else (stem, low)
    maybe_arabizi = evidence not in _NOT_ARABIZI and token.isascii()
    key = _latin_key(token if token.isascii() else low, evidence == "ary-Latn")
    return _Token("lat", evidence, base, key, maybe_arabizi)


def _token(token: str) -> _Token:
    got = _cache.get(token)
    if got is None:
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()
        got = _cache[token] = _analyse(token)
    return got


def _latin_context(analysed: list[_Token]) -> str | None:
    """The language most decided Latin words of the text point to (None when none is decided)."""
    votes = Counter(t.evidence for t in analysed if t.kind == "lat" and t.evidence)
    return votes.most_common(1)[0][0] if votes else None


def _is_arabizi(t: _Token, context: str | None, query: bool) -> bool:
    if not t.arabizi:
        return False
    if t.evidence == "ary-Latn":
        return True
    return context not in _NOT_ARABIZI if query else context == "ary-Latn"


def _raw_tokens(text: str) -> list[str]:
    # Folding first: harakat and shadda are not word characters, so they would split words.
    return _TOKEN.findall(normalise_arabic(text))


def _terms(text: str, query: bool) -> list[str]:
    raws = _raw_tokens(text)
    analysed = [_token(t) for t in raws]
    context = _latin_context(analysed)
    out: list[str] = []
    for i, (raw, t) in enumerate(zip(raws, analysed, strict=True)):
        out.extend(t.terms)
        if t.kind == "lat" and t.terms and (t.evidence or context) == "en":
            out.extend(translations(t.terms[0], "en"))
        if _is_arabizi(t, context, query):
            out.extend(
                _transliterations(raw, QUERY_CANDIDATES, QUERY_KEY_CANDIDATES)
                if query
                else _transliterations(raw, 1, 1)
            )
        elif t.key and (not query or QUERY_KEYS[t.kind] or (t.kind == "lat" and i > 0 and raw[0].isupper())):
            out.append(t.key)
    return out


def index_terms(text: str) -> list[str]:
    """Terms to index a text under (with repeats: term frequency counts)."""
    return _terms(text, query=False)


def query_terms(text: str) -> list[str]:
    """Terms to search for a query (transliterated words expanded to several candidate spellings)."""
    return _terms(text, query=True)


def latin_language(text: str) -> str | None:
    """The language most of a text's decided Latin words point to ("en", "fr", "ary-Latn", ...), or None."""
    return _latin_context([_token(t) for t in _raw_tokens(text)])


def word_kinds(text: str, query: bool) -> Counter[str]:
    """How many of a text's words are of each kind, as the lexical side decides them: "ar" (Arabic
    script), "tfng", "num", "ary-Latn" (Arabizi, transliterated), or a Latin word's language ("en",
    "fr", "ber-Latn"; "lat" when undecided). What an embedding model can read of the text
    (`siyada.knowledge.fusion`) is read off these counts."""
    analysed = [_token(t) for t in _raw_tokens(text)]
    context = _latin_context(analysed)
    kinds: Counter[str] = Counter()
    for t in analysed:
        if t.kind != "lat":
            kinds[t.kind] += 1
        elif _is_arabizi(t, context, query):
            kinds["ary-Latn"] += 1
        else:
            kinds[t.evidence or context or "lat"] += 1
    return kinds


def tifinagh_words(text: str) -> list[str]:
    """The Tifinagh tokens of a text, as the index sees them (the source side of the lexicon)."""
    return [t for t in _raw_tokens(text) if _TIFINAGH.search(t)]


def translation_terms(text: str) -> list[str]:
    """One term per Arabic or Latin word (its stem), no keys or transliterations: the target side of
    the Tifinagh lexicon, so a learned translation is a term the index already holds."""
    out = []
    for raw in _raw_tokens(text):
        t = _token(raw)
        if t.kind in ("ar", "lat") and t.terms:
            out.append(t.terms[0])
    return out
