"""Moroccan Darija transliteration between Arabizi (Latin letters and digits) and Arabic script.

Arabizi → Arabic is a small weighted transducer: a word is cut into units (digraphs such as ``ch``,
``kh``, ``gh``; digit-letters ``2 3 5 6 7 8 9``; capitals ``T S D H Z`` for the emphatics; doubled
letters; vowels), each unit offers a few Arabic spellings with a cost that depends on where it stands
(word start, end, next to which vowel or consonant), and the cheapest spellings of the word are found
by a beam search. ``to_arabic`` keeps the best, ``arabic_candidates`` the n best (search expansion).

The costs encode how Darija is written in Arabic script, not a word list:

* consonants have one spelling (ڭ for g, ڤ for v, پ for p, as Moroccan writers do);
* ``e`` is a schwa and is not written; ``a`` and ``i``/``o``/``ou`` usually are (ا, ي, و), because
  Darija writing spells the full vowels that MSA leaves to harakat (كانعبر "kan3ber");
* a vowel after ``2`` is carried by the hamza seat (2a → أ, 2i → ئ, 2o → ؤ);
* a doubled letter is written once with a shadda; a doubled *sun letter* at a word start is the
  assimilated article (``rrbi3`` → الربيع, ``ttil`` → التيل);
* word-initial ``i``/``a``/``e`` is an alef (إ for i); a final ``a`` is ا, or ة for nominal endings
  (``-iya``, ``-ta`` after a long vowel ...), which come second in the candidates;
* ``8`` is ه (not غ, which is ``gh``), ``9`` is ق, ``3`` ع, ``7`` ح, ``5`` خ, ``6`` ط, ``x`` ش.

Arabic → Arabizi (``to_latin``) writes the DODa conventions: digits for ع ح ق ه ء, ``ch kh gh`` digraphs,
capitals for the emphatics ط ص ض ظ, a doubled letter for a shadda, ``o`` / ``i`` for و / ي between
consonants and ``w`` / ``y`` next to vowels.
"""

from __future__ import annotations

import heapq
import re
from functools import lru_cache

from siyada.lang.normalise import normalise_arabic

__all__ = ["arabic_candidates", "is_arabizi_word", "to_arabic", "to_latin"]

SHADDA = "\u0651"

_CONSONANTS = {
    "b": "ب", "p": "پ", "t": "ت", "T": "ط", "6": "ط", "j": "ج", "7": "ح", "H": "ح", "5": "خ",
    "kh": "خ", "d": "د", "D": "ض", "r": "ر", "R": "ر", "z": "ز", "Z": "ظ", "s": "س", "S": "ص",
    "ch": "ش", "sh": "ش", "x": "ش", "3": "ع", "gh": "غ", "f": "ف", "v": "ڤ", "9": "ق", "q": "ق",
    "k": "ك", "g": "ڭ", "l": "ل", "L": "ل", "m": "م", "M": "م", "n": "ن", "N": "ن", "h": "ه",
    "8": "ه", "w": "و", "W": "و", "y": "ي", "Y": "ي", "2": "ء", "c": "ك", "K": "ك", "B": "ب",
    "F": "ف", "J": "ج", "G": "ڭ", "Q": "ق", "P": "پ", "V": "ڤ", "X": "ش", "C": "ك",
}  # fmt: skip
_SUN = set("tTdDrzZsSnlL") | {"ch", "sh", "x"}
_VOWELS = {"a", "e", "i", "o", "u", "aa", "ee", "ii", "oo", "ou", "A", "E", "I", "O", "U"}

# Units, longest first: digraphs, then doubled vowels, then any single letter or digit-letter.
_UNIT = re.compile(r"ch|sh|kh|gh|ou|oo|aa|ee|ii|[a-zA-Z]|[2356789]")
_ARABIZI_WORD = re.compile(r"^(?=.*[a-zA-Z])[a-zA-Z2356789']+$")
_DIGIT_LETTER = re.compile(r"[a-zA-Z][2356789]|[2356789][a-zA-Z]")


def is_arabizi_word(word: str) -> bool:
    """True when the word is spelled with Latin letters and may carry Arabizi digit-letters."""
    return bool(_ARABIZI_WORD.match(word))


def _units(word: str) -> list[tuple[str, bool]]:
    """Cut a word into (unit, doubled) pairs; a doubled consonant becomes one unit with doubled=True."""
    raw = _UNIT.findall(word.replace("'", ""))
    out: list[tuple[str, bool]] = []
    for u in raw:
        if out and u == out[-1][0] and u not in _VOWELS and not out[-1][1]:
            out[-1] = (u, True)
        else:
            out.append((u, False))
    return out


def _is_vowel(unit: str | None) -> bool:
    return unit is not None and unit.lower() in _VOWELS


Option = tuple[str, float]


