"""Well-known Moroccan public figures of today (round 10): sport, music, letters, politics.

The labelled sets mark public figures in running text as PERSON, and chats name footballers and singers by
their family name alone ("hakimi ma l3bch", "شفتي النصيري؟"), which no cue announces and the given-name
lists cannot catch. This is general knowledge, listed once here in Latin and Arabic script: a full name
is a name (score 0.85); a family name of five letters or more alone is one too (0.6) unless it is an
everyday word or a given name (those are left to the model). A figure's name inside a place, a prize or a
street ("Stade Mohammed V", "Amphi Fatima Mernissi") is dropped later by :mod:`siyada.privacy.places`.
Historical figures (Ibn Battuta, Ibn Khaldoun, Tariq Ibn Ziyad) are left out: in Moroccan text their
names are far more often a school's, a street's or an airport's than the person's.
"""

from __future__ import annotations

import re

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity
from siyada.privacy.gazetteer import GIVEN_LATIN
from siyada.privacy.lead import lead
from siyada.privacy.trie_regex import trie_pattern

FIGURES_LATIN = (
    # football: players and coaches of the national team, past and present
    "Achraf Hakimi", "Hakim Ziyech", "Yassine Bounou", "Yassine Bono", "Sofyan Amrabat", "Azzedine Ounahi",
    "Youssef En-Nesyri", "Youssef En Nesyri", "Romain Saïss", "Romain Saiss", "Noussair Mazraoui",
    "Nayef Aguerd", "Sofiane Boufal", "Walid Regragui", "Medhi Benatia", "Mehdi Benatia", "Adel Taarabt",
    "Brahim Diaz", "Brahim Díaz", "Bilal El Khannouss", "Abde Ezzalzouli", "Selim Amallah", "Ayoub El Kaabi",
    "Amine Harit", "Younès Belhanda", "Younes Belhanda", "Marouane Chamakh", "Noureddine Naybet",
    "Mustapha Hadji", "Badou Zaki", "Houcine Kharja", "Hussein Ammouta", "Zakaria Aboukhlal",
    "Ismael Saibari", "Eliesse Ben Seghir", "Jawad El Yamiq", "Achraf Dari", "Munir Mohamedi",
    # athletics, boxing, tennis
    "Hicham El Guerrouj", "Nawal El Moutawakel", "Said Aouita", "Saïd Aouita", "Soufiane El Bakkali",
    "Khalid Skah", "Salah Hissou", "Fatima Zahra Gardadi", "Badr Hari", "Younes El Aynaoui", "Hicham Arazi",
    # music
    "Saad Lamjarred", "Abdelhadi Belkhayat", "Abdelouahab Doukkali", "Abdelwahab Doukkali", "Naima Samih",
    "Latifa Raafat", "Samira Said", "Hatim Ammor", "Abdelhafid Douzi", "Asmaa Lmnawar", "Hindi Zahra",
    "Ahmed Soultan", "Najat Aatabou", "Mohamed Rouicha", "Nouamane Lahlou", "Zina Daoudia",
    "Abdelaziz Stati", "Douzi", "Redouane Asmar", "Mohamed Reda", "Rachid Taha", "Cheb Khaled",
    # letters, arts, stage
    "Tahar Ben Jelloun", "Leila Slimani", "Leïla Slimani", "Fatima Mernissi", "Mohamed Choukri",
    "Driss Chraibi", "Abdelfattah Kilito", "Abdellatif Laabi", "Mohammed Abed Al Jabri",
    "Mohamed Abed Al Jabri", "Farid Belkahia", "Chaibia Talal", "Mohamed Melehi", "Germain Ayache",
    "Jamel Debbouze", "Gad Elmaleh", "Hassan El Fad", "Abdellah Ferkous", "Said Naciri", "Rachid El Ouali",
    "Mohamed Zafzaf", "Nabil Ayouch", "Faouzi Bensaidi",
    # politics and public life
    "Aziz Akhannouch", "Nasser Bourita", "Nadia Fettah", "Nadia Fettah Alaoui", "Abdellatif Ouahbi",
    "Nizar Baraka", "Fouzi Lekjaa", "Abdelouafi Laftit", "Driss Jettou", "Abdelilah Benkirane",
    "Saadeddine El Othmani", "Abderrahmane Youssoufi", "Abbas El Fassi", "Mustapha El Khalfi",
    "Abdellatif Jouahri", "Zineb El Adaoui", "Nabila Mounib", "Fouad Ali El Himma", "Ahmed Toufiq",
    "Amina Bouayach", "Chakib Benmoussa", "Rachid Talbi Alami", "Mehdi Bensaid", "Leila Benali",
    "Younes Sekkouri", "Ghita Mezzour", "Fatim-Zahra Ammor", "Ahmed Lahlimi", "Driss El Yazami",
)  # fmt: skip
FIGURES_ARABIC = (
    "أشرف حكيمي", "حكيم زياش", "ياسين بونو", "سفيان أمرابط", "عز الدين أوناحي", "يوسف النصيري",
    "رومان سايس", "نصير مزراوي", "نايف أكرد", "سفيان بوفال", "وليد الركراكي", "المهدي بنعطية",
    "عادل تاعرابت", "إبراهيم دياز", "بلال الخنوس", "أيوب الكعبي", "أمين حارث", "يونس بلهندة", "مروان الشماخ",
    "نور الدين النيبت", "مصطفى حجي", "بادو الزاكي", "الحسين عموتة", "الحسين خرجة", "زكرياء أبوخلال",
    "هشام الكروج", "نوال المتوكل", "سعيد عويطة", "سفيان البقالي", "خالد السكاح", "صلاح حيسو",
    "فاطمة الزهراء كردادي", "بدر هاري", "يونس العيناوي", "هشام أرازي",
    "سعد لمجرد", "عبد الهادي بلخياط", "عبد الوهاب الدكالي", "نعيمة سميح", "لطيفة رأفت", "سميرة سعيد",
    "حاتم عمور", "عبد الحفيظ الدوزي", "أسماء لمنور", "نجاة اعتابو", "نجاة عتابو", "محمد رويشة",
    "نعمان لحلو", "زينة الداودية", "عبد العزيز الستاتي", "الدوزي", "رشيد طه",
    "الطاهر بن جلون", "ليلى سليماني", "فاطمة المرنيسي", "محمد شكري", "إدريس الشرايبي", "عبد الفتاح كيليطو",
    "عبد اللطيف اللعبي", "محمد عابد الجابري", "فريد بلكاهية", "الشعيبية طلال", "محمد المليحي",
    "جمال الدبوز", "حسن الفد", "عبد الله فركوس", "سعيد الناصري", "رشيد الوالي", "محمد زفزاف", "نبيل عيوش",
    "عزيز أخنوش", "ناصر بوريطة", "نادية فتاح", "نادية فتاح العلوي", "عبد اللطيف وهبي", "نزار بركة",
    "فوزي لقجع", "عبد الوافي لفتيت", "إدريس جطو", "عبد الإله بنكيران", "سعد الدين العثماني",
    "عبد الرحمان اليوسفي", "عبد الرحمن اليوسفي", "عباس الفاسي", "مصطفى الخلفي", "عبد اللطيف الجواهري",
    "زينب العدوي", "نبيلة منيب", "فؤاد عالي الهمة", "أحمد التوفيق", "أمينة بوعياش", "شكيب بنموسى",
    "رشيد الطالبي العلمي", "المهدي بنسعيد", "ليلى بنعلي", "يونس السكوري", "غيثة مزور", "أحمد الحليمي",
)  # fmt: skip

