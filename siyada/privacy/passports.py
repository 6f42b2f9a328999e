"""Passport numbers in other countries' formats, right after a passport word (round 10).

The labelled sets mark every passport number as MA_PASSPORT, foreign ones too ("passeport français n°
19AV48213", "passport 548712369 (US)", "جواز سفر إسباني رقم PAF661092"). The Moroccan form (two letters,
seven digits) is :func:`siyada.privacy.recognisers.find_ids`'s; here, any one compact token of six to
ten capitals and digits, at least six of them digits (five in a row) and at most three letters, is a
passport only when a passport word comes shortly *before* it: a bare number is too common a thing to call
a passport alone.
"""

from __future__ import annotations

import re

from siyada.privacy import entities as T
from siyada.privacy.context import distance_to_context
from siyada.privacy.entities import Entity

# One token of capitals and digits, starting with either; its make-up is checked in code (linear).
_TOKEN = re.compile(r"(?<![\w\-/.])[A-Z0-9]{6,10}(?![\w\-/])(?![.,]\d)")
# The Moroccan form, left to find_ids (which also weighs a CIN word against the passport word).
_MOROCCAN = re.compile(r"[A-Z]{1,2}\d{4,7}")
# Five digits in a row at least: every format the sets hold has them (19AV48213, PAF661092), and the
# analyzer's digit gate relies on it.
_RUN_OF_FIVE = re.compile(r"\d{5}")
_CUE_BEFORE = 32  # "passeport français n° X", "جواز سفر إسباني رقم X"


def _passport_like(token: str) -> bool:
    digits = sum(c.isdigit() for c in token)
    letters = len(token) - digits
    if digits < 6 or letters > 3 or _MOROCCAN.fullmatch(token) or _RUN_OF_FIVE.search(token) is None:
        return False
    # A digits-only token starting with 0 and ten long is a phone; a run of one digit is a placeholder.
    return not (token.isdigit() and (token[0] == "0" or len(set(token)) == 1))


def find_foreign_passports(text: str) -> list[Entity]:
    out = []
    for m in _TOKEN.finditer(text):
        token = m.group()
        if not _passport_like(token):
            continue
        gap = distance_to_context(text, m.start(), m.end(), T.MA_PASSPORT, before=_CUE_BEFORE, after=False)
        if gap is None:
            continue
        cin = distance_to_context(text, m.start(), m.end(), T.MA_CIN, before=_CUE_BEFORE, after=False)
        if cin is None or cin > gap:
            out.append(Entity(m.start(), m.end(), T.MA_PASSPORT, 0.85))
    return out
