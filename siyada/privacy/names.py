"""PERSON recogniser: a small hand-written gazetteer of Moroccan given/family names + title patterns.

Latin and Arabic scripts.  A title (M., Mme, Monsieur, Madame, السيد, السيدة ...) is context only: it is
never part of the span.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity
from siyada.privacy.gazetteer import (
    FAMILY_ARABIC,
    FAMILY_LATIN,
    GIVEN_ARABIC,
    GIVEN_LATIN,
    GIVEN_SECOND_ARABIC,
    PARTICLES,
    norm,
    words,
)
from siyada.privacy.lead import lead
from siyada.privacy.name_lexicon import GIVEN_ALL_LATIN
from siyada.privacy.tifinagh_names import find_tifinagh_people
from siyada.privacy.trie_regex import trie_pattern

TITLES_LATIN = (
    r"(?:M\.|Mr\.?|Mme\.?|Mlle\.?|MME|MR|MLLE|Monsieur|Madame|Mademoiselle|Me|Maître|Maitre"
    r"|Dr\.?|Docteur|Pr\.?|Si|Lalla"
    r"|Mrs\.?|Ms\.?|Miss)"  # round 9: the English ones ("Dear Ms. Haddaoui")
)
TITLES_ARABIC = r"(?:السيد|السيدة|الآنسة|الأستاذ|الأستاذة|الدكتور|الدكتورة|سي|لالة|للا)"

_LAT_TOKEN = r"(?:[A-ZÀ-Ý][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ]+)?|[A-ZÀ-Ý]{2,}(?:-[A-ZÀ-Ý]{2,})?)"
_LATIN_SEQ = re.compile(r"(?=[A-ZÀ-Ý])(?<![\w@.])" + _LAT_TOKEN + r"(?:[ ](?:" + _LAT_TOKEN + r"))*")
_TITLED_LATIN = re.compile(
    r"(?=[DLMPS])(?<![\w])" + TITLES_LATIN + r"[ ]+(" + _LAT_TOKEN + r"(?:[ ]" + _LAT_TOKEN + r"){0,3})"
)
_AR_TOKEN = re.compile(r"[\u0621-\u064A\u0671-\u06D3]+")
_TITLED_ARABIC = re.compile(
    lead(TITLES_ARABIC[3:-1].split("|")) + r"(?<![\u0600-\u06FF])" + TITLES_ARABIC + r"[ ]+"
)

# Capitalised words that are never names (sentence starts, months, places ...).
_STOP = words(
    """le la les un une des du de je il elle nous vous merci bonjour salam madame monsieur société
    standard référence rabat casablanca fès fes marrakech tanger agadir meknès oujda kénitra tétouan maroc
    royaume janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    lundi mardi mercredi jeudi vendredi samedi dimanche article loi décret dahir iban rib cin ice cnss
    nom prenom prénom tel tél adresse mme mr mlle dr pr me sarl sarlau sa ste guest objet agent
    urgent rapport note attention confidentiel important total
    """
)  # round 12: a report's shouted label is no family name ("Rapport URGENT Salma Bennani")


def _given(token: str) -> bool:
    return norm(token).split("-")[0] in GIVEN_LATIN


_GIVEN_SECOND_LATIN = frozenset({"eddine", "eddin", "dine", "zahra", "ezzahra", "zohra", "ilah", "allah"})


def _family_first(tokens: list[str], i: int) -> int | None:
    """End index of a family-name-first name starting at i (a known family name, then given names)."""
    j = i + 1 if norm(tokens[i]) in PARTICLES else i
    if j >= len(tokens) or norm(tokens[j]) in _STOP:
        return None
    # An unknown family name is accepted in capitals, as forms write it ("SQALLI Imane", "BOUAZZAOUI HAJAR").
    shouted = tokens[j].isupper() and len(tokens[j]) >= 3
    if norm(tokens[j]) not in FAMILY_LATIN and not shouted:
        return None
    j += 1
    if j >= len(tokens) or not _given(tokens[j]):
        return None
    j += 1
    if j < len(tokens) and _given(tokens[j]):
        j += 1
    return j


# Organisations and places named after people ("Société Nour", "Bd Mohammed V", "Riad Dar Zitoune").
_ORG_WORDS = words(
    """societe ste hotel riad cafe clinique pharmacie residence bd boulevard avenue av rue lycee ecole college
    hopital chu bank banque groupe fondation association cabinet dar hay quartier mosquee complexe centre
    institut universite faculte agence restaurant boulangerie garage imm immeuble station rond-point point
    place bab jardin parc stade souk derb route rte pont port aeroport gare plage cite lotissement douar
    mosque zaouia"""
)
_PREV_WORD = re.compile(r"([^\W\d_]+)\.?\s+$")


def _after_org_word(text: str, start: int) -> bool:
    m = _PREV_WORD.search(text[max(0, start - 20) : start])
    return m is not None and norm(m.group(1)) in _ORG_WORDS


# Form labels after which the next capitalised words are a person's name, whatever the gazetteer says.
_LABELS = (
    "Nom et prénom|Nom complet|Nom|Prénom|Client|Cliente|Patient|Patiente|Titulaire|Bénéficiaire"
    "|Assuré|Assurée|Salarié|Salariée|Locataire|Propriétaire|Demandeur|Demanderesse|Conducteur|Gérant"
    "|Gérante|Contact|Destinataire|Expéditeur|Conducteur principal|Guest|Name|Customer|Passenger"
    "|Employé|Employée|Étudiant|Étudiante|Élève|Parent|Tuteur"
)
_LABELLED = re.compile(
    lead(_LABELS.split("|"))
    + r"(?<![\w])(?:"
    + _LABELS
    + r")\s*:\s*("
    + _LAT_TOKEN
    + r"(?:[ ]"
    + _LAT_TOKEN
    + r"){0,3})"
)


def _labelled_people(text: str) -> list[Entity]:
    out = []
    pos = 0
    while (m := _LABELLED.search(text, pos)) is not None:
        keep = []
        for tok in m.group(1).split(" "):
            if norm(tok) in _STOP or norm(tok) in _ORG_WORDS:
                break
            keep.append(tok)
        end = m.start(1) + len(" ".join(keep))
        if keep:
            out.append(Entity(m.start(1), end, T.PERSON, 0.75))
        pos = max(end, m.start(1) + 1)  # a following label ("Nom : X Prénom : Y") is searched again
    return out


_HONORIFICS = frozenset({"moulay", "my", "sidi"})


def _honorific_name(tokens: list[str], i: int) -> bool:
    return norm(tokens[i]) in _HONORIFICS and i + 1 < len(tokens) and _given(tokens[i + 1])


def _latin_name_end(tokens: list[str], j: int, after_family: bool = False) -> int:
    """End of a name whose first given (or family) name is at j: further known names and particles."""
    j += 1
    while j < len(tokens):
        low = norm(tokens[j])
        if low in _STOP:
            break
        if low in PARTICLES and j + 1 < len(tokens):
            j += 2
        elif low in FAMILY_LATIN or (not after_family and _given(tokens[j])):
            j += 1
        else:
            break
    return j


def _unknown_given_known_family(tokens: list[str], i: int) -> bool:
    """ "Jessica Alaoui", "Ryan Benjelloun": a capitalised word the gazetteer lacks before a known family
    name is a given name, unless it is a word that is never one."""
    if i + 1 >= len(tokens) or norm(tokens[i + 1]) not in FAMILY_LATIN:
        return False
    low = norm(tokens[i])
    return (
        len(low) >= 3
        and not tokens[i].isupper()
        and low not in _STOP
        and low not in _ORG_WORDS
        and low not in PARTICLES
        and low not in FAMILY_LATIN
    )


def _latin_people(text: str) -> list[Entity]:
    out = []
    for m in _LATIN_SEQ.finditer(text):
        tokens = m.group().split(" ")
        if len(tokens) == 1 and not _given(tokens[0]):
            continue  # one word (most: a sentence's start): only a known given name can be a name alone
        offsets, pos = [], m.start()
        for tok in tokens:
            offsets.append(pos)
            pos += len(tok) + 1
        i = 0
        while i < len(tokens):
            if _honorific_name(tokens, i):  # "Moulay Ahmed Alaoui": the honorific is part of the name
                end = _latin_name_end(tokens, i + 1)
                if not _after_org_word(text, offsets[i]):  # "Lycée Moulay Ismail", "Bd Sidi Mohamed"
                    out.append(Entity(offsets[i], offsets[end - 1] + len(tokens[end - 1]), T.PERSON, 0.8))
                i = end
                continue
            end = _family_first(tokens, i)
            if end is not None:  # forms and lists: "BENNANI Karim", "El Amrani Fatima Zahra"
                if not _after_org_word(text, offsets[i]):
                    out.append(Entity(offsets[i], offsets[end - 1] + len(tokens[end - 1]), T.PERSON, 0.85))
                i = end
                continue
            if not _given(tokens[i]):
                if _unknown_given_known_family(tokens, i) and not _after_org_word(text, offsets[i]):
                    end = _latin_name_end(tokens, i + 1, after_family=True)
                    out.append(Entity(offsets[i], offsets[end - 1] + len(tokens[end - 1]), T.PERSON, 0.7))
                    i = end
                    continue
                i += 1
                continue
            lead = i - 1 if i > 0 and norm(tokens[i - 1]) in ("el", "al") else i  # "El Mehdi Sbai"
            j = i + 1
            if j < len(tokens) and norm(tokens[j]) in _GIVEN_SECOND_LATIN:
                j += 1  # "Jamal Eddine", "Fatima Zahra": one given name
            given_end = j
            family = False
            while j < len(tokens):
                low = norm(tokens[j])
                if low in _STOP:
                    break
                if low in GIVEN_LATIN or low in FAMILY_LATIN or low.split("-")[0] in FAMILY_LATIN:
                    family = family or low in FAMILY_LATIN or j > given_end
                    j += 1
                elif low in PARTICLES and j + 1 < len(tokens):
                    j += 1
                elif (len(low) >= 3 and j == given_end) or family:
                    family = True
                    j += 1
                    if low in _HONORIFICS and j < len(tokens) and _given(tokens[j]):
                        j += 1  # "Mariem Mint Sidi Ahmed"
                    # "Mohamed Lamine Ould Sidi", "Aicha Bent Ali": a particle carries the name on.
                    while (
                        j + 1 < len(tokens)
                        and norm(tokens[j]) in PARTICLES
                        and norm(tokens[j + 1]) not in _STOP
                    ):
                        j += 2
                        # "Ould Sidi Brahim", "Mint Sidi Ahmed": the honorific opens a name of its own
                        if norm(tokens[j - 1]) in _HONORIFICS and j < len(tokens) and _given(tokens[j]):
                            j += 1
                    break
                else:
                    break
                family = True
            while j > i + 1 and norm(tokens[j - 1]) in PARTICLES:
                j -= 1
            start, end = offsets[lead], offsets[j - 1] + len(tokens[j - 1])
            # A lone known given name is a name unless it is also an everyday word ("Amal", "Said").
            score = 0.85 if j > i + 1 else 0.45 if norm(tokens[i]) in _AMBIGUOUS else 0.6
            if not _after_org_word(text, start):
                out.append(Entity(start, end, T.PERSON, score))
            i = j
    out += _labelled_people(text)
    for m in _TITLED_LATIN.finditer(text):
        tokens = m.group(1).split(" ")
        keep = []
        for tok in tokens:
            if norm(tok) in _STOP:
                break
            keep.append(tok)
        if keep:
            start = m.start(1)
            out.append(Entity(start, start + len(" ".join(keep)), T.PERSON, 0.8))
    return out


def _arabic_people(text: str) -> list[Entity]:
    if _AR_TOKEN.search(text) is None:  # no Arabic word: skip the three cue scans (most Latin prompts)
        return []
    out = []
    tokens = [(m.start(), m.end(), m.group()) for m in _AR_TOKEN.finditer(text)]
    titled_starts = {m.end() for m in _TITLED_ARABIC.finditer(text)}
    cued_starts = {m.end() for m in _CUED_ARABIC.finditer(text)}
    words = [t[2] for t in tokens]

    def adjacent(a: int, b: int) -> bool:
        return text[tokens[a][1] : tokens[b][0]] == " "

    lone_starts = {m.end() for m in _LONE_CUE_ARABIC.finditer(text)}
    i = 0
    while i < len(tokens):
        titled = tokens[i][0] in titled_starts or tokens[i][0] in cued_starts
        j = _arabic_given_end(words, i, adjacent)
        if (j is None and not titled) or words[i] in _AR_STOP:
            i += 1
            continue
        known_given = j is not None
        j = j if j is not None else i + 1
        n_family = 0
        while j < len(tokens) and adjacent(j - 1, j) and n_family < 2:
            # After a title, one unknown word may be the family name, unless the first word already was.
            first_is_family = words[i] in FAMILY_ARABIC or words[i].startswith("ال")
            unit = _arabic_family_end(
                words,
                j,
                adjacent,
                open_slot=(known_given or titled) and n_family == 0,
                titled=titled and n_family == 0 and not first_is_family,
            )
            if unit is None:
                break
            j = unit
            n_family += 1
        # A lone known given name counts after a cue that names someone: "أنا حمزة", "آ مريم", "ديال سهام".
        lone = known_given and tokens[i][0] in lone_starts and words[i] not in _AR_AMBIGUOUS
        if n_family == 0 and not titled and not lone:
            i += 1
            continue
        score = 0.85 if n_family else 0.6
        first = i - 1 if i > 0 and words[i - 1] in _AR_HONORIFICS and adjacent(i - 1, i) else i
        out.append(Entity(tokens[first][0], tokens[j - 1][1], T.PERSON, score))
        i = j
    return out


_AR_HONORIFICS = frozenset({"مولاي", "سيدي"})  # part of the name: "مولاي أحمد العلوي"
# Given names that are also everyday words; alone after a cue they are not taken for a name.
_AR_AMBIGUOUS = words(
    """أمين كريم سعيد حسن جميلة نور حياة أمل آمال أمال عزيز رشيد هدى وفاء رجاء إيمان ايمان صفاء بشرى نجاة
    منير جمال عادل نبيل حكيم صلاح بدر رضا فؤاد سعد سامي سمير ناصر رحمة الحاج"""
)
_LONE_CUES_ARABIC = (
    "أنا|آ|يا|ديال|باسم|ابنه|ابنها|ابنته|بنتو|بنتي|ولدي|خويا|ختي|الحاج|الحاجة|بالحاج|"
    "بالحاجة|دكتور|الدكتور|طرف|مع|سميتي|سميتو|لالة|للا"
)
# The cue words as a trie (see trie_regex): the same matches, less work per position.
_LONE_CUE_ARABIC = re.compile(r"(?<![\u0600-\u06FF])" + trie_pattern(_LONE_CUES_ARABIC.split("|")) + r"\s+")


def _arabic_given_end(words: list[str], i: int, adjacent: Any) -> int | None:
    """End index of a given name starting at i: a gazetteer name, "فاطمة الزهراء", or "عبد" + "ال..."."""
    w = words[i]
    if w == "عبد" and i + 1 < len(words) and adjacent(i, i + 1) and words[i + 1].startswith("ال"):
        return i + 2
    if w not in GIVEN_ARABIC:
        return None
    if i + 1 < len(words) and adjacent(i, i + 1) and words[i + 1] in GIVEN_SECOND_ARABIC:
        return i + 2
    return i + 1


def _arabic_family_end(
    words: list[str], j: int, adjacent: Any, open_slot: bool, titled: bool = False
) -> int | None:
    """End index of one family-name unit at j: a particle and its name (بن الطيب، آيت الحاج، بن عبد الله),
    a gazetteer name, a name shaped like a family name (بن…، بو…، أو…), or after a given name any ال-word."""
    w = words[j]
    if w in _AR_STOP:
        return None
    if w in _AR_PARTICLES and j + 1 < len(words) and words[j + 1] in _AR_KIN:
        return None  # "ولد عمي", "بنت خالتي": a cousin, not a patronymic
    if w in ("ولد", "بنت") and j + 1 < len(words) and words[j + 1] in GIVEN_ARABIC:
        # "مروان ولد سعاد": a son and his mother, two people; a Sahrawi chain goes on with an honorific,
        # "عبد", an article or a family name ("ولد سيدي ابراهيم", "ولد الشيخ"), which GIVEN_ARABIC lacks.
        nxt = words[j + 1]
        if nxt not in _AR_HONORIFICS and nxt != "عبد" and not nxt.startswith("ال"):
            return None
    if w in _AR_PARTICLES and j + 1 < len(words) and adjacent(j, j + 1) and words[j + 1] not in _AR_STOP:
        end = j + 2
        if words[j + 1] in ("عبد", *_AR_HONORIFICS) and end < len(words) and adjacent(j + 1, end):
            end += 1  # "بن عبد الله", "ولد سيدي ابراهيم"
        return end
    if w.endswith("عبد") and j + 1 < len(words) and adjacent(j, j + 1) and words[j + 1].startswith("ال"):
        return j + 2  # "بنعبد الله", "بن عبد الرحمان"
    if w in FAMILY_ARABIC or (len(w) >= 5 and w.startswith(_AR_FAMILY_PREFIXES)):
        return j + 1
    if open_slot and (w.startswith("ال") or titled) and len(w) >= 3 and not w.startswith("و"):
        return j + 1
    return None


_AR_STOP = words(
    """السيد السيدة الآنسة الأستاذ الأستاذة الدكتور الدكتورة الأول الثاني الثالث الرابع الخامس السادس
    السابع مدير المدير رئيس الرئيس وزير الوزير والي الوالي عامل العامل قائد القائد نائب مسؤول المسؤول
    كاتب الكاتب المحترم المحترمة الموقع أسفله الحامل الحاملة بطاقة العائلي الشخصي بأدائه بأداء جمعية
    مقهى شركة مؤسسة مطعم صيدلية مصحة مدرسة وكالة تعاونية فندق الزوج الزوجة الابن الابنة ماما بابا
    الحساب البنكي المبلغ الهاتف البريد الإلكتروني المقاولة الشركة السيارة الظهير الشريف القانون المرسوم
    المادة الفصل الوطنية التعريف الموحد رقم الحظ الخير الصباح المساء الله
    راني راه راك راها رانا ديال ديالي ديالو ديالها اللي لي غادي غادا كان كانت دخل خرج جا جات مشى مشات
    شفت عندي عندو عندها باش حتى والو هاد هادي هادا واش فين شنو علاش كيفاش بزاف دابا صافي مزيان
    الوالد الوالدة الحضور المال الملك وكيل الكاتب العام الخازن المقرر الطبيب المعالج
    الغرفة المحكمة الابتدائية الاستئناف المشتري المشترية البائع البائعة الطرف السي المرحوم
    المرحومة
    قدام ورا حدا فوق تحت وسط جنب بحال خدام خدامة خدامين ساكن ساكنة مريض مريضة كبير كبيرة صغير صغيرة
    جديد جديدة قديم قديمة فين منين ملي حيت حيث ولكن ولا وحتى بلا غير"""
)
_AR_KIN = frozenset({"عمي", "عمتي", "خالي", "خالتي", "خويا", "ختي", "عمو", "خالو", "عمها", "خالها"})
_AR_PARTICLES = frozenset({"بن", "ابن", "بنت", "منت", "آيت", "أيت", "ايت", "ولد", "أولاد", "أهل", "ماء"})
_AR_FAMILY_PREFIXES = ("بن", "بو", "أو", "او", "ابن", "بل", "آيت", "أيت")
# Words after which the next words are a person's name: "المريض عبد الحق المريني", "الاسم : ...".
# As a trie: where one cue is another's start, the longer is tried first, as in the plain list
# ("الاسم الكامل" before "الاسم"); the others cannot both end before a space.
_CUES_ARABIC = (
    "المريض|المريضة|الموظف|الموظفة|المستفيد|المستفيدة|المدعى عليه|المدعي|المدعية|الزبون|الزبونة|سميتو|سميتها|"
    "اسمي|سميتي|سميتو|سميتها|أسفله|الاسم الكامل|الاسم|المسير|الأجير|الأجيرة|الزوج|الزوجة|خالتي|عمتي|"
    "خالي|عمي|خويا|ختي|أختي|أخي|ماما ديال|بابا ديال|السي|لالة|للا|بالسيدة|بالسيد"
)
_CUED_ARABIC = re.compile(r"(?<![\u0600-\u06FF])" + trie_pattern(_CUES_ARABIC.split("|")) + r"\s*:?\s+")


# Chat and letter cues after which a known given name (any case, as chats write it) starts a name:
# "ana smiti hamid", "khti dounia", "m3ak brahim", "Salam Amine", "call Mehdi", "tata malika".
# The cue words as a trie, tried before the vocative as they were in the plain list: a word must end
# before a space, so no two of them match at one position (half the work per position).
_CHAT_CUES = (
    "smiti|smito|smitha|smiya|smitek|smitk|ana|khoya|khouya|khti|khali|khalti|3ami|3amti|tata"
    "|si|m3ak|m3a|sa7bi|sahbi|neveu|nièce|demandeur|demandeuse|bonjour|salam|slm|hi|hello|auntie|uncle"
    "|call|text|merci|cher|chère|dear|l|dyal|dial|ya"
    # round 11: more kin words of Darija chats ("3ammi miloud", "rajlha hassan", "bba dyalo lmiloudi")
    "|3ammi|3emmi|khalto|rajlha|rajli|mrato|mrati|weldi|benti|bba|jeddi|oncle|tante"
)
_CHAT_CUE = re.compile(
    lead(_CHAT_CUES.split("|"), fold_case=True, more="aw")
    + r"(?<![\w])(?:"
    + trie_pattern(_CHAT_CUES.split("|"), fold_case=True)
    # the Darija vocative "a"/"wa" only before a name then a comma or mark ("a nawal, ..."): a French "a" is
    # a verb
    + r"|(?:a|wa)(?=\s+[^\W\d_]+\s?[,!?]))\s+",
    re.IGNORECASE,
)
_CHAT_TOKEN = re.compile(r"[^\W\d_][\w'-]*")
_NAMING_CUES = frozenset({"smiti", "smito", "smitha", "smiya", "smitek", "smitk"})
# Given names that are also everyday words: alone, they are not taken for a name.
_AMBIGUOUS = words("amal nour said rim hayat iman salam karim amine aziz hassan jamal adil nabil wafae")


# Round 11: after a kin word, a given name of any list ("3ammi miloud", "khalti rqia"); after the other cues
# only the short list, since the long one holds honorifics ("merci lalla", "l moulay bouselham").
_KIN_CUES = words(
    "khoya khouya khti khali khalti 3ami 3amti tata 3ammi 3emmi khalto rajlha rajli mrato mrati"
)


def _cued_given(cue: str, token: str) -> bool:
    return _given(token) or (norm(cue.strip()) in _KIN_CUES and norm(token) in GIVEN_ALL_LATIN)


def _chat_people(text: str) -> list[Entity]:
    out = []
    for m in _CHAT_CUE.finditer(text):
        tokens = [t for t in _CHAT_TOKEN.finditer(text, m.end(), min(len(text), m.end() + 60))]
        if not tokens or tokens[0].start() != m.end() or not _cued_given(m.group(), tokens[0].group()):
            continue
        naming = norm(m.group().strip()) in _NAMING_CUES
        end = tokens[0].end()
        for prev, tok in itertools.pairwise(tokens):
            if text[prev.end() : tok.start()] != " ":
                break
            low = norm(tok.group())
            if low in _STOP or low in _CHAT_STOP:
                break
            if low in PARTICLES or low in FAMILY_LATIN or _given(tok.group()) or (naming and len(low) >= 3):
                end = tok.end()
                if low not in PARTICLES:
                    naming = False  # at most one unknown word after a naming cue
            else:
                break
        if norm(text[tokens[0].start() : end]) in _AMBIGUOUS:
            continue
        out.append(Entity(tokens[0].start(), end, T.PERSON, 0.7))
    return out


# Arabizi and French function words that end a name in a chat ("ana smiti hamid mn sidi maarouf").
_CHAT_STOP = words(
    """mn men f fi l w o wa wla ou et de du 3la 3and ghadi bghit kan kant rani raha dyali dyal m3a
    b bach ila ila li lli hna tma daba safi merci wach chno chkoun from in at is and the to"""
)


def _speaker_labels(text: str) -> list[Entity]:
    """Chat transcripts: "[08:15] Idir: ...", "— Sanae: ...": the speaker's name before the colon."""
    out = []
    for m in _SPEAKER.finditer(text):
        name = m.group(1)
        if norm(name.split(" ")[0]) in _STOP or name in _AR_STOP:
            continue
        out.append(Entity(m.start(1), m.end(1), T.PERSON, 0.7))
    return out


_SPEAKER_NAME = r"(?:[A-Z][a-z]+|[\u0621-\u064A]+)"
_SPEAKER = re.compile(
    r"(?:\[\d{1,2}:\d{2}\]\s*)(?:[^\W\d_]+ )?(" + _SPEAKER_NAME + r"(?: " + _SPEAKER_NAME + r")?):"
)


def find_people(text: str) -> list[Entity]:
    people = _latin_people(text) + _arabic_people(text) + _chat_people(text) + _speaker_labels(text)
    return people + find_tifinagh_people(text)
