"""Context words (French, Arabic, Darija in both scripts) that raise or lower a candidate's score."""

from __future__ import annotations

import re
from functools import lru_cache

from siyada.privacy import entities as T
from siyada.privacy.tables import column_header
from siyada.privacy.trie_regex import trie_pattern

_WORDS: dict[str, tuple[str, ...]] = {
    T.MA_CIN: (
        "cin",
        "cnie",
        "c.i.n",
        "carte nationale",
        "carte d'identité",
        "carte d'identite",
        "la carte",
        # Round 7: "sa carte c'est EA-081264" (a bank card's number has no letter: no collision).
        "sa carte",
        "ma carte",
        "ta carte",
        "votre carte",
        "pièce d'identité",
        "البطاقة الوطنية",
        "البطاقة",
        "بطاقة التعريف",
        "رقم البطاقة",
        "لاكارط",
        "lakart",
        "la carte dyali",
        "carta",
        "btaqa",
        "bitaqa",
        "لبطاقة",
        "بطاقة وطنية",
        "lcin",
        "lbitaqa",
        "lbtaqa",
        "tkarḍa",
        "tkarda",
        "takarḍa",
        "ⵜⴰⴽⴰⵔⴹⴰ",
        "ⵜⴰⴽⴰⵕⴹⴰ",
        "ⵜⴽⴰⵔⴹⴰ",
        "ⵜⴽⴰⵕⴹⴰ",
        "ⵜⵉⵎⴰⴳⵉⵜ",  # identity ("ⵜⴰⵏⴰⵖⵜ ⵏ ⵜⵉⵎⴰⴳⵉⵜ", the identity card)
        # Round 10: the card in Tifinagh ("ⵜⴰⴼⵔⴽⵉⵜ: D 318840", "ⵓⵟⵟⵓⵏ ⵏ ⵜⴼⵔⴽⵉⵜ"), the card with the Darija
        # article ("lcarte dyali: ja112093").
        "ⵜⴰⴼⵔⴽⵉⵜ",
        "ⵜⴼⵔⴽⵉⵜ",
        "lcarte",
        "الكارط",
        "الكارطة",
        "lkart",
        "lkarta",
        "national id",
        "moroccan id",
        "id card",
        "identity card",
        "بطاقته",
        "بطاقتها",
        "بطاقتي",
        # Round 12: "رقم بطاقة الوالد هو K 12 40 98" (a bank card's number has no letter; the bare "ID" and
        # "carte" are not here: "Employee ID: E-10457", a "Carte" column of bank cards, "carte grise").
        "بطاقة",
    ),
    T.MA_PASSPORT: (
        "passeport",
        "passport",
        "جواز السفر",
        "جواز",
        "باسبور",
        "paspor",
        "passpor",
        "n° passeport",
        "lpassport",
        "lpasspor",
        "lbasbor",
        "lpaspor",
        "lpasport",
        "pasport",
        "lpasseport",
        "الباسبور",
        "الباسبور ديالي",
        "lbasbor",
        "passport no",
        # Round 12: with the article or a possessive ("الجواز AZ 6621047", "جوازها"), other languages'
        # words, and the Tifinagh ones the sets write ("ⴰⴷⵍⵉⵙ ⵏ ⵓⵎⵓⴷⴷⵓ", the travel book; "ⵜⴰⵙⵍⴽⵉⵡⵜ";
        # the loanword "ⴰⴱⴰⵙⴱⵓⵔ" and its annexed "ⵓⴱⴰⵙⴱⵓⵔ").
        "الجواز",
        "جوازه",
        "جوازها",
        "جوازي",
        "pasaporte",
        "passaporto",
        "reisepass",
        "paspoort",
        "ⴰⴷⵍⵉⵙ ⵏ ⵓⵎⵓⴷⴷⵓ",
        "ⵓⴷⵍⵉⵙ ⵏ ⵓⵎⵓⴷⴷⵓ",
        "ⵜⴰⴽⴰⵕⴹⴰ ⵏ ⵓⵎⵓⴷⴷⵓ",
        "ⵜⴰⴽⴰⵔⴹⴰ ⵏ ⵓⵎⵓⴷⴷⵓ",
        "ⵜⴽⴰⵕⴹⴰ ⵏ ⵓⵎⵓⴷⴷⵓ",
        "ⵜⴰⵙⵍⴽⵉⵡⵜ",
        "ⵜⵙⵍⴽⵉⵡⵜ",
        "ⴰⴱⴰⵙⴱⵓⵔ",
        "ⵓⴱⴰⵙⴱⵓⵔ",
        "ⵍⴱⴰⵙⴱⵓⵔ",
        "ⴱⴰⵙⴱⵓⵔ",
    ),
    T.MA_RIB: (
        "rib",
        "relevé d'identité bancaire",
        "compte",
        "virement",
        "viré sur",
        "versé sur",
        "virer sur",
        "transfer to",
        "paid into",
        "bancaire",
        "الحساب البنكي",
        "الحساب",
        "حساب",
        "تحويل",
        "الكونط",
        "lcompte",
        "l compte",
        "lflouss",
        "flouss",
        "sift",
        "صيفط",
    ),
    T.MA_IBAN: ("iban", "compte", "virement", "الحساب", "حساب"),
    T.MA_ICE: (
        "ice",
        "i.c.e",
        "i . c . e",
        "i.c.e.",
        "identifiant commun",
        "التعريف الموحد",
        "المعرف الموحد",
        "société",
        "societe",
        "entreprise",
        "المقاولة",
        "الشركة",
        "charika",
        # An invoice's or a form's company block: the ICE sits among these without its own label.
        "sarl",
        "sarlau",
        "s.a.r.l",
        "patente",
        "rc",
        "r.c",
        "if",
        "i.f",
        "identifiant fiscal",
        "registre de commerce",
        "fournisseur",
        "raison sociale",
        "coopérative",
        "السجل التجاري",
        "التعريف الضريبي",
        "الضريبة المهنية",
        "شركة",
        "تعاونية",
        "مقاولة",
    ),
    T.PHONE_NUMBER: (
        "tél",
        "tel",
        "téléphone",
        "telephone",
        "portable",
        "mobile",
        "gsm",
        "appeler",
        "contacter",
        "fixe",
        "standard",
        "whatsapp",
        "الهاتف",
        "هاتف",
        "رقم الهاتف",
        "التيليفون",
        "تيليفون",
        "النمرة",
        "نمرة",
        "3iyet",
        "3iyto",
        "3ayet",
        "nemra",
        "tilifoun",
        "telephone dyali",
        "appel",
        "contact",
        "joindre",
        "numéro",
        "numero",
        "للتواصل",
        "اتصل",
        # Round 8: "للاتصال 0677.21.90.64" (to call), the noun, which "اتصل" does not match.
        "الاتصال",
        "اتصال",
        "واتساب",
        "عيط",
    ),
    T.MA_PLATE: (
        "immatriculée",
        "immatriculé",
        "immatriculation",
        "matricule",
        "plaque",
        "véhicule",
        "vehicule",
        "voiture",
        "لوحة",
        "ترقيم",
        # Round 7: with a possessive ("سيارته ... ترقيمها 60454-a-86").
        "ترقيمها",
        "ترقيمه",
        "سيارته",
        "سيارتها",
        "سيارتي",
        "السيارة",
        "الطوموبيل",
        "tomobil",
        "tonobil",
        "lmatricule",
        "ماتريكول",
        "plate",
        "immatriculation provisoire",
        "plaque dyal",
        "lmatricule",
        "matricule dial",
        # Trucks and taxis carry plates too, and Darija says the French word with the Arabic article.
        "الماتريكول",
        "شاحنة",
        "الشاحنة",
        "camion",
        "taxi",
        "طاكسي",
        "الطاكسي",
        "truck",
        "registration",
        "lplaka",
        "plaka",
        # Round 8: an ad's or a fleet list's abbreviation, and the makes Moroccan fleets are made of.
        "immat",
        "dacia",
        "renault",
        "peugeot",
        "citroën",
        "kangoo",
        "logan",
        "sandero",
        "dokker",
        "toyota",
        "hyundai",
        # Round 11: an English report's words, and the Darija truck ("a van registered 86214-A-50").
        "vehicle",
        "van",
        "registered",
        "الكاميو",
        "كاميو",
        "lkamio",
        # Round 12: Darija's car without its first vowel ("tmobil dyalo 12874-a-40"), motorbikes.
        "tmobil",
        "tomobile",
        "automobile",
        "lmotor",
        "moto",
    ),
    T.MA_CNSS: (
        "cnss",
        "sécurité sociale",
        "securite sociale",
        "socia1e",
        "الضمان الاجتماعي",
        "للضمان الاجتماعي",
        "بالضمان الاجتماعي",
        "فالضمان الاجتماعي",
        "الضمان",
        "لاسي إن إس إس",
        "سي إن إس إس",
        "immatriculation cnss",
        "immatriculation",
        "immatriculé",
        "immatriculée",
        "رقم التسجيل",
        # Round 8: "والأجيرة مليكة الهاشمي رقم تسجيلها 163 927 408" (her registration number).
        "رقم تسجيلها",
        "رقم تسجيله",
        "الأجيرة",
        "الأجير",
        "employeur",
        "immatricul",
        "immatricu",
        "affiliation",
        "affilié",
        "affiliée",
        "lcnss",
        # Round 12: the health insurance the CNSS runs ("bghit ndir lha dossier AMO... / ok: 198745236"),
        # the fund's and the membership's words, English, Darija in Latin script, and Tifinagh
        # ("ⵓⵟⵟⵓⵏ ⵏ ⵜⵏⵓⵔⵉⵜ ⵏ ⵓⵙⵎⴷⵢⴰ", the social-security registration number).
        "amo",
        "a.m.o",
        "social security",
        "الصندوق الوطني للضمان",
        "رقم الانخراط",
        "رقم انخراطه",
        "رقم انخراطها",
        "damane",
        "damane ijtima3i",
        "ⵓⵙⵎⴷⵢⴰ",
        "ⴰⵙⵎⴷⵢⴰ",
    ),
    T.CREDIT_CARD: (
        "carte bancaire",
        "carte de crédit",
        "carte de credit",
        "visa",
        "mastercard",
        "cb",
        "card",
        "البطاقة البنكية",
        "بطاقة الائتمان",
        "lcarte guichet",
        "carte guichet",
        "carte",
        "lcarte",
        "البطاقة",
        "débitée",
        "débité",
        "بطاقتكم",
        "بطاقتك",
        # Round 12: the card in Tifinagh ("ⴰⵏⵎⵓⵔⴰⵢ ⵏ ⵜⴽⴰⵔⴹⴰ: 5901…") and in Darija ("lcarta", "كارط").
        "ⵜⴽⴰⵔⴹⴰ",
        "ⵜⴰⴽⴰⵔⴹⴰ",
        "ⵜⴽⴰⵕⴹⴰ",
        "ⵜⴰⴽⴰⵕⴹⴰ",
        "كارط",
        "كارطة",
        "lcarta",
        "lkart",
        "carte visa",
        "credit card",
        "debit card",
    ),
    T.EMAIL_ADDRESS: ("mail", "courriel", "البريد", "إيميل", "imayl"),
}

