"""PERSON in Tifinagh script.

A Tifinagh word is read through its IRCAM transcription and compared with the Latin gazetteer by its
consonant skeleton, because Tifinagh spells few vowels (ⵜⵓⴷⵔⵜ is "tudrt" for Tudert, ⵉⵣⵎ "izm" for
Izem). After a naming cue (ⵉⵙⵎ "name", ⵉⵙⵎ ⵉⵏⵓ "my name", the vocative ⴰ) the next words are a name
whatever the gazetteer says, up to punctuation.
"""

from __future__ import annotations

import re

from siyada.lang.tifinagh import to_latin
from siyada.privacy import entities as T
from siyada.privacy.entities import Entity
from siyada.privacy.gazetteer import FAMILY_LATIN, GIVEN_LATIN, word_cache

_TOKEN = re.compile(r"[\u2D30-\u2D7F]+")
_PLAIN = str.maketrans(
    {"ɣ": "gh", "ḥ": "h", "ɛ": "a", "x": "kh", "c": "ch", "ḍ": "d", "ṭ": "t", "ṣ": "s", "ẓ": "z", "ṛ": "r"}
)
_VOWELS = re.compile(r"[aeiouʷ]")
# Names that are also everyday Tamazight words (amaziɣ, tafat "light", tilelli "freedom", tudert
# "life"): only a cue makes them names.
_WORDS = frozenset({"amazigh", "tamazight", "tafat", "tilelli", "illi", "aya", "tala", "anzar", "tudert"})
# ayt, u "son of", ult "daughter of", wis "the nth" (ⵎⵓⵃⵎⵎⴷ ⵡⵉⵙ ⵚⴹⵉⵚ, Mohammed VI)
_PARTICLES = frozenset({"ⴰⵢⵜ", "ⵓ", "ⵓⵍⵜ", "ⵓⵍⴷ", "ⵡⵉⵙ"})
# Titles and roles (doctor, poet, prince, teacher; masculine and feminine): the next word is a name.
_TITLES = ("ⴰⵙⴳⵏⴰⴼ", "ⵜⴰⵙⴳⵏⴰⴼⵜ", "ⴰⵎⴷⵢⴰⵣ", "ⵜⴰⵎⴷⵢⴰⵣⵜ", "ⴰⴳⵍⴷⵓⵏ", "ⵜⴰⴳⵍⴷⵓⵏⵜ", "ⴰⵙⵍⵎⴰⴷ", "ⵜⴰⵙⵍⵎⴰⴷⵜ")
# "u" glued to a father's name makes a family name (ⵎⴱⴰⵔⴽ ⵓⵍⴰⵀⴰ, "Mbark Oulaha"); short ⵓ-words
# (ⵓⵔ "not") are left out.
_GLUED_SON_OF, _GLUED_MIN = "ⵓ", 4
_TITLED = 0.85
_CUES = ("ⵉⵙⵎ ⵉⵏⵓ", "ⵉⵙⵎ ⵏⵏⵙ", "ⵉⵙⵎ")  # "my name", "his/her name", "name": any words after them
_CUE_WORDS = frozenset({"ⵉⵏⵓ", "ⵏⵏⵙ"})
_OF = "ⵏ"  # "ⵉⵙⵎ ⵏ ⵓⵎⵥⵢⴰⵏ ⵏⵏⵙ": "the name of her little one", whose name comes after
_COLON = re.compile(r" ?:")
_BEFORE_SPEECH = frozenset({" ⵉ ", " ⴷ ", " ⵏ ", " ⵙ "})  # to, and, of, with: a name is next
_VOCATIVE = "ⴰ"  # "ⴰⵣⵓⵍ ⴰ Tiziri": only a known name after it, however short
# Round 9: kin words and forms of address read like the vocative ("ⴷⴰⴷⴰ ⵄⵍⵉ", "ⴱⴰⴱⴰ ⵎⵓⵃⴰ"): a known name.
_KIN = ("ⴷⴰⴷⴰ", "ⴱⴰⴱⴰ", "ⵉⵎⵎⵉ", "ⵢⵉⵎⵎⴰ", "ⵎⴰⵎⴰ", "ⵍⴰⵍⵍⴰ", "ⵅⴰⵍⵉ", "ⵄⵎⵎⵉ", "ⵉⵎⵎⴰ")


