"""Spans the model and the rules take for a PERSON that no name can be (round 9, from wild11's and wild12's
false alarms), dropped at the end of :func:`siyada.privacy.people.find_all_people`:

- a span that *starts* with a word no name starts with: a negation or a verb of a court text or a chat
  ("لم يدل", "لم يحضر", "قال ليا"; round 11: "صيفط ليا", "عافاك", "من التحويل"), a court text's noun
  ("لفائدة الأبناء", "تعويضا قدره", "احترام شروط"),
  a greeting ("السلام الحاجة", "وعليكم السلام أولدي"), a Tifinagh function word ("ⵉⴳⴰ ⵜ ⵙ": is, "ⵏⵏⵙ":
  his, "ⵖ": in);
- a lone word that is a title, a role, a club or a language, not a name ("Lhaj", "الوكيل", "الرجاء",
  "Tamazight"; round 11: a form's label "الاسم", "النبي", the pronoun "هي"; round 12: a civil status,
  "mariée", a chat verb, "mazal", "سير"; a court text's "مستحقات", "نفقة" opening a span).
"""

from __future__ import annotations

from siyada.privacy.entities import Entity
from siyada.privacy.gazetteer import norm, words

_NEVER_FIRST = words(
    """لم لن قد قال قالت كان كانت لفائدة تعويضا تعويض احترام السلام وعليكم سلام الدين الصحيح
    صيفط عافاك عفاك إلا من مستحقات نفقة"""
) | frozenset("ⵉⴳⴰ ⵜⴳⴰ ⵏⵏⵙ ⵏⵏⵖ ⵏⵏⴽ ⵏⵏⵎ ⵏⵏⵓ ⵖ ⴷ ⵏ ⵙ ⵜ ⴰⵔ ⵓⵔ ⴰⴷ ⵉ".split())  # noqa: SIM905 (words() folds to ASCII)
_NEVER_ALONE = words(
    """lhaj lhajj l7aj l7ajj hajj haj lhaja hajja الوكيل الرجاء الوداد بالدعاء
    tamazight tamazigh darija tifinagh
    الاسم النبي هي إي
    mariée mariee célibataire celibataire divorcée divorcé veuve veuf mazal tal3 سير"""
)  # round 10: a language in a CV's list ("Languages: Arabic, French, Tamazight"); round 12: a civil
# status in a form ("45 ans, mariée, 3 enfants"), chat verbs alone ("mazal", "tal3", "سير": still, up, go)


def not_a_name(text: str, e: Entity) -> bool:
    """True when the span's first word, or the span as one word, is never a person's name."""
    value = text[e.start : e.end]
    first = value.split(" ", 1)[0]
    key = first if not first.isascii() else norm(first)
    if key in _NEVER_FIRST:
        return True
    return " " not in value and (value if not value.isascii() else norm(value)) in _NEVER_ALONE
