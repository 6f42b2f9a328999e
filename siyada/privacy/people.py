"""PERSON: the rules and the learned model combined, places named after people taken out.

The model (:mod:`siyada.privacy.name_model`) speaks where its probability reaches ``MODEL_MIN``:

- it adds the names the rules miss;
- where it reads a rule's span differently (other boundaries, or two names where the rule saw one:
  "فاطمة الزهراء صيفطي", "chaima sme3"), its spans replace the rule's; a sure rule (a known given +
  family name, score ``RULE_SURE``) gives way only to a near-certain model (``REPLACE_SURE``): "هند
  بدلات" read by the rules as given + family name is "هند" and a verb.

A model span's score is its probability mapped onto the rules' scale, ``MODEL_SCORE`` at the threshold
up to 0.85 at certainty. Measured on the second wild set with a model trained without it: adding only
gives PERSON F1 0.815, replacing weaker rules 0.821 (0.878 and 0.895 on the third blind set); letting
a near-certain model replace sure rules too raised the held-out first wild set from 0.854 to 0.866.
"""

from __future__ import annotations

import re

from siyada.privacy import entities as T
from siyada.privacy.called_names import find_called_names
from siyada.privacy.chat_names import find_chat_names
from siyada.privacy.contact_names import find_contact_names
from siyada.privacy.court_roles import find_after_court_roles
from siyada.privacy.entities import Entity
from siyada.privacy.gazetteer import norm, words
from siyada.privacy.name_combined import find_people_learned
from siyada.privacy.name_edges import set_edges
from siyada.privacy.name_features import _gazetteer
from siyada.privacy.name_lexicon import AFTER_NAME_ARABIC, TRADES_ARABIC
from siyada.privacy.names import find_people
from siyada.privacy.not_names import not_a_name
from siyada.privacy.places import outside_places
from siyada.privacy.public_figures import find_public_figures
from siyada.privacy.tables import name_cells
from siyada.privacy.tifinagh_names import is_label
from siyada.privacy.trie_regex import trie_pattern

MODEL_MIN = 0.8
MODEL_SCORE = 0.55
RULE_SURE = 0.85
REPLACE_SURE = 0.99
TABLE_NAME_SCORE = 0.85


def _calibrated(p: float) -> float:
    return round(MODEL_SCORE + (0.85 - MODEL_SCORE) * (p - MODEL_MIN) / (1 - MODEL_MIN), 3)


# A title the model took in ("M. Alaoui", "Mr. Amrani's"), or an English possessive: not the name.
_LEAD = re.compile(r"^(?:(?:M|Mr|Mrs|Ms|Mme|Mlle|Dr|Pr|Prof|Me)\.?|it's|c'est|l'avocat)\s+", re.IGNORECASE)
_TAIL = re.compile(r"['’]s$")


# Function words the model may take for a lone name at a sentence's start: never names alone.
_NEVER_ALONE = words(
    """il elle ils elles je tu on nous vous le la les un une des ce cette ces mon ma mes son sa ses the
    he she we they you it this that my his her our and et ou mais donc ana nta nti howa hiya hna
    rah raha wach hadi hada"""
)


# Round 8: titles and a court text's words the model may read as a lone name ("للإدلاء بها عند الحاجة":
# when needed; "لفائدة المدعية مبلغ"): titles stay outside names, so alone they are none.
_NEVER_ALONE_ARABIC = frozenset(
    """الحاج الحاجة الشيخ الفقيه السيد السيدة أم أب المالك المالكة مبلغ لفائدة المدعي المدعية
    المدير المديرة""".split()  # noqa: SIM905
)
# A dot or a bracket the model took in at a span's edge ("Dr. Lamrani" read as ". Lamrani").
_EDGE = re.compile(r"^[^\w]+")


def _trimmed(text: str, e: Entity) -> Entity | None:
    value = text[e.start : e.end]
    if norm(value) in _NEVER_ALONE or value in _NEVER_ALONE_ARABIC:
        return None
    start, end = e.start, e.end
    if (m := _EDGE.match(value)) is not None:
        start += m.end()
        value = value[m.end() :]
    if (m := _LEAD.match(value)) is not None:
        start += m.end()
    if (m := _TAIL.search(value)) is not None:
        end -= len(m.group())
    return Entity(start, end, e.type, e.score) if end > start else None