def _vowel_options(units: list[tuple[str, bool]], i: int) -> list[Option]:
    """Spellings of the vowel at position i, cheapest first."""
    u = units[i][0].lower()
    first, last = i == 0, i == len(units) - 1
    prev = units[i - 1][0] if i > 0 else None
    nxt = units[i + 1][0] if not last else None
    if prev == "2":  # the hamza seat already carries the vowel
        return [("", 0.0)]
    if u in ("a", "aa"):
        if first:
            return [("ا", 0.0), ("", 1.5)]
        if last:
            return _final_a(units, i)
        return [("ا", 0.0), ("", 0.8)] if u == "a" else [("ا", 0.0)]
    if u in ("e", "ee"):
        if first:
            return [("ا", 0.0), ("", 1.0)]
        if u == "ee":
            return [("ي", 0.3), ("", 0.5)]
        if last:
            return [("", 0.0), ("ة", 1.0), ("ي", 1.2)]
        return [("", 0.0), ("ي", 1.5), ("ا", 1.8)]
    if u in ("i", "ii"):
        if nxt in ("y", "Y"):  # "iyy", "iya": the y is the long vowel's letter
            return [("", 0.0), ("ي", 1.0)]
        if first:
            return [("إ", 0.0), ("", 1.5)] if not _is_vowel(nxt) else [("إ", 0.0)]
        return [("ي", 0.0), ("", 1.0)] if u == "i" else [("ي", 0.0)]
    # o, u, ou, oo
    if nxt in ("w", "W"):  # "oww", "owa": the w is the long vowel's letter
        return [("", 0.0), ("و", 1.0)]
    if first:
        return [("او", 0.0), ("و", 0.8), ("ا", 1.2)]
    return [("و", 0.0), ("", 1.2)]


def _final_a(units: list[tuple[str, bool]], i: int) -> list[Option]:
    """A word-final a: ا in verbs and most Darija words; ة on nominal endings (-iya, -ma, -aba ...)."""
    prev = units[i - 1][0] if i > 0 else ""
    before = units[i - 2][0].lower() if i > 1 else ""
    if prev in ("y", "Y") and (_is_vowel(before) or before == "y") and i >= 5:
        return [("ة", 0.0), ("ا", 0.5)]  # -iya / -yya on a noun: the feminine nisba ending
    if prev in ("n", "N") and not _is_vowel(before):
        return [("ا", 0.0), ("ة", 1.5)]  # -na after a consonant: the verb ending "we"
    return [("ا", 0.0), ("ة", 0.6)]


def _consonant_options(units: list[tuple[str, bool]], i: int) -> list[Option]:
    u, doubled = units[i]
    first = i == 0
    nxt = units[i + 1][0] if i + 1 < len(units) else None
    letter = _CONSONANTS.get(u, _CONSONANTS.get(u.lower(), ""))
    if u == "2":
        return _hamza_options(units, i)
    if u in ("c", "C"):  # French spelling: c before e/i is s
        letter = "س" if nxt and nxt.lower()[0] in "ei" else "ك"
    if u in ("x", "X") and first and nxt and nxt.lower() not in _VOWELS:
        letter = "ش"
    if u == "h" and not doubled:  # DODa writes ه as 8, but many writers use h for both ه and ح
        return [(letter, 0.0), ("ح", 1.0)]
    if doubled:
        if first and u in _SUN:
            return [("ال" + letter, 0.0), ("ا" + letter, 1.0), (letter, 1.2)]
        return [(letter + SHADDA, 0.0), (letter + letter, 2.0)]
    return [(letter, 0.0)]


def _hamza_options(units: list[tuple[str, bool]], i: int) -> list[Option]:
    nxt = units[i + 1][0].lower() if i + 1 < len(units) else None
    if i == 0:
        if nxt in ("i", "ii", "e"):
            return [("إ", 0.0), ("ا", 0.5)]
        return [("أ", 0.0), ("ا", 0.5)]
    if nxt in ("i", "ii", "ee"):
        return [("ئ", 0.0), ("ء", 0.8)]
    if nxt in ("o", "oo", "ou", "u"):
        return [("ؤ", 0.0), ("ء", 0.8)]
    if nxt in ("a", "aa"):
        return [("أ", 0.0), ("ء", 0.8)]
    return [("ء", 0.0), ("أ", 0.8)]


def _options(units: list[tuple[str, bool]], i: int) -> list[Option]:
    if _is_vowel(units[i][0]):
        return _vowel_options(units, i)
    return _consonant_options(units, i)


