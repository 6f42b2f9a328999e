"""Typed answers: for a date or number question, the one phrase of the chosen sentence that answers it.

A question that asks when or how many (متى / كم / في أي عام, quand / combien, when / how many / what
year) is answered by a year, a date, a number with its unit or a percentage; the chosen sentence
usually holds one such phrase among 16–32 words. When the sentence holds exactly one phrase of the
asked type that the question does not already hold, that phrase is the quote (with the word that
makes it readable: "عام 1936", "12 كيلومترا", "45%"); two or more, or none, keep the sentence, since a
wrong short answer loses what the sentence held. Everything here is a few regular-expression scans
of one sentence: linear in its length.

The cues and the shapes were chosen on the dev split of the answer tasks (bench/answer_typed.py,
docs/benchmarks.md "Seventh round, typed answers" and its part 2: digit-less magnitudes, date ranges).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from siyada.knowledge.extract import question_type

# A quote longer than this is no sentence the extractor would choose (it keeps ≤ 60 words): the scans
# stay bounded whatever a document holds.
MAX_CHARS = 2000

# Cues the extractor's question_type misses (seen on dev): "في أي عام", "ما عدد", "بكم", "what
# percentage", "en quelle année"… Only the typed step reads them; the ranking and the calibrated
# abstention keep extract.question_type's (their weights were fitted on it).
_MORE_CUES: list[tuple[str, re.Pattern[str]]] = [
    (
        "date",
        re.compile(
            r"(?i)\b(?:in|which|what) (?:year|decade|century|month|date)\b|\bwhat day\b|"
            r"\ben quelle (?:année|date)\b|\bà quelle date\b|\bquelle (?:année|date)\b|\bdepuis quand\b|"
            r"(?:في|فى|ب)\s*(?:أي|اي|أية|اية)\s+(?:عام|سنة|سنه|العام|السنة|تاريخ|قرن|القرن|شهر|يوم)|"
            r"\b(?:ما|ماهو|ما هو|ما هي)\s+(?:العام|السنة|تاريخ|التاريخ|القرن)\b|"
            r"(?:أي|اي)\s+(?:عام|سنة|تاريخ|قرن)\b"
        ),
    ),
    (
        "number",
        re.compile(
            r"(?i)\bwhat (?:percentage|percent|proportion|number|amount|fraction)\b|\bhow (?:far|large)\b|"
            r"\bhow (?:big|tall|high|deep|wide|heavy)\b|\bwhat (?:was|is|were|are) the (?:population|number|"
            r"percentage|size|area|length|height|distance|total|average|rate|amount)\b|"
            r"\bquel(?:le)? (?:est|était) (?:le|la) (?:nombre|pourcentage|montant|taux|durée|délai|"
            r"population|superficie|distance)\b|\bquel pourcentage\b|\bquel nombre\b|\bà combien\b|"
            r"\bبكم\b|\bكم\b|(?:ما|ماهو|ما هو|ما هي|ماهي)\s+(?:عدد|نسبة|مساحة|مقدار|قيمة|طول|ارتفاع|"
            r"عمق|عرض|مدة|المدة|عمر|حجم|متوسط|معدل|مجموع|إجمالي|اجمالي|المسافة|مسافة|ثمن|سعر|تعداد)"
        ),
    ),
]


# a second question joined to the first ("كم عاش ابن خلدون وأين دفن؟"): one phrase cannot answer both
_TWO_QUESTIONS = re.compile(
    r"(?i)\sو(?:أين|متى|كم|من|ماذا|لماذا|كيف|ما)\s|\band (?:where|when|who|how|what|why)\b|"
    r"\bet (?:où|quand|qui|comment|pourquoi|combien)\b"
)


def typed_kind(question: str) -> str | None:
    """ "date" or "number" when the question asks for one; None otherwise (a name, a place, a reason,
    or two questions in one)."""
    if _TWO_QUESTIONS.search(question):
        return None
    kind = question_type(question)
    if kind in ("date", "number"):
        return kind
    if kind is not None:  # who / where: asked for a name or a place, not a number
        return None
    for name, pattern in _MORE_CUES:
        if pattern.search(question):
            return name
    return None


# A number: digits (any script) with thousands or decimal separators; a year is 3–4 digits.
_NUM = r"\d+(?:[.,٫٬]\d+)*"
# a word, Arabic diacritics included (they are not \w: "أعوامٍ" is one word)
_WORD = r"(?:[^\W\d_]|[\u064b-\u0652\u0670])+"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|"
    r"يناير|فبراير|مارس|أبريل|ابريل|إبريل|مايو|يونيو|يونيه|يوليو|يوليه|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر|"
    r"نوفمبر|ديسمبر|جانفي|فيفري|أفريل|افريل|ماي|جوان|جويلية|أوت|كانون الثاني|كانون الأول|شباط|آذار|"
    r"نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين الأول|تشرين الثاني|محرم|صفر|رمضان|شوال)"
)
# one-letter Arabic proclitics a number may carry ("و1990", "بـ104", "لعام")
_PRE = r"(?:[وبلف]ـ?)?"
# the preposition before a date or a count is often part of the answer as written ("في عام 1947")
_LEAD = (
    r"(?:(?:في|فى|منذ|حتى|خلال|(?:بدء|ابتداء)[\u064b-\u0652]*ا?[\u064b-\u0652]*\s+من|"
    r"in|since|en|depuis|dès)\s+)?"
)
_ERA = r"(?:\s*(?:م|هـ|ه|ق\.?\s?م|ميلادي[ةه]?|للميلاد|هجري[ةه]?|BC|AD|av\. J\.-C\.|apr\. J\.-C\.)(?!\w))?"
_DATE = re.compile(
    r"(?i)(?<!\w)(?P<lead>" + _LEAD + r")"
    r"(?:(?:" + _PRE + r"(?:عام|سنة|سنه|العام|السنة|عامي|سنتي)|the year|l'an|l’an)\s+)?"
    r"(?:(?:(?:\d{1,2}|ال"
    + _WORD
    + r"(?:\s+من)?)\s+)?"
    + _PRE
    + _MONTH
    + r"\s+(?:من\s+)?(?:عام\s+|سنة\s+)?)?"
    + _PRE
    + r"(?P<year>\d{3,4})(?!\d)"
    + _ERA
    + r"(?!\w|[.,٫٬]\d|\s*%)"
    r"|(?<!\w)(?P<lead2>" + _LEAD + r")(?:\d{1,2}\s+)" + _PRE + _MONTH + r"(?!\w)"
    r"|(?<!\w)(?P<lead3>"
    + _LEAD
    + r")"
    + _PRE
    # a part of a century is the answer as written ("حتى الربع الثاني من القرن التاسع عشر")
    + r"(?:(?:الربع|النصف|الثلث)\s+"
    + _WORD
    + r"\s+من\s+|(?:أوائل|أواخر|منتصف|بداية|نهاية|أواسط|مطلع)\s+)?"
    + r"(?:القرن|century|siècle)\s+"
    + _WORD
    + r"(?:\s+عشر)?(?:\s+(?:الميلادي|الهجري|قبل الميلاد))?"
)
# a magnitude word after a number ("3 ملايين", "10.180 مليون", "2 billion")
_MAGNITUDE = (
    r"(?:\s+(?:ألف|الف|آلاف|ألاف|مليون|ملايين|مليار|مليارات|بليون|تريليون|trillion|billion|million|"
    r"thousand|hundred|millions|milliards?|mille))?"
)
_PERCENT = r"(?:\s?(?:%|٪|بالمائة|بالمئة|في المائة|في المئة|percent|per cent|pour cent))"
# a bound is part of the answer: "لا تقل عن عشر سنوات" is not "عشر سنوات", "كل خمس سنوات" not "خمس"
_BOUND = (
    r"(?:(?:لمدة\s+)?(?:لا\s+(?:تقل|يقل|تزيد|يزيد|تتجاوز|يتجاوز|تتعدى|يتعدى)(?:\s+(?:عن|على))?|أكثر\s+من|اكثر\s+من|أقل\s+من|"
    r"حوالي|حوالى|نحو|قرابة|زهاء|ما\s+يقارب|ما\s+يزيد\s+عن|ما\s+يزيد\s+على|كل|at\s+least|at\s+most|"
    r"more\s+than|less\s+than|about|over|under|up\s+to|nearly|almost|approximately|around|every|au\s+moins|"
    r"au\s+plus|plus\s+de|moins\s+de|environ|près\s+de|jusqu'à|jusqu’à|chaque|tous\s+les)\s+)?"
)
_COUNTS = (
    r"(?:اثنين|اثنان|اثنتين|ثلاثة|ثلاث|أربعة|أربع|خمسة|خمس|ستة|سبعة|سبع|ثمانية|ثماني|ثمان|تسعة|تسع|"
    r"عشرة|عشرين|عشرون|ثلاثين|ثلاثون|أربعين|أربعون|خمسين|خمسون|ستين|سبعين|ثمانين|تسعين|مئة|مائة|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|vingt|trente|cent)"
)
# the word after a number is its unit or counted noun ("12 كيلومترا", "30 jours") unless it is a
# function word or a conjunction-led word ("38 وهو")
_UNIT = (
    r"(?P<unit>\s+(?!(?:في|من|إلى|الى|على|عن|عند|حتى|منذ|and|in|of|to|at|on|by|et|de|du|des|à|en|au|the|"
    r"le|la|les|a|an|or|ou|أو|قبل|بعد)(?!\w))(?!و)"
    # a qualifier before the unit ("30 working days", "8 square miles")
    + r"(?:(?:working|business|calendar|consecutive|full|clear|square|cubic)\s+)?"
    + _WORD
    # one after it changes what is counted ("trois jours ouvrables", "8.646 ميلا مربعا")
    + r"(?:\s+(?:ouvrables|ouvrés|ouvres|calendaires|francs|pleins|consécutifs|consecutifs|carrés|carres|"
    r"cubes|مرب\u0651?ع[ةاه]?|مك\u0651?عب[ةاه]?)[\u064b-\u0652]*(?!\w))?"
    # an Arabic nisba adjective after the noun belongs to it ("30 مليون جنيه إسترليني", "خمس دول أوروبية")
    + r"(?:\s+(?!و)[^\W\d_]\w*(?:ي|ية|يه)[\u064b-\u0652]*(?!\w))?"
    # a noun coordinated with it ("100,000 تاجر وبائع"), not a second count ("22 مقاطعة وخمس مناطق")
    + r"(?:\s+و(?!"
    + _COUNTS
    + r")"
    + _WORD
    + r")?"
    # an approximation after the count ("أربع مرات تقريبا")
    + r"(?:\s+(?:تقريبا|تقريبًا|تقريباً|approximately|environ))?)"
)
# a range is one answer ("5 إلى 10 سنوات", "from 5 to 10 years", "1,600–1,700")
_RANGE = r"(?:\s*(?:-|–|إلى|الى|و|to|and|à|et)\s*" + _PRE + _NUM + r"(?![\w٫٬]|[.,]\d))?"
_NUMBER = re.compile(
    r"(?i)(?<![\w.,٫٬])(?P<lead>"
    + _LEAD
    + r")"
    + _BOUND
    + r"(?:(?:ما\s+)?(?:بين|between|entre|from)\s+(?:عامي\s+|سنتي\s+)?)?"
    + _PRE
    + r"(?P<num>"
    + _NUM
    + r")(?![\w٫٬]|[.,]\d)"
    + _RANGE
    + _MAGNITUDE
    + r"(?:"
    + _PERCENT
    + r"|"
    + _UNIT
    + r")?"
)
# number words ("مرتين", "ستة وسبعين عاما", "ثلاثة أيام"): a count the digits miss. "عشر" after an
# ordinal ("القرن التاسع عشر") is no count.
_COUNT_WORDS = re.compile(
    r"(?i)(?<!\w)(?P<lead>"
    + _LEAD
    + r")"
    + _BOUND
    + r"(?:[وب])?(?:مرتين|مرتان|يومين|شهرين|عامين|سنتين|أسبوعين|"
    r"(?:أحد|إحدى|احدى|اثنا|اثنتا|اثني|اثنتي)\s+عشر[ةة]?|(?<!ال\w\w\w\w\s)(?<!ال\w\w\w\w\w\s)عشر|"
    + _COUNTS
    + r"(?:\s+عشر[ةة]?)?"
    r"(?:\s+و" + _COUNTS + r")?|"
    # a magnitude with no digit before it is a number too ("حوالي مليون شخص"): missed, another phrase
    # seemed the only one. ("ألف" alone is left out: unvocalised, it is also "he wrote".)
    r"(?:مليون|ملايين|مليار|مليارات|بليون|آلاف|ألوف|million|millions|billion|billions|thousands|"
    r"milliard|milliards))"
    # and a magnitude after a count in words is part of it ("ثلاثة آلاف جزيرة")
     + _MAGNITUDE + r"(?:\s+(?:إلى|الى|to|à|or|أو|ou)\s+(?:" + _COUNTS + r"(?:\s+عشر[ةة]?)?|عشر))?(?!\w)"
    r"(?:" + _UNIT + r")?"
)


@dataclass(frozen=True)
class Phrase:
    start: int  # offsets in the text given to typed_phrase
    end: int
    kind: str


def _digits(text: str) -> str:
    """The text's digits in ASCII, separators dropped: "١٬٩٠٠" and "1,900" compare equal."""
    return "".join(str(int(c)) for c in text if c.isdigit())