# A name never ends on a link or an honorific ("ماء العينين ولد سيدي" | "أحمد"): the next word is the
# name's, the model having stopped at the word its lists lack. Nor does "ولد"/"بنت" + a common noun
# with the article make a patronymic: "ياسر ولد الجيران" is Yassir, the neighbours' son.
_LINKS = words(
    """ولد بنت بن ابن منت سيدي مولاي عبد أيت آيت ايت أبو
    ould mint ben bin sidi moulay ait abd abdel"""
)
_AR_KIN = ("ولد", "بنت")
_WORD = re.compile(r"[^\W\d_]+")
# Only titles and words for neighbours and places: a Sahrawi family name has the article too ("سيدي محمد
# ولد الراظي" is one man).
_NOT_A_FATHER = words(
    """الحاج الحاجة الشريف الفقيه الجيران الجيرة الحومة الدرب الدوار الجارة الجار البلاد
    الناس الخير"""
)


def _completed(text: str, e: Entity) -> Entity:
    start, end = e.start, e.end
    for _ in range(2):
        last = text[text.rfind(" ", start, end) + 1 : end]
        if not last or text[end : end + 1] != " " or (norm(last) if last.isascii() else last) not in _LINKS:
            break
        m = _WORD.match(text, end + 1)
        if m is None or (m.group()[0].isascii() != last[0].isascii()):
            break
        end = m.end()
    value = text[start:end].split(" ")
    if len(value) == 1:
        return e if end == e.end else Entity(start, end, e.type, e.score)
    if value[-2] not in _LINKS and _not_a_name_end(value[-1]):
        end = start + len(" ".join(value[:-1]))
        value = value[:-1]
    for k in range(1, len(value) - 1):
        after = value[k + 1]
        if value[k] in _AR_KIN and after in _NOT_A_FATHER:
            end = start + len(" ".join(value[:k]))
            break
    return e if (start, end) == (e.start, e.end) else Entity(start, end, e.type, e.score)


# A woman's name after "ولد"/"بنت" is the mother's: "مروان ولد سعاد" is two people (a patronymic chain
# names fathers). Women's names that do not end in ة:
_WOMEN = words(
    """سعاد زينب مريم هند نوال إيمان ايمان سناء حسناء أسماء اسماء وداد فدوى سلمى ليلى هدى منى نجاة حياة
    سهام رجاء وفاء صفاء لمياء شيماء هاجر ثريا زهور غزلان كوثر ابتسام إلهام الهام أحلام احلام نسرين"""
)


def _split_at_mother(text: str, e: Entity) -> list[Entity]:
    value = text[e.start : e.end]
    for link in _AR_KIN:
        k = value.find(f" {link} ")
        if k <= 0:
            continue
        after = value[k + len(link) + 2 :]
        mother = after.split(" ")[0]
        if _a_mother(mother):
            second = e.start + k + len(link) + 2
            return [Entity(e.start, e.start + k, e.type, e.score), Entity(second, e.end, e.type, e.score)]
    return [e]


_KIN_AFTER = re.compile(r" (?:ولد|بنت) ([\u0621-\u064A]+)(?![\u0621-\u064A])")


def _a_mother(word: str) -> bool:
    return word in _WOMEN or (word.endswith("ة") and "g" in _gazetteer(word, "ar"))


def _mothers_after(text: str, people: list[Entity]) -> list[Entity]:
    """Round 8: the mother a name is given by ("مروان ولد سعاد") is a person too, where the model read the
    son alone and left her under its bar."""
    covered = {(e.start, e.end) for e in people}
    starts = {e.start for e in people}
    out = []
    for e in people:
        m = _KIN_AFTER.match(text, e.end)
        if m is not None and m.start(1) not in starts and _a_mother(m.group(1)):
            span = (m.start(1), m.end(1))
            if span not in covered:
                out.append(Entity(span[0], span[1], e.type, MODEL_SCORE))
    return out


