"""Moroccan personal-data recognisers: valid, invalid-checksum, look-alike and hard-negative cases."""

from __future__ import annotations

import pytest

from siyada.privacy.analyzer import analyze
from siyada.privacy.checksums import iban_valid, luhn_valid, rib_key, rib_valid
from siyada.privacy.entities import Entity


def _rib(body22: str) -> str:
    return body22 + f"{rib_key(body22):02d}"


def _iban(rib24: str) -> str:
    check = 98 - int(rib24 + "2210" + "00") % 97  # "MA" -> 22 10
    return f"MA{check:02d}{rib24}"


def _spans(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in analyze(text)]


def _has(text: str, etype: str, value: str) -> bool:
    return (etype, value) in _spans(text)


def _types(text: str) -> set[str]:
    return {e.type for e in analyze(text)}


RIB = _rib("0117800000123456789012")  # bank 011, city 780, account 16 digits
BAD_RIB = RIB[:-2] + f"{(int(RIB[-2:]) + 1) % 100:02d}"
IBAN = _iban(RIB)


# --- checksums ----------------------------------------------------------------------------------------
def test_checksum_helpers():
    assert rib_valid(RIB) and not rib_valid(BAD_RIB)
    assert iban_valid(IBAN) and not iban_valid(IBAN[:-1] + str((int(IBAN[-1]) + 1) % 10))
    assert iban_valid("GB82 WEST 1234 5698 7654 32")  # textbook IBAN
    assert luhn_valid("4539 1488 0343 6467") and not luhn_valid("4539 1488 0343 6468")


# --- RIB ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "template",
    [
        "Veuillez verser la somme sur le RIB {} avant lundi.",
        "رقم الحساب البنكي ديالي هو {} عافاك",
        "sift lia lflouss l compte {} daba",
        "Compte: {}",
    ],
)
@pytest.mark.parametrize("grouping", ["flat", "3-3-16-2", "blocks4"])
def test_rib_valid(template, grouping):
    if grouping == "flat":
        value = RIB
    elif grouping == "3-3-16-2":
        value = f"{RIB[:3]} {RIB[3:6]} {RIB[6:22]} {RIB[22:]}"
    else:
        value = f"{RIB[:3]} {RIB[3:6]} " + " ".join(RIB[i : i + 4] for i in range(6, 22, 4)) + f" {RIB[22:]}"
    text = template.format(value)
    assert _has(text, "MA_RIB", value), _spans(text)


def test_rib_bad_key_rejected():
    assert "MA_RIB" not in _types(f"Le RIB {BAD_RIB} est erroné.")
    assert "MA_RIB" not in _types(f"الحساب {BAD_RIB[:3]} {BAD_RIB[3:6]} {BAD_RIB[6:22]} {BAD_RIB[22:]}")


def test_rib_not_inside_longer_number():
    assert "MA_RIB" not in _types(f"commande 9{RIB}")


# --- IBAN ---------------------------------------------------------------------------------------------
def test_iban_compact_and_spaced():
    spaced = " ".join(IBAN[i : i + 4] for i in range(0, len(IBAN), 4))
    assert _has(f"IBAN : {IBAN}.", "MA_IBAN", IBAN)
    assert _has(f"حولو ليا على {spaced} من فضلك", "MA_IBAN", spaced)
    # the RIB inside a valid IBAN is not reported separately
    assert _types(f"IBAN {IBAN}") == {"MA_IBAN"}


def test_iban_bad_check_digits():
    bad = IBAN[:2] + f"{(int(IBAN[2:4]) + 1) % 100:02d}" + IBAN[4:]
    assert "MA_IBAN" not in _types(f"IBAN {bad}")


# --- ICE ----------------------------------------------------------------------------------------------
def test_ice_with_context():
    assert _has("La société X, ICE 001234567000089, sise à Fès.", "MA_ICE", "001234567000089")
    assert _has("الشركة ذات المعرف الموحد للمقاولة 002345678000012", "MA_ICE", "002345678000012")


