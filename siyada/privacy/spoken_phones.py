"""Phone numbers read aloud: voice-note transcripts spell them in words, in French, Darija (Arabic script
and Arabizi) and English, often mixed with digits ("zéro six, 61 23 40 17", "زيرو ستة، خمسة وستين…",
"zero sebta, sitta w tlatin, 14, 92, 05", "plus two one two, six sixty-one…").

A run of number words and digit groups is read into digits: a tens word then a unit word adds up
(French and English "vingt-deux", "sixty-one"), as does a unit, "w"/"و", then a tens word (Arabic order:
"خمسة وستين" is 65). The run is a phone number when its digits make a valid Moroccan number. One pass
over the words; runs are bounded by ``_MAX_WORDS``.
"""

from __future__ import annotations

import re

import phonenumbers

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity

_UNITS = {
    # French
    "zero": 0, "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16,
    # English
    "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    # Arabizi
    "sifr": 0, "wa7ed": 1, "wahed": 1, "jouj": 2, "jooj": 2, "tnin": 2, "tlata": 3, "tlate": 3,
    "rb3a": 4, "arb3a": 4, "arba3a": 4, "khamsa": 5, "5amsa": 5, "sitta": 6, "setta": 6, "stta": 6,
    "sita": 6, "sebaa": 7, "sb3a": 7,
    "seb3a": 7, "sab3a": 7, "sebta": 7, "tmanya": 8, "tmenya": 8, "tes3a": 9, "tis3a": 9, "3achra": 10,
    "7dach": 11, "hdach": 11, "tnach": 12, "tlatach": 13, "rb3tach": 14, "khmstach": 15, "settach": 16,
    "sb3tach": 17, "tmntach": 18, "tsa3tach": 19,
    # round 10: the short chat spellings ("zero sta, sb3in w tmnya", "zouj", "sba3tach")
    "sta": 6, "zouj": 2, "zoj": 2, "tmnya": 8, "tmenia": 8, "sba3tach": 17, "sb3atach": 17, "ts3tach": 19,
    "tmentach": 18,
    # round 12: more chat spellings ("tnayn tlata", "seta w sb3in", "tmnia w tmanin", "arba3tach", "tl3tach")
    "tnayn": 2, "tnayen": 2, "seta": 6, "tmnia": 8, "tmniya": 8, "wa7d": 1, "arba3tach": 14, "arb3tach": 14,
    "tl3tach": 13, "tlettach": 13, "khamstach": 15, "sbe3tach": 17, "tmantach": 18,
    # Arabic script (MSA and Darija)
    "صفر": 0, "زيرو": 0, "واحد": 1, "جوج": 2, "اثنين": 2, "اتنين": 2, "زوج": 2, "ثلاثة": 3, "تلاتة": 3,
    "تلاثة": 3, "أربعة": 4, "اربعة": 4, "ربعة": 4, "خمسة": 5, "ستة": 6,
    "سطة": 6, "ستا": 6, "سيس": 6, "سبعة": 7, "سيت": 7, "اثنا": 2, "ثمانية": 8,
    "تمنية": 8, "تمانية": 8, "تسعة": 9, "عشرة": 10, "حداش": 11, "طناش": 12, "تلطاش": 13, "ربعطاش": 14,
    "تنين": 2, "خمسطاش": 15, "سطاش": 16, "سبعطاش": 17, "تمنطاش": 18, "تسعطاش": 19,
    # round 12: the Darija teens written with ت ("اتناش، أربعة وتسعين")
    "اتناش": 12, "تناش": 12, "تلتاش": 13, "ربعتاش": 14, "خمستاش": 15, "ستاش": 16, "سبعتاش": 17,
    "تمنتاش": 18, "تسعتاش": 19,
}  # fmt: skip
_TENS = {
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "quatre-vingt": 80,
    "quatre-vingts": 80, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "3achrin": 20, "3ichrin": 20, "3echrin": 20,
    "tlatin": 30, "tlatine": 30, "rb3in": 40, "arb3in": 40, "arba3in": 40, "khamsin": 50, "5amsin": 50,
    "sittin": 60, "settin": 60, "sab3in": 70, "seb3in": 70, "tmanin": 80, "tmenin": 80, "tis3in": 90,
    "tes3in": 90, "tisa3in": 90, "sb3in": 70, "sba3in": 70, "tmnin": 80, "ts3in": 90,
    "khmsin": 50, "sttin": 60, "stin": 60, "tmanine": 80, "tletin": 30,
    "عشرين": 20, "ثلاثين": 30, "تلاتين": 30, "تلاثين": 30, "أربعين": 40, "اربعين": 40, "ربعين": 40,
    "خمسين": 50, "ستين": 60, "سبعين": 70, "ثمانين": 80, "تمانين": 80, "تسعين": 90,
}  # fmt: skip
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_TEEN = frozenset({"عشر"})  # "اثنا عشر": a unit then "عشر" is 10 + the unit
_JOIN = frozenset({"w", "u", "و", "et", "and"})  # round 12: "rb3a u tmanin"
_PLUS = frozenset({"plus", "بلوس"})
# What may sit between two pieces of one number: spaces, commas, dots, dashes, slashes.
_GAP = re.compile(r"[\s,.\u060c/-]{0,5}")
_MAX_WORDS = 24
_COMMA = re.compile(r"[,\u060c]")