def _numbers_in(question: str) -> set[str]:
    return {_digits(m) for m in re.findall(_NUM, question)}


def _is_count(m: re.Match[str]) -> bool:
    """A 3–4 digit number is a count, not a year, when a percent sign or a magnitude follows it."""
    tail = m.group(0)[m.end("num") - m.start() :].strip()
    return bool(tail) and not m.group("unit")


def _start(m: re.Match[str], lead: bool) -> int:
    """Where the phrase starts: with its preposition ("في عام 1947") or (lead=False) after it."""
    if lead:
        return m.start()
    ends = [m.end(g) for g in ("lead", "lead2", "lead3") if g in m.re.groupindex and m.group(g) is not None]
    return max(ends, default=m.start())


# what joins two dates into one span ("14 يونيو ولغاية 15 يوليو من عام 2018", "1332 - 1406م", "بين
# سنتي 2005 و2010"): the span answers "when", whichever of its dates the question holds
_JOIN = re.compile(r"(?i)\s*\)?\s*(?:-|–|—|/|إلى|الى|حتى|و?لغاية|و|to|until|till|and|au|et|à)?\s*\(?\s*")
# the word that opens a range is part of it ("بين سنتي 2005 و2010", "from 1990 to 1995")
_OPENS = re.compile(r"(?i)(?<!\w)(?:(?:ما\s+)?بين|between|from|entre|de|du|من)\s+$")