# Words that announce a reference that is *not* personal data (law, decree, amount, date, file ...).
_NEGATIVE = (
    "loi",
    "décret",
    "decret",
    "dahir",
    "article",
    "arrêté",
    "arrete",
    "montant",
    "dirham",
    "dh",
    "mad",
    "commande",
    "dossier",
    "facture",
    "référence",
    "reference",
    "lot",
    "série",
    "serie",
    "imei",
    "réf",
    "ref",
    "الظهير",
    "القانون",
    "المرسوم",
    "الفصل",
    "المادة",
    "مبلغ",
    "درهم",
    "ملف",
    "طلب",
)


# An Arabic context word may carry a proclitic: "وجواز السفر", "للبطاقة الوطنية", "بالبطاقة".
_AR_PROCLITIC = r"(?:لل|وال|بال|فال|[وبلف])?"


def _compile(words: tuple[str, ...]) -> re.Pattern[str]:
    alts = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    return re.compile(
        r"(?<![\w])" + _AR_PROCLITIC + r"(?:" + "|".join(alts) + r")(?![^\W\d_])", re.IGNORECASE
    )


_PATTERNS = {t: _compile(w) for t, w in _WORDS.items()}
_NEG = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, _NEGATIVE)) + r")(?![^\W\d_])", re.IGNORECASE)

