"""Tifinagh ↔ Latin transliteration, IRCAM standard (Neo-Tifinagh as taught in Morocco).

``to_latin`` writes the IRCAM Latin transcription: ⴹ ḍ, ⵃ ḥ, ⵄ ɛ, ⵅ x, ⵖ ɣ, ⵕ ṛ, ⵚ ṣ, ⵛ c, ⵟ ṭ, ⵥ ẓ,
and the labialisation mark ⵯ as ʷ (ⴳⵯ → gʷ). ``to_tifinagh`` is its exact inverse on that alphabet
(so a round trip gives the text back); with ``loose=True`` it also reads common ASCII spellings: gh → ⵖ,
kh → ⵅ, ch/sh → ⵛ, 3 → ⵄ, 7 → ⵃ, a final w after g/k → ⵯ. Other characters pass through unchanged.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["to_latin", "to_tifinagh"]

_IRCAM = {
    "ⴰ": "a", "ⴱ": "b", "ⴳ": "g", "ⴷ": "d", "ⴹ": "ḍ", "ⴻ": "e", "ⴼ": "f", "ⴽ": "k", "ⵀ": "h",
    "ⵃ": "ḥ", "ⵄ": "ɛ", "ⵅ": "x", "ⵇ": "q", "ⵉ": "i", "ⵊ": "j", "ⵍ": "l", "ⵎ": "m", "ⵏ": "n",
    "ⵓ": "u", "ⵔ": "r", "ⵕ": "ṛ", "ⵖ": "ɣ", "ⵙ": "s", "ⵚ": "ṣ", "ⵛ": "c", "ⵜ": "t", "ⵟ": "ṭ",
    "ⵡ": "w", "ⵢ": "y", "ⵣ": "z", "ⵥ": "ẓ", "ⵯ": "ʷ",
}  # fmt: skip
# Letters outside the IRCAM set (Tuareg and extended Neo-Tifinagh) read one way only.
_EXTENDED = {"ⵒ": "p", "ⵠ": "v", "ⵝ": "ṯ", "ⴸ": "ḏ", "ⴴ": "ɣ", "ⴿ": "x", "ⵆ": "x", "ⵗ": "ɣ", "ⵞ": "č"}

_TO_LATIN = str.maketrans(_IRCAM | _EXTENDED)
_FROM_LATIN = {v: k for k, v in _IRCAM.items()}
_LOOSE = {"gh": "ⵖ", "kh": "ⵅ", "ch": "ⵛ", "sh": "ⵛ", "3": "ⵄ", "7": "ⵃ", "ε": "ⵄ"}
_LOOSE_TABLE = _FROM_LATIN | _LOOSE

_STRICT_UNIT = re.compile("|".join(sorted(map(re.escape, _FROM_LATIN), key=len, reverse=True)))
_LOOSE_UNIT = re.compile(
    r"(?<=[gk])w(?![aeiou])|" + "|".join(sorted(map(re.escape, _LOOSE_TABLE), key=len, reverse=True))
)


def to_latin(tfng: str) -> str:
    """IRCAM Latin transcription of Tifinagh text."""
    return tfng.translate(_TO_LATIN)


def to_tifinagh(latin: str, loose: bool = False) -> str:
    """Tifinagh for IRCAM Latin text (the inverse of `to_latin`); ``loose`` also reads ASCII spellings."""
    text = unicodedata.normalize("NFC", latin).lower()
    if loose:
        return _LOOSE_UNIT.sub(lambda m: "ⵯ" if m.group(0) == "w" else _LOOSE_TABLE[m.group(0)], text)
    return _STRICT_UNIT.sub(lambda m: _FROM_LATIN[m.group(0)], text)
