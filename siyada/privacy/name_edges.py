"""A PERSON span's edges set right (round 9, from wild11's and wild12's boundary errors), applied at the end
of :func:`siyada.privacy.people.find_all_people`:

- a naming word or a rank taken in at the start is cut off ("سميتها سهام", "سميتو الغزواني", "OPJ Zakaria");
- a word no name ends with, taken in at the end, is cut off: what the chat says next ("يحيى الإيميل",
  "سفيان النمرة", "محمد أمين عيط", "بوبكر ولد سيدي من"), a court word ("حكيم المدعو");
- a capitalised particle right before the span is the name's own ("Ben Abdeslam Hafsa", "Ould Abdallah
  Mohamed Salem"), as is "آل" before a family name (round 11: "آل الفيلالي"), and a lower-case one after
  it with its word ("lahcen id bouhou").

Tried and dropped: an Arabic word no list holds after a known given name and before a comma or a full
stop read as the family name ("عبد الغني مفتاح،"): the sets put adjectives, verbs and roles there as often
("خديجة أعراب كاتبة،", "بوعزة كذوب،").
"""

from __future__ import annotations

import re

from siyada.privacy.entities import Entity
from siyada.privacy.gazetteer import norm, words

_LEADING = words(
    """سميتو سميتها سميتي سميته سميتك اسمو اسمها سمياتو smito smitha smiti smitek smiya opj adj cdt lt
    inspecteur inspectrice brigadier
    lalla lala للا لالة veuve ذ. ذة."""
)  # round 12: the guideline and every set since wild13 keep "Lalla" outside ("Lalla Ghita" | "Ghita")
_TRAILING = words(
    """الإيميل الايميل النمرة الرقم المدعو الملقب الحاجة من ف في عيط حضر قال قالت جا جات صيفط
    ديال ديالي ديالك كان كانت
    مازال مازالة مازالا البارح البارحة دابا باقي باقية راه راها عاد غدا اليوم ديجا mazal lbare7 daba f
    بنتهم بنتها بنتو بنته بنتي بنتك ولدهم ولدها ولدو ولده ولدي ولدك مراتو مرتو راجلها خوها خوه ختو ختها
    bentha bento benti bentek weldha weldo weldi weldek mrato rajlha khoha khtha khto
"""
)  # round 11: a Darija adverb after a lone name ("عمر مازال خدامة", "بشرى البارح ما قدرتش"); round 12:
# a kin word with its possessive says whose the person is ("سميرة بنتهم", "mouna bentha"), no name's end
# "ف"/"ب" + "ال" glued to a noun is "in/at the ..." ("سميتي فالبنك ايت بوعزة"); no name starts so.
_GLUED_PREPOSITION = re.compile(r"^[فب]ال[\u0621-\u064A]{2,}$")
_PARTICLES_BEFORE = words("ben bin ould ait id")
_PARTICLES_AFTER = words("id ait ben bin ould")  # not "ou": "moha ou itto" is two people
_WORD_BEFORE = re.compile(r"([^\W\d_]+) $")
_WORD_AFTER = re.compile(r" ([^\W\d_]+) ([^\W\d_]+)")


def _key(word: str) -> str:
    return norm(word) if word.isascii() else word


def _cut_start(text: str, start: int, end: int) -> int:
    space = text.find(" ", start, end)
    while space > 0 and (_key(text[start:space]) in _LEADING or _GLUED_PREPOSITION.match(text[start:space])):
        start = space + 1
        space = text.find(" ", start, end)
    return start


def _cut_end(text: str, start: int, end: int) -> int:
    space = text.rfind(" ", start, end)
    while space > start and _key(text[space + 1 : end]) in _TRAILING:
        end = space
        space = text.rfind(" ", start, end)
    return end


def _with_particles(text: str, start: int, end: int) -> tuple[int, int]:
    m = _WORD_BEFORE.search(text, max(0, start - 8), start)
    if m is not None and _key(m.group(1)) in _PARTICLES_BEFORE:
        word = m.group(1)
        if word[0].isupper():  # "Ben Abdeslam"; "ولد خديجة" names the mother, who is another person
            start = m.start(1)
    elif m is not None and m.group(1) == "آل":  # round 11: "آل الفيلالي", a family, is one span
        start = m.start(1)
    m = _WORD_AFTER.match(text, end)
    if m is not None and m.group(1) in _PARTICLES_AFTER and m.group(2).islower():
        end = m.end(2)  # "lahcen id bouhou": lower case, as chats write the whole name
    return start, end


def set_edges(text: str, e: Entity) -> Entity | None:
    """The span with its edges set right; None when nothing of it is left."""
    start = _cut_start(text, e.start, e.end)
    end = _cut_end(text, start, e.end)
    if end <= start:
        return None
    start, end = _with_particles(text, start, end)
    return e if (start, end) == (e.start, e.end) else Entity(start, end, e.type, e.score)
