"""CIN numbers in the forms the main pattern (:func:`siyada.privacy.id_numbers.find_ids`) leaves out:

- typed with Arabic letters ("ب ك 551302": the card's Latin letters read aloud and typed in Arabic);
- a Latin letter or two and the digits inside Arabic-script text ("لحبيب المنصوري D 330918",
  "(F 520018)"): Arabic prose carries Latin codes almost only for identity numbers;
- dictated one character or one pair at a time next to an identity word ("cin dyali jb 12 34 56",
  "j a 2 3 8 4 1 0");
- round 8: digits cut in pairs or threes, or letters set apart by a dot or a dash, near an identity word
  ("Bk 55 12 47", "A-7 01 552", "XA-11 4490", "bk.512093", "B E 9 0 3 3 1 7").

Each regex is linear (no nested quantifier over the same characters) and reads a bounded run.
"""

from __future__ import annotations

import re

from siyada.privacy import entities as T
from siyada.privacy.context import cue_possible, distance_to_context, negative_context
from siyada.privacy.entities import Entity

_AR_LETTER = "[\u0628-\u064a\u0627]"
# Two Arabic letters standing alone, then 5-6 digits: "ب ك 551302", "ب.ك 551302".
# Each pattern opens on its first letter and tests the character before it in a lookbehind after it
# (the same matches): one that opens on a lookbehind is tried at every position of the text.
_AR_CIN = re.compile(rf"({_AR_LETTER})(?<![\w\u0600-\u06ff].)[ .]({_AR_LETTER}) ?(\d{{5,6}})(?![\w\-/])")
# One or two capitals, an optional space or dash, 5-6 digits.
_LATIN_CIN = re.compile(r"([A-Z](?<![\w\-/.].)[A-Z]?)[ -]?(\d{5,6})(?![\w\-/])(?![.,]\d)")
# Dictated: letters (maybe spaced), then digits one or two at a time ("12 34 56"; not "de 25 000").
_DICTATED = re.compile(r"([A-Za-z](?<![\w\-/.].)(?: ?[A-Za-z])?) ((?:\d{1,2} ){2,6}\d{1,2})(?![\w\-/])")
# What every dictated number holds: three groups of one or two digits set apart by single spaces. Most texts
# with digits have none, and skip the dictated scan, which is tried at every letter.
_THREE_GROUPS = re.compile(r"\d \d\d? \d")
# Round 12: "WW" is the temporary plates' series ("يبدلها ل WW 124587"), not a card's letters.
_NOT_ID = frozenset({"BP", "CP", "RC", "IF", "TP", "KM", "DH", "ID", "NO", "TVA", "PV", "WW"})
# Letters (one or two, maybe spaced or dotted: "B E", "b.k"), a separator, digits in up to seven groups.
_GROUPED = re.compile(
    r"([A-Za-z](?<![\w\-/.].)(?:[ .]?[A-Za-z])?)([ .\-]|\. )(\d{1,6}(?:[ .\-]\d{1,4}){0,6})"
    r"(?![\w\-/])(?![.,]\d)"
)
# Short words that precede numbers ("le 12 34 56", "au 05 22", Darija "f 41"): never a CIN's letters.
_WORDS_BEFORE_NUMBERS = frozenset(
    "en le la de du au un et ou il on si ni ne se ce sa ma ta mn fi li a l n w f b o y".split()  # noqa: SIM905
)
_GROUPED_NEAR = 48  # an identity word, then a name or a form's label, then the number


def _arabic_before(text: str, start: int) -> bool:
    """The nearest letter before `start` (skipping spaces and punctuation) is Arabic, or Tifinagh (round
    12: "ⵓⵖⴰⵔⴰⵙ ⵏ ⵜⴰⵣⴰ: Z 448190", Tifinagh prose carries Latin codes as seldom as Arabic does)."""
    i = start - 1
    while i >= 0 and i > start - 12 and not text[i].isalpha():
        i -= 1
    return i >= 0 and ("\u0600" <= text[i] <= "\u06ff" or "\u2d30" <= text[i] <= "\u2d7f")


def _a_word(letters: str) -> bool:
    """Lower-case letters that are a short word ("le", "de", "f"); "B 1 2 3 4 5 6" is a card's letter."""
    return not letters.isupper() and letters.lower() in _WORDS_BEFORE_NUMBERS


def _grouped(text: str) -> list[Entity]:
    out = []
    for m in _GROUPED.finditer(text):
        letters, sep, run = m.group(1), m.group(2), m.group(3)
        if run.isdigit() and sep == " " and " " not in letters and "." not in letters:
            continue  # "BE 123456": find_ids's own form ("B.K 300719" is not)
        digits = re.sub(r"\D", "", run)
        compact = letters.replace(" ", "").replace(".", "").upper()
        if not 5 <= len(digits) <= 6 or not int(digits) or compact in _NOT_ID:
            continue
        if sep == " " and _a_word(letters):
            continue  # a word before a number; "A-7 01 552" is glued by its dash
        cin = distance_to_context(text, m.start(), m.end(), T.MA_CIN, before=_GROUPED_NEAR)
        passport = distance_to_context(text, m.start(), m.end(), T.MA_PASSPORT, before=_GROUPED_NEAR)
        if cin is not None and passport is not None:
            # Round 10: both words near; the one before the number names it ("cin dyali bj 456 789 w
            # lpasseport ym…"), as find_ids reads them.
            cin_b = distance_to_context(text, m.start(), m.end(), T.MA_CIN, before=_GROUPED_NEAR, after=False)
            pass_b = distance_to_context(
                text, m.start(), m.end(), T.MA_PASSPORT, before=_GROUPED_NEAR, after=False
            )
            if (cin_b is None) != (pass_b is None):
                cin, passport = cin_b, pass_b
        if cin is not None and (passport is None or cin <= passport):
            out.append(Entity(m.start(), m.end(), T.MA_CIN, 0.7))
    return out


def find_cin_forms(text: str) -> list[Entity]:
    # The dictated and grouped forms count only near an identity word: a text with none skips their scans.
    cued = cue_possible(text, T.MA_CIN)
    out = []
    for m in _AR_CIN.finditer(text):
        if int(m.group(3)):
            out.append(Entity(m.start(), m.end(), T.MA_CIN, 0.6))
    for m in _LATIN_CIN.finditer(text):
        if m.group(1) in _NOT_ID or not int(m.group(2)) or not _arabic_before(text, m.start()):
            continue
        if negative_context(text, m.start(), window=12):
            continue
        out.append(Entity(m.start(), m.end(), T.MA_CIN, 0.55))
    for m in _DICTATED.finditer(text) if cued and _THREE_GROUPS.search(text) else ():
        digits = m.group(2).replace(" ", "")
        if not 5 <= len(digits) <= 7 or not int(digits) or _a_word(m.group(1)):
            continue  # round 8: "le 12 04 22" is a date after a word
        gap = distance_to_context(text, m.start(), m.end(), T.MA_CIN)
        if gap is not None and gap <= 16:
            out.append(Entity(m.start(), m.end(), T.MA_CIN, 0.7))
    return out + _grouped(text) if cued else out
