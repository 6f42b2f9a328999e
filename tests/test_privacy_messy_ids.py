"""Identifiers in their messy forms (issue 19, item 3): CINs with a dash or a space, phone numbers with
spaced digits or non-breaking spaces, an ICE among a company's other registrations without its own label,
plates typed right to left, with spaces or with slashes; and their look-alikes stay unmarked."""

from __future__ import annotations

import pytest

from siyada.privacy.analyzer import analyze


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
    ],
)
def test_messy_identifiers(text: str, etype: str, value: str) -> None:
    assert (etype, value) in _spans(text), _spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "Le tirage a produit 123456789012345 exemplaires.",  # 15 digits, no company around
        "Réf. AB-452187 du catalogue",  # a dashed reference with no identity word
        "Vol AT-2051 vers Paris",
        "Facture 2024 n 6 ب 12345",  # a stray Arabic letter after an invoice number
        "le 12 mai 2024 à 15 h 30",
        "Score 3 - 1 puis 2 - 0",
    ],
)
def test_messy_lookalikes(text: str) -> None:
    assert not {t for t, _ in _spans(text)} - {"PERSON"}, _spans(text)
