"""Light stemmers for search terms: Arabic (MSA and Darija) and Latin-script French/English.

"Light" means affix stripping with no dictionary and no root extraction: it conflates the inflected
forms of a word (the article, a conjunction, plural and feminine endings) and leaves derivation alone,
which is what helps BM25 most for Arabic (Larkey et al.'s light10) and costs nothing at run time.

Arabic (input already through `normalise_arabic`): the conjunction و, the article in its forms
(ال وال بال كال فال لل), then one ending from light10's list (ها ان ات ون ين يه ه ي); the Darija
aspect prefixes كا/كي/تا (present) and غا (future) in front of a person prefix ن ت ي; a stem never
shrinks below two letters (three with a prefix). Latin (input already through `normalise_latin`):
French and English plurals, feminine -e, and a few inflectional endings.
"""

from __future__ import annotations

import re

__all__ = ["arabic_stem", "latin_stem"]

_AR_ARTICLE = ("وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
_DARIJA_ASPECT = re.compile(r"^(?:كا|كي|كن|كت|تا|غا|غادي)(?=[نتي]..)")


def arabic_stem(word: str) -> str:
    """Light stem of a normalised Arabic word (light10 plus the Darija aspect prefixes)."""
    w = word
    if len(w) >= 4 and w[0] == "و":
        w = w[1:]
    for prefix in _AR_ARTICLE:
        if w.startswith(prefix) and len(w) - len(prefix) >= 2:
            w = w[len(prefix) :]
            break
    else:
        if len(w) >= 5:
            w = _DARIJA_ASPECT.sub("", w, count=1)
    for suffix in _AR_SUFFIXES:
        if len(w) - len(suffix) >= 2 and w.endswith(suffix):
            w = w[: -len(suffix)]
    return w


_LATIN_ENDINGS = (
    # (ending, replacement, minimum length of what stays)
    ("ements", "", 4), ("ement", "", 4), ("ations", "at", 4), ("ation", "at", 4), ("ities", "it", 4),
    ("ites", "it", 4), ("ite", "it", 4), ("ies", "y", 3), ("ives", "if", 4), ("ive", "if", 4),
    ("euses", "eu", 3), ("euse", "eu", 3), ("eux", "eu", 3), ("aux", "al", 3), ("ing", "", 4),
    ("ees", "e", 3), ("ee", "e", 3), ("es", "", 4), ("ed", "", 4), ("s", "", 3), ("e", "", 3),
)  # fmt: skip


def latin_stem(word: str) -> str:
    """Light stem of a normalised French or English word: plurals, feminine -e, -ment, -ing ..."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for ending, repl, keep in _LATIN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= keep:
            if ending == "s" and word[-2] in "su":  # class, virus: not plurals
                return word
            return word[: len(word) - len(ending)] + repl
    return word
