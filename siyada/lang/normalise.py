"""Orthographic normalisation for Arabic-script and Latin-script text, as used for search.

Everything here folds spellings that a reader treats as the same word onto one form, and nothing more:
no stemming, no transliteration. The functions are pure and cheap (one ``str.translate`` pass plus a
precompiled regex or two), because the indexer runs them over every token of a 91 MB corpus.

Arabic choices (each one chosen for retrieval: the folded letters are the ones writers, keyboards and
PDF extractors confuse):

* harakat, shadda, sukun, tanwin, superscript alef, Quranic marks and tatweel are removed;
* alef variants أ إ آ ٱ → ا; ى → ي; ة → ه; ؤ → و; ئ → ي;
* the lone hamza ء is *kept*: it is rare in Moroccan text, and dropping it merges unrelated words
  (جزء "part" and جز "shearing"), while writers who omit it also omit it in queries;
* look-alikes from Persian/Urdu keyboards and Maghrebi letters: ک → ك, ی ې ى → ي, ہ ۀ ە ۃ ھ → ه,
  ڤ ڥ → ف, ڭ ݣ گ ڨ → ك (Moroccan /g/ is written ڭ or ك, so ك is where both meet), پ → ب,
  ڢ → ف, ڧ → ق, ں → ن; چ → ش: in Maghrebi usage it renders the French "ch" /ʃ/ (چارجور), never /dʒ/;
* Arabic presentation forms (the glyph codes PDF extraction leaves behind, lam-alef ligatures included)
  → the plain letters, and the lam-alef that extraction writes backwards at a word start (األول for
  الأول) is put back;
* Eastern Arabic and Persian digits → ASCII; zero-width joiners and bidi marks are removed.

Latin: casefold, strip accents (é → e, ç → c), œ → oe, æ → ae, and every apostrophe-like mark → "'".
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise", "normalise_arabic", "normalise_latin"]

_ARABIC_MARKS = (
    [chr(c) for c in range(0x0610, 0x061B)]  # Quranic honorifics
    + [chr(c) for c in range(0x064B, 0x0660)]  # harakat, tanwin, shadda, sukun, madda/hamza marks
    + ["\u0670", "\u0640"]  # superscript alef, tatweel
    + [chr(c) for c in range(0x06D6, 0x06EE)]  # Quranic annotation signs
    + ["\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"]  # joiners, bidi marks, BOM
)

_ARABIC_LETTERS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ئ": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي", "ێ": "ي",
    "ة": "ه", "ہ": "ه", "ۀ": "ه", "ە": "ه", "ۃ": "ه", "ھ": "ه",
    "ؤ": "و",
    "ک": "ك", "ڪ": "ك", "ڭ": "ك", "ݣ": "ك", "گ": "ك", "ڨ": "ك",
    "ڤ": "ف", "ڥ": "ف", "ڢ": "ف", "ڧ": "ق",
    "پ": "ب", "چ": "ش", "ں": "ن",
    "٫": ".", "٬": ",",
}  # fmt: skip

_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}

_LATIN_EXTRA = {
    "œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "’": "'", "‘": "'", "ʼ": "'", "ʻ": "'", "`": "'", "´": "'", "′": "'", "‛": "'", "＇": "'",
}  # fmt: skip


def _arabic_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(c): None for c in _ARABIC_MARKS}
    table.update({ord(k): v for k, v in _ARABIC_LETTERS.items()})
    table.update({ord(k): v for k, v in _DIGITS.items()})
    # Presentation forms: each glyph code to its letters (NFKC), then folded like any other letter.
    simple = {k: v for k, v in table.items()}
    for cp in [*range(0xFB50, 0xFDFE), *range(0xFE70, 0xFEFD)]:
        plain = unicodedata.normalize("NFKC", chr(cp))
        if plain != chr(cp) and all(0x0600 <= ord(c) <= 0x06FF or c == " " for c in plain):
            table[cp] = plain.translate(simple).replace(" ", "") or None
    return table


_ARABIC = _arabic_table()
_LATIN = str.maketrans(_LATIN_EXTRA)
_MIXED = _ARABIC | {ord(k): v for k, v in _LATIN_EXTRA.items()}

# PDF extraction writes the lam-alef ligature as alef + lam, so "الأول" comes out "األول" (→ "اال...")
# after folding). No Arabic word starts with "اال", so at a word start (after an optional و ف ب ك ل)
# the letters are swapped back.
_BROKEN_LAM_ALEF = re.compile(r"(?<![\w])([وفبكل]?)اال")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalise_arabic(text: str) -> str:
    """Fold Arabic-script spelling variants (see module docstring); other characters pass through."""
    out = text.translate(_ARABIC)
    if "اال" in out:
        out = _BROKEN_LAM_ALEF.sub(r"\1الا", out)
    return out


def _strip_accents(text: str) -> str:
    # NFD splits é into e + U+0301; the marks are then dropped. NFC afterwards re-joins anything that
    # is not a Latin accent (Tifinagh, Arabic are unaffected by both steps once the Arabic pass ran).
    return _COMBINING.sub("", unicodedata.normalize("NFD", text))


def normalise_latin(text: str) -> str:
    """Casefold, strip accents and unify apostrophes."""
    if text.isascii():
        return text.replace("`", "'").casefold()
    return _strip_accents(text.casefold().translate(_LATIN))


def normalise(text: str) -> str:
    """Normalise mixed text: Arabic folding and Latin folding in one pass, each where it applies."""
    out = text.translate(_MIXED)
    if "اال" in out:
        out = _BROKEN_LAM_ALEF.sub(r"\1الا", out)
    if out.isascii():
        return out.casefold()
    out = out.casefold()
    # Only Latin letters with accents need the (slower) decomposition; Arabic is already folded.
    if _NEEDS_NFD.search(out):
        out = _strip_accents(out)
    return out


_NEEDS_NFD = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f]")
