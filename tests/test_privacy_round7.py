"""Issue 19, round 7: the eighth blind set's misses, by cause (a lower-case CIN letter glued to its
digits, "sa carte", identity in Tifinagh, names that run on into a court text's next word, a table
header with a colon, towers named after kings). Sentences written for this test, not taken from a
labelled set."""

from __future__ import annotations

import pytest

from siyada.privacy.analyzer import analyze


def _found(text: str, kind: str) -> list[str]:
    return [text[e.start : e.end] for e in analyze(text) if e.type == kind]


@pytest.mark.parametrize(
    ("text", "cin"),
    [
        # a lower-case letter glued to the digits is no word before a number ("b", "w", "y")
        ("Le plaignant, CIN b417720, demeurant à Safi.", "b417720"),
        ("sift lia l cin dyalk w205518 3afak", "w205518"),
        ("رقم البطاقة الوطنية: y30418 | الهاتف", "y30418"),
        # "sa carte" is the identity card's word when a letter leads the number
        ("elle dit que sa carte c'est BH-302771, merci", "BH-302771"),
        # identity in Tifinagh
        ("ⵜⴰⵏⴰⵖⵜ ⵏ ⵜⵉⵎⴰⴳⵉⵜ: ⵓⵟⵟⵓⵏ k402281", "k402281"),
    ],
)  # fmt: skip
def test_cins_of_round_seven(text: str, cin: str) -> None:
    assert _found(text, "MA_CIN") == [cin]


@pytest.mark.parametrize(
    "text",
    [
        "Le festival a lieu en 2019 et le 12345 est un code postal.",
        "Prix: a 25000 dirhams, w 30000 l sa7bi",
    ],
)
def test_spaced_short_words_before_numbers_stay_out(text: str) -> None:
    assert _found(text, "MA_CIN") == []


@pytest.mark.parametrize(
    ("text", "people"),
    [
        # a court text's next word is not the name's last
        ("وحيث أجاب المطلوب عبد الكريم بواسطة دفاعه", ["عبد الكريم"]),
        ("وبين السيدة نادية بصفتها مدعى عليها", ["نادية"]),
        ("وحيث إن الطاعن ياسين يعيب على القرار المطعون فيه", ["ياسين"]),
        # a form's column label with its colon names the column
        (
            "| Nom : | Prénom : | Ville | | BERRADIX | Salma | Fès | | OUAZZANIX | Kamal | Tanger |",
            ["BERRADIX", "Salma", "OUAZZANIX", "Kamal"],
        ),
        # a family name in capitals beside the given name is the name's
        ("Responsable : Mme Hind DADDACH.", ["Hind DADDACH"]),
        ("Élève : AMZALLAG Fatima Zahra, classe 1BAC", ["AMZALLAG Fatima Zahra"]),
        # not a town or a form's word in capitals
        ("Rapport URGENT Salma Bennani", ["Salma Bennani"]),
        ("Livraison Salma Bennani MARRAKECH", ["Salma Bennani"]),
        # a tower named after a king is a place
        ("Conducteur de travaux à la Tour Mohammed VI depuis 2022.", []),
    ],
)  # fmt: skip
def test_people_of_round_seven(text: str, people: list[str]) -> None:
    assert _found(text, "PERSON") == people


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        # the WW series with its region, spaced
        ("Le fourgon immatriculé 40218 WW 33 a été retrouvé.", "40218 WW 33"),
        # the car and its registration with a possessive
        ("صرح أن سيارته ترقيمها 31870-b-6 سرقت أمس", "31870-b-6"),
    ],
)  # fmt: skip
def test_plates_of_round_seven(text: str, plate: str) -> None:
    assert _found(text, "MA_PLATE") == [plate]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        # a mobile number read aloud with a digit lost in one pair: nine digits, all in words
        ("ana hind, nmra dyali zéro six, douze trois quarante-cinq soixante-dix-huit, 3ayet lia",
         "zéro six, douze trois quarante-cinq soixante-dix-huit"),
        # Darija seventy and one, "sb3in w wa7ed"
        ("nmra dial lmi3allem zero sitta sb3in w wa7ed, 44 12 09, gollih",
         "zero sitta sb3in w wa7ed, 44 12 09"),
    ],
)  # fmt: skip
def test_spoken_phones_of_round_seven(text: str, phone: str) -> None:
    assert _found(text, "PHONE_NUMBER") == [phone]


@pytest.mark.parametrize(
    "text",
    [
        "il a eu zéro six, douze trois à l'examen",  # too few words
        "zéro sept, douze cinq soixante-sept 84 12",  # a digit group: the pattern recognisers' case
    ],
)
def test_short_spoken_numbers_stay_out(text: str) -> None:
    assert _found(text, "PHONE_NUMBER") == []
