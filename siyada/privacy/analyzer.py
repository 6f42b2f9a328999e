"""Run every recogniser and resolve overlaps (higher score wins, then longer span)."""

from __future__ import annotations

import re

from siyada.privacy.entities import Entity
from siyada.privacy.people import find_all_people
from siyada.privacy.recognisers import PATTERN_RECOGNISERS, Recogniser, find_emails
from siyada.privacy.spoken_phones import find_spoken_phones

DEFAULT_THRESHOLD = 0.5
RECOGNISERS = (*PATTERN_RECOGNISERS, find_all_people, find_spoken_phones)
# Numbers read aloud have no digit: those and names run on every text.
WORD_RECOGNISERS = (find_all_people, find_spoken_phones)
# Every pattern recogniser needs a digit (of any script) or an "@": a text with neither, as most chat
# prompts are, skips them all for one scan (the shield runs on every prompt through the gateway).
_PATTERN_HINT = re.compile(r"[\d@]")


def resolve_overlaps(candidates: list[Entity]) -> list[Entity]:
    """Greedy: best (score, length) first; drop any candidate overlapping one already kept.

    The characters of kept spans are marked in a byte map, so testing a candidate costs its length, not
    the number of spans kept so far: the whole pass is a sort plus work linear in the text (comparing
    each candidate with every kept one took 9 s for 16,000 e-mail addresses).
    """
    if not candidates:
        return []
    covered = bytearray(max(e.end for e in candidates))
    kept: list[Entity] = []
    for ent in sorted(candidates, key=lambda e: (-e.score, -e.length, e.start)):
        if ent.end > ent.start and covered.find(1, ent.start, ent.end) < 0:
            covered[ent.start : ent.end] = b"\x01" * (ent.end - ent.start)
            kept.append(ent)
    return sorted(kept, key=lambda e: (e.start, e.end))


# Arabic-Indic and Persian digits ("٠٦٦١٢٤٥٣٨٩"): the pattern recognisers read them as ASCII. One
# character for one, so every span found in the translated text is the same span in the original.
_EASTERN_DIGITS = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]")
_TO_ASCII = str.maketrans(
    {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}
)


# A run of digits and the separators any recogniser allows between them ("06 ... 70", "0661-44", "12 34").
_DIGIT_RUN = re.compile(r"\d(?:[ .,/|\-\u00a0\u202f\u2011\u2013)]{0,6}\d)*")  # ")": "(0522) 26 44 19"
# The fewest digits one run must hold for each recogniser to match at all (its regex's own minimum):
# RIB and IBAN 24, ICE 15, a card 13, CNSS 9, a phone 7 (the shortest valid numbers with their country
# code), an ID 4, a CIN dictated in pairs 3, a foreign passport 5; e-mails need an "@", plates a digit.
_MIN_DIGITS = {
    "find_ibans": 24, "find_ribs": 24, "find_ices": 15, "find_cards": 13, "find_cnss": 9, "find_phones": 7,
    "find_ids": 4, "find_cin_forms": 3,
    # round 12: a foreign passport may hold no two digits in a row ("C4F7R2X91"): no gate beyond a digit
    "find_foreign_passports": 1,
}  # fmt: skip


_GATED = tuple((rec, _MIN_DIGITS.get(rec.__name__, 1)) for rec in PATTERN_RECOGNISERS)
_MOST = max(least for _, least in _GATED)  # a run of more digits than this needs no other recogniser
# The recognisers for each (digits in the longest run, capped; an "@" in the text): one lookup a text.
_BY_GATE = {
    (most, at): tuple(rec for rec, least in _GATED if (at if rec is find_emails else most >= least))
    for most in range(_MOST + 1)
    for at in (False, True)
}
# The separators a run may hold: deleted, each run's length is its digit count (no digit is one of them).
_RUN_SEPARATORS = str.maketrans("", "", " .,/|-\u00a0\u202f\u2011\u2013)")


def _pattern_recognisers(text: str) -> tuple[Recogniser, ...]:
    """The pattern recognisers that can match in `text`: most prompts hold only short numbers (a date, an
    amount), which no identifier but a plate can be, and no "@". The runs' digits are counted in C: the
    runs joined by a line break (no run holds one), separators deleted, the pieces' lengths."""
    runs = "\n".join(_DIGIT_RUN.findall(text)).translate(_RUN_SEPARATORS)
    most = max(map(len, runs.split("\n")))
    return _BY_GATE[min(most, _MOST), "@" in text]


def analyze(text: str, threshold: float = DEFAULT_THRESHOLD) -> list[Entity]:
    if not _PATTERN_HINT.search(text):
        candidates = [e for rec in WORD_RECOGNISERS for e in rec(text) if e.score >= threshold]
        return resolve_overlaps(candidates)
    digits = text.translate(_TO_ASCII) if _EASTERN_DIGITS.search(text) else text
    candidates = [e for rec in _pattern_recognisers(digits) for e in rec(digits) if e.score >= threshold]
    candidates += [e for rec in WORD_RECOGNISERS for e in rec(text) if e.score >= threshold]
    return resolve_overlaps(candidates)