def _best(options: list[list[Option]], n: int) -> list[tuple[float, str]]:
    """The n cheapest spellings, one option per position, distinct once normalised (beam search: the
    beam keeps 4n partial spellings, enough since options of different positions are independent)."""
    beam: list[tuple[float, str]] = [(0.0, "")]
    width = max(n, 1) * 4
    for opts in options:
        beam = heapq.nsmallest(width, ((c + oc, s + o) for c, s in beam for o, oc in opts))
    out: list[tuple[float, str]] = []
    taken: set[str] = set()
    for cost, text in beam:  # nsmallest returns them cheapest first
        key = normalise_arabic(text)
        if key and key not in taken:
            taken.add(key)
            out.append((cost, text))
            if len(out) == n:
                break
    return out


# No word is this long; past it a "word" is junk (a pasted hash, an attack), and the beam, which copies
# its partial spellings at every unit, would cost the square of its length.
MAX_WORD_UNITS = 64


def _word_candidates(word: str, n: int) -> tuple[str, ...]:
    # Checked before the cache, which would otherwise keep every junk word it was asked about.
    return () if len(word) > 3 * MAX_WORD_UNITS else _cached_word_candidates(word, n)


@lru_cache(maxsize=65536)
def _cached_word_candidates(word: str, n: int) -> tuple[str, ...]:
    units = _units(word)
    if not units or len(units) > MAX_WORD_UNITS:
        return ()
    return tuple(text for _, text in _best([_options(units, i) for i in range(len(units))], n))


def arabic_candidates(word: str, n: int = 3) -> list[str]:
    """The n likeliest Arabic spellings of one Arabizi word, best first (distinct once normalised)."""
    if not is_arabizi_word(word):
        return [word]
    return list(_word_candidates(word, n))


_WORD = re.compile(r"[a-zA-Z2356789']+")
_PUNCTUATION = str.maketrans({"?": "؟", ",": "،", ";": "؛"})


def to_arabic(text: str) -> str:
    """Best-guess Arabic-script spelling of Arabizi text; other characters pass through."""

    def one(m: re.Match[str]) -> str:
        w = m.group(0)
        if w.isdigit() or not is_arabizi_word(w):
            return w
        got = _word_candidates(w, 1)
        return got[0] if got else w

    return _WORD.sub(one, text).translate(_PUNCTUATION)


# ---------------------------------------------------------------- Arabic → Arabizi

_TO_LATIN = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "t", "ج": "j", "ح": "7", "خ": "kh", "د": "d", "ذ": "d",
    "ر": "r", "ز": "z", "س": "s", "ش": "ch", "ص": "S", "ض": "D", "ط": "T", "ظ": "D", "ع": "3",
    "غ": "gh", "ف": "f", "ڤ": "v", "ق": "9", "ك": "k", "ڭ": "g", "گ": "g", "ل": "l", "م": "m",
    "ن": "n", "ه": "8", "ة": "a", "ء": "2", "أ": "2", "إ": "i", "آ": "a", "ئ": "2", "ؤ": "2",
    "ى": "a",
}  # fmt: skip
_AR_LETTERS = re.compile(r"(?:[\u0621-\u064a\u067e\u0686\u06a4\u06a9\u06ad\u06af\u06cc][\u064b-\u0652]*)+")


_LONG = ("ا", "و", "ي", "ى", "ة")


def _latin_letter(chars: list[str], i: int) -> str:
    """The Latin spelling of chars[i], a letter (not a shadda), from its neighbours."""
    c = chars[i]
    prev = chars[i - 1] if i else ""
    nxt = chars[i + 1] if i + 1 < len(chars) else ""
    if c == "ا":
        return "" if (i == 0 and nxt == "ل") or prev == "ا" else "a"
    if c in ("و", "ي"):
        # A consonant (w, y) at the start, doubled, or next to a vowel letter; else the long vowel.
        consonant = i == 0 or nxt == SHADDA or nxt in _LONG or prev in ("ا", "و", "ي")
        if c == "و":
            return "w" if consonant else "o"
        return "y" if consonant else "i"
    return _TO_LATIN.get(c, c)


def _is_consonant(latin: str) -> bool:
    return bool(latin) and latin[-1] not in "aeiou"


def _latin_word(word: str) -> str:
    chars = [c for c in word if not ("\u064b" <= c <= "\u0650" or c == "\u0652")]
    out: list[str] = []
    for i, c in enumerate(chars):
        if c == SHADDA:
            continue
        latin = _latin_letter(chars, i)
        if i + 1 < len(chars) and chars[i + 1] == SHADDA and latin:
            # A geminate followed by a consonant carries a schwa: katjerreb, kan7tell.
            latin = latin + latin[-1]
            nxt = chars[i + 2] if i + 2 < len(chars) else ""
            if nxt and nxt not in _LONG and nxt != SHADDA:
                latin += "e"
        out.append(latin)
    return "".join(out)


def to_latin(arabic_text: str) -> str:
    """Arabizi spelling (DODa conventions) of Arabic-script Darija; other characters pass through."""
    return _AR_LETTERS.sub(lambda m: _latin_word(m.group(0)), arabic_text)