def _value(word: str) -> tuple[str, int] | None:
    """("u", n) for a unit-like word, ("t", n) for a tens word, ("d", digits) for a digit group."""
    low = word.lower()
    if low.isdigit() and low.isascii():
        return ("d", int(low)) if len(low) <= 4 else None
    if low in _UNITS:
        return ("u", _UNITS[low])
    if low in _TENS:
        return ("t", _TENS[low])
    if "-" in low:  # "vingt-deux", "dix-huit", "sixty-one", "soixante-dix-huit", "quatre-vingt-douze"
        parts = [p for p in low.split("-") if p not in ("et", "and")]
        total = 0
        for k, part in enumerate(parts):
            if part in ("vingt", "vingts") and k and parts[k - 1] == "quatre":
                total += 80 - 4
            elif part in _TENS:
                total += _TENS[part]
            elif part in _UNITS:
                total += _UNITS[part]
            else:
                return None
        return ("u", total) if total < 100 else None
    return None


def _zero_then_unit(low: str) -> str | None:
    """ "oh-six", "zéro-six": the trunk zero and the next digit written as one word."""
    head, _, tail = low.partition("-")
    if tail and _UNITS.get(head) == 0 and _UNITS.get(tail, 10) < 10:
        return str(_UNITS[tail])
    return None


def _round_tens(piece: str) -> bool:
    # "soixante et un" (61), and in Darija "sb3in w wa7ed" (71), "tmanin w jouj" (82) as well.
    return len(piece) == 2 and piece[1] == "0" and piece[0] in "23456789"


def _pieces(text: str, start: int) -> tuple[list[str], list[int], int]:
    """Read number pieces from the word at `start`: their digit strings, where each ends, and where the
    first starts."""
    digits: list[str] = []
    ends: list[int] = []
    first = -1
    pending_join = False
    pos = start
    for _ in range(_MAX_WORDS):
        gap = _GAP.match(text, pos)
        m = _WORD.match(text, gap.end() if gap else pos) if digits or pos == start else None
        if m is None:
            break
        word = m.group()
        low = word.lower()
        if low in _JOIN and digits:
            pending_join, pos = True, m.end()
            continue
        if word.startswith("و") and word[1:] in _TENS and digits:
            word, pending_join = word[1:], True
        if low in _TEEN and not pending_join and digits and len(digits[-1]) == 1 and digits[-1] != "0":
            digits[-1], ends[-1], pos = f"1{digits[-1]}", m.end(), m.end()
            continue
        zero_unit = _zero_then_unit(low)
        if zero_unit is not None and not pending_join:
            digits += ["0", zero_unit]  # "oh-six": two digits in one hyphenated word (round 12)
            ends += [m.end(), m.end()]
            first = m.start() if first < 0 else first
            pos = m.end()
            continue
        value = _value(word)
        if value is None:
            break
        kind, n = value
        if kind == "t" and pending_join and digits and len(digits[-1]) == 1:
            digits[-1] = str(n + int(digits[-1]))  # "خمسة وستين": 5 + 60
            ends[-1] = m.end()
        elif kind == "u" and 0 < n < 10 and pending_join and digits and _round_tens(digits[-1]):
            digits[-1] = str(int(digits[-1]) + n)  # "soixante et un": 60 + 1
            ends[-1] = m.end()
        elif pending_join:
            break  # "… 45 78 et zéro cinq …": "et" ends this number
        elif kind == "d":
            digits.append(word)
            ends.append(m.end())
        else:
            digits.append(f"{n:02d}" if kind == "t" or n >= 10 else str(n))
            ends.append(m.end())
        first = m.start() if first < 0 else first
        pos, pending_join = m.end(), False
    return digits, ends, first


