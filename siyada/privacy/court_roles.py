"""A court or police text's role word before a known given name (round 10): "المتهم رضى الملقب…",
"الطاعن ياسين يعيب…", "الشاهدة السعدية صرحت…". The role word stays outside, as the labelled sets keep it;
the name is the one listed given name after it ("عبد" + a word as one), and the family name, when one
follows, is added by :func:`siyada.privacy.people.find_all_people`'s own passes or the model's reading."""

from __future__ import annotations

import re

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity
from siyada.privacy.lead import lead
from siyada.privacy.name_features import _gazetteer
from siyada.privacy.trie_regex import trie_pattern

ROLE_SCORE = 0.7
_ROLES = (
    "المتهم", "المتهمة", "المشتكي", "المشتكية", "الطاعن", "الطاعنة", "المدعي", "المدعية", "المدعى عليه",
    "المدعى عليها", "الشاهد", "الشاهدة", "الضحية", "المشتبه فيه", "المشتبه فيها", "المسمى", "المسماة",
    "المطلوب", "المطلوبة", "الأجير", "الأجيرة", "الهالك", "الهالكة", "الموظف", "الموظفة", "السائق",
)  # fmt: skip
# The role, maybe after "و", "ل", "ف" ("وللمتهم" is rare; "والمتهم", "للمشتكي"), then one or two words.
_AFTER_ROLE = re.compile(
    lead(_ROLES, more="وفل")
    + r"(?<![\u0621-\u064A])(?:و|ف)?(?:ل)?"
    + trie_pattern(_ROLES)
    + r" ((?:عبد )?[\u0621-\u064A]{2,})(?![\u0621-\u064A])"
)


def find_after_court_roles(text: str) -> list[Entity]:
    out = []
    for m in _AFTER_ROLE.finditer(text):
        name = m.group(1)
        if "g" in _gazetteer(name.split(" ")[-1], "ar"):  # "عبد الرحيم": the lists flag its second word
            out.append(Entity(m.start(1), m.end(1), T.PERSON, ROLE_SCORE))
    return out