def test_ice_lookalikes():
    assert "MA_ICE" not in _types("Le tirage a produit 123456789012345 exemplaires.")  # no context
    assert "MA_ICE" not in _types("ICE 12345678901234")  # 14 digits
    assert "MA_ICE" not in _types("ICE 1234567890123456")  # 16 digits


# --- phones -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,value",
    [
        ("Appelez-moi au 06 61 23 45 67 demain.", "06 61 23 45 67"),
        ("Tél. : +212 6 61 23 45 67", "+212 6 61 23 45 67"),
        ("الهاتف: 0522-12-34-56", "0522-12-34-56"),
        ("3iyet lia 3la 0661.23.45.67 ila bghiti", "0661.23.45.67"),
        ("عيط ليا ف 00212661234567 عافاك", "00212661234567"),
        ("whatsapp +212661234567 7ta l3chiya", "+212661234567"),
        ("Fixe (bureau) 0537 77 88 99.", "0537 77 88 99"),
    ],
)
def test_phone_valid(text, value):
    assert _has(text, "PHONE_NUMBER", value), _spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "Référence 0412345678 du stock.",  # 04 is not a Moroccan prefix
        "Numéro 066123456 incomplet",  # 9 digits
        "Total 06612345678 unités",  # 11 digits
        "+33 6 12 34",  # too short for a French number (round 3: a full one is a phone number)
    ],
)
def test_phone_lookalikes(text):
    assert "PHONE_NUMBER" not in _types(text), _spans(text)


# --- e-mail -------------------------------------------------------------------------------------------
def test_email():
    assert _has("Écrivez à s.benali-2@univ.ac.ma.", "EMAIL_ADDRESS", "s.benali-2@univ.ac.ma")
    assert _has("البريد الإلكتروني: contact@siyada.ma", "EMAIL_ADDRESS", "contact@siyada.ma")
    assert "EMAIL_ADDRESS" not in _types("le compte @admin et a@b ne sont pas des e-mails")


# --- CIN / passport -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,value",
    [
        ("Titulaire de la CIN BK123456.", "BK123456"),
        ("CNIE n° A98765 délivrée à Rabat", "A98765"),
        ("رقم البطاقة الوطنية ديالي JC45678", "JC45678"),
        ("la carte dyali T123456 ra f lpoche", "T123456"),
    ],
)
def test_cin(text, value):
    assert _has(text, "MA_CIN", value), _spans(text)


@pytest.mark.parametrize(
    "text,value",
    [
        ("Passeport n° AB1234567, expirant en 2030.", "AB1234567"),
        ("رقم جواز السفر UZ7654321", "UZ7654321"),
        ("l paspor dyali R1234567 tsala", "R1234567"),
    ],
)
def test_passport(text, value):
    assert _has(text, "MA_PASSPORT", value), _spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "Vol AT205 vers Paris",
        "Le modèle A380 atterrit",
        "Route RN11 fermée",
        "COVID19 et H1N1",
        "réf. XYZ12345",
    ],
)
def test_id_lookalikes(text):
    assert not {"MA_CIN", "MA_PASSPORT"} & _types(text), _spans(text)


# --- plates -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,value",
    [
        ("Véhicule immatriculé 12345-أ-6 stationné", "12345-أ-6"),
        ("السيارة ذات الترقيم 4567 | ب | 33", "4567 | ب | 33"),
        ("tomobil lmatricule dyalha 99887-هـ-1", "99887-هـ-1"),
        ("Plaque 12345-WW-40 signalée", "12345-WW-40"),
        ("la voiture 7788 | A | 1", "7788 | A | 1"),
    ],
)
def test_plate(text, value):
    assert _has(text, "MA_PLATE", value), _spans(text)


def test_plate_lookalikes():
    assert "MA_PLATE" not in _types("Le score final était 12-A-3 selon la grille")
    assert "MA_PLATE" not in _types("السيارة 12345-أ-95")  # no prefecture 95


