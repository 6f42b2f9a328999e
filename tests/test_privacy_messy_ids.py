"""Identifiers in their messy forms (issue 19, item 3): CINs with a dash or a space, phone numbers with
spaced digits or non-breaking spaces, an ICE among a company's other registrations without its own label,
plates typed right to left, with spaces or with slashes; and their look-alikes stay unmarked."""

from __future__ import annotations

import pytest

from siyada.privacy.analyzer import analyze

TABLE = (
    "| Matricule | Nom | Prénom | CIN | CNSS | / | 0042 | BOUKHARI | Latifa | BJ 224510 | 118457632 | / "
    "| 0043 | AIT SIDI | Mbark | J 90874 | 120998417 |"
)


def _spans(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in analyze(text)]


@pytest.mark.parametrize(
    ("text", "etype", "value"),
    [
        ("CIN : BE-784512, né à Fès", "MA_CIN", "BE-784512"),
        ("N° de la CNIE: jk-45123 (copie jointe)", "MA_CIN", "jk-45123"),
        ("Tél 0 6 6 1 2 3 4 5 6 7 (voice note)", "PHONE_NUMBER", "0 6 6 1 2 3 4 5 6 7"),
        (
            "tel 06\u00a061\u00a023\u00a045\u00a067 merci",
            "PHONE_NUMBER",
            "06\u00a061\u00a023\u00a045\u00a067",
        ),
        ("appelle le 06  61  23  45  67 stp", "PHONE_NUMBER", "06  61  23  45  67"),
        (
            "Fournisseur : Atlas Bureau SARL – IF 40123456 – RC 78451 – 001234567000089",
            "MA_ICE",
            "001234567000089",
        ),
        ("شركة الأطلس، السجل التجاري 4521، 002345678000012", "MA_ICE", "002345678000012"),
        ("السيارة 6-ب-12345 مركونة قدام الدار", "MA_PLATE", "6-ب-12345"),
        ("السيارة 12345 ب 6 مركونة", "MA_PLATE", "12345 ب 6"),
        ("voiture immatriculée 12345/ب/6", "MA_PLATE", "12345/ب/6"),
        ("lmatricule 33 | و | 45871", "MA_PLATE", "33 | و | 45871"),
        ("le numéro c'est le 07, 61, 08, 22, 95 — merci", "PHONE_NUMBER", "07, 61, 08, 22, 95"),
        ("Client : oui, 06 / 50 / 98 / 11 / 42. Merci", "PHONE_NUMBER", "06 / 50 / 98 / 11 / 42"),
        ("| 2 | Fatima-Zahra Benali | BE 102458 | 1 200 DH |", "MA_CIN", "BE 102458"),
        ("الحامل للبطاقة الوطنية B 458712 والهاتف", "MA_CIN", "B 458712"),  # "للبطاقة": a proclitic
        ("بطاقته الوطنية رقم HA220913 وجواز سفره رقم AZ8016342", "MA_CIN", "HA220913"),
        ("بطاقته الوطنية رقم HA220913 وجواز سفره رقم AZ8016342", "MA_PASSPORT", "AZ8016342"),
        ("KYC check: customer X, national ID ee 214587, status ok", "MA_CIN", "ee 214587"),
        ("Passport No: QW 4812375 — Date of birth: 09 MAR 1993", "MA_PASSPORT", "QW 4812375"),
        ("plaque dyal tomobil lokhra 67321 D 52", "MA_PLATE", "67321 D 52"),
        ("immatriculation provisoire 12345-ww-1 — Adresse", "MA_PLATE", "12345-ww-1"),
        ("تحمل لوحة مؤقتة 124578-WW متجهة نحو باب دكالة", "MA_PLATE", "124578-WW"),
        ("la voiture 54123\u2011هـ\u20116 est totalement détruite", "MA_PLATE", "54123\u2011هـ\u20116"),
        (TABLE, "MA_CNSS", "120998417"),  # the header two rows up names the column
        (TABLE, "MA_CIN", "J 90874"),
        (
            "| Driver | Plate | Shift | | Abdou | 45781-أ-1 | night | | Tarik S. | 12457 B 6 | day |",
            "MA_PLATE",
            "12457 B 6",
        ),
    ],
)
def test_messy_identifiers(text: str, etype: str, value: str) -> None:
    assert (etype, value) in _spans(text), _spans(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("سعيد كتب ليا ف الورقة ه ج 734120 واش هي هادي؟", "ه ج 734120"),  # the letters typed in Arabic
        ("حذاري من هاد الشخص يوسف البقالي G 418230 راه نصاب", "G 418230"),  # Latin code in Arabic prose
        ("المترشحون: سناء العلوي (JK 220915)، عمر بناني (C 418877).", "C 418877"),
        ("cin dyal khti hb 45 12 03 ila bghiti", "hb 45 12 03"),  # dictated in pairs
        ("[voice] ok, lcin: k b 3 9 0 4 1 2, safi?", "k b 3 9 0 4 1 2"),  # one character at a time
        ("Tenant: Ali Berrada, Moroccan ID D-771204, salary 9,000 MAD", "D-771204"),
    ],
)
def test_cin_forms_round2(text: str, value: str) -> None:
    """Round 2 of issue 19: CINs typed with Arabic letters, inside Arabic prose, or dictated."""
    assert ("MA_CIN", value) in _spans(text), _spans(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("اتصلوا بالكاتب العام على الرقم ٠٦٦٢٤٥١٧٣٨ قبل الجمعة", "٠٦٦٢٤٥١٧٣٨"),
        ("نمرة مول الدار ٠٦٥٠ ٤٤ ١٩ ٧٢ عيط ليه", "٠٦٥٠ ٤٤ ١٩ ٧٢"),
        ("الهاتف: ۰۶۱۲۳۴۵۶۷۸", "۰۶۱۲۳۴۵۶۷۸"),  # Persian digits, as some keyboards type them
    ],
)
def test_phone_numbers_in_arabic_indic_digits(text: str, value: str) -> None:
    assert ("PHONE_NUMBER", value) in _spans(text), _spans(text)


