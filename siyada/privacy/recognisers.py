"""Pattern recognisers: precise regex -> validation (checksum / metadata) -> context score.

Each recogniser is a function ``(text) -> list[Entity]``; scores are in [0, 1] and the analyzer keeps
those at or above its threshold.  Names (PERSON) live in :mod:`siyada.privacy.names`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import phonenumbers

from siyada.privacy import entities as T
from siyada.privacy.checksums import digits_only, iban_valid, luhn_valid, mod97_zero, rib_valid
from siyada.privacy.cin_forms import find_cin_forms
from siyada.privacy.context import BEFORE, has_context, negative_context
from siyada.privacy.entities import Entity
from siyada.privacy.id_numbers import find_ids
from siyada.privacy.passports import find_foreign_passports
from siyada.privacy.phone_metadata import warm as warm_phone_metadata

Recogniser = Callable[[str], list[Entity]]

CONTEXT_BOOST = 0.35
NEGATIVE_PENALTY = 0.4

# Digit-run boundaries: not glued to another digit, nor to a digit group separated by one space/dash/dot.
# Opened by a lookahead on the digit every use of it starts with: a pattern that opens on lookbehinds tries
# them all at every position of the text, one that opens on a one-character test leaves most positions at
# once (the same matches: each of these patterns, and the phones' and plates' below, can start only with
# the characters its lookahead names; the phone scan 6.3 -> 1.6 us a text with digits).
_NB = r"(?=\d)(?<![\w.,/-])(?<!\d[ ])(?<![\w][-/.,])"
# A following digit is tolerated when it starts an Arabizi word ("0612345678 3afak").
_NA = r"(?!\w)(?![ .,/-]\d(?![^\W\d_]))"
_NA_SOFT = r"(?!\d)(?![ .,/-]\d(?![^\W\d_]))"


def _score(
    text: str, start: int, end: int, etype: str, base: float, *, numeric: bool = True, checked: bool = False
) -> float:
    """`checked`: the value passed a check digit, so a nearby "montant" or "dossier" weighs half as much."""
    score = base
    if has_context(text, start, end, etype):
        score += CONTEXT_BOOST
    if numeric and negative_context(text, start, label=etype):
        # A checked value keeps half its score unless the reference word is right before it ("commande n°").
        near = negative_context(text, start, window=14, label=etype)
        score -= NEGATIVE_PENALTY / 2 if checked and not near else NEGATIVE_PENALTY
    return round(min(score, 1.0), 3)


# --- e-mail -------------------------------------------------------------------------------------------
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9])?@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)


def find_emails(text: str) -> list[Entity]:
    out = []
    for m in _EMAIL.finditer(text):
        if ".." in m.group():
            continue
        out.append(Entity(m.start(), m.end(), T.EMAIL_ADDRESS, 0.95))
    return out


# --- IBAN (Morocco) -----------------------------------------------------------------------------------
# Round 12: written in one piece, a number after it is another one ("IBAN dyalo MA64…6230 1500dh").
_IBAN = re.compile(r"(?=[Mm])(?<![\w])(?:MA\d{26}(?!\w)|MA ?\d{2}(?:[ -]?\d){24}(?![ -]?\d))", re.IGNORECASE)


def find_ibans(text: str) -> list[Entity]:
    out = []
    for m in _IBAN.finditer(text):
        if iban_valid(m.group().replace("-", "")):
            out.append(
                Entity(m.start(), m.end(), T.MA_IBAN, _score(text, m.start(), m.end(), T.MA_IBAN, 0.9))
            )
    return out


# --- RIB: 24 digits (bank 3, city 3, account 16, key 2), any grouping with spaces ----------------------
# Round 12: or dots between its parts ("RIB 190.736.834473027073620.344").
_RIB = re.compile(_NB + r"\d(?:[ .-]?\d){23}" + _NA)


def find_ribs(text: str) -> list[Entity]:
    out = []
    for m in _RIB.finditer(text):
        if rib_valid(m.group()):
            out.append(
                Entity(
                    m.start(),
                    m.end(),
                    T.MA_RIB,
                    _score(text, m.start(), m.end(), T.MA_RIB, 0.7, checked=True),
                )
            )
    return out


# --- ICE: 15 digits; no public checksum, mod 97 is only a weak signal ----------------------------------
# Also grouped as it is built ("862 245 827 5549 95") or any other way, with one space or dot between
# digits ("0036 2490 5833 504", "006.168.211.949.658": round 8).
_ICE = re.compile(_NB + r"\d(?:[ .]?\d){14}" + _NA)
# A quote or an invoice names its parties' ICE without a label ("Devis… Client : Menara Events —
# 758139888866344 — Total TTC"): there, a 15-digit number that passes mod 97 counts as labelled.
_ICE_COMMERCE = re.compile(
    r"(?<![\w])(?:devis|facture|factura|ttc|h\.t\.?|tva|client|cliente|destinataire|prestation|prestataire"
    r"|فاتورة|الفاتورة|الزبون"
    # Round 12: the Darija and English invoice, and the label itself further away than the context
    # window ("l'ICE dyal sharika dyal si Lahbib? lmohasib bgha: 9al liya 0048…").
    r"|فاكتورة|الفاكتورة|lfacture|lfactura|invoice|invoiced|supplier|vendor|ice)(?![\w])",
    re.IGNORECASE,
)
_ICE_COMMERCE_SPAN = 120
# "ICE : 002302033956317 (à vérifier, le système le signale comme invalide)": a number that fails mod 97
# and that the text itself calls invalid or a test is not a company's identifier.
_ICE_INVALID = re.compile(
    r"(?<![\w])(?:invalide?|erron[ée]e?|incorrecte?|faux|fausse|fictif|wrong|test|غير صحيح|خاطئ|خطأ"
    # Round 12: "le contrôle du numéro ICE X a échoué", "its ICE X fails validation".
    r"|échoué|échec|fails|failed|refusée?|rejetée?|rejected)(?![\w])",
    re.IGNORECASE,
)
_ICE_INVALID_AFTER = 80
_ICE_INVALID_BEFORE = 48  # "ICE de test refusé (clé invalide) : 962277475842978"


def find_ices(text: str) -> list[Entity]:
    out = []
    previous_end = 0
    for m in _ICE.finditer(text):
        checked = mod97_zero(digits_only(m.group()))
        # the words before are read back to the previous number only: they may be about that one
        before = max(previous_end, m.start() - _ICE_INVALID_BEFORE)
        previous_end = m.end()
        if not checked and (
            _ICE_INVALID.search(text, m.end(), m.end() + _ICE_INVALID_AFTER) is not None
            or _ICE_INVALID.search(text, before, m.start()) is not None
        ):
            continue
        s = _score(text, m.start(), m.end(), T.MA_ICE, 0.45 if checked else 0.4, checked=checked)
        if checked and s < 0.8:
            lo, hi = max(0, m.start() - _ICE_COMMERCE_SPAN), m.end() + _ICE_COMMERCE_SPAN
            if _ICE_COMMERCE.search(text, lo, hi) is not None:
                s = round(min(s + CONTEXT_BOOST, 1.0), 3)
        out.append(Entity(m.start(), m.end(), T.MA_ICE, s))
    return out


# --- CNSS: 9-digit affiliation number, reported only with context --------------------------------------
# Grouped any way, with one space, dot or dash between digits ("1145 78 236", "1-17-40-29-85": round 8).
_CNSS = re.compile(_NB + r"\d(?:[ .\-]?\d){8}" + _NA)


def find_cnss(text: str) -> list[Entity]:
    out = []
    for m in _CNSS.finditer(text):
        if has_context(text, m.start(), m.end(), T.MA_CNSS):
            out.append(Entity(m.start(), m.end(), T.MA_CNSS, 0.85))
    return out


# --- bank cards (Luhn) --------------------------------------------------------------------------------
_CARD = re.compile(
    _NB + r"(?:\d{4}[ -]?){3}\d{1,7}" + _NA + r"|" + _NB + r"3[47]\d{2}[ -]?\d{6}[ -]?\d{5}" + _NA
)
# Maestro cards (50, 56-58, issued by Moroccan banks as debit cards) as well as Visa, Mastercard, Amex,
# Discover, UnionPay.
_CARD_PREFIX = re.compile(r"^(?:4|5[0-8]|2[2-7]|3[47]|6(?:011|5|2))")


# Round 12: the sets' cards come with any prefix ("5905 1554 9384 4853", "6370 4716…", local and private
# schemes): sixteen digits passing Luhn are a card whatever they open with, a shade lower without a
# known network's prefix, so that a "commande"/"dossier" before them still wins.
_CARD_ANY_PREFIX_BASE = 0.55
_ACCOUNT_BEFORE = 96
_IN_NUMBER_LIST = re.compile(r"\d[،,] ?$|[،,] ?\d")


def _account_part(text: str, start: int, end: int) -> bool:
    """Sixteen digits about an account and not a card: a RIB's account number read out alone, its bank
    and city codes spelt in words before it ("الكونط ديال الجمعية هو: صفر خمسين، 380، 8000…")."""
    if _IN_NUMBER_LIST.search(text[max(0, start - 3) : start]) or _IN_NUMBER_LIST.match(text, end):
        return True  # "صفر خمسين، 380، 8000…، 73": one group of a number read out in parts
    return _not_a_card(text, start, end, T.MA_RIB, before=_ACCOUNT_BEFORE)


def _not_a_card(text: str, start: int, end: int, etype: str, before: int = BEFORE) -> bool:
    """Digits whose context names `etype` (an account, a company) and no card: that type's, not a card."""
    return has_context(text, start, end, etype, before=before) and not has_context(
        text, start, end, T.CREDIT_CARD
    )


