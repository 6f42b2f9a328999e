"""Abstention of extractive answers (siyada.knowledge.abstain): through the real server and the `openai`
SDK, a question the documents do not answer gets "not found" in its own language with the nearest
documents and no citation, one they answer is quoted, and `[knowledge] answer_abstain_threshold` is
honoured; bad values of it are refused with a message naming it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from siyada.config import parse_config_file
from siyada.knowledge import abstain
from siyada.knowledge.extract import Candidate
from tests.grounded import ask, assert_refused, fill
from tests.server import Server, serving

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
DOCUMENTS = {p.name for p in CORPUS.iterdir()}
PRESENT = "ما هو أجل تسليم شهادة السكنى؟"  # shahada_sokna.txt gives the delay
ABSENT = {  # nothing in the four procedures says; each question's own language, nearest documents
    "ما هي عاصمة اليابان؟": ("لم أجد الجواب في الوثائق.", "أقرب الوثائق: "),
    "Who won the football world cup in 1998?": (
        "I did not find the answer in the documents.",
        "Nearest documents: ",
    ),
    "Quelle est la hauteur du mont Toubkal ?": (
        "Je n'ai pas trouvé la réponse dans les documents.",
        "Documents les plus proches : ",
    ),
}


Served = tuple[Server, str]  # the server and a user key of tenant "commune"


def _serve(tmp: Path, toml: str) -> Iterator[Served]:
    with serving(tmp, toml, "commune", "other") as srv:
        # another tenant's document on the same subject as the absent questions: never listed as "nearest"
        japan = "عاصمة اليابان هي طوكيو. Tokyo is the capital of Japan.".encode()
        fill(srv, srv.key("other", "user"), "procedures", [("other_tenant_japan.txt", japan)])
        key = srv.key("commune", "user")
        fill(srv, key, "procedures", [(p.name, p.read_bytes()) for p in sorted(CORPUS.iterdir())])
        yield srv, key


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _serve(tmp_path_factory.mktemp("abstain-default"), "")


def _ask(served: Served, question: str) -> tuple[str, list[dict[str, Any]]]:
    return ask(*served, question, "procedures")


@pytest.mark.parametrize("question", sorted(ABSENT))
def test_absent_answer_says_not_found_in_the_question_language_with_nearest_documents(
    default: Served, question: str
) -> None:
    content, citations = _ask(default, question)
    head, listing = ABSENT[question]
    assert citations == [], content  # nothing quoted
    assert content.startswith(head + " " + listing), content
    named = [n for n in content[len(head) + len(listing) + 1 :].split("\u2069") if n.strip()]
    names = [n.split("\u2068")[1] for n in named]
    # real documents of this tenant only (another tenant's "Japan" document is never named), isolated
    assert names and len(names) <= 3 and set(names) <= DOCUMENTS, names


def test_present_answer_is_quoted_not_abstained(default: Served) -> None:
    content, citations = _ask(default, PRESENT)
    assert content.startswith("حسب [1]: \u2068"), content
    assert citations and citations[0]["document_name"] == "shahada_sokna.txt"


@pytest.fixture(scope="module")
def always(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    toml = "[knowledge]\nanswer_abstain_threshold = 0.0\n"
    yield from _serve(tmp_path_factory.mktemp("abstain-always"), toml)


def test_the_configured_threshold_is_honoured(always: Served) -> None:
    """At 0 every probability reaches the threshold: even the question the documents answer abstains
    (the default server quotes it: test_present_answer_is_quoted_not_abstained)."""
    content, citations = _ask(always, PRESENT)
    assert citations == [] and content.startswith("لم أجد الجواب في الوثائق."), content


@pytest.mark.parametrize("value", ["1.5", "-0.1", '"high"', "nan", "true"])
def test_bad_threshold_values_are_refused_naming_the_key(tmp_path: Path, value: str) -> None:
    assert_refused(tmp_path, "answer_abstain_threshold", value)


def test_a_good_threshold_value_is_read(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text("[knowledge]\nanswer_abstain_threshold = 0.7\n")
    assert parse_config_file(p).knowledge.answer_abstain_threshold == 0.7


def test_the_shipped_calibration_is_complete_and_bounded() -> None:
    """Every feature the code computes has a weight, the thresholds are probabilities, and the model
    is monotone where it must be: more cosine and more of the question's words lower the probability."""
    d = json.loads(abstain.WEIGHTS.read_text(encoding="utf-8"))
    cal = abstain.load()
    assert cal.plain.features in (abstain.FEATURES, abstain.BASE)
    th = cal.plain_thresholds
    assert 0 < th.same_script < 1 and 0 < th.cross_script < 1 and all(s > 0 for s in cal.plain.scale)
    if d["with_reader"]:
        assert cal.with_reader is not None and cal.with_reader.features[-1] == "p_none"
        assert set(cal.with_reader.features) <= {*abstain.FEATURES, "p_none"}
        assert cal.reader_thresholds is not None
    weak = Candidate(0, 0, 40, "Le marché ouvre le lundi matin.", "Le marché ouvre le lundi matin.")
    strong = Candidate(0, 0, 40, weak.text, weak.sentence, cosine=0.9, lexical=1.0, sentence_lexical=1.0)
    weak.cosine = 0.7
    hits = [{"chunk": {"text": weak.sentence}, "document": {"name": "a"}}]
    q = "Quand le marché ouvre-t-il ?"
    p_weak = cal.plain.probability({**abstain.features(q, [weak], hits), "p_none": 0.0})
    p_strong = cal.plain.probability({**abstain.features(q, [strong], hits), "p_none": 0.0})
    assert 0.0 <= p_strong < p_weak <= 1.0