def skeleton(latin: str) -> str:
    """Consonants only, doubled letters once: "Tudert" and ⵜⵓⴷⵔⵜ both give "tdrt"."""
    plain = _VOWELS.sub("", latin.lower().translate(_PLAIN))
    return _DOUBLED.sub(r"\1", plain)


_DOUBLED = re.compile(r"(.)\1+")


@word_cache(maxsize=65536)
def word_skeleton(word: str) -> str:
    """A Tifinagh word's skeleton (of its Latin reading), cached: a text repeats its words."""
    return skeleton(to_latin(word))


_GIVEN = {skeleton(n) for n in GIVEN_LATIN if n not in _WORDS}
_FAMILY = {skeleton(n) for n in FAMILY_LATIN if n not in _WORDS}


def _surname(word: str) -> bool:
    """A family name's skeleton; two consonants are too few (ⵉⵙⵙⵓⴷⵓ "he led" reads as Saad)."""
    key = word_skeleton(word)
    return len(key) >= 3 and key in _FAMILY


def _glued_surname(word: str) -> bool:
    return word.startswith(_GLUED_SON_OF) and len(word) >= _GLUED_MIN


def _after(*cues: str) -> re.Pattern[str]:
    """Matches a cue (longest first) and the space after it; a match's end is where a name starts."""
    alts = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(r"(?<![\u2D30-\u2D7F])(?:" + alts + r")\s*:?\s+")


_AFTER_CUE, _AFTER_VOCATIVE, _AFTER_TITLE = _after(*_CUES), _after(_VOCATIVE, *_KIN), _after(*_TITLES)
# Round 12: "ⵉⵏⵏⴰ X ⵉ …" (X said to …): the word between the speech verb and "to" is the speaker, read as
# after a vocative (a listed name of two consonants counts: ⵉⴷⵉⵔ), where ⵉⴷⵉⵔ alone is also "alive".
_SPEAKER = re.compile(r"(?<![\u2D30-\u2D7F])(?:ⵉⵏⵏⴰ|ⵜⵏⵏⴰ) ([\u2D30-\u2D7F]+) ⵉ ")
# Round 10: a greeting or thanks, the vocative and maybe a kin word ("ⴰⵣⵓⵍ ⴰ ⵓⵍⵜⵎⴰ X", "ⵙⵍⴰⵎ ⴰ X", "ⵜⴰⵏⵎⵎⵉⵔⵜ
# ⴰ ⵎⵙ X": hello / thanks, my sister, my son): the one word after them is the person's name, listed or
# not; the kin word is not part of it.
_GREETINGS = ("ⴰⵣⵓⵍ", "ⵙⵍⴰⵎ", "ⵜⴰⵏⵎⵎⵉⵔⵜ", "ⴰⵏⵙⵓⴼ")
_KIN_CALLED = ("ⵓⵍⵜⵎⴰ", "ⵓⵍⵎⴰ", "ⴳⵎⴰ", "ⵎⵎⵉ", "ⵉⵍⵍⵉ", "ⵎⵙ", "ⵓⵍⵜ", "ⴰⵎⴷⴷⴰⴽⴽⵯⵍ", "ⵜⴰⵎⴷⴷⴰⴽⴽⵯⵍⵜ", *_KIN)
_GREETED = re.compile(
    r"(?<![\u2D30-\u2D7F])(?:" + "|".join(_GREETINGS) + r") ⴰ (?:(?:" + "|".join(_KIN_CALLED) + r") )?"
    r"([\u2D30-\u2D7F]{3,})(?![\u2D30-\u2D7F])(?! ⴰ )"
)
_GREETED_SCORE = 0.6
# A group addressed ("ⴰⵣⵓⵍ ⴰ ⵢⵉⵎⴷⴷⵓⴽⴰⵍ", hello friends; brothers, sisters, all): no one's name.
_GROUPS = frozenset(
    "ⵢⵉⵎⴷⴷⵓⴽⴰⵍ ⵉⵎⴷⴷⵓⴽⴰⵍ ⵜⵉⵎⴷⴷⵓⴽⴰⵍ ⴰⵢⵜⵎⴰ ⵉⵙⵜⵎⴰ ⴰⵢⵜⵎⴰⵜⵏ ⴰⵢⵜⵎⴰⵜⵉ ⵉⵎⴷⵓⴽⴰⵍ ⵎⴰⵕⵕⴰ ⵎⴰⵔⵔⴰ ⵉⵎⵣⴰⵔⵏ ⵉⵎⵖⴰⵔⵏ "  # noqa: SIM905
    "ⵉⵍⵎⵎⴰⴷⵏ ⵉⵏⵍⵎⴰⴷⵏ ⵉⵎⵙⵍⵎⴷⵏ ⵜⵉⵏⵍⵎⴰⴷⵉⵏ ⵉⵎⴰⵣⵉⵖⵏ ⵉⵎⵓⴷⴷⴰ".split()
)


