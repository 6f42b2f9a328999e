"""Issue 19, round 12: identifiers in their messy forms, by cause (cards of any scheme, other countries'
passports and phones, CNSS and ICE by their context, lower-case and spaced CINs, numbers read aloud).
Sentences written for this test, not taken from a labelled set; the numbers were made for it (Luhn,
MOD-97 and RIB keys computed), and each group has hard negatives that must stay unmarked."""

from __future__ import annotations

import pytest

from siyada.privacy.analyzer import analyze
from tests.privacy_helpers import found, found_by_server
from tests.server import Server

CARD_59 = "5903124478105625"  # Luhn-valid, a local scheme's prefix
CARD_63 = "6372 1559 0340 7186"


@pytest.mark.parametrize(
    "text",
    [
        f"Paiement refusé : carte {CARD_63} bloquée, merci de rappeler l'agence.",
        f"a sahbi sift lia lcarta {CARD_59} bach nkhlles lbillet",
        f"ⴰⵏⵎⵓⵔⴰⵢ ⵏ ⵜⴽⴰⵔⴹⴰ: {CARD_63} ⴰⵔ ⴰⵙⵙ 12",
        f"بطاقتك رقم {CARD_59} تم توقيفها مؤقتا",
        f"The corporate card {CARD_63} was charged twice.",
        f"{CARD_59}",  # sixteen Luhn-valid digits alone
    ],
)
def test_a_luhn_valid_card_with_any_prefix(text: str) -> None:
    card = CARD_63 if CARD_63 in text else CARD_59
    assert found(text, "CREDIT_CARD") == [card]


@pytest.mark.parametrize(
    "text",
    [
        "carte 5903124478105626 refusée",  # one digit off: Luhn fails
        "Commande n° 5903124478105625 expédiée hier",  # an order number right after its word
        # a RIB's account number read out in parts, its bank and city codes in words before it
        "الكونط ديال الجمعية هو: صفر خمسين، 380، 5903124478105625، 73",
        # a 15-digit ICE (wrong, but an ICE) that happens to pass Luhn
        "Its ICE on the invoice, 417392605814423, fails validation.",
    ],
)
def test_card_look_alikes_stay_unmarked(text: str) -> None:
    assert found(text, "CREDIT_CARD") == []


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("my cousin's UK number is +44 7700 900 731, call him", "+44 7700 900 731"),
        ("khouya 3ndo 00 34 622 18 40 97 f Madrid", "00 34 622 18 40 97"),
        ("Contact : +212 (6) 61 24 58 90, du lundi au vendredi", "+212 (6) 61 24 58 90"),
        ("هاد الشخص D 441207 00212661245890 ما تعطيوه والو", "00212661245890"),
        ("appelle-moi au +33 (0)6 12 34 56 78 ce soir", "+33 (0)6 12 34 56 78"),
        ("call my host in Boston, +1 (617) 555-0148", "+1 (617) 555-0148"),
    ],
)
def test_foreign_and_bracketed_phones(text: str, phone: str) -> None:
    assert phone in found(text, "PHONE_NUMBER")


@pytest.mark.parametrize(
    "text",
    [
        "Le RIB 0224 3207 9589 0047 4281 5855 est rejeté",  # "0047 4281…" inside a longer number
        "score final +5 12 à 10",
    ],
)
def test_no_foreign_phone_inside_other_numbers(text: str) -> None:
    assert found(text, "PHONE_NUMBER") == []


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        (
            "voice: nmra dyali zero setta, tnayn w sab3in, arba3tach, tmnia w tmanin, khamsa u tlatin",
            "zero setta, tnayn w sab3in, arba3tach, tmnia w tmanin, khamsa u tlatin",
        ),
        (
            "عيط ليا: زيرو ستة، اتناش، أربعة وتسعين، سبعة وعشرين، تلاتين",
            "زيرو ستة، اتناش، أربعة وتسعين، سبعة وعشرين، تلاتين",
        ),
        (
            "it's oh-six, sixty-one, twelve, forty-five, ninety",
            "oh-six, sixty-one, twelve, forty-five, ninety",
        ),
        # the last group said after a valid number is kept: the number as the speaker gave it
        ("3ayet l zero sitta sitta wa7ed, 45, 78, 12, 90 daba", "zero sitta sitta wa7ed, 45, 78, 12, 90"),
    ],
)
def test_phones_read_aloud(text: str, phone: str) -> None:
    assert found(text, "PHONE_NUMBER") == [phone]


