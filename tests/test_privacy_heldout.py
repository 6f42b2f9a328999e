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


@pytest.mark.parametrize(
    ("name", "overall_min", "type_min"),
    # pii_blind.txt was written later, by someone who saw neither the recognisers nor the first set; its
    # first, untuned score (0.841) is the one docs/privacy.md quotes as the held-out figure.
    # pii_blind2.txt, the second blind set (first run 0.846), was then used for the second round of fixes.
    # Issue 19 (learned name recogniser, places, messy identifiers): pii_blind3.txt is never trained on;
    # pii_wild1.txt and pii_wild2.txt (first runs 0.850 and 0.790) are tuned and trained on.
    [
        ("pii_heldout.txt", 0.98, 0.95),
        ("pii_blind.txt", 0.97, 0.93),
        ("pii_blind2.txt", 0.97, 0.95),
        ("pii_blind3.txt", 0.955, 0.92),
        ("pii_wild1.txt", 0.97, 0.95),
        ("pii_wild2.txt", 0.97, 0.85),
        # pii_wild3.txt: the issue-19 figure, scored once (0.875); round 2 tuned and trained on it (0.977;
        # 0.954 from a model trained without it)
        ("pii_wild3.txt", 0.97, 0.93),
        # pii_wild4.txt: written blind during round 2, scored once after it (0.902); round 3 tuned and
        # trained on it (0.987; 0.952 from a model trained without it)
        ("pii_wild4.txt", 0.97, 0.93),
        # pii_wild5.txt: written blind during round 3, scored once after it (0.913, PERSON 0.885, lowest
        # type 0.885); round 4 tuned and trained on it (0.988, lowest type MA_CIN 0.970; 0.949 from a
        # model trained without it)
        ("pii_wild5.txt", 0.98, 0.95),
        # pii_wild6.txt: written blind during round 4, scored once after it (0.932, lowest type PERSON
        # 0.911); round 5 tuned and trained on it (0.988, lowest type MA_RIB 0.971; 0.964 from a model
        # trained without it)
        ("pii_wild6.txt", 0.98, 0.95),
        # pii_wild7.txt: written blind during round 5, scored once after it (0.949, lowest type MA_PLATE
        # 0.920); round 6 tuned and trained on it (0.985, lowest type MA_ICE 0.952; 0.953 from a model
        # trained without it)
        ("pii_wild7.txt", 0.98, 0.94),
        # pii_wild8.txt: written blind during round 6, scored once after it (0.943, lowest type
        # EMAIL_ADDRESS 0.913); round 7 tuned and trained on it (0.991, lowest type EMAIL_ADDRESS 0.913:
        # nine role addresses the set leaves unmarked in one template and marks elsewhere; 0.961 from a
        # model trained without it)
        ("pii_wild8.txt", 0.985, 0.90),
        # pii_wild9.txt and pii_wild10.txt: written blind without templates during round 7, scored once
        # after it (0.928 and 0.911, lowest types MA_ICE/MA_CNSS 0.889 and MA_CNSS 0.762); round 8 tuned
        # and trained on them (0.987 and 0.986, lowest types MA_ICE 0.889: an ICE the text calls invalid
        # and a Darija one with no cue; MA_CIN 0.946; 0.946 and 0.935 from models trained without each)
        ("pii_wild9.txt", 0.98, 0.88),
        ("pii_wild10.txt", 0.98, 0.93),
        # pii_wild11.txt and pii_wild12.txt: written blind without templates during round 8, scored
        # once after it (0.925 and 0.929, lowest types PERSON 0.906 and MA_CIN 0.909); round 9 tuned and
        # trained on them (0.990 and 0.990, lowest types MA_RIB 0.944: a RIB read aloud in words, and
        # MA_ICE 0.917: two ICEs with no label; 0.951 and 0.962 from a model trained without both)
        ("pii_wild11.txt", 0.98, 0.93),
        ("pii_wild12.txt", 0.98, 0.90),
        # pii_wild13.txt and pii_wild14.txt: written blind during round 9, scored once after round 9 and
        # the neural tagger were merged (0.911 and 0.911, lowest types MA_PASSPORT 0.818 and 0.828:
        # foreign passports in their own formats); round 10 tuned and trained on them (0.988 and 0.986,
        # lowest types PERSON 0.985 and MA_CNSS 0.957: a CNSS number spelled in French words; 0.940 and
        # 0.939 from a model trained without both)
        ("pii_wild13.txt", 0.978, 0.97),
        ("pii_wild14.txt", 0.976, 0.94),
        # pii_wild15.txt and pii_wild16.txt: written blind during round 10, scored once after it (0.945 and
        # 0.938, lowest types CREDIT_CARD 0.900 and PERSON 0.921); round 11 tuned and trained on them
        # (0.986 and 0.981, lowest types CREDIT_CARD 0.900: two card numbers with no cue, and PHONE_NUMBER
        # 0.960: numbers spelled out in Darija words; 0.950 and 0.949 from a model trained without both)
        ("pii_wild15.txt", 0.976, 0.89),
        ("pii_wild16.txt", 0.971, 0.95),
        # pii_wild17.txt and pii_wild18.txt: written blind during round 11, scored once after it (0.953
        # and 0.940, lowest types MA_PASSPORT 0.842: foreign passports with no number-like shape, and
        # CREDIT_CARD 0.875: Luhn-valid cards of a prefix no scheme lists); round 12 tuned and trained on
        # them for PERSON (0.990 and 0.986; 0.968 and 0.961 from a model trained without both) and for
        # the identifiers (then 0.995 and 0.989, lowest types PERSON 0.993 and 0.985)
        ("pii_wild17.txt", 0.985, 0.98),
        ("pii_wild18.txt", 0.98, 0.975),
        # pii_wild19.txt and pii_wild20.txt: written blind during round 12, scored once after it: the final
        # figure of issue 19 (0.957 and 0.961, PERSON 0.943 and 0.942, lowest types MA_CNSS 0.926 and
        # 0.957); never tuned or trained on
        ("pii_wild19.txt", 0.947, 0.915),
        ("pii_wild20.txt", 0.951, 0.93),
    ],
)
def test_span_f1_on_varied_texts(name: str, overall_min: float, type_min: float) -> None:
    docs = load_markup(FIXTURES / name)
    assert len(docs) >= 100
    overall, per_type = _scores(docs)
    assert overall >= overall_min, (overall, per_type)
    assert min(per_type.values()) >= type_min, per_type


