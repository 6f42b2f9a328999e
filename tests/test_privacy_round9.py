"""Issue 19, round 9: the eleventh and twelfth blind sets' misses, by cause (phones in slashed pairs or
after a price, CINs with a slash or an underscore, "و" between two small numbers, lists of given names
and role words in chats, names spelt otherwise, naming words and chat words inside a name's span,
greetings, court verbs, clubs and Tifinagh function words read as names, maternity wards and military
hospitals). Sentences written for this test, not taken from a labelled set."""

from __future__ import annotations

import pytest

from siyada.privacy.analyzer import analyze
from siyada.privacy.name_features import _gazetteer


def _found(text: str, kind: str) -> list[str]:
    return [text[e.start : e.end] for e in analyze(text) if e.type == kind]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Contact: 0662/41/08/97 (après 18h)", "0662/41/08/97"),
        ("nmra dyali 06/70/21/33/58 3ayet lia", "06/70/21/33/58"),
        ("Bureau : (05) 22 48 61 30, poste 12", "(05) 22 48 61 30"),
        # a price's currency word belongs to its amount, not to the phone after it
        ("الكرا 2500 درهم ف الشهر، عيط ل 0667-21-45-09", "0667-21-45-09"),
        ("Vends vélo 900 DH. Yassir 0610 42 77 18", "0610 42 77 18"),
    ],
)  # fmt: skip
def test_phones_in_slashed_pairs_brackets_and_after_a_price(text: str, phone: str) -> None:
    assert _found(text, "PHONE_NUMBER") == [phone]


@pytest.mark.parametrize(
    "text",
    [
        "Réunion le 06/07/2024 10:30 salle B",  # a date and an hour, not a phone
        "montant 0661234567 à régler",  # a reference word right before the number, no amount between
    ],
)
def test_dates_and_references_stay_unmarked_as_phones(text: str) -> None:
    assert _found(text, "PHONE_NUMBER") == []


@pytest.mark.parametrize(
    ("text", "cin"),
    [
        ("Locataire : Hind Squalli, CIN jk/302917, garant : son frère.", "jk/302917"),
        ("Assuré : Omar Lahlou — CIN EE_418306 — matricule 2219", "EE_418306"),
        ("Pièce d'identité : CNIE ab  719204 (copie jointe)", "ab  719204"),
        ("Vendeur : Nabil Ouazzani, CIN BK 4417 08, domicilié à Salé.", "BK 4417 08"),
    ],
)  # fmt: skip
def test_cins_with_a_slash_an_underscore_or_in_four_and_two(text: str, cin: str) -> None:
    assert _found(text, "MA_CIN") == [cin]


def test_a_slash_code_without_an_identity_word_is_no_cin() -> None:
    assert _found("Dossier AB/441902 transmis au service contentieux.", "MA_CIN") == []


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("غابت التلميذة يومي 14 و 15 دجنبر بسبب المرض.", None),
        ("تم توقيف ثلاثة أشخاص أعمارهم 19 و 23 سنة.", None),
        ("الطوموبيل اللي شفت الماتريكول ديالها 40921 و 6 كانت واقفة.", "40921 و 6"),
    ],
)  # fmt: skip
def test_waw_between_two_small_numbers_is_and(text: str, plate: str | None) -> None:
    assert _found(text, "MA_PLATE") == ([plate] if plate else [])


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("kenza hamza anas ghadi yjiw l3chiya, jibo m3akom lkora", ["kenza", "hamza", "anas"]),
        ("ilham w sanae mchaw l fes lbareh", ["ilham", "sanae"]),
        ("منير و خديجة و إدريس جاو البارح من وجدة", ["خديجة", "إدريس"]),
    ],
)  # fmt: skip
def test_lists_of_given_names_in_chats_are_one_span_each(text: str, names: list[str]) -> None:
    found = _found(text, "PERSON")
    for name in names:
        assert name in found, (name, found)
    assert all(" " not in f for f in found), found


