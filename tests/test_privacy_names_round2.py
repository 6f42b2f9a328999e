"""Issue 19, round 2: names in unseen text. The model's features read cue words by class (a vocative, a
kin word, a naming word) rather than one by one, read a Darija or Arabic article off a name before the
lexicon, and read a Tifinagh "u" + given name as a patronymic; the generated sentences now hold names
with no cue at the start of a chat, lists of names and numbers, two people joined by a kin word and
three-part names. Sentences written for this test, not taken from a labelled set."""

from __future__ import annotations

import pytest

from siyada.privacy.analyzer import analyze
from siyada.privacy.name_features import features


def _people(text: str) -> list[str]:
    return sorted(text[e.start : e.end] for e in analyze(text) if e.type == "PERSON")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("sm7 lia a nawal, ma jawbtekch lbare7", ["nawal"]),  # after a vocative, lower case
        ("lmokhtar jab lina l7out mn asfi", ["lmokhtar"]),  # the article glued to the name
        ("goul l l3arbi y3ayet 3liya daba", ["l3arbi"]),
        ("salam hasna, wach wselti?", ["hasna"]),
        ("zakaria 0661 22 33 44 ilham 0662 55 66 77 zidhom f group", ["ilham", "zakaria"]),  # a list
        ("cin dyal mama fettouma ra m3aya", ["fettouma"]),  # after a kin word; "m3aya" is "with me"
        ("الطبيب الرحال ما جاش اليوم", ["الرحال"]),
        ("ماما رقية قالت ليك جيب الخبز", ["رقية"]),
        ("شفتي مروان ولد سعاد؟ راه نجح", ["سعاد", "مروان"]),  # two people: "ولد" joins a son to his mother
        ("Stagiaire : Karim Ouled Hammou, ENSA Kénitra.", ["Karim Ouled Hammou"]),
        ("La séance s'est tenue en présence de Mohamed Amine Zeroual.", ["Mohamed Amine Zeroual"]),
        ("الزوج عبد الرحيم بوطالب بطاقة وطنية", ["عبد الرحيم بوطالب"]),
        ("ⵜⴰⵎⵖⴰⵔⵜ ⵢⴰⵎⵏⴰ ⵓⵃⵎⵎⵓ ⵜⵜⵉⵏⵉ ⴰⵙⵙⴰ", ["ⵢⴰⵎⵏⴰ ⵓⵃⵎⵎⵓ"]),  # u + Hammou: a patronymic
        ("ⵙⵙⵉⵡⵍ ⵖⵔ ⵜⵉⵍⵉⵍⴰ ⴳ ⵓⵟⵟⵓⵏ", ["ⵜⵉⵍⵉⵍⴰ"]),
        ("السيدة الحجي غائبة", ["الحجي"]),  # an adjective after a name stays out of it
    ],
)
def test_names_in_unseen_shapes(text: str, names: list[str]) -> None:
    assert _people(text) == names


def _flags(word: str) -> set[str]:
    return {f for f in features([word])[0] if f.startswith("gz=")}


def test_cue_words_are_read_by_class() -> None:
    """A cue the training sentences never held still counts through its class."""
    assert "gz=voc" in _flags("ewa") and "gz=voc" in _flags("يا")
    assert "gz=kin" in _flags("khti") and "gz=kin" in _flags("الوالدة")
    assert "gz=nm" in _flags("smito") and "gz=nm" in _flags("المدعو")


def test_articles_are_read_off_before_the_lexicon() -> None:
    assert "gz=g" in _flags("lmokhtar")  # Darija article + mokhtar
    assert "gz=g" in _flags("l3arbi")  # article + "3" + rbi: larbi
    assert "gz=g" in _flags("الرحال")  # Arabic article + رحال
    assert "gz=f" in _flags("ⵓⵢⵉⴷⵉⵔ")  # Tifinagh u + a given name (u-Yidir)


def test_a_lone_letter_is_not_read_as_a_name() -> None:
    assert "len=1" in features(["a"])[0]


@pytest.mark.parametrize(
    "text",
    [
        "ⵜⴰⵎⴷⵉⵏⵜ ⵏ ⵎⵓⵍⴰⵢ ⵉⴷⵔⵉⵙ ⵣⵔⵀⵓⵏ ⵜⵍⵍⴰ ⵖⵔ ⵜⵙⴳⴰ ⵏ ⵎⴽⵏⴰⵙ.",  # a town named after a saint, in Tifinagh
        "ⵉⵍⵎⴷ ⴳ ⵜⴰⵙⵏⴰⵡⵉⵜ ⵉⴱⵏ ⵔⵓⵛⴷ ⴳ ⵜⵎⴷⵉⵏⵜ.",  # a school named after Ibn Rochd
        "We land at Casablanca Mohammed V airport at noon.",  # English order, lower-case "airport"
        "اعتقلت الشرطة شخصا يبلغ من العمر 27 سنة.",  # "العمر" (age) is not "عمر" with an article
    ],
)
def test_places_and_words_are_not_people(text: str) -> None:
    assert _people(text) == []