# Where a number read aloud may start: "zero", "zéro", "oh", "sifr", "plus", صفر, زيرو, بلوس or "0" as a
# word, or "05"-"08" (any case). Written first character first (its cases spelled out, the long "ſ" that
# IGNORECASE reads as "s" included): a pattern that opens on a lookbehind is tried at every position of
# every text, one that opens on a character class lets the regex engine skip to the next candidate (5 → 1
# µs a document). The lookbehind after that character tests the one before it, as the opening one did.
_START = re.compile(
    r"[zZoOsS\u017fpP0\u0635\u0632\u0628](?<!\w.)"
    r"(?:(?<=[zZ])(?i:ero|éro)(?!\w)|(?<=[oO])(?i:h)(?!\w)|(?<=[sS\u017f])(?i:ifr)(?!\w)|(?<=[pP])(?i:lus)(?!\w)"
    r"|(?<=\u0635)\u0641\u0631(?!\w)|(?<=\u0632)\u064a\u0631\u0648(?!\w)|(?<=\u0628)\u0644\u0648\u0633(?!\w)"
    r"|(?<=0)(?!\w)|(?<=0)[5-8]\b)"
)


_SHAPE = re.compile(r"0[5-8]\d{8}|\+212[5-8]\d{8}|00212[5-8]\d{8}")


def _phone_score(raw: str) -> float:
    if not _SHAPE.fullmatch(raw):
        return 0.0
    try:
        parsed = phonenumbers.parse(raw, "MA")
    except phonenumbers.NumberParseException:
        return 0.0
    if parsed.country_code != 212 or not phonenumbers.is_possible_number(parsed):
        return 0.0
    return 0.8 if phonenumbers.is_valid_number(parsed) else 0.65


# A mobile number read aloud whose pairs lost one digit ("zéro sept, douze cinq soixante-sept quatre-vingt-
# quatre": 9 digits) is still the number the speaker gave: a run of at least five number words, none a digit
# group, that starts with "zéro" and a mobile prefix and makes nine digits. No valid number has nine, so it
# scores just over the threshold.
_SHORT_SPOKEN = re.compile(r"0[5-7]\d{7}")
_SHORT_MIN_WORDS = 5
_SHORT_SCORE = 0.55


def _short_spoken(text: str, first: int, digits: list[str], ends: list[int]) -> Entity | None:
    raw = "".join(digits)
    if len(digits) < _SHORT_MIN_WORDS or not _SHORT_SPOKEN.fullmatch(raw):
        return None
    if any(w.isdigit() for w in _WORD.findall(text[first : ends[-1]])):
        return None
    return Entity(first, ends[-1], T.PHONE_NUMBER, _SHORT_SCORE)


_EXTRA_DIGITS = 2


def _one_more_group(text: str, digits: list[str], ends: list[int], k: int) -> int:
    """Where a dictated number ends: its valid first `k` pieces, and the one comma-set group of one or
    two digits that the speaker said last (round 12: "zero sitta sitta wa7ed, 45, 78, 12, 90", "0 6 6 1,
    2 8, 4 4, 9 0, 1 7"): the run is the number as given, a digit too many included."""
    last = ends[k - 1]
    rest = text[last : ends[-1]]
    extra = "".join(digits[k:])
    if not extra or len(extra) > _EXTRA_DIGITS or len(_COMMA.findall(rest)) != 1:
        return last
    return ends[-1] if _COMMA.match(rest.lstrip(" ")) else last


def find_spoken_phones(text: str) -> list[Entity]:
    out: list[Entity] = []
    read_to = 0  # each word is read by one run at most: work stays linear on "0 0 0 0 …"
    for m in _START.finditer(text):
        if m.start() < read_to:
            continue
        plus = m.group().lower() in _PLUS
        digits, ends, first = _pieces(text, m.end() if plus else m.start())
        read_to = ends[-1] if ends else m.end()
        # The longest run of pieces that makes a number: a sentence may go on with other numbers.
        for k in range(len(digits), 2, -1):
            last = ends[k - 1]
            plain = all(d.isdigit() for d in _WORD.findall(text[first:last]))
            if plain and not _COMMA.search(text, first, last):
                break  # plain digits are the pattern recogniser's, unless commas split them ("06، 52، 18…")
            score = _phone_score(("+" if plus else "") + "".join(digits[:k]))
            if score:
                last = _one_more_group(text, digits, ends, k)
                out.append(Entity(m.start() if plus else first, last, T.PHONE_NUMBER, score))
                read_to = last
                break
        else:
            if not plus and (short := _short_spoken(text, first, digits, ends)) is not None:
                out.append(short)
    return out