@pytest.mark.parametrize(
    "text",
    [
        "fatima zahra w ilham jaw",  # a compound given name is one name, not two people
        "douz 3la moulay driss zerhoun, sidi kacem w ghadi tl9a",  # an honorific starts a place or a name
    ],
)
def test_compound_names_and_honorifics_are_no_lists(text: str) -> None:
    found = _found(text, "PERSON")
    assert "zahra" not in found and "driss" not in found and "kacem" not in found, found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("l'prof berrada 3tana exercice sa3b bzaf", "berrada"),
        ("lmadame bensouda tsalat mn l'reunion", "bensouda"),
        ("coach el amrani bgha tkon l'équipe kamla ghedda", "el amrani"),
        ("sir 3nd lalla rkia hiya li 3ndha lmeftah", "rkia"),
    ],
)  # fmt: skip
def test_a_name_after_a_role_word_in_a_chat(text: str, name: str) -> None:
    assert name in _found(text, "PERSON")


def test_a_role_word_before_an_ordinary_word_is_no_name() -> None:
    assert _found("l'prof dyal lmath ma jach lyoum, l'coach mrid", "PERSON") == []


def test_a_chat_opening_on_a_name() -> None:
    assert _found("hanane 3afak sifti lia l'adresse d dar khalti", "PERSON") == ["hanane"]


@pytest.mark.parametrize(
    ("word", "flag"),
    [("nissrine", "g"), ("toria", "g"), ("morad", "g"), ("ikrame", "g"), ("douae", "g"), ("Mathilde", "g")],
)
def test_names_spelt_otherwise_and_foreign_names_are_in_the_lexicon(word: str, flag: str) -> None:
    assert flag in _gazetteer(word, "lat")


@pytest.mark.parametrize("word", ["bonne", "porte", "hotel", "salle", "merci"])
def test_everyday_words_do_not_fall_on_a_name_by_spelling(word: str) -> None:
    assert "g" not in _gazetteer(word, "lat") and "f" not in _gazetteer(word, "lat")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("الكاتبة سميتها نوال هي اللي عطاتني الورقة", "نوال"),
        ("عطاني مراد النمرة ديالك باش نعيط ليك", "مراد"),
        ("Formulaire — Candidat : Ben Abdelkrim Salma — Né le 02/03/2000", "Ben Abdelkrim Salma"),
        ("safi lmdir hamid id bella 9al lina ghedda", "hamid id bella"),
    ],
)  # fmt: skip
def test_a_names_edges_leave_out_cue_and_chat_words_and_take_in_particles(text: str, name: str) -> None:
    assert name in _found(text, "PERSON"), _found(text, "PERSON")


def test_moha_ou_itto_are_two_people() -> None:
    assert "moha ou itto" not in _found("moha ou itto jaw mn khenifra", "PERSON")


@pytest.mark.parametrize(
    "text",
    [
        "وحيث إن المدعى عليه لم يدل بما يثبت الأداء، فإن الطلب مؤسس.",
        "وعليكم السلام أولدي، شنو خبارك؟",
        "الماتش ديال الرجاء و الوداد غادي يكون نهار السبت ف ملعب محمد الخامس",
        "lhaj mol l7anout galik ghedda",
        "ⵉⵙⵎ ⵏⵏⵙ ⵉⴳⴰ ⵜ ⵙ ⵜⵉⴼⵉⵏⴰⵖ",
    ],
)  # fmt: skip
def test_verbs_greetings_titles_clubs_and_function_words_are_no_names(text: str) -> None:
    assert _found(text, "PERSON") == []


@pytest.mark.parametrize(
    "text",
    [
        "Accouchement prévu à la maternité Lalla Khadija de la ville.",
        "Contrôle à l'hôpital militaire Moulay Ismail, service cardiologie.",
        "Visit the Mausoleum of Mohammed V before noon.",
    ],
)
def test_maternity_wards_military_hospitals_and_mausoleums_are_places(text: str) -> None:
    assert _found(text, "PERSON") == []


def test_a_name_after_an_english_title() -> None:
    assert "Bouhlal" in _found("Dear Mrs. Bouhlal, your visa appointment is confirmed.", "PERSON")


def test_a_tifinagh_name_after_a_kin_word() -> None:
    text = "ⴱⴰⴱⴰ ⵎⵓⵃⴰ ⵉⴷⴷⴰ ⵙ ⵜⵎⴷⵉⵏⵜ"
    assert _found(text, "PERSON") == ["ⵎⵓⵃⴰ"]