BEFORE = 48
AFTER = 24

# Each type's words in lower case, as one trie (a pattern that opens on a character class: one fast scan).
_ANY_WORD = {
    t: re.compile(trie_pattern(sorted({w.lower() for w in ws}, key=len, reverse=True)))
    for t, ws in _WORDS.items()
}
# The characters IGNORECASE reads as an ASCII letter that lower() leaves another letter (or two): folded
# first, the lower-case text holds every word the patterns can match in it (tests/test_privacy_speed_pass4).
_FOLD = str.maketrans({"\u017f": "s", "\u0131": "i", "\u0130": "i", "\u212a": "k"})
_FOLDED_APART = re.compile("[\u017f\u0131\u0130\u212a]")  # translating every text cost more than the scan


@lru_cache(maxsize=1)  # the text being analysed: several recognisers ask
def _folded(text: str) -> str:
    return text.translate(_FOLD).lower() if _FOLDED_APART.search(text) else text.lower()


def cue_possible(text: str, entity_type: str) -> bool:
    """False when no context word of the type is anywhere in `text`: then `distance_to_context` is None
    and `has_context` False for every span of it (a header cell is a piece of the text). A recogniser
    that needs the word skips its scans (most texts name no passport)."""
    pattern = _ANY_WORD.get(entity_type)
    return pattern is not None and pattern.search(_folded(text)) is not None


