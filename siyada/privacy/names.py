"""PERSON recogniser: a small hand-written gazetteer of Moroccan given/family names + title patterns.

Latin and Arabic scripts.  A title (M., Mme, Monsieur, Madame, السيد, السيدة ...) is context only: it is
never part of the span.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity


def _norm(token: str) -> str:
    low = token.lower().replace("’", "'")
    if low.isascii():
        return low
    return unicodedata.normalize("NFKD", low).encode("ascii", "ignore").decode()


def _words(block: str) -> frozenset[str]:
    """Gazetteer words, compared after `_norm` (lower case, no accents) when they are Latin."""
    words = block.replace("_", " ").split()
    return frozenset(_norm(w) if not _is_arabic(w) else w for w in words)


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in word)


GIVEN_LATIN = _words(
    """abdelghani abdelhadi abdelhamid abdeljalil abdelkarim abdelkrim abdelmalek abdelmoula abdennour
    abderrazak abderrazzak abdessamad abdelouahed abdelwahed abdelfattah abdelkadir abdelilah abdellah
    adnane achraf ali allal amal anass ayman aymane azzedine bouchaib bouchra chafik chakib driss elmehdi
    faical faycal fouad ghali hafid hassane hatim houssam ibtissam idris ilias imad ismael issam jalal
    jaouad kamal kenza khalil lotfi mehdi mhamed mohcine mohsine mokhtar mouad mounia moussa nadir nassim
    nizar noureddine omar oussama rabie rachida rafik said saad sami samir sofiane soufiane taoufik
    tawfik wadie walid yassir yasser youness zakariae zineddine abla assia basma chadia dalila fadwa
    farah fatimzahra fatimazahra fatimaezzahra ghita hasna halima hiba houda ibtissam jamila jihane jihad
    kaoutar karima khaoula lamia lina lamya maha manal maria meriem mouna najia naoual nawal nezha nisrine
    noura ouafae ouiam oumayma rabia rachida saida sanaa siham sofia soumia touria wiam yousra zainab
    zahira zakia zoubida zoulikha mina fatna rkia hadda aicha habiba hafida khadidja mbarka mimouna
    """
    + """mohamed mohammed mohammad muhammad ahmed ahmad abdellah abdallah abdelkader abdelaziz abderrahim
    abderrahmane abdelilah abdelhak abdeslam abdelali abdelmajid abdellatif youssef yousef yassine yassin
    hamza mehdi omar othmane otmane karim rachid said hassan hussein hicham hisham khalid khaled mustapha
    mostafa driss idriss jamal jawad adil amine anas ayoub ilyas ismail brahim ibrahim noureddine nabil
    tarik tariq redouane ridouane zakaria soufiane badr bilal reda marouane younes yahya aziz larbi lahcen
    lahoucine hamid hakim mourad mounir salah taha walid zouhair moha mimoun fatima fatema fatiha khadija
    aicha aisha zineb zaynab salma sanae sana nadia imane iman meryem maryam mariam hajar hanane houda
    laila leila latifa malika naima najat nora nour rajae rim samira siham souad wafae yasmine yasmina
    zahra zohra ghizlane kawtar kaoutar loubna asmae asma btissam amal amina amal hind hayat ikram ilham
    itto touda ijja tiziri dounia chaimae oumaima hafsa rania safae sara sarah soukaina widad
    """
)
FAMILY_LATIN = _words(
    """alaoui alami bennani benjelloun berrada chraibi chraibi kettani tazi fassi idrissi amrani ouazzani
    lahlou amghar benkirane bensouda sekkat squalli guessous lazrak filali belghiti tahiri naciri
    benabdellah benslimane bouzidi bouhaddou cherkaoui el-alami lamrani slaoui zniber sebti mernissi
    jettou akhannouch benmoussa kadiri hajji hilali ouali belkadi ziani rifi soussi doukkali marrakchi
    tanjaoui sefrioui meknassi tounsi hassani hosseini moussaoui bakkali daoudi jabri karimi bouzid naji
    saadi rachidi touzani benchekroun bennis benali benomar ouahbi rami mansouri moutawakil bouchta
    ait lahcen ouchen oubaha oufkir aberkane akdim agnaou amazigh anouar ayouch haddad khattabi mouline
    bouabid boutaleb chami essaidi ghali hamdouchi iraqi laraki mekouar nejjar ouarzazi
    """
)
PARTICLES = frozenset({"el", "al", "ait", "aït", "ben", "bin", "ou", "ould", "ibn", "bel", "bou", "lalla"})

GIVEN_ARABIC = _words(
    """حليمة مهدي عبد_الغني عبد_الحق عبد_الإله أشرف علي علال أيمن بوشعيب بشرى شكيب فؤاد غالي حفيظ حاتم
    عماد جلال كمال كنزة خليل لطفي معاد موسى نادر نزار أسامة ربيع رشيدة رفيق سعد سامي سمير توفيق ياسر
    ناصر غيثة حسناء هبة جميلة جيهان كريمة خولة لمياء منال ماريا مونية نزهة نسرين رحمة صوفيا سمية
    ثورية يسرى زكية محمد_أمين أمينة امينة فاطنة ركية حادة حبيبة مباركة ميمونة عزيزة نوال سلوى نهاد
    عبد_السلام عبد_الكريم عبد_اللطيف عبد_الحميد عبد_المجيد عبد_الواحد عبد_الصمد عبد_الرزاق الحسين
    """
    + """محمد أحمد احمد عبد_الله عبدالله عبد_القادر عبد_العزيز عبد_الرحيم عبد_الرحمان يوسف ياسين حمزة مهدي
    عمر عثمان كريم رشيد سعيد حسن حسين هشام خالد مصطفى ادريس إدريس جمال جواد عادل أمين أنس أيوب إلياس
    إسماعيل ابراهيم إبراهيم نور_الدين نبيل طارق رضوان زكرياء زكرياء سفيان بدر بلال رضا مروان يونس يحيى
    عزيز العربي لحسن حميد حكيم مراد منير صلاح طه وليد فاطمة فطومة خديجة عائشة عيشة زينب سلمى سناء نادية
    إيمان ايمان مريم هاجر حنان هدى ليلى لطيفة مليكة نعيمة نجاة نورة رجاء ريم سميرة سهام سعاد وفاء ياسمين
    زهرة غزلان كوثر لبنى أسماء ابتسام أمال آمال أمينة هند حياة إكرام إلهام إيطو يطو دنيا شيماء أميمة حفصة
    رانية صفاء سارة سكينة وداد"""
)
# Compound given names are listed with their second part so that "فاطمة الزهراء" is kept whole.
GIVEN_SECOND_ARABIC = frozenset({"الزهراء", "الزهرة", "الله", "القادر", "الرحيم", "الرحمان", "الدين", "أمين"})
FAMILY_ARABIC = _words(
    """العلوي العلمي بناني بنجلون برادة الشرايبي الكتاني التازي الفاسي الإدريسي الادريسي العمراني الوزاني
    لحلو أمغار امغار بنكيران بنسودة السقاط الصقلي كسوس لزرق الفيلالي بلغيتي الطاهري الناصري بنعبد_الله
    بنسليمان البوزيدي الشرقاوي اللمراني السلاوي زنيبر السبتي المرنيسي القادري الحجي الهلالي الزياني
    الريفي السوسي الدكالي المراكشي الطنجاوي الصفريوي المكناسي التونسي الحسني الحسيني الموساوي البقالي
    الداودي الجابري الكريمي ناجي السعدي الرشيدي التوزاني بنشقرون بنيس بنعلي المنصوري آيت أيت لحسن
    أوشن الخطابي بوعبيد بوطالب الشامي العراقي العلج اليعقوبي"""
)

TITLES_LATIN = (
    r"(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle|Me|Maître|Maitre"
    r"|Dr\.?|Docteur|Pr\.?|Si|Lalla)"
)
TITLES_ARABIC = r"(?:السيد|السيدة|الآنسة|الأستاذ|الأستاذة|الدكتور|الدكتورة|سي|لالة|للا)"

_LAT_TOKEN = r"(?:[A-ZÀ-Ý][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ]+)?|[A-ZÀ-Ý]{2,}(?:-[A-ZÀ-Ý]{2,})?)"
_LATIN_SEQ = re.compile(r"(?<![\w@.])" + _LAT_TOKEN + r"(?:[ ](?:" + _LAT_TOKEN + r"))*")
_TITLED_LATIN = re.compile(
    r"(?<![\w])" + TITLES_LATIN + r"[ ]+(" + _LAT_TOKEN + r"(?:[ ]" + _LAT_TOKEN + r"){0,3})"
)
_AR_TOKEN = re.compile(r"[\u0621-\u064A\u0671-\u06D3]+")
_TITLED_ARABIC = re.compile(r"(?<![\u0600-\u06FF])" + TITLES_ARABIC + r"[ ]+")

# Capitalised words that are never names (sentence starts, months, places ...).
_STOP = _words(
    """le la les un une des du de je il elle nous vous merci bonjour salam madame monsieur société
    standard référence rabat casablanca fès fes marrakech tanger agadir meknès oujda kénitra tétouan maroc
    royaume janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    lundi mardi mercredi jeudi vendredi samedi dimanche article loi décret dahir iban rib cin ice cnss
    nom prenom prénom tel tél adresse
    """
)


def _given(token: str) -> bool:
    return _norm(token).split("-")[0] in GIVEN_LATIN


_GIVEN_SECOND_LATIN = frozenset({"eddine", "eddin", "dine", "zahra", "ezzahra", "zohra", "ilah", "allah"})


def _family_first(tokens: list[str], i: int) -> int | None:
    """End index of a family-name-first name starting at i (a known family name, then given names)."""
    j = i + 1 if _norm(tokens[i]) in PARTICLES else i
    if j >= len(tokens) or _norm(tokens[j]) in _STOP:
        return None
    # An unknown family name is accepted in capitals, as forms write it ("SQALLI Imane", "BOUAZZAOUI HAJAR").
    shouted = tokens[j].isupper() and len(tokens[j]) >= 3
    if _norm(tokens[j]) not in FAMILY_LATIN and not shouted:
        return None
    j += 1
    if j >= len(tokens) or not _given(tokens[j]):
        return None
    j += 1
    if j < len(tokens) and _given(tokens[j]):
        j += 1
    return j


# Organisations and places named after people ("Société Nour", "Bd Mohammed V", "Riad Dar Zitoune").
_ORG_WORDS = _words(
    """societe ste hotel riad cafe clinique pharmacie residence bd boulevard avenue av rue lycee ecole college
    hopital chu bank banque groupe fondation association cabinet dar hay quartier mosquee complexe centre
    institut universite faculte agence restaurant boulangerie garage imm immeuble station"""
)
_PREV_WORD = re.compile(r"([^\W\d_]+)\.?\s+$")


def _after_org_word(text: str, start: int) -> bool:
    m = _PREV_WORD.search(text[max(0, start - 20) : start])
    return m is not None and _norm(m.group(1)) in _ORG_WORDS


# Form labels after which the next capitalised words are a person's name, whatever the gazetteer says.
_LABELLED = re.compile(
    r"(?<![\w])(?:Nom et prénom|Nom complet|Nom|Prénom|Client|Cliente|Patient|Patiente|Titulaire|Bénéficiaire"
    r"|Assuré|Assurée|Salarié|Salariée|Locataire|Propriétaire|Demandeur|Demanderesse|Conducteur|Gérant"
    r"|Gérante|Contact|Destinataire|Expéditeur)\s*:\s*(" + _LAT_TOKEN + r"(?:[ ]" + _LAT_TOKEN + r"){0,3})"
)


def _labelled_people(text: str) -> list[Entity]:
    out = []
    pos = 0
    while (m := _LABELLED.search(text, pos)) is not None:
        keep = []
        for tok in m.group(1).split(" "):
            if _norm(tok) in _STOP or _norm(tok) in _ORG_WORDS:
                break
            keep.append(tok)
        end = m.start(1) + len(" ".join(keep))
        if keep:
            out.append(Entity(m.start(1), end, T.PERSON, 0.75))
        pos = max(end, m.start(1) + 1)  # a following label ("Nom : X Prénom : Y") is searched again
    return out


def _latin_people(text: str) -> list[Entity]:
    out = []
    for m in _LATIN_SEQ.finditer(text):
        tokens = m.group().split(" ")
        offsets, pos = [], m.start()
        for tok in tokens:
            offsets.append(pos)
            pos += len(tok) + 1
        i = 0
        while i < len(tokens):
            end = _family_first(tokens, i)
            if end is not None:  # forms and lists: "BENNANI Karim", "El Amrani Fatima Zahra"
                if not _after_org_word(text, offsets[i]):
                    out.append(Entity(offsets[i], offsets[end - 1] + len(tokens[end - 1]), T.PERSON, 0.85))
                i = end
                continue
            if not _given(tokens[i]):
                i += 1
                continue
            j = i + 1
            if j < len(tokens) and _norm(tokens[j]) in _GIVEN_SECOND_LATIN:
                j += 1  # "Jamal Eddine", "Fatima Zahra": one given name
            given_end = j
            family = False
            while j < len(tokens):
                low = _norm(tokens[j])
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
                    break
                else:
                    break
                family = True
            while j > i + 1 and _norm(tokens[j - 1]) in PARTICLES:
                j -= 1
            start, end = offsets[i], offsets[j - 1] + len(tokens[j - 1])
            score = 0.85 if j > i + 1 else 0.45
            if not _after_org_word(text, start):
                out.append(Entity(start, end, T.PERSON, score))
            i = j
    out += _labelled_people(text)
    for m in _TITLED_LATIN.finditer(text):
        tokens = m.group(1).split(" ")
        keep = []
        for tok in tokens:
            if _norm(tok) in _STOP:
                break
            keep.append(tok)
        if keep:
            start = m.start(1)
            out.append(Entity(start, start + len(" ".join(keep)), T.PERSON, 0.8))
    return out


def _arabic_people(text: str) -> list[Entity]:
    out = []
    tokens = [(m.start(), m.end(), m.group()) for m in _AR_TOKEN.finditer(text)]
    titled_starts = {m.end() for m in _TITLED_ARABIC.finditer(text)}
    cued_starts = {m.end() for m in _CUED_ARABIC.finditer(text)}
    words = [t[2] for t in tokens]

    def adjacent(a: int, b: int) -> bool:
        return text[tokens[a][1] : tokens[b][0]] == " "

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
            unit = _arabic_family_end(words, j, adjacent, open_slot=n_family == 0 and (known_given or titled))
            if unit is None:
                break
            j = unit
            n_family += 1
        if n_family == 0 and not titled:
            i += 1
            continue
        score = 0.85 if n_family else 0.6
        out.append(Entity(tokens[i][0], tokens[j - 1][1], T.PERSON, score))
        i = j
    return out


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


def _arabic_family_end(words: list[str], j: int, adjacent: Any, open_slot: bool) -> int | None:
    """End index of one family-name unit at j: a particle and its name (بن الطيب، آيت الحاج، بن عبد الله),
    a gazetteer name, a name shaped like a family name (بن…، بو…، أو…), or after a given name any ال-word."""
    w = words[j]
    if w in _AR_STOP:
        return None
    if w in _AR_PARTICLES and j + 1 < len(words) and adjacent(j, j + 1) and words[j + 1] not in _AR_STOP:
        end = j + 2
        if words[j + 1] == "عبد" and end < len(words) and adjacent(j + 1, end):
            end += 1
        return end
    if w in FAMILY_ARABIC or (len(w) >= 5 and w.startswith(_AR_FAMILY_PREFIXES)):
        return j + 1
    if open_slot and w.startswith("ال") and len(w) >= 4:
        return j + 1
    return None


_AR_STOP = _words(
    """السيد السيدة الآنسة الأستاذ الأستاذة الدكتور الدكتورة الأول الثاني الثالث الرابع الخامس السادس
    السابع مدير المدير رئيس الرئيس وزير الوزير والي الوالي عامل العامل قائد القائد نائب مسؤول المسؤول
    كاتب الكاتب المحترم المحترمة الموقع أسفله الحامل الحاملة بطاقة
    الحساب البنكي المبلغ الهاتف البريد الإلكتروني المقاولة الشركة السيارة الظهير الشريف القانون المرسوم
    المادة الفصل الوطنية التعريف الموحد رقم الحظ الخير الصباح المساء الله"""
)
_AR_PARTICLES = frozenset({"بن", "ابن", "بنت", "آيت", "أيت", "ايت", "ولد", "أولاد"})
_AR_FAMILY_PREFIXES = ("بن", "بو", "أو", "او", "ابن")
# Words after which the next words are a person's name: "المريض عبد الحق المريني", "الاسم : ...".
_CUED_ARABIC = re.compile(
    r"(?<![\u0600-\u06FF])(?:المريضة?|الموظفة?|المستفيدة?|المدعى عليه|المدعي|المدعية|الزبونة?|سميتو|سميتها|"
    r"اسمي|سميتي|أسفله|الاسم الكامل|الاسم|المسير)\s*:?\s+"
)


def find_people(text: str) -> list[Entity]:
    return _latin_people(text) + _arabic_people(text)
