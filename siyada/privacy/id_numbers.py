"""CIN / CNIE and passport numbers in their main form: one or two letters, then digits (``find_ids``).

The forms this pattern leaves out (Arabic letters, dictated, grouped) are :mod:`siyada.privacy.cin_forms`'s,
other countries' passports :mod:`siyada.privacy.passports`'s. Split from :mod:`siyada.privacy.recognisers`
in round 12, when the lower-case and spaced forms without a label made that module too long.
"""

from __future__ import annotations

import re

from siyada.privacy import entities as T
from siyada.privacy.context import distance_to_context, negative_context
from siyada.privacy.entities import Entity

# CIN: 1-2 letters + 4-7 digits (most often 5-6).  Passport: 1-2 letters + 6-7 digits.  They collide,
# so the context word decides; without context, 7 digits lean to passport and 4-6 digits to CIN.
# Round 9: a slash, an underscore or a doubled space between letters and digits too ("bj/441827",
# "BE_310447", "bk  602114"), as forms and exports write them; like a space, only near an identity word.
# Written first letter first, the lookbehind after it testing the character before it: a pattern that
# opens on a lookbehind is tried at every position, one that opens on a class skips to the next letter.
_ID = re.compile(r"([A-Za-z](?<![\w\-/.].)[A-Za-z]?)([ \-/_]?|  )(\d{4,7})(?![\w\-/])(?![.,]\d)")
# Four digits then a group of one to three: the start of a grouped number ("BE 8812 09", cin_forms).
_GROUP_GOES_ON = re.compile(r" \d{1,3}(?![\w\-/])")


# Short words that precede numbers ("en 1958", "le 12345") and so are never a lower-case CIN's letters.
_LOWER_WORDS = frozenset(
    "en le la de du au un et ou il on si ni ne se ce sa ma ta mn fi li a l n w f b o y".split()  # noqa: SIM905
)


# Round 12: right after the word ("ID a 80535", "CIN n° l 334509", "ⵜⴰⴽⴰⵕⴹⴰ w 827058", "sa carte c'est
# n 03231"), even a letter that is a short word is the card's.
_RIGHT_AFTER = 8


# Two-letter words before a number in the sets' chat and forms ("ha 45000" is "here is"), never read as
# a CIN's letters when no identity word is near.
_PAIRS_CHAT = "ha ya wa ra ok mr dr nb tu je me te vs us we he it my so up"
_PAIRS_UNITS = "to at on in of by is no nr km kg dh mn hh rb dl fl ml cm mm"
_LOWER_PAIRS = frozenset(f"{_PAIRS_CHAT} {_PAIRS_UNITS}".split())


def _bare_lower_cin(letters: str, spaced: str, digits: str) -> bool:
    """Round 12: with no identity word, two small letters then 5-6 digits ("3ndi bh-214578", "mouad 3endo
    bl 45789") when the letters are not a word and nothing but one space or dash parts them. Not in
    capitals: "BL-22871", "PO-77812", "CS-204471" are delivery notes, orders and tickets."""
    pair = letters.lower()
    return (
        len(letters) == 2
        and spaced in (" ", "-")
        and len(digits) in (5, 6)
        and pair not in _LOWER_WORDS
        and pair not in _LOWER_PAIRS
        and pair.upper() not in _SPACED_NOT_ID
    )


def _lower_id_ok(letters: str, spaced: str, digits: str, cin_gap: int | None, pass_gap: int | None) -> bool:
    """Lower case ("bj452187", OCR "k 389451") only next to an identity-card word, and not a word. A
    letter glued to its digits is no word before a number ("CIN b239250", "cin dyalk w312312")."""
    gaps = [g for g in (cin_gap, pass_gap) if g is not None]
    if not gaps:
        return _bare_lower_cin(letters, spaced, digits)
    if len(digits) < 5:
        return False
    return not spaced or letters.lower() not in _LOWER_WORDS or min(gaps) <= _RIGHT_AFTER


# Two capitals and a number that are not an identity card: P.O. box, postcode, registrations, flights…
_SPACED_NOT_ID = frozenset(
    "BP CP RC IF TP AT AF RN RR NR KM DH MM CM KG HT CA TVA PV SA ST NO OF TO IN ON AN AU LE DU ID".split()  # noqa: SIM905
)


def _spaced_cin_ok(letters: str, digits: str, spaced: str) -> bool:
    """ "BE 102458" in a table cell or a sentence with no label: two capitals, one space, 5-6 digits.
    Round 12: or seven, the passport's shape ("ok hak: TZ 6619042" after a visa form), which find_ids
    then weighs as a passport."""
    if letters.islower() and _bare_lower_cin(letters, spaced, digits):
        return True
    if spaced == " " and len(letters) == 1 and letters.isupper() and len(digits) == 6:
        return True
    return (
        spaced == " "
        and letters.isupper()
        and len(letters) == 2
        and len(digits) in (5, 6, 7)
        and (letters not in _SPACED_NOT_ID)
    )


def find_ids(text: str) -> list[Entity]:
    out = []
    for m in _ID.finditer(text):
        letters, spaced, digits = m.group(1), m.group(2), m.group(3)
        start, end = m.start(), m.end()
        if int(digits) == 0 or (len(digits) == 4 and _GROUP_GOES_ON.match(text, end)):
            continue
        if letters.upper() == "WW":
            continue  # round 12: the temporary plates' series ("le véhicule WW 418275"), find_plates's
        cin_gap = distance_to_context(text, start, end, T.MA_CIN)
        pass_gap = distance_to_context(text, start, end, T.MA_PASSPORT)
        if not letters.isupper() and not _lower_id_ok(letters, spaced, digits, cin_gap, pass_gap):
            continue
        if spaced and cin_gap is None and pass_gap is None and not _spaced_cin_ok(letters, digits, spaced):
            continue  # "A 1234", "BE-784512": a CIN only near a CIN label (OCR'd forms); else too common
        if cin_gap is None and pass_gap is None and negative_context(text, start, window=12):
            continue  # "Réf. AB123456": a catalogue or file reference
        n = len(digits)
        if cin_gap is not None and pass_gap is not None:
            # Both words around: the one written before the number names it ("بطاقته الوطنية رقم X وجواز
            # سفره رقم Y": X is the CIN).
            cin_before = distance_to_context(text, start, end, T.MA_CIN, after=False)
            pass_before = distance_to_context(text, start, end, T.MA_PASSPORT, after=False)
            if (cin_before is None) != (pass_before is None):
                cin_gap, pass_gap = cin_before, pass_before
        if pass_gap is not None and n >= 6 and (cin_gap is None or pass_gap < cin_gap or n == 7):
            out.append(Entity(start, end, T.MA_PASSPORT, 0.9))
        elif cin_gap is not None:
            out.append(Entity(start, end, T.MA_CIN, 0.9 if n <= 6 else 0.75))
        elif n == 7:
            out.append(Entity(start, end, T.MA_PASSPORT, 0.5))
        elif n >= 5:
            out.append(Entity(start, end, T.MA_CIN, 0.55 if len(letters) == 1 or n == 6 else 0.5))
        else:
            out.append(Entity(start, end, T.MA_CIN, 0.35))
    return out