def _header_names(text: str, start: int, end: int, pattern: re.Pattern[str]) -> bool:
    header = column_header(text, start, end)
    return header is not None and pattern.search(header) is not None


def has_context(text: str, start: int, end: int, entity_type: str, before: int = BEFORE) -> bool:
    pattern = _PATTERNS.get(entity_type)
    if pattern is None:
        return False
    if _header_names(text, start, end, pattern):
        return True
    window = text[max(0, start - before) : start] + " " + text[end : end + AFTER]
    return pattern.search(window) is not None


def distance_to_context(
    text: str, start: int, end: int, entity_type: str, before: int = BEFORE, after: bool = True
) -> int | None:
    """Characters between the span and the nearest context word of this type (None when there is none)."""
    pattern = _PATTERNS.get(entity_type)
    if pattern is None:
        return None
    if _header_names(text, start, end, pattern):
        return 0
    lo = max(0, start - before)
    best: int | None = None
    for m in pattern.finditer(text, lo, start):
        best = start - m.end()  # the last match before the span is the nearest
    for m in pattern.finditer(text, end, end + AFTER if after else end):
        gap = m.start() - end
        best = gap if best is None or gap < best else best
        break
    return best


_DIGIT = re.compile(r"\d")
_CURRENCY = frozenset({"dirham", "dh", "mad", "درهم"})
_AMOUNT_END = re.compile(r"\d ?$")


def negative_context(text: str, start: int, window: int = 24, label: str | None = None) -> bool:
    """True when a non-personal reference word (loi, montant, dossier ...) sits just before the span.
    Round 9: not when that word is about another number, one between them ("Facture 118, Tél. 06…") or
    the amount a currency follows ("ريشارج 20 درهم ف 0645…", "7000 DH. Mourad 0710…").
    Round 12: nor when the value's own `label` type's word comes after it ("pour la facture ? Son ICE
    c'est 0040…"): the label, nearer, names the number."""
    found = list(_NEG.finditer(text, max(0, start - window), start))
    last = found[-1] if found else None
    if last is None or _DIGIT.search(text, last.end(), start) is not None:
        return False
    own = _PATTERNS.get(label) if label else None
    if own is not None and own.search(text, last.end(), start) is not None:
        return False
    amount = last.group().lower() in _CURRENCY and _AMOUNT_END.search(text, 0, last.start()) is not None
    return not amount