@pytest.mark.parametrize(
    ("text", "passport"),
    [
        ("Tenant: Anna Visser (Dutch passport BXT7K9R41), landlord Omar.", "BXT7K9R41"),
        ("أوقفت مواطنة تحمل جواز السفر الألماني رقم C7H2K9L40 بالمطار", "C7H2K9L40"),
        ("تسجل فالرحلة ديال مدريد، الجواز RK 5520913، والشنطة 20 كيلو", "RK 5520913"),
        ("ⵙⵉⴼⴹ ⵉⵢⵉ ⵓⵟⵟⵓⵏ ⵏ ⵓⴱⴰⵙⴱⵓⵔ ⵏⵏⴽ: QX 4421907", "QX 4421907"),
        ("ⴰⴷⵍⵉⵙ ⵏ ⵓⵎⵓⴷⴷⵓ ⵏ ⵓⵎⵖⵔⵉⴱⵉ: YB 3302817", "YB 3302817"),
        ("Demandeur : ALAMI Rita — Passeport : SG 208 4471 — expiration 2031", "SG 208 4471"),
        ("Passenger Ivan Petrov, passport 4509 117283, seat 3A", "4509 117283"),
        ("bghit n3mer l'formulaire dyal visa — ok hak: TR 4418203", "TR 4418203"),
    ],
)
def test_passports_in_other_shapes(text: str, passport: str) -> None:
    assert found(text, "MA_PASSPORT") == [passport]


@pytest.mark.parametrize(
    "text",
    [
        "passport ready; pick it up at counter B, ticket ref AB12CD345 printed on the receipt",
        "Passenger Ivan Petrov, passport checked, seat 14C, flight AT 970",
        "Passport office phone 0537 77 12 40",  # a phone in two groups is no passport
        "Code promo SUMMER24X valable jusqu'au 31/12",
    ],
)
def test_passport_look_alikes_stay_unmarked(text: str) -> None:
    assert found(text, "MA_PASSPORT") == []


@pytest.mark.parametrize(
    "text",
    [
        "bghit ndir dossier AMO l lwalida... / hak: 178204519",
        "ⵓⵟⵟⵓⵏ ⵏ ⵜⵏⵓⵔⵉⵜ ⵏ ⵓⵙⵎⴷⵢⴰ: 164400287",
        "His social security number is 152 337 908.",
        "رقم الانخراط في الصندوق الوطني للضمان الاجتماعي ديالو 190 447 125",
    ],
)
def test_cnss_by_its_context(text: str) -> None:
    assert len(found(text, "MA_CNSS")) == 1


def test_nine_digits_without_cnss_context_stay_unmarked() -> None:
    assert found("Colis 178204519 livré au point relais.", "MA_CNSS") == []


@pytest.mark.parametrize(
    ("text", "ice"),
    [
        # the label after the invoice word names the number (no MOD-97 needed with it)
        ("Tu peux relancer le client pour la facture ? Son ICE c'est 004117620931557.", "004117620931557"),
        ("lfactura dyal si Brahim fiha 002318845060072, sifetha l comptable", "002318845060072"),
        ("الفاكتورة ديال الشركة فيها 004193752600039 ، صيفطها", "004193752600039"),
    ],
)
def test_ice_by_its_label_or_its_invoice(text: str, ice: str) -> None:
    assert found(text, "MA_ICE") == [ice]


@pytest.mark.parametrize(
    "text",
    [
        "Le contrôle du numéro ICE 004117620931557 a échoué ; la facture est bloquée.",
        "Its ICE on the invoice, 004117620931557, fails validation.",
    ],
)
def test_an_ice_the_text_calls_wrong_stays_unmarked(text: str) -> None:
    assert found(text, "MA_ICE") == []