_SON_AND_MOTHER = re.compile(
    r"(?<![\u0621-\u064A])([\u0621-\u064A]{3,}) (?:ولد|بنت) ([\u0621-\u064A]{3,})(?![\u0621-\u064A])"
)


def _son_and_mother(text: str) -> list[Entity]:
    """Round 12: a listed given name, "ولد"/"بنت" and a woman's name are two people, a child and the
    mother it is called after ("شفتي مروان ولد سعاد؟"), by rule where the model reads one name under its
    bar."""
    out: list[Entity] = []
    if "ولد " not in text and "بنت " not in text:  # most texts: no scan
        return out
    for m in _SON_AND_MOTHER.finditer(text):
        if "g" in _gazetteer(m.group(1), "ar") and not m.group(1).startswith("ال") and _a_mother(m.group(2)):
            out += [Entity(m.start(k), m.end(k), T.PERSON, MODEL_SCORE + 0.1) for k in (1, 2)]
    return out


# Round 8: a known family name right after a title or a rank is a person ("المدير بنعمر", "مدام الشرايبي",
# "الكومندار بنحمو", "د. بناني"), where neither the rules' titles nor the model took it.
_RANKS = ("المديرة", "المدير", "مدام", "الكومندار", "القايد", "الأستاذة", "الأستاذ", "الدكتورة", "الدكتور",
          "الطبيبة", "الطبيب", "د.")  # fmt: skip
# The words as a trie (one branch per first letter, see trie_regex); the letter before is checked in
# `_titles_then_words`, which gives the matches of "(?<![؀-ۿ])(?:المدير|…)" at less cost per position.
_TITLE_THEN_WORD = re.compile(trie_pattern(_RANKS) + r" ([\u0621-\u064A]{3,})(?![\u0621-\u064A])")


def _titles_then_words(text: str) -> list[re.Match[str]]:
    out, pos = [], 0
    while (m := _TITLE_THEN_WORD.search(text, pos)) is not None:
        if m.start() and "\u0600" <= text[m.start() - 1] <= "\u06ff":
            pos = m.start() + 1  # inside a word ("والمدير"): a match may still start further in
            continue
        out.append(m)
        pos = m.end()
    return out


def _titled_family(text: str, people: list[Entity]) -> list[Entity]:
    found = _titles_then_words(text)
    if not found:
        return []
    covered = bytearray(len(text) + 1)
    for e in people:
        covered[e.start : e.end] = b"\x01" * (e.end - e.start)
    out = []
    for m in found:
        word = m.group(1)
        if (
            covered.find(1, m.start(1), m.end(1)) < 0
            and "f" in _gazetteer(word, "ar")
            and "g" not in _gazetteer(word, "ar")
        ):
            out.append(Entity(m.start(1), m.end(1), T.PERSON, MODEL_SCORE))
    return out


def _not_a_name_end(word: str) -> bool:
    """A Darija word a name runs on into: a prepositional phrase ("فالحانوت"), a trade ("الجزار"), a
    negated verb ("ماعطيتوش"), unless the lists hold it as a name; a court text's next word ("بواسطة")."""
    if not word or not "\u0621" <= word[0] <= "\u064a":
        return False
    if word in AFTER_NAME_ARABIC:
        return True
    flags = _gazetteer(word, "ar")
    if "g" in flags or "f" in flags:
        return False
    negated = len(word) > 4 and word.startswith("ما") and word.endswith("ش")
    return negated or "pp" in flags or word in TRADES_ARABIC


def _by_rule(rules: list[Entity], model: list[Entity]) -> list[list[Entity]]:
    """For each rule span, the model spans overlapping it: one merge of the two sorted lists, as the
    spans within each list do not overlap (work linear in their number, not their product)."""
    rules_sorted = sorted(range(len(rules)), key=lambda k: rules[k].start)
    model = sorted(model, key=lambda e: e.start)
    out: list[list[Entity]] = [[] for _ in rules]
    j = 0
    for k in rules_sorted:
        rule = rules[k]
        while j < len(model) and model[j].end <= rule.start:
            j += 1
        m = j
        while m < len(model) and model[m].start < rule.end:
            out[k].append(model[m])
            m += 1
    return out


