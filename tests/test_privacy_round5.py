"""Issue 19, round 5: the sixth blind set's misses, by cause (phones read aloud with commas between the
groups, ICEs the text calls invalid before the number, Tifinagh and Arabic-script names). Sentences
written for this test, not taken from a labelled set."""

from __future__ import annotations

import pytest

from siyada.privacy.analyzer import analyze


def _found(text: str, kind: str) -> list[str]:
    return [text[e.start : e.end] for e in analyze(text) if e.type == kind]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        # Arabic "عشر" after a unit is a teen: 0 7 60 12 45 89
        ("اتصل بي على صفر سبعة، ستين، اثنا عشر، خمسة وأربعين، تسعة وثمانين من فضلك",
         "صفر سبعة، ستين، اثنا عشر، خمسة وأربعين، تسعة وثمانين"),
        # French "soixante et un": tens, "et", unit
        ("Rappelez-moi au zéro six, soixante et un, dix-huit, vingt-deux, trente-trois, merci.",
         "zéro six, soixante et un, dix-huit, vingt-deux, trente-trois"),
        # Darija "سطة" (6) and "سيت" (French "sept" in Arabic script)
        ("عيط ليا على زيرو سطة، سيت، زيرو، جوج، تلاتة، ربعة، خمسة، ستة، سبعة دابا",
         "زيرو سطة، سيت، زيرو، جوج، تلاتة، ربعة، خمسة، ستة، سبعة"),
        ("nmra jdida: zero sita, 62 14, 87 30, sjlha", "zero sita, 62 14, 87 30"),
        # digit groups split by Arabic commas, as a voice note is typed
        ("النمرة ديالو: 06، 71، 28، 45، 93، سجلها", "06، 71، 28، 45، 93"),
    ],
)  # fmt: skip
def test_phones_read_aloud_with_commas_between_groups(text: str, phone: str) -> None:
    assert _found(text, "PHONE_NUMBER") == [phone]


def test_digits_after_a_phone_joined_by_et_are_not_read_into_it() -> None:
    text = "Appelez le 06 12 34 56 78 et 45 autres numéros."
    assert _found(text, "PHONE_NUMBER") == ["06 12 34 56 78"]


@pytest.mark.parametrize(
    "text",
    [
        "ICE de démonstration refusé (clé invalide) : 001234567890123.",
        "Numéro ICE fictif mal saisi : 001234567890123 — merci de corriger.",
        "رقم تعريف مقاولة خاطئ: 001234567890123",
    ],
)
def test_an_ice_called_invalid_before_the_number_and_failing_mod_97_is_not_reported(text: str) -> None:
    assert _found(text, "MA_ICE") == []


def test_invalid_words_about_an_earlier_ice_do_not_reach_the_next_one() -> None:
    text = "ICE faux: 001234567890123 ; ICE 001234567890124 du fournisseur"
    assert _found(text, "MA_ICE") == ["001234567890124"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("| الاسم | النسب | الهاتف | | خديجة | البوعناني | 0661234567 | | عمر | أوحساين | 0677123456 |",
         ["خديجة", "البوعناني", "عمر", "أوحساين"]),
        ("| Nom et prénom | Chambre | | Mme Zhor Nachit | B7 | | Aberkane Loubna | C2 |",
         ["Zhor Nachit", "Aberkane Loubna"]),
    ],
)  # fmt: skip
def test_every_cell_of_a_name_column_is_one_name(text: str, names: list[str]) -> None:
    """A table's name column: each cell is read whole, the family name no list holds included."""
    assert _found(text, "PERSON") == names


def test_a_cell_with_digits_under_a_name_header_is_no_name() -> None:
    text = "| Nom | Produit | | Lot 12 B | Huile | | Réserve | Sucre |"
    assert "Lot 12 B" not in _found(text, "PERSON")


def test_a_tifinagh_field_name_before_a_colon_is_no_name() -> None:
    """ "ⵜⴰⵏⵉⵍⴰ:" ("phone:") and "ⴰⵙⵉⵏⴰⵏ:" were read as names, the latter glued to the name before it."""
    text = "ⵉⵙⵎ: ⵉⴷⵉⵔ ⴰⵙⵉⵏⴰⵏ: ⴰⵢⵜ ⵓⵄⵍⵉ, ⵜⴰⵏⵉⵍⴰ: 0612 33 45 78"
    found = _found(text, "PERSON")
    assert "ⵉⴷⵉⵔ" in found
    assert not any("ⴰⵙⵉⵏⴰⵏ" in f or "ⵜⴰⵏⵉⵍⴰ" in f for f in found)


def test_a_tifinagh_name_after_a_preposition_keeps_its_colon() -> None:
    text = "ⵜⵏⵏⴰ ⵜⵎⵖⴰⵔⵜ ⵉ ⵎⵓⵃⴰ: ⴰⵙⵙ ⵏ ⵓⵙⵉⵏⴰⵏ."
    assert _found(text, "PERSON") == ["ⵎⵓⵃⴰ"]


def test_the_name_of_someone_is_not_their_name() -> None:
    """ "ⵉⵙⵎ ⵏ ⵓⵎⵥⵢⴰⵏ ⵏⵏⵙ" is "the name of her little one": ⵏ and ⵏⵏⵙ are no name."""
    from siyada.privacy.tifinagh_names import find_tifinagh_people

    text = "ⵜⴻⵜⵜⵓⵜ ⵉⵙⵎ ⵏ ⵓⵎⵥⵢⴰⵏ ⵏⵏⵙ ⴰⵣⵏⴰⴳ."
    assert all(text[e.start : e.end] not in ("ⵏ ⵓⵎⵥⵢⴰⵏ ⵏⵏⵙ", "ⵏ") for e in find_tifinagh_people(text))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("شفتي أيوب ولد نعيمة؟ راه نجح", ["أيوب", "نعيمة"]),
        ("شفتي حمزة ولد فاطمة؟ راه نجح", ["حمزة", "فاطمة"]),
    ],
)
def test_a_womans_name_after_a_kin_link_is_the_mother(text: str, names: list[str]) -> None:
    """A patronymic chain names fathers: "X ولد <a woman's name>" is X and his mother."""
    assert _found(text, "PERSON") == names