def _ranges(sentence: str, found: list[re.Match[str]], lead: bool) -> list[tuple[int, int, str]]:
    """(start, end, value) of each date, two dates joined by a range word merged into one. A date of
    the question's own joined to another was dropped and the range cut to its first date."""
    out: list[tuple[int, int, str]] = []
    for m in found:
        value = _digits(m.group("year") or "") or m.group(0)
        if out and _JOIN.fullmatch(sentence, out[-1][1], _start(m, False)):
            s, _, first = out.pop()
            opens = _OPENS.search(sentence, max(0, s - 12), s) if lead else None
            out.append((opens.start() if opens else s, m.end(), first + "–" + value))
        else:
            out.append((_start(m, lead), m.end(), value))
    return out


def _found(kind: str, sentence: str, unit: bool, lead: bool) -> list[tuple[int, int, str]]:
    """(start, end, its number's digits) of every phrase of `kind` in `sentence`."""
    if kind == "date":
        return _ranges(sentence, list(_DATE.finditer(sentence)), lead)
    # a year is a date, not a count: "3,500,000 نسمة حسب إحصاء 2010" holds one number
    # ("في عام 2010", "2010." alone); a bare year-like number with a word after it counts ("1500 نسمة")
    years = {
        (m.start("year"), m.end("year")): bool(
            (sentence[_start(m, False) : m.start("year")] + sentence[m.end("year") : m.end()]).strip(" وبلفـ")
        )
        for m in _DATE.finditer(sentence)
        if m.group("year")
    }
    out = []
    for m in _NUMBER.finditer(sentence):
        marked = years.get((m.start("num"), m.end("num")))
        if marked is not None and not _is_count(m) and (marked or not m.group("unit")):
            continue
        end = m.end() if unit or not m.group("unit") else m.start("unit")
        out.append((_start(m, lead), end, _digits(m.group("num"))))
    # counts in words as well ("أربعة" beside "5 استحواذ" makes two candidates), unless inside a
    # digit phrase ("45 pour cent")
    taken = [(s, e) for s, e, _ in out]
    for m in _COUNT_WORDS.finditer(sentence):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            end = m.end() if unit or not m.group("unit") else m.start("unit")
            out.append((_start(m, lead), end, m.group(0)))
    return out


def typed_phrase(
    question: str,
    text: str,
    start: int,
    end: int,
    unit: bool = True,
    lead: bool = True,
) -> Phrase | None:
    """The one phrase of text[start:end] of the type the question asks for and does not already hold;
    None when the question is not a date or number question, or when there are none or several."""
    kind = typed_kind(question)
    if kind is None or end - start > MAX_CHARS:
        return None
    asked = _numbers_in(question)
    phrases = [(s, e) for s, e, value in _found(kind, text[start:end], unit, lead) if value not in asked]
    if len(phrases) != 1:
        return None
    s, e = phrases[0]
    piece = text[start + s : start + e]
    # trailing separators and the space before them are not part of the phrase
    trimmed = piece.rstrip(" ،,.;؛:)(")
    lead_space = len(piece) - len(piece.lstrip())
    return Phrase(start + s + lead_space, start + s + len(trimmed), kind)
