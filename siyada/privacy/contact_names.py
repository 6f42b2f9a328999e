"""A given name written right before a phone number is a contact's (round 12, from wild17's and wild18's
misses): chats and lists give people as "name number" ("zakaria 0661 22 33 44 ilham 0662 55 66 77",
"3ayet l l'ma3ti 07 61 45 80 12", "عيطو لسعيدة 0661…"), where a listed name that is also a word ("ilham",
inspiration) has no other cue. Only a listed given name counts (Latin or Arabic script; the Tifinagh
record's labels before a colon read like names), not after a particle or a first name, where it ends a
longer name the other readers find whole ("Lahcen Ait Hmad", "عبد اللطيف"), and only before a Moroccan
mobile or landline shape or an international number."""

from __future__ import annotations

import re

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity
from siyada.privacy.gazetteer import norm, words
from siyada.privacy.name_features import _gazetteer
from siyada.privacy.name_lexicon import GIVEN_ALL_ARABIC

CONTACT_SCORE = 0.6
# A word, maybe a colon, a dash or a bracket, then a number: 06/07/05 and eight digits, or +/00 and a
# country code, spaces, dots and dashes between the digits.
_PHONE = re.compile(r"(?:\+|00)[1-9]\d{1,2}(?:[ .-]?\d){8}|(?<!\d)0[5-7](?:[ .-]?\d){8}(?!\d)")
# Read back from a number's start (a text holds few numbers; every word start would cost more).
_NAME_THEN_GAP = re.compile(r"(?<![\w'’])([^\W\d_](?:[\w'’-]*[^\W_])?) ?[:(–—-]? ?$")
_LOOK_BACK = 48
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.]*) $")
# Words after which the name is a family's or part of another name, and words that read as a name.
_NOT_AFTER = words(
    "ait aït ayt id ben bin ould ou bou abou abu jami3 جامع أيت آيت ايت بن ولد بنت أبو ابو عبد مولاي سيدي"
)
_NOT_A_CONTACT = frozenset(["على", "علا", "m3aha", "m3ah"])


def _proclitic(word: str) -> int:
    """1 where an Arabic "to"/"with" is glued to a listed given name ("عيطو لسعيدة"), else 0."""
    return int(word[0] in "لب" and word not in GIVEN_ALL_ARABIC and word[1:] in GIVEN_ALL_ARABIC)


def _a_contact(text: str, start: int, word: str) -> bool:
    arabic = "\u0600" <= word[0] <= "\u06ff"
    if len(word) < 3 or word in _NOT_A_CONTACT or word[0] >= "\u2d30":
        return False
    if not (word[_proclitic(word) :] in GIVEN_ALL_ARABIC if arabic else "g" in _gazetteer(word, "lat")):
        return False
    before = _WORD_BEFORE.search(text, max(0, start - 24), start)
    if before is None:
        return True
    prev = before.group(1)
    if norm(prev) in _NOT_AFTER or prev in _NOT_AFTER or (prev[0].isupper() and word[0].isupper()):
        return False
    return not arabic or "g" not in _gazetteer(prev, "ar")


def find_contact_names(text: str) -> list[Entity]:
    out: list[Entity] = []
    if "0" not in text and "+" not in text:
        return out  # every number the pattern reads holds a "0" or a "+": half the texts skip its scan
    for phone in _PHONE.finditer(text):
        start = max(0, phone.start() - _LOOK_BACK)
        m = _NAME_THEN_GAP.search(text[start : phone.start()])
        if m is None or (m.start(1) == 0 and start > 0):  # a word cut by the look-back window
            continue
        word, at = m.group(1), start + m.start(1)
        if _a_contact(text, at, word):
            out.append(Entity(at + _proclitic(word), at + len(word), T.PERSON, CONTACT_SCORE))
    return out
