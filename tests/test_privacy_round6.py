"""Issue 19, round 6: the seventh blind set's misses, by cause (plates on trucks and taxis, the WW series
in the plate's own layout, letters said by name, surnames the name model cut off). Sentences written for
this test, not taken from a labelled set."""

from __future__ import annotations

import pytest

from siyada.privacy.analyzer import analyze


def _found(text: str, kind: str) -> list[str]:
    return [text[e.start : e.end] for e in analyze(text) if e.type == kind]


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        # a truck or a taxi is a vehicle word too
        ("أمرت المحكمة بحجز الشاحنة 51207 D 33 في المحجز البلدي.", "51207 D 33"),
        ("Le camion 28810 H 6 stationnait devant l'entrepôt.", "28810 H 6"),
        ("khouya mol taxi 61442 | A | 1 ja daba", "61442 | A | 1"),
        # the French word with the Arabic article
        ("قال ليا الماتريكول 19033 B 40 ماشي ديالو", "19033 B 40"),
        # the WW series written as number-WW-region, with no vehicle word
        ("المخالفة سجلت على 7312-ww-6 أمس", "7312-ww-6"),
        # a small letter between spaces, next to a vehicle word
        ("lplaka dyal tomobil 40517 b 12 kanet m9ada", "40517 b 12"),
        # the Arabic letter said by name in Latin script
        ("lmatricule dyal tomobil 20931 waw 26, 3yet l assurance", "20931 waw 26"),
        ("Vehicle registration 55210-B-7 was towed.", "55210-B-7"),
    ],
)  # fmt: skip
def test_plates_of_round_six(text: str, plate: str) -> None:
    assert _found(text, "MA_PLATE") == [plate]


@pytest.mark.parametrize(
    "text",
    [
        # "ba" between two numbers without a vehicle word is chat, not a plate
        "kan 3ndi 12 ba 3 dyal lktob",
        "Il reste 40517 b 12 à payer.",
        "Le dossier 4415 A 12 est clos.",
    ],
)
def test_plate_lookalikes_of_round_six(text: str) -> None:
    assert _found(text, "MA_PLATE") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a title (doctor, prince) before a Tifinagh name the gazetteer does not know
        ("ⴰⵙⴳⵏⴰⴼ ⵍⵃⵓⵙⴰⵢⵏ ⴰⵎⵣⵣⴰⵍ ⵉⵥⵕⴰ ⴰⵎⵓⴹⵉⵏ", "ⵍⵃⵓⵙⴰⵢⵏ ⴰⵎⵣⵣⴰⵍ"),
        # a poet: the verb after the name (ⵉⵙⵙⵓⴷⵓ, whose consonants read as Saad) is not a family name
        ("ⴰⵎⴷⵢⴰⵣ ⵍⵃⵓⵙⴰⵢⵏ ⴰⵎⵣⵣⴰⵍ ⵉⵙⵙⵓⴷⵓ ⴰⵎⵙⵏⴰⵡ", "ⵍⵃⵓⵙⴰⵢⵏ ⴰⵎⵣⵣⴰⵍ"),
        # "ⵡⵉⵙ" (the nth) joins a ruler's name to its number
        ("ⴰⴳⵍⴷⵓⵏ ⵃⴰⵙⴰⵏ ⵡⵉⵙ ⵙⵉⵏ ⵉⵙⵙⵓⴷⵓ ⴰⵙⵉⵏⴰⴳ", "ⵃⴰⵙⴰⵏ ⵡⵉⵙ ⵙⵉⵏ"),
    ],
)  # fmt: skip
def test_tifinagh_names_after_a_title(text: str, name: str) -> None:
    assert _found(text, "PERSON") == [name]


def test_a_family_name_glued_to_ben_after_a_given_name_is_kept() -> None:
    # the model, which weighs its lists, stopped at the given name
    assert _found("nawal benhayoun katsnak f lbureau", "PERSON") == ["nawal benhayoun"]


@pytest.mark.parametrize(
    ("text", "name"),
    [("Karim boulevard Zerktouni", "Karim"), ("ana w omar bouge daba", "omar")],
)
def test_an_everyday_word_in_bou_is_no_family_name(text: str, name: str) -> None:
    assert _found(text, "PERSON") == [name]