# Round 12: a kin word that names the one it precedes ("ⵓⵍⵜⵎⴰⵙ ⵜⴰⵙⴰ", his sister Tasa; "ⵉ ⵎⴰⵎⵎⴰ ⵉⵟⵟⵓ"): the
# next word is a name, listed or not, unless it is a pronoun or a preposition ("ⵓⵍⵜⵎⴰ ⵏⵏⵙ"), a noun in the
# construct state (ⵓ-: "ⵉⵍⵍⵉ ⵓⵙⴽⴰⵔ") or a verb's shape (ⵜ/ⵉ/ⵢ and a consonant: "ⵉⵎⵎⴰ ⵜⴻⵜⵜⵔ"), which
# only a listed name may have (ⵉⵟⵟⵓ).
_KIN_NAMING = ("ⵓⵍⵜⵎⴰⵙ", "ⴳⵎⴰⵙ", "ⵎⴰⵎⵎⴰ", "ⵎⵎⵉⵙ", "ⵉⵍⵍⵉⵙ", "ⵜⴰⵎⵖⴰⵔⵜ", *_KIN_CALLED)
_KIN_NAMED = re.compile(
    r"(?<![\u2D30-\u2D7F])(?:" + "|".join(sorted(_KIN_NAMING, key=len, reverse=True)) + r") "
    r"([\u2D30-\u2D7F]{3,})(?![\u2D30-\u2D7F])"
)
_NOT_AFTER_KIN = frozenset(
    "ⵏⵏⵙ ⵏⵏⴽ ⵏⵏⵎ ⵏⵏⵖ ⵏⵏⵓⵏ ⵏⵏⵓⵏⵜ ⵏⵏⵙⵏ ⵏⵏⵙⵏⵜ ⵉⵏⵓ ⵏⵓ ⵏⵏⵉ ⵏⵏⴰ ⵡⴰⵍⵓ ⵉⵙⵎ ⵓⵔ ⵖⵔ ⵅⴼ ⵙⴳ ⴷⴳ ⵎⴰⵛⴰ ⴰⵎⴰ ⵓⵍⴰ ⵉⵙ "  # noqa: SIM905
    "ⵎⴰⵏⵉ ⵎⴰⵏ ⵎⴰⵢ ⵎⴰⵜ ⴽⵓⵍⵍⵓ ⴰⴽⴽⵯ ⴰⵙⵙⴰ ⴰⵙⴽⴽⴰ ⴷⵖⵉ ⵖⴰⵙ ⴰⵙⵙ ⴰⵎⵥⵢⴰⵏ ⵜⴰⵎⵥⵥⵢⴰⵏⵜ ⵜⴰⵇⴷⵉⵎⵜ ⵜⴰⵎⴰⵣⵉⵖⵜ".split()
)
_VOWEL_LETTERS = frozenset("ⴰⵉⵓ")