@pytest.mark.parametrize(
    ("text", "cin"),
    [
        ("salam, ana hamza mn fes, 3ndi bh-214578 w bghit nsjl", "bh-214578"),
        ("mouad 3endo bl 45789 ma 9drtch n9ra lphoto", "bl 45789"),
        ("jib m3ak T 218744 w l'acte de naissance", "T 218744"),
        ("pièce d'identité (CIN n° l 334509) et justificatif", "l 334509"),
        ("ⵉⵙⵎ ⵏ ⵓⵎⵏⵣⴰⵖ ⵢⵓⴱⴰ: Z 448190 / ⵜⵉⵍⵉⴼⵓⵏ ⵓⵔ ⵉⵍⵍⵉ", "Z 448190"),
        ("رقم بطاقة الوالدة هو K 12 40 98، عمري بيه الاستمارة", "K 12 40 98"),
    ],
)
def test_cin_in_lower_case_or_spaced(text: str, cin: str) -> None:
    assert found(text, "MA_CIN") == [cin]


@pytest.mark.parametrize(
    "text",
    [
        "Bon de livraison BL-22871 – Client : Mme Sekkat",
        "order #GL-778451 delivered by Ayoub",
        "ha 45000 dh dyal lkra",
        "Employee ID: E-10457 | Position: Inspector",
        "en 2024 il y avait 120000 visiteurs",
    ],
)
def test_cin_look_alikes_stay_unmarked(text: str) -> None:
    assert found(text, "MA_CIN") == []


def test_a_ww_plate_is_no_cin() -> None:
    text = "قالو ليه خاصو يبدلها ل WW 124587 حتى يسالي الأوراق"
    assert found(text, "MA_PLATE") == ["WW 124587"]
    assert found(text, "MA_CIN") == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("RIB 190.780.2257318804419936.72 pour le virement", "MA_RIB", "190.780.2257318804419936.72"),
        (
            "IBAN dyalo MA64011780000012345678901296 1500dh dyal lkra",
            "MA_IBAN",
            "MA64011780000012345678901296",
        ),
        ("tmobil dyalo 31874-a-40 grise", "MA_PLATE", "31874-a-40"),
        ("l matricule d tomobil ra 74512 wow 1", "MA_PLATE", "74512 wow 1"),
    ],
)
def test_bank_numbers_and_plates_in_messy_forms(text: str, kind: str, value: str) -> None:
    assert found(text, kind) == [value]


def test_hostile_runs_do_bounded_work() -> None:
    """Inputs built against the new patterns (the spaced passport groups, the compact IBAN, "00 " before a
    country code, hyphenated zero words): each returns, with nothing or only well-formed values found."""
    cue = "passport " + "AB 1234 " * 5000
    assert all(e.type != "MA_PASSPORT" or len(cue[e.start : e.end]) <= 12 for e in analyze(cue))
    assert found("MA" + "1" * 30000, "MA_IBAN") == []
    assert found("00 " * 20000, "PHONE_NUMBER") == []
    assert found("+33 (0)" * 10000 + " (1) 2" * 5000, "PHONE_NUMBER") == []
    # "oh-six" five times is 06 06 06 06 06, a well-formed number: each found run is five words at most
    assert {len(p.split()) for p in found("oh-six " * 20000, "PHONE_NUMBER")} == {5}
    assert found("passport " + "A1B2C3D4E5F6 " * 5000, "MA_PASSPORT") == []


def test_messy_identifiers_through_the_server(server: Server, admin_key: str) -> None:
    text = (
        f"Dossier de M. Visser : passport BXT7K9R41, carte {CARD_63}, "
        "tél +44 7700 900 731, dossier AMO n° 178204519."
    )
    got = found_by_server(server, admin_key, text)
    assert {
        ("BXT7K9R41", "MA_PASSPORT"),
        (CARD_63, "CREDIT_CARD"),
        ("+44 7700 900 731", "PHONE_NUMBER"),
        ("178204519", "MA_CNSS"),
    } <= got
