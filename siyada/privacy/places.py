"""Places are not people: towns, streets, schools, hospitals, mosques and brands named after people.

``place_spans`` returns the spans of such names (`Avenue Mohammed V`, `Lycée Ibn Rochd`,
`مستشفى ابن سينا`, `Moulay Idriss Zerhoun`, `Sidi Bennour`); the analyzer drops a PERSON candidate that
overlaps one. A public figure named in running text ("Mohammed V a prononcé…") is not after a place word
and stays a name. Work is one regex pass per script plus a bounded look at the words after each cue.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from siyada.privacy.gazetteer import norm
from siyada.privacy.lead import lead
from siyada.privacy.name_lexicon import (
    EPONYMS_ARABIC,
    EPONYMS_LATIN,
    FAMILY_ALL_ARABIC,
    GIVEN_ALL_ARABIC,
    PLACE_CUES_ARABIC,
    PLACE_CUES_LATIN,
    PLACE_CUES_TIFINAGH,
    PLACE_TOWNS_ARABIC,
    PLACE_TOWNS_LATIN,
)
from siyada.privacy.tifinagh_names import skeleton, word_skeleton
from siyada.privacy.trie_regex import trie_pattern

_MAX_WORDS = 5  # the longest eponym ("Sidi Mohamed Ben Abdellah", "Omar Ibn Al Khattab") and a numeral

_UNACCENTED = ("Mausolee", "Hopital", "Universite", "Faculte", "Musee", "Bab")
_LATIN_CUES = sorted({*PLACE_CUES_LATIN, *_UNACCENTED}, key=len)
# Round 8: one adjective may come between ("la bibliothèque municipale Mohamed Sijelmassi").
_LATIN_CUE = re.compile(
    lead(_LATIN_CUES, fold_case=True)
    + r"(?<![\w])"
    + trie_pattern(reversed(_LATIN_CUES), fold_case=True)
    + r"(?![\w])[ ]+"
    r"(?:(?:municipale?|communale?|r[ée]gionale?|provinciale?|nationale?|publique|public|universitaire"
    r"|priv[ée]e?|sportif|culturel|islamique|militaire|hospitali[eè]re?|d['’]oncologie|internationale?)"
    r"[ ]+)?",
    re.IGNORECASE,
)
# Words inside a place's name that are not capitalised or are never a title's start.
_LATIN_INNER = frozenset({"ibn", "ibnou", "ben", "bin", "el", "al", "abi", "abou", "ou", "ait", "bnou", "d'"})
_TITLE_WORDS = frozenset({"m.", "mr", "mme", "mlle", "me", "dr", "pr", "monsieur", "madame", "maitre"})
_LATIN_WORD = re.compile(r"[^\W\d_][\w'’.-]*|[IVX]+\b")

# Round 8: an association, a lecture hall, a district or a province takes a person's name too ("جمعية ابن
# بطوطة", "بمدرج محمد عابد الجابري", "بمقاطعة يعقوب المنصور").
_AR_MORE_CUES = {"المستشفى", "مقبرة", "روض", "السبيطار", "سبيطار", "الكلينيك", "جماعة"} | {
    "جمعية", "مدرج", "مقاطعة", "إقليم", "عمالة"
} | {
    "المراكز", "المستشفيات", "المدارس", "الثانويات", "المساجد", "الشوارع", "الأحياء"  # a list follows
}  # fmt: skip
_AR_CUES = sorted({c.split()[0] for c in PLACE_CUES_ARABIC} | _AR_MORE_CUES, key=len)
# The cue, maybe an adjective ("المستشفى الجامعي") and Darija's "of" ("السبيطار ديال الحسن الثاني").
_AR_CUE = re.compile(
    lead(_AR_CUES, more="وبلفا")
    + r"(?<![\u0600-\u06FF])[وبلف]?(?:ال)?"  # round 8: with the article ("المدرسة ديال عمر بن عبد العزيز")
    + trie_pattern(reversed(_AR_CUES))
    + r"(?:[ ]+ال[\u0621-\u064A]+(?= )){0,2}(?:[ ]+(?:ديال|د))?[ ]+"  # an adjective, not a label ("المتخصص:")
)
_AR_NAME_WORDS = (
    frozenset(w for name in EPONYMS_ARABIC for w in name.split())
    | frozenset(p for w in GIVEN_ALL_ARABIC | FAMILY_ALL_ARABIC for p in w.split("_"))
    | {"مولاي", "سيدي", "للا", "لالة", "ابن", "بن", "أبي", "أبو", "عبد"}
    | {"الأول", "الثاني", "الخامس", "السادس"}
)
_AR_WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3]+")
_TOWNS = sorted(PLACE_TOWNS_LATIN, key=len, reverse=True)
_TOWN = re.compile(
    lead(_TOWNS, fold_case=True) + r"(?<![\w])" + trie_pattern(_TOWNS, fold_case=True) + r"(?![\w])",
    re.IGNORECASE,
)
# Arabic letters only at the edges: "،" and "؟" sit in the same Unicode block, and a town before a
# comma ("جماعة سيدي علال البحراوي،") was read as running on into a longer word.
_AR_LETTERS = r"\u0621-\u064A\u0671-\u06D3"
_TOWN_AR = re.compile(
    lead(PLACE_TOWNS_ARABIC, more="وبلف")
    + rf"(?<![{_AR_LETTERS}])[وبلف]?"
    + trie_pattern(sorted(PLACE_TOWNS_ARABIC, key=len, reverse=True))
    + rf"(?![{_AR_LETTERS}])"
)


def _name_end(text: str, pos: int, word: re.Pattern[str], takes: Callable[[str], bool], most: int) -> int:
    """End of the run of at most `most` space-separated words from pos that `takes` (0 words: pos)."""
    end, n = pos, 0
    while n < most:
        m = word.match(text, pos)
        if m is None or not takes(m.group()):
            break
        end, n = m.end(), n + 1
        pos = end + 1
        if text[end : end + 1] != " ":
            break
    return end


def _latin_name_word(word: str) -> bool:
    low = norm(word)
    return low not in _TITLE_WORDS and (word[0].isupper() or low in _LATIN_INNER)


def _latin_after(text: str, pos: int) -> int:
    """End of the capitalised name that starts at pos (0 words: pos itself)."""
    return _name_end(text, pos, _LATIN_WORD, _latin_name_word, _MAX_WORDS)


_AR_JOINED = frozenset(w for name in EPONYMS_ARABIC for w in name.split())


def _arabic_after(text: str, pos: int) -> int:
    end = _name_end(text, pos, _AR_WORD, _AR_NAME_WORDS.__contains__, _MAX_WORDS - 1)
    # "ابن رشد وابن سينا والحسن الثاني": a list of eponyms joined by "و" after one place word.
    n = 0
    while n < _MAX_LIST and end > pos and text.startswith(" و", end):
        if _word_at(text, end + 2) not in _AR_JOINED:
            break
        more = _name_end(text, end + 2, _AR_WORD, _AR_NAME_WORDS.__contains__, _MAX_WORDS - 1)
        if more <= end + 2:
            break
        end, n = more, n + 1
    return end


def _word_at(text: str, pos: int) -> str:
    m = _AR_WORD.match(text, pos)
    return m.group() if m else ""


# Every town of the list holds one of these words: a text without any skips the long alternation.
_HINTS = "sidi|moulay|ben|beni|benslimane|ait|ain|lalla|had|bin|oulad|aït|talat|akka"
_TOWN_HINT = re.compile(
    lead(_HINTS.split("|"), fold_case=True) + r"(?<![\w])(?:" + _HINTS + r")(?![\w])", re.IGNORECASE
)
_ARABIC = re.compile(r"[\u0600-\u06ff]")


# English puts the place word after the name: "Mohammed V International Airport", "Mohammed VI
# Polytechnic University", "Ibn Battuta Mall".
_EPONYMS = sorted({*EPONYMS_LATIN, "Mohammed VI", "Ibn Battuta"}, key=len, reverse=True)
# Round 8: a trophy and a mausoleum ("the Moulay Rachid Cup", "the Moulay Ismail Mausoleum"), and more.
_EN_MORE = "Cup|Trophy|Mausoleum|Library|Museum|Theatre|Theater|Park|Gardens?|Tower|Gate|Bridge|Market"
_EN_PLACE = re.compile(
    r"(?<![\w])(" + "|".join(map(re.escape, _EPONYMS)) + r")(?: [A-Z][a-z]+){0,2} (?:University|Airport|Mall"
    r"|Hospital|Street|Avenue|Boulevard|Mosque|Stadium|School|Foundation|Square|boulevard|avenue|street|airport"
    r"|" + _EN_MORE + r")(?![\w])"
)


_EN_HINT = re.compile(
    r"(?:University|Airport|Mall|Hospital|Street|Avenue|Boulevard|Mosque|Stadium|School|Foundation|Square"
    r"|boulevard|avenue|street|airport|" + _EN_MORE + r")(?![\w])"
)


# Tifinagh: a place word, maybe "ⵏ" (of) or a colon, then the eponym ("ⵜⴰⵙⵏⴰⵡⵉⵜ ⵎⵓⵍⴰⵢ ⵢⵓⵙⴼ",
# "ⵜⴰⵎⴷⵉⵏⵜ ⵏ ⵎⵓⵍⴰⵢ ⵉⴷⵔⵉⵙ ⵣⵔⵀⵓⵏ"); the eponym's words are compared by consonant skeleton, as names are.
_TF_CUE = re.compile(r"(?<![\u2d30-\u2d7f])(?:" + "|".join(PLACE_CUES_TIFINAGH) + r")(?: ⵏ)?:? +")
_TF_WORD = re.compile(r"[\u2d30-\u2d7f]+")
# Every Tifinagh place word holds a Tifinagh letter: a text with none (most) skips the cues' scan.
_TF_CUES_TIFINAGH = all(_TF_WORD.search(c) for c in PLACE_CUES_TIFINAGH)
_TF_EPONYM = frozenset(
    skeleton(w.lower().replace("o", "u"))
    for name in (*EPONYMS_LATIN, *PLACE_TOWNS_LATIN)
    for w in name.split()
    if len(skeleton(w.lower().replace("o", "u"))) >= 2 and not re.fullmatch(r"[IVX]+", w)
)


def _tifinagh_after(text: str, pos: int) -> int:
    """End of the eponym after a Tifinagh place word; one unknown word may come first ("ⵍⵎⵓⵍⵜⵉ ⵎⵓⵍⴰⵢ")."""
    end, n, skipped = pos, 0, False
    while n < _MAX_WORDS:
        m = _TF_WORD.match(text, pos)
        if m is None:
            break
        if word_skeleton(m.group()) not in _TF_EPONYM:
            if n or skipped:
                break
            skipped = True
        else:
            end = m.end()
        n += 1
        pos = m.end() + 1
        if text[m.end() : m.end() + 1] != " ":
            break
    return end


def _town_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _TOWN.finditer(text)] if _TOWN_HINT.search(text) else []
    if _ARABIC.search(text):
        spans += [(m.start(), m.end()) for m in _TOWN_AR.finditer(text)]
    return spans


def place_spans(text: str, towns: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """`towns`: the text's `_town_spans`, when the caller has them already."""
    spans = [(m.start(1), m.end(1)) for m in _EN_PLACE.finditer(text)] if _EN_HINT.search(text) else []
    spans += _town_spans(text) if towns is None else towns
    if _ARABIC.search(text):
        for m in _AR_CUE.finditer(text):
            # The place word itself is in the span: a name is never read across it ("مسجد الإمام").
            end = _arabic_after(text, m.end())
            spans.append((m.start(), max(end, m.end() - 1)))
    for m in _TF_CUE.finditer(text) if _TF_WORD.search(text) or not _TF_CUES_TIFINAGH else ():
        end = _tifinagh_after(text, m.end())
        if end > m.end():
            spans.append((m.end(), end))
    for m in _LATIN_CUE.finditer(text):
        end = _latin_after(text, m.end())
        if end > m.end():
            spans.append((m.end(), end))
            # A plural place word names a list: "les lycées Lalla Aicha, Lalla Nezha et Moulay Driss".
            n = 0
            while m.group().rstrip().lower().endswith(("s", "x")) and n < _MAX_LIST:
                more = _LIST_JOIN.match(text, end)
                after = _latin_after(text, more.end()) if more else end
                if more is None or after <= more.end():
                    break
                spans.append((more.end(), after))
                end, n = after, n + 1
    return spans


