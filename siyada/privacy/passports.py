"""Passport numbers in other countries' formats, right after a passport word (round 10).

The labelled sets mark every passport number as MA_PASSPORT, foreign ones too ("passeport français n°
19AV48213", "passport 548712369 (US)", "جواز سفر إسباني رقم PAF661092"). The Moroccan form (two letters,
seven digits) is :func:`siyada.privacy.id_numbers.find_ids`'s; here, any one compact token of six to
ten capitals and digits, at least six of them digits (five in a row) and at most three letters, is a
passport only when a passport word comes shortly *before* it: a bare number is too common a thing to call
a passport alone.

Round 12: other countries' numbers weigh letters as much as digits ("C4F7R2X91" German, "NXR4K8812"
Dutch): right after the word (a nationality or "n°" between at most), a token of six to ten capitals and
digits with at least three digits and one letter is one too. And the number is spaced as printed
("SG 104 7852", a Russian "7512 094877": series then number): two letters and seven digits, or nine to
ten digits, in two groups, after the word.
"""

from __future__ import annotations

import re

from siyada.privacy import entities as T
from siyada.privacy.context import cue_possible, distance_to_context
from siyada.privacy.entities import Entity

# One token of capitals and digits, starting with either; its make-up is checked in code (linear). The
# pattern opens on its first character, the boundary tested behind it (round 12: the engine then skips to
# the next capital or digit instead of trying a lookbehind at every position; the scan now runs on every
# text with a digit).
_TOKEN = re.compile(r"[A-Z0-9](?<![\w\-/.][A-Z0-9])[A-Z0-9]{5,9}(?![\w\-/])(?![.,]\d)")
# The Moroccan form, left to find_ids (which also weighs a CIN word against the passport word).
_MOROCCAN = re.compile(r"[A-Z]{1,2}\d{4,7}")
# Five digits in a row at least: every format the sets hold has them (19AV48213, PAF661092), and the
# analyzer's digit gate relies on it.
_RUN_OF_FIVE = re.compile(r"\d{5}")
_CUE_BEFORE = 32  # "passeport français n° X", "جواز سفر إسباني رقم X"
# A letter-heavy token only this close after the word ("Dutch passport NXR4K8812", "جواز السفر الألماني
# رقم C4F7R2X91"): further away, "passport … ref. AB12CD34" is some other code.
_CUE_NEAR = 24
# Two groups of digits, two capitals maybe before them: bounded, one optional space each (linear).
_SPACED = re.compile(
    r"[A-Z\d](?<![\w\-/.].)(?:(?<=[A-Z])[A-Z] \d|(?<=\d))\d{1,3} \d{3,7}(?![\w\-/])(?![.,]\d)"
)


def _passport_like(token: str) -> bool:
    digits = sum(c.isdigit() for c in token)
    letters = len(token) - digits
    if digits < 6 or letters > 3 or _MOROCCAN.fullmatch(token) or _RUN_OF_FIVE.search(token) is None:
        return False
    # A digits-only token starting with 0 and ten long is a phone; a run of one digit is a placeholder.
    return not (token.isdigit() and (token[0] == "0" or len(set(token)) == 1))


# Four capitals or more, then the digits: an internal code's shape ("Passeport : ABCD123456 (code interne)"),
# where the foreign numbers mix them ("NXR4K8812").
_LETTERS_THEN_DIGITS = re.compile(r"[A-Z]{4,}\d+")


def _letter_heavy(token: str) -> bool:
    """Mixed capitals and digits, three digits at least ("C4F7R2X91"); not a Moroccan CIN or passport."""
    digits = sum(c.isdigit() for c in token)
    return (
        digits >= 3
        and digits < len(token)
        and _MOROCCAN.fullmatch(token) is None
        and _LETTERS_THEN_DIGITS.fullmatch(token) is None
    )


def _spaced_like(token: str) -> bool:
    digits = sum(c.isdigit() for c in token)
    if token[0].isalpha():
        return digits == 7
    # Ten digits from 0 are a phone number read in two groups ("0661 234567").
    return digits in (9, 10) and not (digits == 10 and token[0] == "0")


def _cued(text: str, start: int, end: int, near: int) -> bool:
    """A passport word ends at most `near` characters before the span, nearer than any CIN word."""
    gap = distance_to_context(text, start, end, T.MA_PASSPORT, before=near, after=False)
    if gap is None:
        return False
    cin = distance_to_context(text, start, end, T.MA_CIN, before=near, after=False)
    return cin is None or cin > gap


def find_foreign_passports(text: str) -> list[Entity]:
    if not cue_possible(text, T.MA_PASSPORT):  # every span needs a passport word before it (`_cued`)
        return []
    out = []
    for m in _TOKEN.finditer(text):
        token = m.group()
        if _passport_like(token):
            near = _CUE_BEFORE
        elif _letter_heavy(token):
            near = _CUE_NEAR
        else:
            continue
        if _cued(text, m.start(), m.end(), near):
            out.append(Entity(m.start(), m.end(), T.MA_PASSPORT, 0.85))
    for m in _SPACED.finditer(text):
        if _spaced_like(m.group()) and _cued(text, m.start(), m.end(), _CUE_NEAR):
            out.append(Entity(m.start(), m.end(), T.MA_PASSPORT, 0.85))
    return out