def find_cards(text: str) -> list[Entity]:
    out = []
    for m in _CARD.finditer(text):
        digits = digits_only(m.group())
        if not 13 <= len(digits) <= 19 or not luhn_valid(digits):
            continue
        if len(digits) == 15 and _not_a_card(text, m.start(), m.end(), T.MA_ICE):
            continue  # "Its ICE on the invoice, 4913…, fails validation": an ICE, even a wrong one
        if _CARD_PREFIX.match(digits):
            base = 0.6
        elif len(digits) == 16 and len(set(digits)) > 2 and not _account_part(text, m.start(), m.end()):
            base = _CARD_ANY_PREFIX_BASE
        else:
            continue
        s = _score(text, m.start(), m.end(), T.CREDIT_CARD, base, checked=True)
        out.append(Entity(m.start(), m.end(), T.CREDIT_CARD, s))
    return out


# --- phones -------------------------------------------------------------------------------------------
# NBSP and narrow NBSP come from word processors; a doubled space from voice-note transcripts.
# Dictated numbers put " - " or "..." between pairs ("06 66 - 14 - 72 - 08", "06 ... 70 ... 14").
_SEP = r"(?:[ .\-\u00a0\u202f]|  |, | / | - | ?\.{2,3} ?)?"
# Before the number: not a word, except an Arabic proclitic glued to it ("ب0539…", "و0661…": "at", "and").
# Round 8: the proclitic drawn out by a tatweel ("فـ0661…").
_PHONE_START = (
    r"(?:(?<![\w+])|(?<=[بلوف])(?<![\u0600-\u06FF][بلوف])|(?<=[بلوف]\u0640)(?<![\u0600-\u06FF][بلوف]\u0640))"
    # Round 12: a country code starts a number of its own, even after another ("D 330918 00212661…").
    r"(?:(?<!\d[ .-])|(?=\+212|00212))"
)
# "+212 0661…" and "(+212) 0661…" keep the trunk 0 by mistake; "212 6…" drops the plus.
_INTL = (
    r"(?:(?:\+|00)212|\((?:\+|00)212\)|212(?="
    + _SEP
    + r"[5-8]))"
    + _SEP
    + r"(?:\(0\)"
    + _SEP
    + r"|0"
    + _SEP
    + r")?"
)
# Round 9: the trunk prefix in brackets as a landline is written ("(05) 37 70 12 49").
# Round 10: a landline's whole area code in brackets ("(0522) 26 44 19").
# Round 12: the first digit after the country code in brackets ("+212 (6) 61 72 03 58").
_PHONE = re.compile(
    r"(?=[+0(2])"  # "+212", "00212", "212", "0", "(0": see _NB
    + _PHONE_START
    + r"(?:(?:" + _INTL + r"(?:[5-8]|\([5-8]\))|0" + _SEP + r"[5-8]|\(0[5-8]\))(?:" + _SEP + r"\d){8}"
    + r"|\(0[5-8]\d\d\)(?:" + _SEP + r"\d){6})"
    + _NA_SOFT
)  # fmt: skip
# Round 9: pairs cut by slashes ("0617/55/20/48", "06/61/23/45/78"), apart from _SEP so that a date
# ("06/07/2024 10") is not read as one; groups of two or three digits only.
_PHONE_SLASH = re.compile(r"(?=0)(?<![\w/])0[5-8]\d{0,2}(?:/\d{2,3}){2,4}(?![\w/])")
# Other countries ("+32 478 12 34 56", "0033 6 12…"): a plus or 00, a country code, then digit groups;
# phonenumbers decides the country and whether the number is valid, so the span is cut to a valid one.
# With "00" the country code is set apart ("0032 478…"): a run of digits from 00 is an ICE or a RIB.
_FOREIGN = re.compile(
    r"(?=[+0])(?<![\w+])(?<!\d[ .\-])(?:\+(?!212)[1-9]\d{0,2}|00 ?(?!212)[1-9]\d{0,2}(?=[ .\-\u00a0][\d(]))"
    # Round 12: the trunk or the area code in brackets ("+33 (0)6 12…", "+1 (415) 555-0132").
    r"(?:[ .\u00a0]?\(\d{1,4}\) ?)?"
    r"(?:[ .\-\u00a0]?\d{1,4}){2,6}(?!\d)(?![.,]\d)"
)
_GROUP_END = re.compile(r"\d(?=[ .\-\u00a0]|$)")
warm_phone_metadata()  # the usual countries' patterns compiled now, not in a first prompt's time