# --- CNSS ---------------------------------------------------------------------------------------------
def test_cnss():
    assert _has("Immatriculé à la CNSS sous le n° 123456789.", "MA_CNSS", "123456789")
    assert _has("رقم الضمان الاجتماعي 987 654 321", "MA_CNSS", "987 654 321")
    assert "MA_CNSS" not in _types("Le lot 123456789 est arrivé.")


# --- cards --------------------------------------------------------------------------------------------
def test_card():
    assert _has("Carte bancaire 4539 1488 0343 6467 exp 04/27", "CREDIT_CARD", "4539 1488 0343 6467")
    assert _has("البطاقة البنكية 5555-5555-5555-4444", "CREDIT_CARD", "5555-5555-5555-4444")
    assert "CREDIT_CARD" not in _types("Carte bancaire 4539 1488 0343 6468")  # Luhn fails


# --- names --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,value",
    [
        ("Rendez-vous avec Meryem Benkirane à 10h.", "Meryem Benkirane"),
        ("Je m'appelle Abdelilah Ait Ouchen.", "Abdelilah Ait Ouchen"),
        ("Madame Zniber a signé.", "Zniber"),
        ("M. Guessous Tahiri est absent", "Guessous Tahiri"),
        ("التقيت بسلمى؟ لا، التقيت ب هدى الفيلالي أمس", "هدى الفيلالي"),
        ("السيد عبد الله بنكيران حاضر", "عبد الله بنكيران"),
        ("السيدة الحجي غائبة", "الحجي"),
        ("ana smiti Ilyas Sekkat, mn Fes", "Ilyas Sekkat"),
    ],
)
def test_person(text, value):
    assert _has(text, "PERSON", value), _spans(text)


def test_title_not_in_span():
    for ent in analyze("Monsieur Karim Bennis"):
        assert not "Monsieur Karim Bennis"[ent.start : ent.end].startswith("Monsieur")


# --- hard negatives -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Conformément à la loi n° 09-08 relative à la protection des données personnelles.",
        "Décret n° 2-09-165 du 21 mai 2009.",
        "Dahir n° 1.09.15 du 18 février 2009.",
        "الظهير الشريف رقم 1.09.15 والقانون رقم 09.08",
        "Un montant de 1 250 000,00 dirhams, soit 125 000 000 centimes.",
        "Audience du 12/03/2024 à 09:30, dossier n° 2023/1201/45.",
        "Facture 2024-000123 réglée le 05-06-2024.",
        "المبلغ 762 916,00 درهم بتاريخ 2024-01-15",
    ],
)
def test_hard_negatives(text):
    assert analyze(text) == [], _spans(text)


def test_entity_offsets_are_python_string_offsets():
    text = "السيدة خديجة العلوي: 0661234567"
    ents = analyze(text)
    assert all(isinstance(e, Entity) for e in ents)
    assert ("PHONE_NUMBER", "0661234567") in _spans(text)
    assert ("PERSON", "خديجة العلوي") in _spans(text)


@pytest.mark.parametrize("text", ["من حسن الحظ أن الجو جميل", "Université Mohammed V", "Boulevard Hassan II"])
def test_name_lookalikes(text):
    assert "PERSON" not in _types(text), _spans(text)


