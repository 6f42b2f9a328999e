"""The answer benchmark's abstention half leaves out every paragraph that still says the answer
(bench/answer_quality.answer_holders): ARCD repeats sentences across overlapping paragraphs, and "not
found" over a collection that holds the answering sentence would be a wrong answer, not a right one."""

from __future__ import annotations

from bench.answer_quality import answer_holders

PARAGRAPHS = [
    "تقع مدينة فاس في شمال المغرب. أسست المدينة سنة 789 على يد إدريس الأول. وهي عاصمة علمية.",
    "أسست المدينة سنة 789 على يد إدريس الأول. وتضم جامعة القرويين.",  # repeats the answering sentence
    "تأسست مدينة أخرى سنة 789 في المشرق.",  # the answer's year, in another sentence: still "not said"
    "Fès est une ville du nord du Maroc.",
]


def test_a_paragraph_repeating_the_answering_sentence_is_left_out_with_its_own() -> None:
    assert answer_holders(PARAGRAPHS, 0, ["789"]) == {0, 1}
    assert answer_holders(PARAGRAPHS, 1, ["789"]) == {0, 1}


def test_the_answer_words_alone_elsewhere_do_not_count_nor_does_a_gold_not_in_the_paragraph() -> None:
    assert answer_holders(PARAGRAPHS, 2, ["789"]) == {2}
    assert answer_holders(PARAGRAPHS, 3, ["Casablanca"]) == {3}