def _foreign_phones(text: str) -> list[Entity]:
    out = []
    for m in _FOREIGN.finditer(text):
        raw = m.group()
        if len(digits_only(raw)) > 17:  # a RIB or an account number (E.164: 15 digits after "00")
            continue
        # The longest prefix, cut between digit groups, that is a valid number.
        international = "+" + (raw[2:] if raw.startswith("00") else raw[1:]).lstrip()
        for end in sorted((g.end() for g in _GROUP_END.finditer(raw)), reverse=True):
            try:
                cut = international[: end - len(raw)] if end < len(raw) else international
                number = phonenumbers.parse(cut)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                start, stop = m.start(), m.start() + end
                out.append(
                    Entity(start, stop, T.PHONE_NUMBER, _score(text, start, stop, T.PHONE_NUMBER, 0.7))
                )
                break
        else:  # no prefix is a valid number
            if _possible_foreign(international):
                # Round 12: the ranges kept for fiction ("+44 7700 900 412") are of the right length and
                # shape but not assigned: the sets write them as real numbers; whole, ten digits or more.
                s = _score(text, m.start(), m.end(), T.PHONE_NUMBER, 0.55)
                out.append(Entity(m.start(), m.end(), T.PHONE_NUMBER, s))
    return out


def _possible_foreign(international: str) -> bool:
    if len(digits_only(international)) < 10:
        return False
    try:
        number = phonenumbers.parse(international)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(number)