_LIST_JOIN = re.compile(r",? (?:et |and |w |ou )?|, ")
_MAX_LIST = 8


_CHAIN_TOWN = re.compile(r"(?:بن|ولد|ben|ould) ", re.IGNORECASE)


def outside_places(text: str, people: list, spans: list[tuple[int, int]] | None = None) -> list:
    """The PERSON candidates that overlap no place name (no candidate: no place to look for)."""
    if not people:
        return people
    towns = _town_spans(text)  # read once: for the places, then for the names they end
    spans = place_spans(text, towns) if spans is None else spans
    if not spans:
        return people
    covered = bytearray(len(text) + 1)
    for s, e in spans:
        covered[s:e] = b"\x01" * (e - s)
    # Many family names are towns too ("Tariq Benslimane", "Samir Settati"): a town that ends a name
    # begun by other words is that name's family name; a town alone ("Sidi Bennour") is a place.
    town_at = {e: s for s, e in towns}
    town_from = {s: e for s, e in towns}

    def in_chain(hit: int, stop: int) -> bool:
        """Round 10: a town named "son of X" ("بن أحمد", Ben Ahmed) inside a patronymic chain ("عزيز بن
        أحمد الفيلالي") is the father's name, when nothing else of the name is a place."""
        end = town_from.get(hit)
        return end is not None and _CHAIN_TOWN.match(text, hit) is not None and covered.find(1, end, stop) < 0

    return [
        p
        for p in people
        if (hit := covered.find(1, p.start, p.end)) < 0
        or (hit > p.start and (town_at.get(p.end) == hit or in_chain(hit, p.end)))
    ]