# Family names that are everyday words, towns or common given names: never a name alone by this list
# ("الخلفي" is "the back one", "اليوسفي" a mandarin, "Hari", "Zaki", "Reda" given names).
_NOT_ALONE = frozenset(
    """diaz díaz zahra khaled reda taha baraka ibrahim ibn batouta battuta khaldoun tachfine ziyad fassi
    alaoui soussi hadji ammor said samih saiss saïss naciri
    الخلفي اليوسفي الفاسي العلوي بركة سعيد إبراهيم دياز طه السوسي
    العثماني العلمي التوفيق""".split()  # noqa: SIM905
)
_MIN_ALONE = 5


def _family(name: str) -> str:
    """The family name: after the given name (one word, or two in "Abdel Kader"-like Arabic names)."""
    parts = name.split(" ")
    if parts[0] in ("عبد", "عز") and len(parts) > 2:
        return " ".join(parts[2:])
    return " ".join(parts[1:])


def _alone(names: tuple[str, ...]) -> set[str]:
    given = {g.lower() for g in GIVEN_LATIN}
    out = set()
    for name in names:
        if " " not in name:
            continue
        fam = _family(name)
        key = fam.lower()
        if len(fam.replace(" ", "")) >= _MIN_ALONE and key not in _NOT_ALONE and key not in given:
            out.add(fam)
            if " " in fam and fam.split(" ")[0].lower() == "el":  # "El Guerrouj" written "Guerrouj"
                out.add(fam.split(" ", 1)[1])
    return out


_FULL = {n for n in FIGURES_LATIN + FIGURES_ARABIC if " " in n} | {"Douzi", "الدوزي"}
FIGURES_ALONE = frozenset(_alone(FIGURES_LATIN) | _alone(FIGURES_ARABIC))


# Latin in its three usual cases ("hakimi", "Hakimi", "ZIYECH"; a case-sensitive trie is about twice as
# fast as IGNORECASE); Arabic after an optional proclitic "و" / "ب" / "ل" / "ف".
def _cases(name: str) -> set[str]:
    return {name, name.lower(), name.upper(), name.title()} if name.isascii() else {name}


_PATTERN = re.compile(
    lead({c for n in _FULL | FIGURES_ALONE for c in _cases(n)}, more="وبلف")
    + r"(?<![\w\-])(?:[وبلف](?=[\u0621-\u064A]))?("
    + trie_pattern(sorted({c for n in _FULL | FIGURES_ALONE for c in _cases(n)}, key=len, reverse=True))
    + r")(?![\w\-])"
)
_FULL_KEYS = {n.lower() for n in _FULL}


def find_public_figures(text: str) -> list[Entity]:
    out = []
    for m in _PATTERN.finditer(text):
        full = m.group(1).lower() in _FULL_KEYS
        out.append(Entity(m.start(1), m.end(1), T.PERSON, 0.85 if full else 0.6))
    return out