def find_phones(text: str) -> list[Entity]:
    out = _foreign_phones(text) if "+" in text or "00" in text else []
    slashed = _PHONE_SLASH.finditer(text) if "/" in text else ()
    for m in itertools.chain(_PHONE.finditer(text), slashed):
        raw = m.group()
        if m.re is _PHONE_SLASH and len(digits_only(raw)) != 10:
            continue
        if raw.startswith("212"):
            raw = "+" + raw
        try:
            # read aloud: "06, 45"; dictated: "06 ... 70"
            number = phonenumbers.parse(raw.replace(",", " ").replace("/", " ").replace(".", " "), "MA")
        except phonenumbers.NumberParseException:
            continue
        valid = phonenumbers.is_valid_number(number)
        if valid:
            base = 0.75
        elif phonenumbers.is_possible_number(number):
            base = 0.55
        else:
            continue
        # A valid number is a checked value: a price nearby ("1 249 DH. Contact: 06…") weighs half.
        s = _score(text, m.start(), m.end(), T.PHONE_NUMBER, base, checked=valid)
        out.append(Entity(m.start(), m.end(), T.PHONE_NUMBER, s))
    return out


# --- vehicle plates: number | letter | prefecture code -------------------------------------------------
_AR_LETTERS = "أ|ا|ب|د|هـ|ه|و|ط|ش|ج|ح|ع|ق|م|ي|ك|ل|ن|ر|س|ص|ف|ت|ث|خ|ذ|ز|ض|ظ|غ|ة"
_LATIN = r"WW|A|B|D|H|E|W|T|CH|J|M"
# Separators: a dash (the non-breaking "‑" and "–" of word processors too) or a pipe.
_PSEP = "[-|\u2011\u2013]"
# A plate's number, "(?<![\w\-|/.])(\d{1,6})" written first digit first: a pattern that opens on a
# character class lets the regex engine skip to the next digit, where an opening lookbehind is tried at
# every position; the lookbehind after that digit tests the same character, the one before it.
_PLATE_NUMBER = r"(\d(?<![\w\-|/.]\d)\d{0,5})"
_PLATE_AR = re.compile(
    _PLATE_NUMBER + r"\s*(" + _PSEP + r")\s*(" + _AR_LETTERS + r")\s*\2\s*(\d{1,2})(?![\w\-|/]|[.,]\d)"
)
# The same plate as typed from right to left (prefecture first: "6-ب-12345"), or with spaces or slashes
# only ("12345 ب 6", "12345/ب/6"): an Arabic letter alone between two numbers is itself the signal.
_PLATE_AR_RTL = re.compile(
    r"(\d(?<![\w\-|/.].)\d?)\s*([-|/])\s*(" + _AR_LETTERS + r")\s*\2\s*(\d{3,6})(?![\w\-|/]|[.,]\d)"
)
_PLATE_AR_LOOSE = re.compile(
    _PLATE_NUMBER + r"(?: +|/)(" + _AR_LETTERS + r")(?: +|/)(\d{1,2})(?![\w\-|/]|[.,]\d)"
)
# Round 9: "و" alone between two short numbers is "and" ("يومي 10 و 11", "العمر 24 و 31 سنة"); a plate
# with that letter and no dash has three digits or more before it.
_AND = "و"
_PLATE_LAT = re.compile(
    _PLATE_NUMBER + r"\s*(" + _PSEP + r"|[ ])\s*(" + _LATIN + r")\s*\2\s*(\d{1,2})(?![\w\-|/]|[.,]\d)",
    re.IGNORECASE,
)