# --- second round (blind set 2): forms, chats and scripts the first round missed ------------------------
@pytest.mark.parametrize(
    ("text", "etype", "value"),
    [
        ("lcin dyali bj452187 w rib ghadi nsiftou", "MA_CIN", "bj452187"),  # chat, lower case, glued "l"
        ("N° CIN : k 389451 / Tél : 0661204578", "MA_CIN", "k 389451"),  # OCR
        ("Zineb ghadi tjib lpassport dyalha AZ7845120 w copie", "MA_PASSPORT", "AZ7845120"),
        ("plaque provisoire WW 418275, propriétaire absent", "MA_PLATE", "WW 418275"),
        ("Vends iPhone 13 — 5 500 DH — contact 07-77-45-12-89", "PHONE_NUMBER", "07-77-45-12-89"),
        ("حولت ليه مبلغ 12.000 درهم. للتواصل: +212 6 61 73 20 58.", "PHONE_NUMBER", "+212 6 61 73 20 58"),
    ],
)
def test_second_round_identifiers(text: str, etype: str, value: str) -> None:
    assert _has(text, etype, value), _spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "né en 1958 à Tafraout, CIN : A734125",  # "en 1958" next to a CIN label is not a CIN
        "le médicament Paracétamol 1000 mg, lot AB45127, péremption 09/2026",
    ],
)
def test_second_round_negatives(text: str) -> None:
    assert not any(v in ("en 1958", "AB45127") for _, v in _spans(text)), _spans(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Cordialement, Jessica Alaoui – RH", "Jessica Alaoui"),  # unknown given name + known family name
        ("Bénéficiaire : M. Mohamed Lamine Ould Sidi, CIN SH145287", "Mohamed Lamine Ould Sidi"),
        ("ok, smiytek kamla? - El Mehdi Sbai.", "El Mehdi Sbai"),
        ("je soussigné Moulay Ahmed Alaoui, demeurant à Fès", "Moulay Ahmed Alaoui"),
        ("Appeler Mehdi au 0677 21 45 90 après 18h", "Mehdi"),  # a lone known given name
        ("السلام خويا، أنا حمزة، شفت الإعلان", "حمزة"),  # a lone name after "أنا"
        ("تبارك الله عليك آ نعيمة! الصور زوينين", "نعيمة"),  # the vocative
        ("الطبيب المعالج الدكتور يونس بنعبد الله، الغرفة 12", "يونس بنعبد الله"),
        ("والمشترية السيدة محجوبة منت أحمد، بطاقة وطنية", "محجوبة منت أحمد"),
        ("أنا مولاي أحمد العلوي، ساكن فدرب السلطان", "مولاي أحمد العلوي"),
        ("ⵉⵙⵎ : ⵜⵓⴷⵔⵜ ⴰⵎⵖⴰⵔ / الاسم : تودرت أمغار", "ⵜⵓⴷⵔⵜ ⴰⵎⵖⴰⵔ"),  # Tifinagh after "name"
        ("ⴰⵣⵓⵍ ⴰ ⵜⵉⵣⵉⵔⵉ, ⴰⵔ ⴽⵎ ⵉⵜⵜⵔ", "ⵜⵉⵣⵉⵔⵉ"),  # Tifinagh vocative, read through IRCAM Latin
    ],
)
def test_second_round_people(text: str, value: str) -> None:
    assert _has(text, "PERSON", value), _spans(text)


@pytest.mark.parametrize(
    ("text", "not_a_name"),
    [
        ("Choc arrière, rond-point Moulay Youssef.", "Youssef"),  # a place named after a person
        ("Lycée Moulay Ismail, Meknès", "Moulay Ismail"),
        ("إلى السيد وكيل الملك لدى المحكمة الابتدائية", "وكيل الملك"),  # an office, not a name
        ("خويا إبراهيم دخل لسبيطار البارح", "إبراهيم دخل"),  # a Darija verb is not a family name
        ("خويا راني ضيعت لاكارط ناسيونال", "راني ضيعت"),
        ("ⴰⵎⴰⵣⵉⵖ ⴷ ⵜⴰⵎⴰⵣⵉⵖⵜ ⴷ ⴰⴷⴷⵔⵙ ⵏ ⵓⵎⴰⵢⵍ", "ⴰⴷⴷⵔⵙ"),  # Tamazight words with a name's consonants
    ],
)
def test_second_round_name_lookalikes(text: str, not_a_name: str) -> None:
    assert not any(not_a_name in v for t, v in _spans(text) if t == "PERSON"), _spans(text)