def test_rib_after_a_transfer_verb_despite_an_amount() -> None:
    """A valid RIB key and a transfer verb ("viré sur") outweigh the amount written just before."""
    text = "Prime du 30/06 : 4 200,00 DH, viré sur 181 007 2110034528917433 63 comme chaque mois."
    assert ("MA_RIB", "181 007 2110034528917433 63") in _spans(text), _spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "Le tirage a produit 123456789012345 exemplaires.",  # 15 digits, no company around
        "Réf. AB-452187 du catalogue",  # a dashed reference with no identity word
        "Vol AT-2051 vers Paris",
        "Facture 2024 n 6 ب 12345",  # a stray Arabic letter after an invoice number
        "le 12 mai 2024 à 15 h 30",
        "Score 3 - 1 puis 2 - 0",
        "Virement reçu le 05/01/2025 11:07. Réf. VIR250105110712.",  # a date is not a phone
        "Écrire à BP 20250 Casablanca ou CP 10000",  # P.O. box and postcode
        "Il a eu zéro faute et six points sur dix.",
        "N'oublie pas ta CIN et le chèque de 25 000 DH.",  # an amount after an identity word
        "Student: Rim Alami, ID 78214, major Finance",  # a student number
        "بلغ المبلغ 2500 درهم حسب الفاتورة PV 123456",
    ],
)
def test_messy_lookalikes(text: str) -> None:
    assert not {t for t, _ in _spans(text)} - {"PERSON"}, _spans(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("rappelez-moi au zéro six, 61 23... 45 90, voilà", "zéro six, 61 23... 45 90"),
        (
            "عيط ليا ف زيرو ستة، خمسة وستين، تلاثة وعشرين، واحد وتسعين، سبعة وخمسين. شكرا",
            "زيرو ستة، خمسة وستين، تلاثة وعشرين، واحد وتسعين، سبعة وخمسين",
        ),
        (
            "sjjel 3ndk: zero six, seb3a w tmanin, tnach, arb3a w 3ichrin, tlata w tisa3in... ya3ni",
            "zero six, seb3a w tmanin, tnach, arb3a w 3ichrin, tlata w tisa3in",
        ),
        (
            "mon portable : zéro sept, zéro zéro, quarante-deux, dix-huit, soixante-trois. Merci",
            "zéro sept, zéro zéro, quarante-deux, dix-huit, soixante-trois",
        ),
        (
            "call me back on plus two one two, six sixty-one, forty-four, twenty-two, eleven when you land",
            "plus two one two, six sixty-one, forty-four, twenty-two, eleven",
        ),
    ],
)
def test_phone_numbers_read_aloud(text: str, value: str) -> None:
    assert ("PHONE_NUMBER", value) in _spans(text), _spans(text)


def test_spoken_phone_work_is_linear() -> None:
    """Each word is read by one run at most: a long run of number words finds only well-formed numbers."""
    from siyada.privacy.spoken_phones import find_spoken_phones

    assert find_spoken_phones("zero " * 20000) == []
    assert find_spoken_phones("0 " * 20000) == []
    assert len(find_spoken_phones("zéro six, 61 23 45 et 67. " * 500)) == 0  # "et" after digits ends a run
    assert len(find_spoken_phones("zéro six, soixante et un, 23 45 67. " * 500)) == 500  # 60 + 1
    assert len(find_spoken_phones("zéro six, soixante-et-un, 23 45 67. " * 500)) == 500