# The Arabic letter said by name in Latin script ("38412 waw 1", "12345 alif 6"): a plate only next to a
# vehicle word, since "ba" or "ta" alone between numbers is ordinary chat.
_PLATE_SPOKEN = re.compile(
    _PLATE_NUMBER + r" (alif|alef|ba|waw|wow|dal|ta|ha|jim|mim|chin)[ ,]+(\d{1,2})(?![\w\-|/]|[.,]\d)",
    re.IGNORECASE,
)


# Temporary plates ("WW 418275", "W18-123456" are the dealer's and transit series): WW and 5-6 digits.
_PLATE_WW = re.compile(
    r"(?=[Ww\d])(?<![\w\-|/.])(?:WW[ -]?(\d{5,6})|(\d{5,6})[ -]?WW)(?![\w\-|/]|[.,]\d)", re.IGNORECASE
)


def _plate_ok(number: str, region: str) -> bool:
    return int(number) > 0 and 1 <= int(region) <= 89


# Three of the plate patterns need an Arabic letter, one needs "WW": a text without them skips those scans.
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_WW = re.compile(r"ww", re.IGNORECASE)


def find_plates(text: str) -> list[Entity]:
    out = _arabic_plates(text) if _ARABIC_LETTER.search(text) else []
    out += _latin_plates(text)
    if _WW.search(text):
        for m in _PLATE_WW.finditer(text):
            if int(m.group(1) or m.group(2)):
                s = _score(text, m.start(), m.end(), T.MA_PLATE, 0.55)
                out.append(Entity(m.start(), m.end(), T.MA_PLATE, s))
    return out