def _named_by_kin(word: str) -> bool:
    if word in _NOT_AFTER_KIN or word in _KIN_NAMING or word in _PARTICLES or word in _GROUPS:
        return False
    if word[0] == "ⵓ" or (word[0] in "ⵜⵉⵢ" and word[1] not in _VOWEL_LETTERS):
        return word_skeleton(word) in _GIVEN
    return True


def _greeted(text: str, found: list[Entity]) -> list[Entity]:
    """`found` with the greeted names and those a kin word names added; a weaker reading of the same
    word (a listed name alone, 0.45) is raised to the greeting's score."""
    out = list(found)
    named = [m for m in _GREETED.finditer(text) if m.group(1) not in _KIN_CALLED]
    named += [m for m in _KIN_NAMED.finditer(text) if _named_by_kin(m.group(1))]
    for m in named:
        word = m.group(1)
        if word in _PARTICLES or word in _CUE_WORDS or word in _GROUPS:
            continue
        start, end = m.start(1), m.end(1)
        same = [k for k, e in enumerate(out) if (e.start, e.end) == (start, end) and e.score < _GREETED_SCORE]
        for k in same:
            out[k] = Entity(start, end, T.PERSON, _GREETED_SCORE)
        if not same and not any(e.start < end and start < e.end for e in out):
            out.append(Entity(start, end, T.PERSON, _GREETED_SCORE))
    return out


def is_label(text: str, end: int) -> bool:
    """A Tifinagh word right before a colon is a record's field name (ⵜⴰⵏⵉⵍⴰ:, ⴰⵙⵉⵏⴰⵏ:), not a name;
    unless a preposition comes before it ("ⵜⵏⵏⴰ ⵉ ⵎⵓⵃⴰ:", "she said to Muha:")."""
    if end == 0 or _TOKEN.match(text, end - 1) is None or _COLON.match(text, end) is None:
        return False
    start = end
    while start > 0 and _TOKEN.match(text, start - 1) is not None:
        start -= 1
    return text[max(0, start - 3) : start] not in _BEFORE_SPEECH


def find_tifinagh_people(text: str) -> list[Entity]:
    if _TOKEN.search(text) is None:
        return []
    tokens = list(_TOKEN.finditer(text))
    cued = {m.end() for m in _AFTER_CUE.finditer(text)}
    called = {m.end() for m in _AFTER_VOCATIVE.finditer(text)} | {m.start(1) for m in _SPEAKER.finditer(text)}
    titled = {m.end() for m in _AFTER_TITLE.finditer(text)}
    out, i = [], 0
    while i < len(tokens):
        tok = tokens[i]
        key = word_skeleton(tok.group())
        is_cued = tok.start() in cued and tok.group() not in _PARTICLES and tok.group() not in _CUE_WORDS
        is_cued = is_cued and tok.group() != _OF
        if is_label(text, tok.end()):
            i += 1
            continue
        known = key in _GIVEN and (len(key) >= 3 or (tok.start() in called and len(key) >= 2))
        known = known and tok.group() not in _KIN_CALLED  # "ⵜⴰⵏⵎⵎⵉⵔⵜ ⴰ ⵎⵙ X": "my son", then the name
        known = known or (tok.start() in titled and tok.group() not in _PARTICLES and len(key) >= 2)
        if not (is_cued or known):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and text[tokens[j - 1].end() : tokens[j].start()] == " ":
            word = tokens[j].group()
            if word in _CUE_WORDS or word == _OF or is_label(text, tokens[j].end()):
                break
            if word in _PARTICLES and j + 1 < len(tokens):
                j += 2
            elif (is_cued and j - i < 3) or _surname(word) or _glued_surname(word):
                j += 1
            else:
                break
        # Alone and uncued, a skeleton match is too weak (ⴰⴷⴷⵔⵙ "address" has Driss's consonants).
        score = 0.7 if is_cued or j > i + 1 or tok.start() in called else 0.45
        if tok.start() in titled:
            score = _TITLED  # the model, which sees few Tifinagh titles, does not overrule it
        out.append(Entity(tok.start(), tokens[j - 1].end(), T.PERSON, score))
        i = j
    return _greeted(text, out)
