"""Names a Darija text gives by a cue that no list needs (round 11, from wild16's misses):

- a nickname after "they call him/her" ("كيقولو ليه الزعري", "كيعيطو ليها الصغيرة"): descriptive
  nicknames ("the blond one", "the dark one") are words of the language, so no list can hold them, but
  the cue says the next word is what a person is called;
- a family named as a house with "آل" ("الجيران ديالنا آل الفيلالي"): the family name and "آل" are one
  span, as the writers' guideline marks a family's name.
"""

from __future__ import annotations

import re

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity

CALLED_SCORE = 0.7
# "كيقولو/كيعيطو/كيسميو ليه/ليها/لو" (they say/call to him): the word after is the nickname.
_CALLED = re.compile(
    r"(?=[كت])(?<![\u0621-\u064A])(?:كي|تي|ك|ت)(?:قولو|عيطو|سميو) (?:ليه|ليها|لو|ليا|لها|له) "
    r"([\u0621-\u064A]{3,})(?![\u0621-\u064A])"
)
# "آل" then a family name in "ال…" or a listed name shape: "آل الفيلالي", "آل البيت" is no family.
_HOUSE = re.compile(r"(?<![\u0621-\u064A])آل (ال[\u0621-\u064A]{3,})(?![\u0621-\u064A])")
# Literal parts of every match: a text without them (most) skips the scan.
_CALLED_GAP, _HOUSE_WORD = "و ل", "آل "
_NOT_A_HOUSE = frozenset(["البيت", "الدار", "العائلة", "المنزل", "الحومة", "الدوار"])
# Words after the nickname cue that are not a name: what is said, not what he is called.
_NOT_CALLED = frozenset(["هادشي", "داكشي", "شي", "والو", "بلي", "راه"])


def find_called_names(text: str) -> list[Entity]:
    out = [
        Entity(m.start(1), m.end(1), T.PERSON, CALLED_SCORE)
        for m in (_CALLED.finditer(text) if _CALLED_GAP in text else ())
        if m.group(1) not in _NOT_CALLED
    ]
    out += [
        Entity(m.start(), m.end(), T.PERSON, CALLED_SCORE)
        for m in (_HOUSE.finditer(text) if _HOUSE_WORD in text else ())
        if m.group(1) not in _NOT_A_HOUSE
    ]
    return out
