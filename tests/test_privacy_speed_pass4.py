"""The fourth speed pass's patterns find what their plain forms found (issue 19: ≥ 20× Presidio, same spans).

Patterns that opened on a lookbehind were rewritten to open on their first character, with the lookbehind
after it testing the character before it (the regex engine then skips to candidates instead of trying every
position). Each is compared with its plain form, kept here, on every fixture text and on random strings
made of the characters that matter; the dictated-CIN scan's gate is shown necessary and sound.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from siyada.privacy import (
    cin_forms,
    context,
    id_numbers,
    name_features,
    name_model,
    passports,
    recognisers,
    spoken_phones,
)
from siyada.privacy.analyzer import analyze
from siyada.privacy.markup import load_markup

FIXTURES = Path(__file__).parent / "fixtures"
_AR = "[\u0628-\u064a\u0627]"
# (the pattern now, its plain form before the pass, the alphabet its random strings are drawn from)
PLAIN = {
    "spoken start": (
        spoken_phones._START,
        re.compile(
            r"(?<![\w])(?:zero|zéro|oh|sifr|plus|صفر|زيرو|بلوس|0)(?![\w])|(?<![\w\d])0[5-8]\b", re.IGNORECASE
        ),
        [
            *"zZoOsSſpPeErRéÉhHiIfFlLuUxX0123456789 ,.-_İK",
            "صفر",
            "زيرو",
            "بلوس",
            "zero",
            "ZÉRO",
            "sifr",
            "06",
        ],
    ),
    "id": (
        id_numbers._ID,
        re.compile(r"(?<![\w\-/.])([A-Za-z]{1,2})([ \-/_]?|  )(\d{4,7})(?![\w\-/])(?![.,]\d)"),
        [*"ABab123456789 -/_.,é", "  ", "BE", "123456"],
    ),
    "arabic cin": (
        cin_forms._AR_CIN,
        re.compile(rf"(?<![\w\u0600-\u06ff])({_AR})[ .]({_AR}) ?(\d{{5,6}})(?![\w\-/])"),
        [*"بكم 1234567.-/a", "ب ك ", "55130"],
    ),
    "latin cin": (
        cin_forms._LATIN_CIN,
        re.compile(r"(?<![\w\-/.])([A-Z]{1,2})[ -]?(\d{5,6})(?![\w\-/])(?![.,]\d)"),
        [*"ABDa 0123456789-/.,", "330918", "ل "],
    ),
    "dictated cin": (
        cin_forms._DICTATED,
        re.compile(r"(?<![\w\-/.])([A-Za-z](?: ?[A-Za-z])?) ((?:\d{1,2} ){2,6}\d{1,2})(?![\w\-/])"),
        [*"jbJB 1234567-/.", "12 ", "34 ", "jb "],
    ),
    "grouped cin": (
        cin_forms._GROUPED,
        re.compile(
            r"(?<![\w\-/.])([A-Za-z](?:[ .]?[A-Za-z])?)([ .\-]|\. )(\d{1,6}(?:[ .\-]\d{1,4}){0,6})"
            r"(?![\w\-/])(?![.,]\d)"
        ),
        [*"BkE 123456789.-/,", "Bk ", "55 ", "4490"],
    ),
    "plate right to left": (
        recognisers._PLATE_AR_RTL,
        re.compile(
            r"(?<![\w\-|/.])(\d{1,2})\s*([-|/])\s*(" + recognisers._AR_LETTERS + r")\s*\2\s*(\d{3,6})"
            r"(?![\w\-|/]|[.,]\d)"
        ),
        [*"6-ب|/ 12345.,a", "12345", "6-ب-"],
    ),
    "spaced passport": (
        passports._SPACED,
        re.compile(
            r"(?:[A-Z](?<![\w\-/.][A-Z])[A-Z] \d|\d(?<![\w\-/.]\d))\d{1,3} \d{3,7}(?![\w\-/])(?![.,]\d)"
        ),
        [*"ABa 0123456789-/.,", "AB 1", "123 ", "4567"],
    ),
}


def _all(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


@pytest.fixture(scope="module")
def fixture_texts() -> list[str]:
    return [d["text"] for p in sorted(FIXTURES.glob("pii_*.txt")) for d in load_markup(p)]


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_each_rewritten_pattern_matches_as_its_plain_form(name: str, fixture_texts: list[str]) -> None:
    now, plain, alphabet = PLAIN[name]
    rng = random.Random(name)
    randoms = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(20000)]
    found = 0
    for text in [*fixture_texts, *randoms]:
        expected = _all(plain, text)
        assert _all(now, text) == expected, text
        found += bool(expected)
    assert found > 50  # the comparison met matches, not only texts where neither pattern finds anything


def test_the_dictated_gate_is_needed_and_sound() -> None:
    dictated = "cin dyali jb 12 34 56"
    assert cin_forms._THREE_GROUPS.search(dictated)
    span = cin_forms._DICTATED.search(dictated).span()  # type: ignore[union-attr]
    assert (span[0], span[1], "MA_CIN") in {
        (e.start, e.end, e.type) for e in cin_forms.find_cin_forms(dictated)
    }
    assert "MA_CIN" in {e.type for e in analyze(dictated)}
    # Two groups only: the gate fails, and so does the dictated pattern itself (the gate skips nothing).
    two = "cin dyali jb 12 3456"
    assert not cin_forms._THREE_GROUPS.search(two) and not cin_forms._DICTATED.search(two)
    # Any run the dictated pattern matches holds what the gate looks for.
    rng = random.Random(4)
    alphabet = [*"jb 0123456789-", "12 ", "3 "]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        if cin_forms._DICTATED.search(text):
            assert cin_forms._THREE_GROUPS.search(text), text


def test_the_model_reads_plain_words_as_it_reads_tokens(fixture_texts: list[str]) -> None:
    """The CRF's path without token tuples (words by findall, places only for the names found) gives the
    spans and scores of the path through `tokens`, which it takes when handed the tokens."""
    texts = [
        *fixture_texts[::3],
        "شكرا لخديجة العلوي على المساعدة",  # a proclitic cut off a name: the path through tokens
        "Dr. Anissa Tazi's clinic",  # the possessive cut off
        " ".join(["Karim Bennani et Youssef El Amrani."] * 60),  # over MAX_TOKENS: windows
        "",
        "Karim",
    ]
    fast = 0
    for text in texts:
        toks = name_features.tokens(text)
        assert name_model.find_people_model(text) == name_model.find_people_model(text, toks), text
        fast += name_features.plain_words(text) is not None and bool(name_model.find_people_model(text))
    assert fast > 100  # the plain path ran, and found names
    assert name_features.plain_words("شكرا لخديجة") is None
    assert name_features.plain_words("Karim Bennani, 06") == ["Karim", "Bennani", ",", "06"]


def test_the_digit_gate_counts_as_the_plain_count(fixture_texts: list[str]) -> None:
    """The longest run's digits, counted in C (runs joined, separators deleted), are the plain count; so
    each text gets the recognisers the plain gate gave it."""
    from siyada.privacy.analyzer import _DIGIT_RUN, _GATED, _pattern_recognisers, find_emails

    extra = [
        "",
        "a",
        "06\u00a061-23\u20134512)",
        "١٢٣٤٥ 12 345 678 901 234 567 890 123",
        "x@y 1.2.3.4.5.6.7.8.9.0",
    ]
    for text in [*fixture_texts, *extra]:
        most = max((sum(map(str.isdigit, m.group())) for m in _DIGIT_RUN.finditer(text)), default=0)
        plain = [rec for rec, least in _GATED if ("@" in text if rec is find_emails else most >= least)]
        assert list(_pattern_recognisers(text)) == plain, text


# Patterns opened by a lookahead on the characters they can start with; the plain form is the rest.
OPENED = {
    "rib": (recognisers._RIB, "(?=\\d)", [*"0123456789 .-,/a", "011 780 ", "0000"]),
    "ice": (recognisers._ICE, "(?=\\d)", [*"0123456789 .,-/a", "001 ", "5246"]),
    "cnss": (recognisers._CNSS, "(?=\\d)", [*"0123456789 .-,/a", "118 ", "4576"]),
    "card": (recognisers._CARD, "(?=\\d)", [*"0123456789 -.,/a", "4111 ", "3782 ", "822463 "]),
    "iban": (recognisers._IBAN, "(?=[Mm])", [*"MmAa0123456789 -x", "MA64 ", "0117 ", "8000"]),
    "phone": (
        recognisers._PHONE,
        "(?=[+0(2])",
        [*"+0()25678 .-,/لبوف\u0640a\u00a0", "212", "+212", "00212", "06", "(05", " ... ", "0661 "],
    ),
    "phone slash": (recognisers._PHONE_SLASH, "(?=0)", [*"0123456789/ a", "06/", "0617/", "55/"]),
    "foreign phone": (
        recognisers._FOREIGN,
        "(?=[+0])",
        [*"+0123456789 .-()\u00a0a", "+33 ", "0032 ", "+212", "(0)", "478 "],
    ),
    "temporary plate": (
        recognisers._PLATE_WW,
        "(?=[Ww\\d])",
        [*"Ww0123456789 -|/.,a", "WW ", "418275", "12345"],
    ),
}


@pytest.mark.parametrize("name", sorted(OPENED))
def test_each_opened_pattern_matches_as_without_its_lookahead(name: str, fixture_texts: list[str]) -> None:
    now, lookahead, alphabet = OPENED[name]
    assert now.pattern.startswith(lookahead)
    plain = re.compile(now.pattern[len(lookahead) :], now.flags)
    rng = random.Random(name)
    randoms = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(20000)]
    found = 0
    for text in [*fixture_texts, *randoms]:
        expected = _all(plain, text)
        assert _all(now, text) == expected, text
        found += bool(expected)
    assert found > 20


def test_the_fold_reads_every_word_character_as_the_patterns_do() -> None:
    """Any character IGNORECASE matches to a context word's character becomes that character once folded
    and lower-cased: the folded text holds every word the patterns can match (checked over all of Unicode)."""
    chars = {c for ws in context._WORDS.values() for w in ws for c in w.lower()}
    any_char = re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]", re.IGNORECASE)
    for code in range(0x110000):
        c = chr(code)
        if 0xD800 <= code <= 0xDFFF or not any_char.fullmatch(c):
            continue
        folded = context._folded.__wrapped__(c)
        matched = [w for w in chars if re.fullmatch(re.escape(w), c, re.IGNORECASE)]
        assert matched and all(w == folded for w in matched), (hex(code), folded, matched)


@pytest.mark.parametrize("entity_type", sorted(context._WORDS))
def test_no_context_word_is_missed_by_the_cue_gate(entity_type: str, fixture_texts: list[str]) -> None:
    pattern = context._PATTERNS[entity_type]
    words = [w for w in context._WORDS[entity_type] if w.isascii()][:6]
    odd = [w.upper().replace("S", "\u017f").replace("I", "\u0130") for w in words]
    texts = [
        *fixture_texts,
        *(f"x {w}: 123" for w in words + odd),
        *(f"| {w.upper()} |\n| 1 |" for w in words),
    ]
    cued = 0
    for text in texts:
        if pattern.search(text):
            assert context.cue_possible(text, entity_type), text
            cued += 1
    assert cued > 10


def test_the_passport_and_cin_gates_are_needed_and_sound() -> None:
    """A foreign passport needs a passport word; the dictated and grouped CIN forms an identity word."""
    passport = "passeport français n° 19AV48213"
    assert [e.type for e in passports.find_foreign_passports(passport)] == ["MA_PASSPORT"]
    assert [e.type for e in passports.find_foreign_passports(passport.upper())] == ["MA_PASSPORT"]
    assert [e.type for e in passports.find_foreign_passports("PAſSEPORT n° 19AV48213")] == ["MA_PASSPORT"]
    assert not context.cue_possible("n° 19AV48213", "MA_PASSPORT")
    assert passports.find_foreign_passports("n° 19AV48213") == []
    grouped = "CIN: Bk 55 12 47"
    assert context.cue_possible(grouped, "MA_CIN") and cin_forms._grouped(grouped)
    assert set(cin_forms._grouped(grouped)) <= set(cin_forms.find_cin_forms(grouped))
    assert not context.cue_possible("Réf: Bk 55 12 47", "MA_CIN")
    assert cin_forms.find_cin_forms("Réf: Bk 55 12 47") == cin_forms._grouped("Réf: Bk 55 12 47") == []


AFFECTED = [
    "rani f zéro six, soixante-trois, quarante-cinq, douze, trente-huit",  # spoken start
    "SIFR sitta sitta wa7ed, 45, 78, 12, 90",  # spoken start, capitals
    "cin dyali jb 12 34 56 w tel 0661-23-45-78",  # dictated CIN, a phone
    "passeport français n° 19AV48213, +33 6 12 34 56 78",  # a foreign passport and phone
    "ICE 001525782000088, IBAN MA64011519000001205000534921",
    "لحبيب المنصوري D 330918 ب ك 551302 والطوموبيل 12345-ب-6",  # CIN forms and a plate
    "Bonjour Karim Bennani, votre dossier est prêt.",  # the CRF's plain path
    "شكرا لخديجة العلوي على المساعدة",  # the CRF's path through tokens
]


def test_the_api_gives_the_spans_of_the_analysis(server: object, admin_key: str) -> None:
    """Through the real server (its worker processes), the texts this pass reads differently give the
    in-process analysis's spans, and find what they hold."""
    import httpx

    url = server.url  # type: ignore[attr-defined]
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {admin_key}"}) as client:
        found = set()
        for text in AFFECTED:
            r = client.post("/v1/privacy/analyze", json={"text": text})
            assert r.status_code == 200, r.text
            got = [(d["start"], d["end"], d["type"], d["score"]) for d in r.json()["data"]]
            assert got == [(e.start, e.end, e.type, round(e.score, 3)) for e in analyze(text)]
            found |= {t for _, _, t, _ in got}
    assert {
        "PHONE_NUMBER",
        "MA_CIN",
        "MA_PASSPORT",
        "MA_ICE",
        "MA_IBAN",
        "MA_PLATE",
        "PERSON",
    } <= found
