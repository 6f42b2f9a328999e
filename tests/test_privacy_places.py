"""Places are not people: towns, streets, schools, hospitals and monuments named after people stay
unmarked, while a public figure named in running text, and a person beside such a place, are names."""

from __future__ import annotations

import pytest

from siyada.privacy.analyzer import analyze
from siyada.privacy.places import place_spans


def _people(text: str) -> list[str]:
    return [text[e.start : e.end] for e in analyze(text) if e.type == "PERSON"]


@pytest.mark.parametrize(
    "text",
    [
        "Visite du Mausolée Mohammed V puis départ pour Moulay Idriss Zerhoun.",
        "Il est né à Sidi Bennour et a grandi à Moulay Bousselham.",
        "RDV devant le Lycée Ibn Rochd, Avenue Mohammed V.",
        "نقل المصاب إلى مستشفى ابن سينا ثم إلى ثانوية الحسن الثاني",
        "السكن في حي مولاي رشيد قرب شارع محمد الخامس",
        "ولد في مولاي إدريس زرهون وعاش في سيدي بنور",
        "rendez-vous f jardin moulay youssef",
        "Expo au Musée Mohammed VI d'art moderne",
        "Concert au Théâtre Mohammed V",
        "Urgences de l'Hôpital Cheikh Khalifa Ibn Zaid",
        "Inscription au Lycée Lalla Aicha",
        "Transfert au CHU Hassan II de Fès",
        "Pain de la Boulangerie Amoud Mohammed",
    ],
)
def test_places_named_after_people_are_not_people(text: str) -> None:
    assert _people(text) == [], analyze(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Le docteur Karim Bennani exerce à l'Hôpital Ibn Sina.", "Karim Bennani"),
        ("السيد أحمد العلوي يعمل في مستشفى ابن سينا", "أحمد العلوي"),
        ("Mme Salma Berrada habite Avenue Hassan II à Rabat.", "Salma Berrada"),
    ],
)
def test_people_beside_places_stay_names(text: str, name: str) -> None:
    assert name in _people(text), analyze(text)


def test_place_spans_cover_the_eponym_only() -> None:
    text = "Lycée Ibn Rochd de Casablanca"
    assert [text[s:e] for s, e in place_spans(text)] == ["Ibn Rochd"]


def test_place_cue_stops_at_a_title() -> None:
    """A cue word does not swallow the person it introduces: "Cabinet Me Bennani" keeps the lawyer."""
    text = "Centre Dr Amine Tazi"
    assert [text[s:e] for s, e in place_spans(text)] == []
