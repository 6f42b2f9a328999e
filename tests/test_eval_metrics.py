"""The lab's metrics against values computed by hand, and the bootstrap's behaviour."""

from __future__ import annotations

import math

import pytest

from siyada.evaluation import metrics as M
from siyada.evaluation.prompts import clean_answer, parse_choice, parse_score
from siyada.evaluation.stats import bootstrap


def test_retrieval_metrics_by_hand() -> None:
    ranked = ["d3", "d1", "d7", "d2"]
    relevant = {"d1", "d2"}
    assert M.recall_at(ranked, relevant, 1) == 0.0
    assert M.recall_at(ranked, relevant, 2) == 0.5
    assert M.recall_at(ranked, relevant, 10) == 1.0
    assert M.reciprocal_rank(ranked, relevant) == 0.5
    assert M.reciprocal_rank(ranked, {"d9"}) == 0.0
    # DCG = 1/log2(3) + 1/log2(5); ideal = 1/log2(2) + 1/log2(3)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3)
    assert M.ndcg_at(ranked, relevant, 10) == pytest.approx(dcg / ideal)
    assert M.ndcg_at(["d1", "d2"], relevant, 10) == pytest.approx(1.0)


def test_exact_match_and_f1_normalise_arabic_and_french() -> None:
    # Alef forms, the definite article and punctuation do not change an Arabic answer.
    assert M.exact_match("المغرب.", ["مغرب"], "ar") == 1.0
    assert M.exact_match("إسلام", ["اسلام"], "ar") == 1.0
    assert M.exact_match("La loi 09-08", ["loi 09-08"], "fr") == 1.0
    assert M.exact_match("Rabat", ["Casablanca"], "en") == 0.0
    # pred "the capital rabat" -> [capital, rabat]; gold "rabat city" -> [rabat, city]:
    # common 1, P = 1/2, R = 1/2, F1 = 0.5; the best reference counts.
    assert M.token_f1("the capital Rabat", ["Rabat city", "nothing"], "en") == pytest.approx(0.5)
    assert M.token_f1("", ["Rabat"], "en") == 0.0


def test_cer_is_edits_over_reference_length_against_closest_reference() -> None:
    assert M.levenshtein("kitten", "sitting") == 3
    assert M.cer("سلم", ["سلام", "xyz"]) == (1, 4)
    # corpus CER sums edits and lengths: (1 + 2) / (4 + 4)
    assert M.metric("cer").aggregate([(1, 4), (2, 4)]) == pytest.approx(3 / 8)
    assert M.surface_match(" عافاك ", ["عفاك", "عافاك"]) == 1.0


def test_bleu_and_chrf_match_sacrebleu_corpus_scores() -> None:
    import sacrebleu

    hyps = ["the cat sat on the mat", "a dog barks", "hello world"]
    refs = [["the cat sat on a mat"], ["the dog barks loudly"], ["hello world"]]
    items = [{"references": r} for r in refs]
    for name, corpus in (("bleu", sacrebleu.corpus_bleu), ("chrf", sacrebleu.corpus_chrf)):
        m = M.metric(name)
        values = [m.item(h, it) for h, it in zip(hyps, items, strict=True)]
        expected = corpus(hyps, [[r[0] for r in refs]]).score
        assert m.aggregate(values) == pytest.approx(expected, abs=1e-9)
    # By hand: identical sentences score 100.
    assert M.metric("chrf").aggregate(
        [M.metric("chrf").item("hello world", {"references": ["hello world"]})]
    ) == (pytest.approx(100.0))


def test_span_f1_overall_and_per_type() -> None:
    item = {
        "entities": [{"start": 0, "end": 5, "type": "PERSON"}, {"start": 10, "end": 20, "type": "MA_CIN"}]
    }
    pred = [[0, 5, "PERSON"], [10, 19, "MA_CIN"], [30, 35, "PHONE_NUMBER"]]
    overall = M.metric("span_f1")
    value = overall.item(pred, item)
    assert tuple(value) == (1, 2, 1)  # one exact match, two wrong spans, one gold missed
    # P = 1/3, R = 1/2, F1 = 2PR/(P+R) = 0.4
    assert overall.aggregate([value]) == pytest.approx(0.4)
    person = M.metric("span_f1[PERSON]")
    assert person.aggregate([person.item(pred, item)]) == 1.0
    cin = M.metric("span_f1[MA_CIN]")
    assert cin.aggregate([cin.item(pred, item)]) == 0.0


def test_accuracy_and_judge() -> None:
    assert M.metric("accuracy").aggregate([1.0, 0.0, 1.0, 1.0]) == 0.75
    judge = M.metric("judge_score")
    assert judge.item({"text": "x", "score": 0.75}, {}) == 0.75
    assert judge.item({"text": "x", "score": None}, {}) == 0.0  # no parsable verdict counts as failed
    parsed = M.metric("judge_parsed")
    values = [parsed.item({"text": "x", "score": s}, {}) for s in (0.0, None, 1.0, None)]
    assert parsed.aggregate(values) == 0.5


def test_unknown_metric_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="unknown metric"):
        M.metric("rouge")


def test_bootstrap_interval_contains_the_value_and_shrinks_with_n() -> None:
    small = [1.0, 0.0] * 10
    large = [1.0, 0.0] * 500
    lo_s, hi_s = bootstrap(small, M.mean)
    lo_l, hi_l = bootstrap(large, M.mean)
    assert lo_s <= 0.5 <= hi_s and lo_l <= 0.5 <= hi_l
    assert hi_l - lo_l < hi_s - lo_s
    assert bootstrap([1.0] * 30, M.mean) == (1.0, 1.0)
    assert bootstrap([0.3], M.mean) == (0.3, 0.3)


def test_answer_parsing() -> None:
    assert clean_answer("\n  Answer: « Rabat »\nmore") == "Rabat"
    assert parse_choice("B. four", ["seven", "four", "sky"]) == 1
    assert parse_choice("The answer is C", ["a", "b", "c"]) == 2
    assert parse_choice("I think it is cold", ["loud", "green", "cold"]) == 2
    assert parse_choice("no idea", ["loud", "green", "cold"]) is None
    assert parse_score("Rating: 4/5", 1, 5) == 4
    assert parse_score("10 out of 10", 1, 5) is None
