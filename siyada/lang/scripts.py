"""Script and language identification, for whole texts and token by token (code-switched text).

Languages: ``ar`` (MSA), ``ary`` (Darija, Arabic script), ``ary-Latn`` (Arabizi), ``fr``, ``en``,
``zgh`` (Tamazight, Tifinagh) and ``ber-Latn`` (Tamazight, Latin letters); ``und`` for tokens with no
letters. Scripts are ISO 15924 codes: ``Arab``, ``Latn``, ``Tfng`` and ``Zyyy`` (digits, punctuation).

A token is decided by the strongest evidence it carries, in this order: its script (Tifinagh is
Tamazight); Arabizi digit-letters inside a Latin word (``m3a``, ``7na``); letters only Latin Tamazight
uses (ɣ ɛ ḍ ṭ ...); French accents; membership in exactly one marker list (`siyada.lang.markers`);
Darija verb morphology in Arabic script (كا/كي/غا + person prefix, ما...ش negation). A token with no
such evidence takes the language of its neighbours in the same script (nearest decided token), else
the text's majority for that script, else a spelling guess (``th``/``-ing`` English; ``-eau``/``qu``
French; consonant clusters like ``bgh`` or ``kh`` Arabizi) or the script's default (``ar``, ``fr``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from siyada.lang.markers import ARABIZI, BERBER_LATIN, DARIJA, ENGLISH, FRENCH, MSA
from siyada.lang.normalise import normalise_arabic

__all__ = ["Identification", "TokenTag", "identify", "latin_evidence", "script_of", "tag_tokens", "tokens"]

Script = Literal["Arab", "Latn", "Tfng", "Zyyy"]

# A token: letters/digits with inner apostrophes or hyphens (l'école, rendez-vous) kept together.
_TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*'?")
_ARABIC_CHAR = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_TIFINAGH_CHAR = re.compile(r"[\u2d30-\u2d7f]")
_LATIN_CHAR = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0250-\u02af]")

_ARABIZI_DIGITS = re.compile(r"(?<=[A-Za-z])[2356789]|[2356789](?=[A-Za-z])")
# Not Arabizi: digits Arabizi does not use, ordinals and units (3rd, 2e, 5km), codes (MP3, A4, G7).
_NOT_ARABIZI = re.compile(
    r"[014]|^\d+(?:st|nd|rd|th|er|ère|eme|ème|e|h|km|kg|mm|cm|ml|g)$|^[A-Z]+\d+$|^[a-zA-Z]{1,2}\d$"
)
_BERBER_LETTERS = re.compile(r"[ɣɛεḍṭṣẓḥṛčǧ]")
_FRENCH_LETTERS = re.compile(r"[éèêëàâùûôîïçœ]")
_DARIJA_VERB = re.compile(r"^(?:[وف]?(?:كا|كي|كن|كت|تا)[نتي]|غا[نتي]|غادي|ما.{2,}ش$)")
# Two consonants no French or English word starts with (mzyan, kbir, lfTor, nta, dkhol), and an
# emphatic capital inside a lower-case word (khiTab, lfTor): Arabizi spellings.
_ARABIZI_ONSET = re.compile(
    r"^(?![bcdfgkpt][lr]|[cgkpstw]h|s[cklmnpqtvw]|[gkp]n|ps|tw|wr|dw|vr|[a-z]y)[bcdfghjklmnpqrstvwxz]{2}"
)
_ARABIZI_CAPITAL = re.compile(r"^[a-z0-9]+[TSDHZ]")
_ENGLISH_SHAPE = re.compile(r"th|wh|sh[aeiou]|ing$|ed$|ly$|ness$|tion$|w[aeiou]")
_FRENCH_SHAPE = re.compile(r"eau|qu|ou[^a-z]?$|eux$|aux$|ment$|tion$|ée?s?$|[^aeiou]es$|oi")
_ARABIZI_SHAPE = re.compile(r"^(?:kh|gh|ch)[^aeiou]|^[^aeiou]{3}|kh|gh|[^aeiou]{4}|^(?:ka|ki|ta|gha)[ntyk]")


@dataclass(frozen=True, slots=True)
class Identification:
    lang: str
    script: Script
    confidence: float


@dataclass(frozen=True, slots=True)
class TokenTag:
    start: int
    end: int
    text: str
    script: Script
    lang: str


def script_of(token: str) -> Script:
    """The script most of the token's letters are written in (``Zyyy`` when it has no letters)."""
    arab = len(_ARABIC_CHAR.findall(token))
    tfng = len(_TIFINAGH_CHAR.findall(token))
    latn = len(_LATIN_CHAR.findall(token))
    if not (arab or tfng or latn):
        return "Zyyy"
    best = max(arab, tfng, latn)
    return "Arab" if arab == best else "Tfng" if tfng == best else "Latn"


# An address starts where a run of address characters starts: tried from inside a long word, the local
# part would rescan the rest of the word at each of its characters (quadratic on one long word).
_ADDRESS = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+")


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of every word-like token; an e-mail address or URL is one token."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    for m in _ADDRESS.finditer(text):
        out.extend(_words_between(text, pos, m.start()))
        out.append((m.start(), m.end(), m.group(0)))
        pos = m.end()
    out.extend(_words_between(text, pos, len(text)))
    return out