def _unlabelled(text: str, e: Entity) -> Entity | None:
    """A Tifinagh field name before a colon is cut off the span's end ("ⵍⵃⵓⵙⵉⵏ ⴰⵙⵉⵏⴰⵏ:" is "Lhusin,
    family name:"); a span that is only a field name goes."""
    if not is_label(text, e.end):
        return e
    cut = text.rfind(" ", e.start, e.end)
    return Entity(e.start, cut, e.type, e.score) if cut > e.start else None


# A word glued to ben/bou/ait (بن/بو) after a given name is that person's family name even where no list
# holds it ("ilyass bensliman", "الطاهرة بوعياد"): the model, which weighs the lists, stopped a word
# early. Everyday words with those beginnings are left out.
_PREFIXED_FAMILY = re.compile(r" ((?:ben|bou|ait)[a-z]{3,}|(?:بن|بو)[\u0621-\u064A]{3,})(?![^\W\d_])")
_NOT_FAMILY = words(
    """boulevard boutique bouteille bouton boulot bourse bouge bouger bougie boulangerie bouquet
    bouche boucle bouclier benefice benevole bonjour بنزين بوابة بوليس بوطاغاز بواسطة بوصفه بوصفها
    بنتها بنتو بنته بنتي بنتك بنتهم بناتها بناتو بوحدو بوحدها"""
)


# Round 8: the same for an Arabic family name by its shape, a nisba ("عبد الغني المرابطي", "جنى العسري",
# "محمد بن الطيب العمراوي") or an Amazigh "أو" name ("عائشة أوتزناخت"), which few lists hold; ordinal and
# everyday adjectives that end like a nisba are left out.
_SHAPED_FAMILY = re.compile(r" (ال[\u0621-\u064A]{3,}ي|أو[\u0621-\u064A]{3,})(?![^\W\d_])")
# Round 10: an Amazigh family name in "أ" + consonant of five letters or more ("أمزال", "أزواغ", "أمحزون"),
# after a known given name or a patronymic chain ("ميمون بن محند بن عمر أزواغ"; the chain's last name
# need not be listed). Four letters is a verb's length ("أنكر", "أفاد"), a final "ت" a verb's ending.
_AMAZIGH_FAMILY = re.compile(r" (أ[^\Wاأإآوى\d_][\u0621-\u064A]{3,}(?<!ت))(?![^\W\d_])")
_CHAIN_LINK = re.compile(r" (?:بن|ولد|بنت) ")
_NOT_SHAPED_FAMILY = words(
    """الثاني الحالي الماضي الرسمي الشخصي المعني الجاري التالي الأصلي النهائي الابتدائي الإقليمي الجهوي
    الوطني الدولي الملكي الشرعي القانوني القضائي العمومي المحلي الاجتماعي الصحي المدني الجنائي الإداري
    الكبيري أولاد أولى أوضح أوقات أوراق أولئك أوروبا أوروبي أوصى
    الدراري الكهربائي البلومبي المحامي الزلايجي الميكانيكي الصيدلي الحرفي الموسيقي المغربي الفرنسي
    أمازيغي أمازيغية أثناء أسفله أعلاه أدناه أيضا أخرى أكثر أمام أحيانا أصلا أبدا أربعة أربعين أطفال
    أبناء أشخاص أشهر أسبوع أسابيع أمتار أموال أملاك أرملة أجرة أغلبية أقصى أدنى أسرته أسرتها أخته أخيه
    أمها أبيه أبوه أقاربه أصدقاء أرقام أسماء أجنبي أجنبية أكادير أزيلال أصيلة أعضاء أفراد أزواج أقسام
    أحكام أطراف أصحاب أعمال أشياء أسعار أرباح أحياء أجزاء أساتذة أطباء"""
)


