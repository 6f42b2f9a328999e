"""Column classification: its signals, and the bounded work the scanner does on a wide table."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from siyada.dataspace import classify
from siyada.dataspace.classify import header_role, profile


def test_header_cues_in_three_languages() -> None:
    assert header_role("Numéro CIN") == ("direct", "header: cin")
    assert header_role("Prénom")[0] == "direct"  # type: ignore[index]
    assert header_role("Date de naissance")[0] == "quasi"  # type: ignore[index]
    assert header_role("الجنس")[0] == "quasi"  # type: ignore[index]
    assert header_role("État de santé")[0] == "sensitive"  # type: ignore[index]
    assert header_role("nombre_enfants") is None  # "nombre" is no "nom"


def test_the_scanner_reads_a_bounded_number_of_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """500 columns of 200-character texts: 4 million characters scanned (23 s) before the budget."""
    rng = random.Random(1)
    words = ["Karim", "Benali", "0661234567", "AB123456", "rue", "12", "Fès"]

    def value() -> str:
        return " ".join(rng.choice(words) for _ in range(40))[:200]

    table = pa.table({f"c{i}": [value() for _ in range(60)] for i in range(500)})
    read: list[int] = []
    real = classify.analyze
    monkeypatch.setattr(classify, "analyze", lambda text: read.append(len(text)) or real(text))
    columns = profile(table)
    assert len(columns) == 500
    per_column = max(classify._MIN_CHARS, classify.SCAN_CHARS // 500) + 200  # one value may overshoot
    assert sum(read) <= 500 * per_column
    assert sum(read) >= 500 * 200  # every column was still scanned


def test_pseudonyms_agree_across_spellings_and_differ_across_keys() -> None:
    from siyada.dataspace.pseudonyms import pseudonym

    key, other = b"k" * 32, b"o" * 32
    assert pseudonym(key, "0661234567") == pseudonym(key, 661234567) == pseudonym(key, "+212 661-234-567")
    assert pseudonym(key, "BJ 224510") == pseudonym(key, "bj224510") != pseudonym(key, "BJ224511")
    assert pseudonym(key, "BJ224510") != pseudonym(other, "BJ224510")
    assert pseudonym(key, "BJ224510").startswith("ps_") and len(pseudonym(key, "x")) == 27