def _words_between(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text, start, end)]


_LISTS = (("fr", FRENCH), ("en", ENGLISH), ("ary-Latn", ARABIZI), ("ber-Latn", BERBER_LATIN))


def latin_evidence(token: str) -> str | None:
    """The language a Latin-script word points to on its own evidence, None when it has none."""
    if _ARABIZI_DIGITS.search(token) and not _NOT_ARABIZI.search(token):
        return "ary-Latn"
    if _BERBER_LETTERS.search(token):
        return "ber-Latn"
    if _ARABIZI_CAPITAL.match(token):
        return "ary-Latn"
    low = token.lower()
    hits = [lang for lang, words in _LISTS if low in words]
    if len(hits) == 1:
        return hits[0]
    if hits:
        return None
    if _FRENCH_LETTERS.search(low):
        return "fr"
    # A capitalised word with an odd onset is a name (McDonald, Nkosi), not Arabizi.
    if low.isalpha() and _ARABIZI_ONSET.match(low) and not token[0].isupper():
        return "ary-Latn"
    return None


def _arabic_evidence(token: str) -> str | None:
    word = normalise_arabic(token)
    if word in DARIJA:
        return "ary"
    if word in MSA:
        return "ar"
    if _DARIJA_VERB.match(word):
        return "ary"
    return None


def _evidence(token: str, script: Script) -> str | None:
    if _ADDRESS.fullmatch(token):
        return "und"  # an address says nothing of the language around it
    if script == "Tfng":
        return "zgh"
    if script == "Latn":
        return latin_evidence(token)
    if script == "Arab":
        return _arabic_evidence(token)
    return "und"


def _shape_guess(token: str) -> str:
    """A last resort for a Latin word nothing else decided."""
    low = token.lower()
    scores = {
        "en": len(_ENGLISH_SHAPE.findall(low)),
        "fr": len(_FRENCH_SHAPE.findall(low)),
        "ary-Latn": len(_ARABIZI_SHAPE.findall(low)),
    }
    best = max(scores.values())
    if best == 0:
        return "fr"
    return next(lang for lang in ("fr", "ary-Latn", "en") if scores[lang] == best)


def _fill_from_neighbours(decided: list[str | None], scripts: list[Script]) -> list[str | None]:
    """Each undecided token takes the language of the closest decided token in the same script (ties:
    the one before), in two linear passes."""
    n = len(decided)
    before: list[tuple[int, str] | None] = [None] * n
    after: list[tuple[int, str] | None] = [None] * n
    last: dict[str, tuple[int, str]] = {}
    for i in range(n):
        before[i] = last.get(scripts[i])
        if decided[i] not in (None, "und"):
            last[scripts[i]] = (i, decided[i])  # type: ignore[assignment]
    last = {}
    for i in range(n - 1, -1, -1):
        after[i] = last.get(scripts[i])
        if decided[i] not in (None, "und"):
            last[scripts[i]] = (i, decided[i])  # type: ignore[assignment]
    out = list(decided)
    for i in range(n):
        if out[i] is None:
            b, a = before[i], after[i]
            if b and (not a or i - b[0] <= a[0] - i):
                out[i] = b[1]
            elif a:
                out[i] = a[1]
    return out


def tag_tokens(text: str) -> list[TokenTag]:
    """Script and language of every token, for code-switched text."""
    found = tokens(text)
    scripts = [script_of(t) for _, _, t in found]
    decided = [_evidence(t, s) for (_, _, t), s in zip(found, scripts, strict=True)]
    filled = _fill_from_neighbours(decided, scripts)
    if None in filled:
        # An Arabic word with no decided Arabic neighbour is Darija beside Arabizi, MSA otherwise.
        anywhere = _fill_from_neighbours(filled, ["Zyyy"] * len(filled))
        for i, script in enumerate(scripts):
            if filled[i] is None and script == "Arab" and anywhere[i] is not None:
                filled[i] = "ary" if anywhere[i] in ("ary", "ary-Latn") else "ar"
    out: list[TokenTag] = []
    for (start, end, tok), script, lang in zip(found, scripts, filled, strict=True):
        if lang is None:
            lang = _shape_guess(tok) if script == "Latn" else "ar"
        out.append(TokenTag(start, end, tok, script, lang))
    return out


def identify(text: str) -> Identification:
    """The main language and script of a text, with the share of the evidence that supports it."""
    tags = tag_tokens(text)
    letters = [t for t in tags if t.script != "Zyyy" and t.lang != "und"]
    if not letters:
        return Identification("und", "Zyyy", 0.0)
    # Tokens with their own evidence count double: context-filled ones only echo their neighbours.
    votes: Counter[str] = Counter()
    for t in letters:
        own = _evidence(t.text, t.script) is not None
        votes[t.lang] += 2.0 if own else 1.0
    lang, weight = votes.most_common(1)[0]
    script: Script = Counter(t.script for t in letters if t.lang == lang).most_common(1)[0][0]
    return Identification(lang, script, round(weight / sum(votes.values()), 3))
