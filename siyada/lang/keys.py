"""Sound keys: a coarse, script-independent spelling of a word for cross-script fuzzy matching.

A key is written in Arabic letters. The letters that spell long vowels, semi-vowels and hamza
(ا و ي ء) are dropped, and the letters that Darija writers and transliterators swap share one class:
ت ط ث; د ض ذ ظ; س ص ز (a French or English s is often ز: Jones جونز); ك ق (Moroccan ق is often /g/,
written ڭ → ك); ه ح. Doubled letters collapse.
So an Arabizi word whose transliteration missed an emphatic or a vowel ("sa7bty" → ساحبتي) still
meets the written word (صاحبتي): both key to ``k:سهبت``. Tifinagh letters map to the Arabic letter of
the same sound first, so ⵍⵉⵍⵢⴰⵏ and ليليان share ``k:للن``.

Keys carry the ``k:`` prefix: they are a separate, coarser vocabulary, and must not collide with a
real two- or three-letter word.
"""

from __future__ import annotations

import re

__all__ = ["KEY_PREFIX", "sound_key", "tifinagh_key"]

KEY_PREFIX = "k:"

_KEY_TABLE = str.maketrans({
    "ا": None, "و": None, "ي": None, "ء": None, "ط": "ت", "ث": "ت", "ض": "د", "ذ": "د", "ظ": "د",
    "ص": "س", "ز": "س", "ق": "ك", "ح": "ه",
})  # fmt: skip
_TIFINAGH_ARABIC = str.maketrans({
    "ⴱ": "ب", "ⴳ": "ك", "ⴷ": "د", "ⴹ": "د", "ⴼ": "ف", "ⴽ": "ك", "ⵀ": "ه", "ⵃ": "ه", "ⵄ": "ع",
    "ⵅ": "خ", "ⵇ": "ك", "ⵊ": "ج", "ⵍ": "ل", "ⵎ": "م", "ⵏ": "ن", "ⵔ": "ر", "ⵕ": "ر", "ⵖ": "غ",
    "ⵙ": "س", "ⵚ": "س", "ⵛ": "ش", "ⵜ": "ت", "ⵟ": "ت", "ⵣ": "ز", "ⵥ": "ز", "ⵒ": "ب", "ⵠ": "ف",
    "ⴰ": None, "ⵉ": None, "ⵓ": None, "ⴻ": None, "ⵡ": None, "ⵢ": None, "ⵯ": None,
})  # fmt: skip
_REPEAT = re.compile(r"(.)\1+")


def sound_key(word: str) -> str:
    """The key of a normalised Arabic word; "" when under two letters (too unspecific to help)."""
    key = _REPEAT.sub(r"\1", word.translate(_KEY_TABLE))
    return KEY_PREFIX + key if len(key) >= 2 else ""


def tifinagh_key(word: str) -> str:
    """The key of a Tifinagh word (its consonants read as Arabic letters)."""
    return sound_key(word.translate(_TIFINAGH_ARABIC))
