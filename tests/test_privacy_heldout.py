"""The recognisers on the project's own varied set (letters, forms, chats, OCR noise in French, Arabic,
Darija in both scripts): span F1 overall and per type, exact span and type."""

from __future__ import annotations

from pathlib import Path

import pytest

from siyada.privacy.analyzer import analyze
from siyada.privacy.markup import load_markup

FIXTURES = Path(__file__).parent / "fixtures"


def _scores(docs: list[dict]) -> tuple[float, dict[str, float]]:
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    for doc in docs:
        gold = {(e["start"], e["end"], e["type"]) for e in doc["entities"]}
        got = {(e.start, e.end, e.type) for e in analyze(doc["text"])}
        for bucket, keys in ((tp, gold & got), (fp, got - gold), (fn, gold - got)):
            for key in keys:
                bucket[key[2]] = bucket.get(key[2], 0) + 1

    def f1(t: int, p: int, n: int) -> float:
        return 2 * t / (2 * t + p + n) if t else 0.0

    types = set(tp) | set(fp) | set(fn)
    per_type = {t: f1(tp.get(t, 0), fp.get(t, 0), fn.get(t, 0)) for t in types}
    overall = f1(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return overall, per_type


@pytest.mark.parametrize("name", ["pii_heldout.txt", "pii_blind.txt"])
def test_span_f1_on_varied_texts(name: str) -> None:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"{name} is not written yet")
    docs = load_markup(path)
    assert len(docs) >= 100
    overall, per_type = _scores(docs)
    assert overall >= 0.95, (overall, per_type)
    assert min(per_type.values()) >= 0.85, per_type