def _with_family(text: str, e: Entity, starts: set[int]) -> Entity:
    last = text[max(e.start, text.rfind(" ", e.start, e.end) + 1) : e.end]  # one word: rfind is -1
    m = _PREFIXED_FAMILY.match(text, e.end)
    if m is None and not last.isascii():
        m = _SHAPED_FAMILY.match(text, e.end) or _AMAZIGH_FAMILY.match(text, e.end)
        if m is not None and (m.group(1) in _NOT_SHAPED_FAMILY or _not_a_name_end(m.group(1))):
            return e  # a trade or a court text's word ("لحسن الكهربائي", "الأستاذ الطاهر المحامي")
    if m is None or m.start(1) in starts:
        return e
    glued = norm(m.group(1)) if m.group(1).isascii() else m.group(1)  # norm() keeps Latin letters only
    if glued in _NOT_FAMILY or glued in AFTER_NAME_ARABIC:
        return e
    chain = _CHAIN_LINK.search(text, e.start, e.end) is not None and not last.isascii()
    if not chain and "g" not in _gazetteer(last, "latin" if last.isascii() else "ar"):
        return e
    return Entity(e.start, m.end(1), e.type, e.score)


# A family name in capitals beside a given name, as French forms write it ("AMZALLAG Fatima Zahra", "M. Nezha
# DADDACH"), is the name's even where the model read the given name alone: a shouted word of four letters
# or more, not a town or a place word, not an acronym-like label of the lists below.
_SHOUTED_AFTER = re.compile(r" ([A-Z][A-Z'\-]{3,})(?![^\W\d_])")
_SHOUTED_BEFORE = re.compile(r"(?<![^\W\d_])([A-Z][A-Z'\-]{3,}) $")
_NOT_SHOUTED_NAME = words(
    """SARL SARLAU CNSS CNIE BANK BANQUE ROYAUME MAROC MAROCAIN TRIBUNAL COUR DIRECTION SERVICE
    OBJET CLASSE NOTE NOTES TOTAL URGENT ATTENTION CONFIDENTIEL MADAME MONSIEUR DOCTEUR MAITRE"""
)


def _shouted(word: str) -> bool:
    flags = _gazetteer(word, "latin")
    return norm(word) not in _NOT_SHOUTED_NAME and "town" not in flags and "place" not in flags


# Round 8: a capitalised word no list knows, right after a lone given name and before a comma, a dash, a
# bracket or the text's end, is its family name ("Jean-Luc Perrin et…", "Bien à vous, Asmae Tber"): the
# model stopped at the word its lists lack. Days, months and words of letters are left out.
_TITLED_AFTER = re.compile(r" ([A-Z][a-zà-ÿ]{2,})(?=[,.;:)—–]| [—–(-]| et | and |$)")
_NOT_TITLED_NAME = words(
    """lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet aout
    septembre octobre novembre decembre monday tuesday wednesday thursday friday saturday sunday january
    february march april june july august september october november december merci cordialement salut
    bonjour bonsoir thanks regards hello frères freres sarl maroc morocco"""
)


def _titled(word: str) -> bool:
    return norm(word) not in _NOT_TITLED_NAME and not _gazetteer(word, "latin")


def _with_capitals(text: str, e: Entity) -> Entity:
    value = text[e.start : e.end]
    if not value.isascii() or value.isupper() or not value[:1].isupper():
        return e
    start, end = e.start, e.end
    if ((m := _SHOUTED_AFTER.match(text, end)) is not None and _shouted(m.group(1))) or (
        " " not in value
        and "g" in _gazetteer(value, "latin")
        and (m := _TITLED_AFTER.match(text, end)) is not None
        and _titled(m.group(1))
    ):
        end = m.end(1)
    if (m := _SHOUTED_BEFORE.search(text, max(0, start - 40), start)) is not None and _shouted(m.group(1)):
        start = m.start(1)
    return e if (start, end) == (e.start, e.end) else Entity(start, end, e.type, e.score)


# Round 8: a family business's name ("Ets Amghar Frères", "Hajji Frères SARL", "Alami & Fils") is a company's.
_COMPANY_AFTER = re.compile(r" ?(?:Frères|Freres|& Fils|et Fils|SARL(?:AU)?)(?![^\W\d_])")
_COMPANY_BEFORE = re.compile(r"(?:Ets\.?|Établissements|Etablissements|Sté|Ste) $")


