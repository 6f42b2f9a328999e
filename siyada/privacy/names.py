"""PERSON recogniser: a small hand-written gazetteer of Moroccan given/family names + title patterns.

Latin and Arabic scripts.  A title (M., Mme, Monsieur, Madame, السيد, السيدة ...) is context only: it is
never part of the span.
"""

from __future__ import annotations

import re

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity


def _words(block: str) -> frozenset[str]:
    return frozenset(block.replace("_", " ").split())


GIVEN_LATIN = _words(
    """mohamed mohammed mohammad muhammad ahmed ahmad abdellah abdallah abdelkader abdelaziz abderrahim
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
PARTICLES = frozenset(
    {"el", "al", "ait", "aït", "ben", "bin", "ou", "ould", "ibn", "bel", "bou", "lalla", "sidi"}
)

GIVEN_ARABIC = _words(
    """محمد أحمد احمد عبد_الله عبدالله عبد_القادر عبد_العزيز عبد_الرحيم عبد_الرحمان يوسف ياسين حمزة مهدي
    عمر عثمان كريم رشيد سعيد حسن حسين هشام خالد مصطفى ادريس إدريس جمال جواد عادل أمين أنس أيوب إلياس
    إسماعيل ابراهيم إبراهيم نور_الدين نبيل طارق رضوان زكرياء زكرياء سفيان بدر بلال رضا مروان يونس يحيى
    عزيز العربي لحسن حميد حكيم مراد منير صلاح طه وليد فاطمة فطومة خديجة عائشة عيشة زينب سلمى سناء نادية
    إيمان ايمان مريم هاجر حنان هدى ليلى لطيفة مليكة نعيمة نجاة نورة رجاء ريم سميرة سهام سعاد وفاء ياسمين
    زهرة غزلان كوثر لبنى أسماء ابتسام أمال آمال أمينة هند حياة إكرام إلهام إيطو يطو دنيا شيماء أميمة حفصة
    رانية صفاء سارة سكينة وداد"""
)
# Compound given names are listed with their second part so that "فاطمة الزهراء" is kept whole.
GIVEN_SECOND_ARABIC = frozenset({"الزهراء", "الزهرة", "الله", "القادر", "الرحيم", "الرحمان", "الدين"})
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
    r"|Dr\.?|Docteur|Pr\.?|Si|Lalla|Sidi)"
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
    """
)


def _norm(token: str) -> str:
    return token.lower().replace("’", "'")


def _given(token: str) -> bool:
    return _norm(token).split("-")[0] in GIVEN_LATIN


def _family_first(tokens: list[str], i: int) -> int | None:
    """End index of a family-name-first name starting at i (a known family name, then given names)."""
    j = i + 1 if _norm(tokens[i]) in PARTICLES else i
    if j >= len(tokens) or _norm(tokens[j]) not in FAMILY_LATIN:
        return None
    j += 1
    if j >= len(tokens) or not _given(tokens[j]):
        return None
    j += 1
    if j < len(tokens) and _given(tokens[j]):
        j += 1
    return j


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
                out.append(Entity(offsets[i], offsets[end - 1] + len(tokens[end - 1]), T.PERSON, 0.85))
                i = end
                continue
            if not _given(tokens[i]):
                i += 1
                continue
            j = i + 1
            family = False
            while j < len(tokens):
                low = _norm(tokens[j])
                if low in _STOP:
                    break
                if low in GIVEN_LATIN or low in FAMILY_LATIN or low.split("-")[0] in FAMILY_LATIN:
                    family = family or low in FAMILY_LATIN or j > i + 1
                    j += 1
                elif low in PARTICLES and j + 1 < len(tokens):
                    j += 1
                elif (len(low) >= 3 and j == i + 1) or family:
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
            out.append(Entity(start, end, T.PERSON, score))
            i = j
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

    def adjacent(a: int, b: int) -> bool:
        return text[tokens[a][1] : tokens[b][0]] == " "

    i = 0
    while i < len(tokens):
        word = tokens[i][2]
        titled = tokens[i][0] in titled_starts
        if word not in GIVEN_ARABIC and not titled:
            i += 1
            continue
        j = i + 1
        if j < len(tokens) and adjacent(j - 1, j) and tokens[j][2] in GIVEN_SECOND_ARABIC:
            j += 1
        # After a title, an unknown first word is already the (family) name: extend by gazetteer only.
        open_slot = word in GIVEN_ARABIC
        n_family = 0
        while j < len(tokens) and adjacent(j - 1, j) and n_family < 2:
            w = tokens[j][2]
            known = w in FAMILY_ARABIC or (w in _AR_PARTICLES and j + 1 < len(tokens))
            guessed = n_family == 0 and open_slot and (titled or w.startswith("ال")) and w not in _AR_STOP
            if known or guessed:
                j += 1
                n_family += 1
            else:
                break
        if n_family == 0 and not titled:
            i += 1
            continue
        score = 0.85 if n_family else 0.6
        out.append(Entity(tokens[i][0], tokens[j - 1][1], T.PERSON, score))
        i = j
    return out


_AR_STOP = _words(
    """الحساب البنكي المبلغ الهاتف البريد الإلكتروني المقاولة الشركة السيارة الظهير الشريف القانون المرسوم
    المادة الفصل الوطنية التعريف الموحد رقم الحظ الخير الصباح المساء الله"""
)
_AR_PARTICLES = frozenset({"بن", "ابن", "بنت", "آيت", "أيت"})


def find_people(text: str) -> list[Entity]:
    return _latin_people(text) + _arabic_people(text)
