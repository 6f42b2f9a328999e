"""The name rules' fast paths (fourth speed pass) find what the plain scans find.

A first-character lookahead before a lookbehind-led pattern (`lead.py`) only lets the regex engine skip
positions where no match can start: without it every pattern finds the same matches. A literal tested
with `in` before a scan is part of every match: a text without it gives the scan nothing. A Tifinagh
word's cached skeleton is the skeleton read afresh.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from siyada.lang.tifinagh import to_latin
from siyada.privacy import (
    called_names,
    chat_names,
    contact_names,
    court_roles,
    names,
    places,
    public_figures,
    tifinagh_names,
)
from siyada.privacy.analyzer import analyze
from siyada.privacy.lead import lead
from siyada.privacy.markup import load_markup
from tests.server import Server

FIXTURES = Path(__file__).parent / "fixtures"
_LEAD = re.compile(r"^\(\?=\[(?:\\.|[^\]\\])*\]\)")
MODULES = (names, chat_names, places, public_figures, court_roles, called_names)
LED = [
    (m.__name__.rsplit(".", 1)[1], name)
    for m in MODULES
    for name, value in vars(m).items()
    if isinstance(value, re.Pattern) and _LEAD.match(value.pattern)
]
# Edges the fixtures may not hold: a match at the text's start, after a letter, in capitals, with
# accents in capitals, Tifinagh, digits and marks around.
EDGES = [
    "Avenue Mohammed V, AVENUE HASSAN II, xAvenue Zerktouni, ÉCOLE Ibn Rochd, École Al Massira, 7ay Salam",
    "Sidi Bennour, sIDI slimane, Ait Melloul, aït ourir, xsidi kacem, Oulad Teima, Ben Guerir, BENI MELLAL",
    "M. Karim Bennani, Mme Salma Tazi, Dr. Anissa Tazi, Lalla Aicha, xM. Omar, Nom : Youssef Alami",
    "Étudiant : Rachid Idrissi, Élève: Sara, l'prof tazi, LPROF Bennani, el coach lahlou, Coach Hakimi",
    "السيد محمد العلوي، وبالمستشفى الجامعي ابن رشد، بمدرسة عمر بن الخطاب، المتهم رضى، والمتهم سعيد",
    "فطنجة وبمراكش، كيقولو ليه الزعري، آل الفيلالي، حكيمي وزياش، ⴰⵣⵓⵍ ⴰ ⵎⵓⵃⴰ، 0661234567 ilham",
    # letters that IGNORECASE folds specially (long s, Kelvin sign, dotted capital I, fullwidth)
    "ſidi kacem \u212aenitra, SİDİ Bennour, ſtade Hakimi, Ｓidi Slimane, ſociete Mernissi, ıbn Rochd",
]


def _texts() -> list[str]:
    texts = list(EDGES)
    for path in sorted(FIXTURES.glob("pii_wild*.txt")):
        texts += [d["text"] for d in load_markup(path)]
    return texts


TEXTS = _texts()


def test_every_led_pattern_is_found() -> None:
    """The lookaheads this pass added are all checked below (the list is not empty by accident)."""
    assert len(LED) >= 14
    assert {("places", "_LATIN_CUE"), ("names", "_LATIN_SEQ"), ("chat_names", "_ROLE")} <= set(LED)


@pytest.mark.parametrize(("module", "name"), LED)
def test_a_lead_changes_no_match(module: str, name: str) -> None:
    fast = getattr({m.__name__.rsplit(".", 1)[1]: m for m in MODULES}[module], name)
    plain = re.compile(_LEAD.sub("", fast.pattern), fast.flags)
    found = 0
    for text in TEXTS:
        got = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in plain.finditer(text)], text
        found += len(got)
    assert found >= 3  # the comparison is not between empty lists


def test_lead_holds_every_first_character() -> None:
    words = ["Avenue", "école", "ⵉⵙⵎ", "مدرسة", "a.b", "-x", "]y", "\\z"]
    plain = re.compile(lead(words))
    assert all(plain.match(w) for w in words)
    folded = re.compile(lead(words, fold_case=True), re.IGNORECASE)
    assert all(folded.match(w.upper()) and folded.match(w) for w in words)
    assert re.compile(lead(["ab"], more="و")).match("وx") and not plain.match("Z")


@pytest.mark.parametrize(
    ("pattern", "literal", "example"),
    [
        (called_names._CALLED, called_names._CALLED_GAP, "ولد الدرب كيقولو ليه الزعري"),
        (called_names._HOUSE, called_names._HOUSE_WORD, "جاو آل الفيلالي للعرس"),
        (chat_names._AR_RUN, chat_names._AR_JOIN, "جاو رضا و طه و معاذ"),
    ],
)
def test_a_literal_gate_is_necessary(pattern: re.Pattern[str], literal: str, example: str) -> None:
    """The scan finds its cue in the example; in every text without the literal it finds nothing, and
    dropping the literal from the example leaves the scan nothing either."""
    assert pattern.search(example) is not None and literal in example
    assert all(pattern.search(t) is None for t in TEXTS if literal not in t)
    assert pattern.search(example.replace(literal, literal[:-1] + "x")) is None


def test_the_cached_tifinagh_skeleton_is_the_plain_one() -> None:
    words = {w for t in TEXTS for w in re.findall(r"[\u2D30-\u2D7F]+", t)}
    assert len(words) > 50
    for w in sorted(words):
        assert tifinagh_names.word_skeleton(w) == tifinagh_names.skeleton(to_latin(w))
        assert tifinagh_names.word_skeleton(w) == tifinagh_names.skeleton(to_latin(w))  # from the cache


def test_the_api_reads_the_edges_as_in_process(server: Server, admin_key: str) -> None:
    """Through the real server, the edge texts give the spans of the in-process analysis, names and
    places among them."""
    kinds = set()
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {admin_key}"}) as client:
        for text in EDGES:
            r = client.post("/v1/privacy/analyze", json={"text": text})
            assert r.status_code == 200, r.text
            got = [(d["start"], d["end"], d["type"], d["score"]) for d in r.json()["data"]]
            assert got == [(e.start, e.end, e.type, round(e.score, 3)) for e in analyze(text)]
            kinds |= {d["type"] for d in r.json()["data"]}
    assert "PERSON" in kinds


def test_the_list_gate_is_necessary() -> None:
    """Chat lists start on a known given name in lower case: where no word is one, the ungated loop finds
    nothing; where the gate opens, the gated and ungated readings agree."""
    gated = [
        t for t in TEXTS if not any(map(chat_names._given, filter(str.islower, chat_names._LAT.findall(t))))
    ]
    assert len(gated) > 1000
    assert all(chat_names._list_runs(t) == [] for t in gated)
    example = "ayman omar saad kolchi mojoud"
    assert len(chat_names._list_runs(example)) == 3 and chat_names._latin_lists(
        example
    ) == chat_names._list_runs(example)
    assert chat_names._latin_lists("Ayman Omar Saad kolchi mojoud") == []


def test_a_lone_capitalised_word_needs_a_given_name() -> None:
    """A sequence of one capitalised word is skipped unless it is a known given name: the three readings
    it skips (an honorific, a family name first, an unknown given name before a family name) all need a
    second word."""
    lone = {w for t in TEXTS for w in re.findall(r"(?<![\w@.])[A-ZÀ-Ý][a-zà-ÿ'’]+(?![\w ])", t)}
    lone = {w for w in lone if not names._given(w)} | {"Moulay", "Sidi", "El", "BENNANI", "Alaoui"}
    assert len(lone) > 500
    for w in lone:
        assert not names._honorific_name([w], 0) and names._family_first([w], 0) is None, w
        assert not names._unknown_given_known_family([w], 0), w
    assert names._latin_people("Karim") != [] and names._latin_people("Bennani") == []


def test_the_contact_gate_is_necessary() -> None:
    """Every number the contact rule reads holds a "0" or a "+": in every text with neither its pattern
    finds nothing, and the gated rule still reads a name before a number."""
    assert all(contact_names._PHONE.search(t) is None for t in TEXTS if "0" not in t and "+" not in t)
    assert sum("0" not in t and "+" not in t for t in TEXTS) > 1000
    found = contact_names.find_contact_names("zakaria 0661 22 33 44 ilham 0662 55 66 77")
    assert len(found) == 2
    assert contact_names._PHONE.search("ilham +212 661 22 33 44") is not None