SETS = (
    "pii_heldout.txt",
    "pii_blind.txt",
    "pii_blind2.txt",
    "pii_blind3.txt",
    "pii_wild1.txt",
    "pii_wild2.txt",
    "pii_wild3.txt",
    "pii_wild4.txt",
    "pii_wild5.txt",
    "pii_wild6.txt",
    "pii_wild7.txt",
    "pii_wild8.txt",
    "pii_wild9.txt",
    "pii_wild10.txt",
    "pii_wild11.txt",
    "pii_wild12.txt",
    "pii_wild13.txt",
    "pii_wild14.txt",
    "pii_wild15.txt",
    "pii_wild16.txt",
    "pii_wild17.txt",
    "pii_wild18.txt",
    "pii_wild19.txt",
    "pii_wild20.txt",
)


@pytest.mark.parametrize("name", SETS)
def test_no_pattern_recogniser_matches_without_a_digit_or_an_at_sign(name: str) -> None:
    """What lets `analyze` skip the pattern recognisers on such texts: with every digit and "@" taken
    out of the fixture texts (which hold every kind of pattern entity), none of them finds anything."""
    import re

    from siyada.privacy.recognisers import PATTERN_RECOGNISERS

    for doc in load_markup(FIXTURES / name):
        text = re.sub(r"[\d@]", "", doc["text"])
        assert [e for rec in PATTERN_RECOGNISERS for e in rec(text)] == [], text
