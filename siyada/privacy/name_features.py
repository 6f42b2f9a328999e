"""Tokens and their features for the learned name recogniser (shared by training and inference).

A token is a run of letters and digits (with inner apostrophes, dashes and dots of initials) or one
other character. Features: the word, its affixes, shape and script, gazetteer membership (Latin, Arabic
with its proclitic taken off, Arabizi with its digits read as letters, Tifinagh by consonant skeleton),
cue words (titles, place words, particles), and the same for two neighbours on each side.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from siyada.lang.tifinagh import to_latin
from siyada.privacy.gazetteer import PARTICLES, norm, word_cache, words
from siyada.privacy.name_lexicon import (
    FAMILY_ALL_ARABIC,
    FAMILY_ALL_LATIN,
    FOREIGN_FAMILY_MORE,
    FOREIGN_GIVEN_MORE,
    GIVEN_ALL_ARABIC,
    GIVEN_ALL_LATIN,
    KIN_WORDS,
    NAMING_WORDS,
    PLACE_CUES_ARABIC,
    PLACE_CUES_LATIN,
    PLACE_CUES_TIFINAGH,
    TOWNS_PLAIN_ARABIC,
    TOWNS_PLAIN_LATIN,
    VOCATIVES,
)
from siyada.privacy.tifinagh_names import skeleton

# An initial keeps its dot ("A. Bensimon"); a longer word leaves a sentence's full stop alone.
TOKEN = re.compile(r"[^\W\d_]\.(?!\w)|[^\W_]+(?:['’\-][^\W_]+)*|\S")
_TITLES = words(
    """m. mr mr. mme mme. mlle monsieur madame mademoiselle me maitre dr dr. docteur pr pr.
    si lalla السيد السيدة الآنسة الأستاذ الأستاذة الدكتور الدكتورة سي لالة للا الحاج الحاجة"""
)
_PLACE_CUES = frozenset(norm(w.split()[0]) for w in PLACE_CUES_LATIN) | frozenset(
    w.split()[0] for w in PLACE_CUES_ARABIC
)
_AR_PARTICLES = frozenset({"بن", "ابن", "بنت", "آيت", "أيت", "ايت", "ولد", "منت", "أبو", "بو"})
_ARABIZI = str.maketrans({"7": "h", "3": "a", "9": "q", "5": "kh", "2": "a"})
_ARABIZI_BARE = str.maketrans({"7": "h", "3": None, "9": "q", "5": "kh", "2": None})  # l3arbi: larbi
_TF_PARTICLES = frozenset({"ⴰⵢⵜ", "ⵏⴰⵢⵜ", "ⵓ", "ⵓⵍⴷ", "ⵓⵍⵜ", "ⵉⴷ", "ⴱⵏ", "ⵓⵍⵍⵉ"})
_TIF_GIVEN = frozenset(skeleton(n) for n in GIVEN_ALL_LATIN if len(skeleton(n)) >= 3)
_TIF_FAMILY = frozenset(skeleton(n) for n in FAMILY_ALL_LATIN if len(skeleton(n)) >= 3)
_PLAIN = str.maketrans(
    {"ɣ": "gh", "ḥ": "h", "ɛ": "a", "ḍ": "d", "ṭ": "t", "ṣ": "s", "ẓ": "z", "ṛ": "r", "ʷ": None, "e": None}
)


def tifinagh_key(latin: str) -> str:
    """A spelling key with the vowels Tifinagh writes (a, i, u) and without the schwa it leaves out:
    "Idir" and ⵉⴷⵉⵔ, "Itto" and ⵉⵟⵟⵓ, "Tilelli" and ⵜⵉⵍⵍⵉ meet, where the consonant skeleton alone
    ("dr", "t", "tl") is too short to tell a name from a word."""
    plain = latin.lower().replace("ou", "u").replace("o", "u").translate(_PLAIN)
    return re.sub(r"(.)\1+", r"\1", plain)


_TIF_GIVEN_KEY = frozenset(k for n in GIVEN_ALL_LATIN if len(k := tifinagh_key(n)) >= 3)
_TIF_FAMILY_KEY = frozenset(k for n in FAMILY_ALL_LATIN if len(k := tifinagh_key(n)) >= 3)
# Everyday Tamazight words that are names too (amaziɣ, tamaziɣt, tafat "light", tilelli "freedom").
_TF_WORDS = frozenset(tifinagh_key(w) for w in ("amazigh", "tamazight", "tafat", "tilelli", "tudert", "tala"))
_TOWNS_LAT = TOWNS_PLAIN_LATIN
_TOWNS_TF = frozenset(tifinagh_key(t) for t in TOWNS_PLAIN_LATIN)
# "فالقهوة", "بالطوموبيل", "للطبيب": a proclitic glued to the article is a prepositional phrase, not a name.
_AR_PP = ("فال", "بال", "لل", "كال")
# Hamza seats and the final alif maqsura vary from writer to writer (امين / أمين, ابراهيم / إبراهيم):
# the lists are read with them folded.
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي"})
_AR_GIVEN = frozenset(w.split("_")[0].translate(_AR_FOLD) for w in GIVEN_ALL_ARABIC)
_AR_FAMILY = frozenset(w.split("_")[0].translate(_AR_FOLD) for w in FAMILY_ALL_ARABIC)
_TOWNS_AR = TOWNS_PLAIN_ARABIC | frozenset(t.translate(_AR_FOLD) for t in TOWNS_PLAIN_ARABIC)


def _ar_given(stem: str) -> bool:
    """A known given name, or the feminine of one (حكيم → حكيمة, سعيد → سعيدة); not of a name in ـي, whose
    feminine is an adjective or a language (العربي → العربية)."""
    return stem in _AR_GIVEN or (
        len(stem) > 3 and stem[-1] == "ة" and stem[-2] != "ي" and stem[:-1] in _AR_GIVEN
    )


Token = tuple[int, int, str]


def tokens(text: str) -> list[Token]:
    """(start, end, word); an Arabic proclitic (ل و ب ف) before a known name is a token of its own, as the
    labelled sets leave it out of the span ("لأمين" is "ل" + "أمين")."""
    out: list[Token] = []
    for m in TOKEN.finditer(text):
        word, start = m.group(), m.start()
        pieces = _pieces(word)
        if pieces is None:
            out.append((start, m.end(), word))
        else:
            out += [(start + a, start + b, piece) for a, b, piece in pieces]
    return out


def plain_words(text: str) -> list[str] | None:
    """The words of `tokens(text)` alone, read without a match object per token (findall), or None when
    a word is cut in two there (the caller then reads `tokens`). The same words: with no cut, each token
    is one match of TOKEN."""
    found = TOKEN.findall(text)
    return None if any(map(_pieces, found)) else found


@word_cache(maxsize=65536)  # a word's cut depends on the word alone, and texts repeat words
def _pieces(word: str) -> tuple[tuple[int, int, str], ...] | None:
    """Where a word is cut in two tokens ((start, end, piece) from the word's start), None for one token."""
    n = len(word)
    if word[:2] in ("لـ", "بـ") and n > 3:  # "لـخديجة": the tatweel marks the proclitic
        return (0, 2, word[:2]), (2, n, word[2:])
    if ("'" in word or "’" in word) and word[-2:] in ("'s", "’s") and n > 3 and word[0].isupper():
        # "Dr. Anissa Tazi's clinic": the English possessive is not part of the name
        return (0, n - 2, word[:-2]), (n - 2, n, word[-2:])
    if (
        n > 3
        and word[0] in "لوبف"
        and (folded := word.translate(_AR_FOLD)) not in _AR_GIVEN
        and folded not in _AR_FAMILY
        and (folded[1:] in _AR_GIVEN or folded[1:] in _AR_FAMILY)
    ):
        return (0, 1, word[0]), (1, n, word[1:])
    return None


def _script(word: str) -> str:
    c = word[0]
    if "\u0600" <= c <= "\u06ff":
        return "ar"
    if "\u2d30" <= c <= "\u2d7f":
        return "tf"
    if c.isdigit():
        return "d"
    return "lat" if c.isalpha() else "p"


# Upper case, lower case and digits as the shape's X, x and d: an ASCII word's shape in one translate.
_ASCII_SHAPE = str.maketrans(
    {**{c: "X" for c in range(65, 91)}, **{c: "x" for c in range(97, 123)}, **{c: "d" for c in range(48, 58)}}
)


# Arabic and Tifinagh letters are letters without case: a word of them has the shape "a".
_UNCASED_LETTERS = re.compile(r"[\u0621-\u064a\u2d30-\u2d67]+")


@lru_cache(maxsize=4096)  # few distinct mark strings: "Xx", "x", "d", "Xx-x"…
def _collapsed(marks: str) -> str:
    return "".join([m for k, m in enumerate(marks) if not k or marks[k - 1] != m])


def _shape(word: str) -> str:
    head = word[:6]
    if head.isascii():  # the loop below gives the same: a run of one class, or one character, is one mark
        return _collapsed(head.translate(_ASCII_SHAPE))
    if _UNCASED_LETTERS.fullmatch(head):
        return "a"
    out = []
    for c in word[:6]:
        s = "X" if c.isupper() else "x" if c.islower() else "d" if c.isdigit() else "a" if c.isalpha() else c
        if not out or out[-1] != s:
            out.append(s)
    return "".join(out)


@word_cache(maxsize=65536)  # the CRF's features, the neural flags and the rules ask for the same words
def _gazetteer(word: str, script: str) -> tuple[str, ...]:
    flags: list[str] = []
    if script == "ar":
        folded = word.translate(_AR_FOLD)
        stems = [folded] + ([folded[1:]] if len(folded) > 3 and folded[0] in "وبلف" else [])
        stems += [s[2:] for s in stems if len(s) > 4 and s.startswith("ال")]  # الحبيب: the article off
        if any(_ar_given(s) for s in stems):
            flags.append("g")
        if any(s in _AR_FAMILY for s in stems):
            flags.append("f")
        if word in _AR_PARTICLES:
            flags.append("part")
        if word in _PLACE_CUES or (len(word) > 3 and word[0] in "وبلف" and word[1:] in _PLACE_CUES):
            flags.append("place")
        if any(s in _TOWNS_AR for s in stems) or (word[0] in "وبلف" and ("ال" + word[1:]) in _TOWNS_AR):
            flags.append("town")
        if len(word) > 4 and word.startswith(_AR_PP) and "g" not in flags and "f" not in flags:
            flags.append("pp")
    elif script == "tf":
        latin = to_latin(word)
        key, full = skeleton(latin), tifinagh_key(latin)
        # The spelling with its vowels is a sure match; the consonants alone a weak one ("gs"): ⵜⵓⵔⵉⵜ
        # "heart" has a name's consonants. Everyday words that are names too (ⴰⵎⴰⵣⵉⵖ) are neither.
        if full in _TF_WORDS:
            flags.append("word")
        elif full in _TIF_GIVEN_KEY:
            flags.append("g")
        elif key in _TIF_GIVEN:
            flags.append("gs")
        son_of = word[0] == "ⵓ"  # ⵓⵃⴰⴷⴷⵓ: u + a given name is a patronymic family name
        if full in _TF_WORDS:
            pass
        elif full in _TIF_FAMILY_KEY or (son_of and tifinagh_key(latin[1:]) in _TIF_GIVEN_KEY):
            flags.append("f")
        elif key in _TIF_FAMILY or (son_of and skeleton(latin[1:]) in _TIF_GIVEN):
            flags.append("fs")
        if full in _TOWNS_TF:
            flags.append("town")
        if word in _TF_PARTICLES:
            flags.append("part")
        if word in PLACE_CUES_TIFINAGH:
            flags.append("place")
    else:
        low = norm(word).rstrip(".")
        # Round 12: the article joined by an apostrophe or a hyphen (l'ma3ti, l-mehdi, el-houssaine).
        cands = [low, low[2:]] if low[1:2] in "'-" and low[:1] == "l" and len(low) >= 5 else [low]
        cands += [low[3:]] if low[:2] == "el" and low[2:3] in ("'", "-") and len(low) >= 6 else []
        if script in ("lat", "d") and not low.isalpha():  # Arabizi digits read as letters
            cands += [c.translate(table) for table in (_ARABIZI, _ARABIZI_BARE) for c in cands]
        # Darija puts its article before many names in chats (lmokhtar, l3arbi, elalamy): read them bare too.
        cands += [
            c[1:] if c[:1] == "l" else c[2:]
            for c in cands
            if (c[:1] == "l" and len(c) >= 4) or (c[:2] == "el" and len(c) >= 5)
        ]
        if len(cands) > 1:  # most words have one reading
            cands = list(dict.fromkeys(cands))
        for cand in cands:
            parts = cand.split("-") if "-" in cand else (cand,)
            if cand in GIVEN_ALL_LATIN or parts[0] in GIVEN_ALL_LATIN or cand in FOREIGN_GIVEN_MORE:
                flags.append("g")
            if cand in FAMILY_ALL_LATIN or parts[-1] in FAMILY_ALL_LATIN or cand in FOREIGN_FAMILY_MORE:
                flags.append("f")
        if "g" not in flags and "f" not in flags:
            flags += _spelled_otherwise(low)
        if low in PARTICLES:
            flags.append("part")
        if low in _PLACE_CUES:
            flags.append("place")
        if low in _TOWNS_LAT or cands[-1] in _TOWNS_LAT:
            flags.append("town")
    if norm(word) in _TITLES or word in _TITLES:
        flags.append("title")
    key = word if script in ("ar", "tf") else norm(word)
    if key in _WORD_CLASSES:
        flags += _WORD_CLASSES[key]
    return tuple(sorted(set(flags))) if flags else ()  # most words are in no list


# The vocative, kin and naming words' flags by word: one lookup for a new word, not three.
_WORD_CLASSES: dict[str, list[str]] = {}
for _cls, _members in (("voc", VOCATIVES), ("kin", KIN_WORDS), ("nm", NAMING_WORDS)):
    for _member in _members:
        _WORD_CLASSES.setdefault(_member, []).append(_cls)


_DOUBLED = re.compile(r"([a-z])\1")
_O_ALONE = re.compile(r"o(?!u)")


@word_cache(maxsize=65536)
def _spelled_otherwise(low: str) -> tuple[str, ...]:
    """Round 9: a name in another everyday Latin spelling ("nissrine" nisrine, "toria" touria, "morad"
    mourad, "ikrame" ikram, "m'barek" mbarek): doubled letters single, "o" as "ou", a final "e" off, an
    apostrophe out. Words of five letters or more only, so short words do not fall on a name. Cached:
    the rules ask the lexicon about the same words again and again."""
    if len(low) < 5 or not low.isascii():
        return ()
    base = low.replace("'", "")
    # A sub with a group in its template runs Python code per call: most words have no doubled letter.
    single = _DOUBLED.sub(r"\1", base) if _DOUBLED.search(base) else base
    # "o" → "ou": a word with no "o" (half of them) is its own variant, without a regex pass.
    o_in = "o" in base
    variants = {single, _O_ALONE.sub("ou", base) if o_in else base, base[:-1] if base[-1] == "e" else base}
    variants.add(_O_ALONE.sub("ou", single) if o_in else single)
    flags = []
    if not variants.isdisjoint(GIVEN_ALL_LATIN):
        flags.append("g")
    if not variants.isdisjoint(FAMILY_ALL_LATIN):
        flags.append("f")
    return tuple(flags)


OFFSETS = (-2, -1, 1, 2)
_PAD = {off: (f"{off}pad",) for off in OFFSETS}


@word_cache(maxsize=65536)
def word_views(word: str) -> tuple[tuple[str, ...], ...]:
    """The word's own features, then what it gives as a neighbour at -2, -1, +1, +2 (its word, its shape
    class for the near ones, its gazetteer flags), cached: a text repeats words and prompts repeat texts.
    Script, shape and lexicon flags are read once per word for the five views: a word seen for the first
    time is most of a document's cost (the flags were read five times)."""
    own, near, far = word_parts(word)
    return (own, *(tuple([f"{off}{f}" for f in (near if off in (-1, 1) else far)]) for off in OFFSETS))


def word_parts(word: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The word's own features, and those it gives its near (±1) and far (±2) neighbours, unprefixed."""
    return parts_of(len(word), *word_keys(word))


def parts_of(
    n: int, script: str, low: str, shape: str, gz: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """`word_parts` from a word's length and `word_keys`, for a caller that has them already."""
    own = own_head(low, script, shape) + affixes(low) + own_tail(n, gz)
    near = (f"w={low}", *near_marks(shape, gz))
    far = (f"w={low}", *gz)  # the far neighbours: word and lists
    return own, near, far


def word_keys(word: str) -> tuple[str, str, str, tuple[str, ...]]:
    """What a word's features are made of: its script, lower-case form, shape and lists' flags."""
    script = _script(word)
    low = norm(word) if script == "lat" else word.lower()
    return script, low, _shape(word), _GZ_FEATURES[_gazetteer(word, script)]


class _Prefixed(dict[tuple[str, ...], tuple[str, ...]]):
    """A word's lists' flags as features ("g", "f" → "gz=g", "gz=f"), built once per set of flags: the
    sets are a few dozen, where a first pass meets new words by the thousand."""

    def __missing__(self, flags: tuple[str, ...]) -> tuple[str, ...]:
        value = self[flags] = tuple(f"gz={g}" for g in flags)
        return value


_GZ_FEATURES = _Prefixed()


# A word's own features are these three runs, in this order.
def own_head(low: str, script: str, shape: str) -> tuple[str, ...]:
    return ("b", f"w={low}", f"sc={script}", f"sh={shape}")


def affixes(low: str) -> tuple[str, ...]:
    return (f"s2={low[-2:]}", f"p3={low[:3]}", f"s3={low[-3:]}")


def own_tail(n: int, gz: tuple[str, ...]) -> tuple[str, ...]:
    return (f"len={min(n, 6)}", *gz)  # one letter ("ⵏ", "a", "ا") is rarely a name


def near_marks(shape: str, gz: tuple[str, ...]) -> tuple[str, ...]:
    """What a word gives its near neighbours besides itself: its shape class and lists' flags."""
    return (f"sh={shape[:2]}", *gz)


Feature = str | bytes  # the CRF's view holds its features as UTF-8 (name_model)
View = Callable[[str], tuple[tuple[Feature, ...], ...]]


def features(words: list[str], view: View | None = None) -> list[tuple[Feature, ...]]:
    """Each token's features; `view` may drop those the model gave no weight (see name_model)."""
    views = list(map(view or word_views, words))  # a cache hit is a dict lookup in C
    # Padded at both ends so every token reads its four neighbours' views the same way: one tuple
    # concatenation per token, in the order of OFFSETS (-2, -1, +1, +2) as the model was trained (the
    # CRF sums weights in this order). Shifted copies zipped: no index arithmetic per token.
    v = [_PADDED, _PADDED, *views, _PADDED, _PADDED]
    shifted = zip(v, v[1:], views, v[3:], v[4:], strict=False)  # as long as `views`, the shortest
    return [c[0] + a[1] + b[2] + d[3] + e[4] for a, b, c, d, e in shifted]


_PADDED = ((), *(_PAD[off] for off in OFFSETS))  # what a position past either end gives its neighbours