def _a_company(text: str, e: Entity) -> bool:
    return (
        _COMPANY_AFTER.match(text, e.end) is not None
        or _COMPANY_BEFORE.search(text, max(0, e.start - 18), e.start) is not None
    )


def _called_twice(text: str, e: Entity) -> list[Entity]:
    """Round 10: a name called twice ("زكية زكية ها الواتساب", "mimi mimi fi9i") is the same name twice, two
    spans, not a given and a family name."""
    value = text[e.start : e.end]
    first, _, rest = value.partition(" ")
    if not rest or rest != first:
        return [e]
    second = e.start + len(first) + 1
    return [Entity(e.start, e.start + len(first), e.type, e.score), Entity(second, e.end, e.type, e.score)]


def _new_figures(rules: list[Entity], figures: list[Entity]) -> list[Entity]:
    """The new spans no rule span overlaps (the rules' own reading of a name stands): the rule spans must
    not overlap one another for the model's spans to be matched to them."""
    return [f for f in figures if not any(r.start < f.end and f.start < r.end for r in rules)]


def find_all_people(text: str) -> list[Entity]:
    rules = find_people(text) + find_chat_names(text)  # round 9: lists and role words in chats
    rules += _new_figures(rules, find_public_figures(text))  # round 10: footballers, singers, ministers
    rules += _new_figures(rules, find_after_court_roles(text))  # round 10: "المتهم رضى"
    rules += _new_figures(rules, find_called_names(text))  # round 11: "كيقولو ليه الزعري", "آل الفيلالي"
    rules += _new_figures(rules, find_contact_names(text))  # round 12: "ilham 0662 55 66 77"
    rules += _new_figures(rules, _son_and_mother(text))  # round 12: "مروان ولد سعاد", both
    model = [t for e in find_people_learned(text) if (t := _trimmed(text, e)) is not None]
    kept: list[Entity] = []
    for rule, seen in zip(rules, _by_rule(rules, model), strict=True):
        differs = len(seen) > 1 or (len(seen) == 1 and (seen[0].start, seen[0].end) != (rule.start, rule.end))
        bar = MODEL_MIN if rule.score < RULE_SURE else REPLACE_SURE
        if differs and all(m.score >= bar for m in seen):
            continue  # the model's reading of these words replaces the rule's
        if not differs and seen and seen[0].score >= MODEL_MIN:
            # Both read the same words: the surer reading speaks ("Bonjour Karim": a lone given name that
            # is also a word scores 0.45 by rule, under the threshold, while the model is sure of it).
            rule = Entity(rule.start, rule.end, rule.type, max(rule.score, _calibrated(seen[0].score)))
        kept.append(rule)
    covered = bytearray(len(text) + 1)
    for k in kept:
        covered[k.start : k.end] = b"\x01" * (k.end - k.start)
    for m in model:
        if m.score >= MODEL_MIN and covered.find(1, m.start, m.end) < 0:
            kept.append(Entity(m.start, m.end, m.type, _calibrated(m.score)))
    kept = [t for k in kept if (t := _unlabelled(text, k)) is not None]  # the model reads ⵜⴰⵏⵉⵍⴰ: as a name
    cells = name_cells(text)
    if cells:  # a name column's cell is one name, whatever the model and rules read in it
        kept = [k for k in kept if not any(s < k.end and k.start < e for s, e in cells)]
        kept += [Entity(s, e, T.PERSON, TABLE_NAME_SCORE) for s, e in cells]
    split = [part for e in kept for part in _split_at_mother(text, e)]
    split += _mothers_after(text, split)
    split += _titled_family(text, split)
    starts = {e.start for e in split}
    done = [_with_capitals(text, _with_family(text, _completed(text, e), starts)) for e in split]
    done = [e for e in done if text[e.start : e.end] not in _NEVER_ALONE_ARABIC and not _a_company(text, e)]
    done = [e for e in done if not not_a_name(text, e)]  # round 9: verbs, greetings, titles, clubs
    done = [x for e in done if (x := set_edges(text, e)) is not None]  # round 9: cues, particles, family
    done = [part for e in done for part in _called_twice(text, e)]
    return outside_places(text, done)