def _arabic_plates(text: str) -> list[Entity]:
    out = []
    for m in _PLATE_AR.finditer(text):
        if _plate_ok(m.group(1), m.group(4)):
            out.append(
                Entity(m.start(), m.end(), T.MA_PLATE, _score(text, m.start(), m.end(), T.MA_PLATE, 0.8))
            )
    for m in _PLATE_AR_RTL.finditer(text):
        if _plate_ok(m.group(4), m.group(1)):
            s = _score(text, m.start(), m.end(), T.MA_PLATE, 0.7)
            out.append(Entity(m.start(), m.end(), T.MA_PLATE, s))
    for m in _PLATE_AR_LOOSE.finditer(text):
        if m.group(2) == _AND and len(m.group(1)) < 3:
            continue
        if _plate_ok(m.group(1), m.group(3)):
            s = _score(text, m.start(), m.end(), T.MA_PLATE, 0.6)
            out.append(Entity(m.start(), m.end(), T.MA_PLATE, s))
    return out


def _latin_plates(text: str) -> list[Entity]:
    out = []
    for m in _PLATE_LAT.finditer(text):
        if _plate_ok(m.group(1), m.group(4)):
            # "4415-WW-1", "67919 WW 72": the WW series written in the plate's own layout is a plate on
            # its own (as "67919 WW" is), region included; a small letter between spaces ("67321 d 52")
            # passes only with a vehicle word near it.
            ww = m.group(3).upper() == "WW"
            lower = m.group(2) == " " and not m.group(3).isupper()
            base = 0.55 if ww else 0.5 if m.group(2) == "|" else 0.2 if lower else 0.3
            s = _score(text, m.start(), m.end(), T.MA_PLATE, base)
            out.append(Entity(m.start(), m.end(), T.MA_PLATE, s))
    for m in _PLATE_SPOKEN.finditer(text):
        if _plate_ok(m.group(1), m.group(3)):
            s = _score(text, m.start(), m.end(), T.MA_PLATE, 0.2)
            out.append(Entity(m.start(), m.end(), T.MA_PLATE, s))
    return out


PATTERN_RECOGNISERS: tuple[Recogniser, ...] = (
    find_emails,
    find_ibans,
    find_ribs,
    find_ices,
    find_cnss,
    find_cards,
    find_phones,
    find_ids,
    find_cin_forms,
    find_plates,
    find_foreign_passports,
)
