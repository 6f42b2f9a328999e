"""Typed answers (siyada.knowledge.typed, wired in grounding.extractive_answer): a date or number question
gets the one date or number phrase of the chosen sentence, cited with offsets on the phrase; anything
ambiguous keeps the sentence. Unit tests on hand-made hits (as tests/test_extractive_answer.py); the
HTTP path, with the official SDK, at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import OpenAI

from siyada.knowledge import grounding
from siyada.knowledge.typed import MAX_CHARS, typed_kind, typed_phrase
from tests.recording_upstream import RecordingUpstream, echo_toml
from tests.server import Server, serving

SYRIA = (
    "سوريا دولة عربية تقع في غرب آسيا. "
    "نالت سوريا استقلالها عن فرنسا في عام 1946م بعد جلاء آخر جندي فرنسي عن أراضيها. "
    "وعاصمتها دمشق."
)
BASE = 100  # the chunk's offset in its document


def _hit(text: str, name: str = "doc.txt", n: int = 1) -> dict[str, Any]:
    return {
        "collection": "c",
        "document": {"id": f"d{n}", "name": name, "metadata": {}},
        "chunk": {"id": n, "text": text, "start": BASE, "section": None, "page": None},
        "score": 1.0 / n,
    }


def _answer(question: str, text: str, typed: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Lexical evidence only (no embedder) and no abstention: the quote is what is tested."""
    return grounding.extractive_answer(question, [_hit(text)], min_evidence=0.0, reader=False, typed=typed)


def _phrase(question: str, text: str) -> str | None:
    """The typed phrase of the whole text, as text; None when the sentence would be kept."""
    p = typed_phrase(question, text, 0, len(text))
    return None if p is None else text[p.start : p.end]


def _quote(content: str) -> str:
    return content[content.index("\u2068") + 1 : content.index("\u2069")]


def _marked(cite: dict, text: str, base: int = BASE) -> str:  # type: ignore[type-arg]
    """The cited text the citation marks: the answer, inside the sentence the citation quotes."""
    (mark,) = cite["highlights"]
    assert cite["start"] <= mark["start"] < mark["end"] <= cite["end"]
    assert text[cite["start"] - base : cite["end"] - base] == cite["quote"]
    return text[mark["start"] - base : mark["end"] - base]


def test_a_date_question_gets_the_year_phrase_cited_at_its_offsets() -> None:
    content, cites = _answer("في أي عام نالت سوريا استقلالها؟", SYRIA)
    assert _quote(content) == "في عام 1946م"
    # the citation quotes the sentence, the phrase marked in it: the clerk reads the answer in context
    assert _marked(cites[0], SYRIA) == "في عام 1946م" != cites[0]["quote"]
    assert "نالت سوريا" in cites[0]["quote"]
    # off, the same question gets the whole sentence (the default before this step)
    content, cites = _answer("في أي عام نالت سوريا استقلالها؟", SYRIA, typed=False)
    assert "1946" in _quote(content) and "جلاء" in _quote(content)


def test_two_candidate_years_keep_the_sentence() -> None:
    text = "ولد الشاعر في دمشق عام 1883 وتوفي في نيويورك عام 1931 بعد مرض طويل."
    content, cites = _answer("متى توفي الشاعر؟", text)
    assert _quote(content) == text.rstrip(".") or _quote(content) == text
    assert cites[0]["quote"] in text and "1883" in cites[0]["quote"] and "1931" in cites[0]["quote"]


def test_the_question_s_own_year_is_not_an_answer() -> None:
    text = "في عام 2015 سجل اللاعب أربعة اعتراضات خلال الموسم كله."
    content, _ = _answer("كم اعتراضا سجل اللاعب في عام 2015؟", text)
    assert _quote(content) == "أربعة اعتراضات"
    # the year the question holds is not a date answer either: none is left, the sentence stays
    content, _ = _answer("متى سجل اللاعب أربعة اعتراضات في عام 2015؟", text)
    assert "2015" in _quote(content) and "اعتراضات" in _quote(content)


def test_a_french_number_question_gets_the_number_with_its_unit_and_bound() -> None:
    text = (
        "Le responsable du fichier doit vous répondre dans un délai de 30 jours après la réception de "
        "votre demande."
    )
    content, cites = _answer("Combien de jours pour obtenir une réponse du responsable du fichier ?", text)
    assert content.startswith("D'après [1] : \u2068") and _quote(content) == "30 jours"
    assert _marked(cites[0], text) == "30 jours" and cites[0]["quote"].startswith("Le responsable")
    text = "La conservation des données ne peut pas dépasser plus de 5 ans après le départ du salarié."
    content, _ = _answer("Combien de temps la conservation des données peut-elle durer ?", text)
    assert _quote(content) == "plus de 5 ans"
    # a qualifier after the unit changes what is counted: it stays ("ouvrables", "مربعا")
    text = "Le certificat est délivré dans un délai de trois jours ouvrables après l'enquête de l'agent."
    content, _ = _answer("Quel est le délai de délivrance du certificat ?", text)
    assert _quote(content) == "trois jours ouvrables"
    text = "بلغت مساحة الغابات المزالة 8.646 ميلاً مربّعاً سنويا خلال تلك الفترة."
    assert _phrase("ما مساحة الغابات المزالة؟", text) == "8.646 ميلاً مربّعاً"


def test_an_english_question_over_an_arabic_passage_gets_the_arabic_number_isolated() -> None:
    text = "تتكون الصين من أكثر من 22 مقاطعة حسب التقسيم الإداري المعمول به اليوم."
    content, cites = _answer("How many provinces does China have? الصين مقاطعة", text)
    # an English frame around an Arabic phrase: the phrase in its own isolate, balanced
    assert content.startswith("According to [1]: \u2068")
    assert _quote(content) == "أكثر من 22 مقاطعة"
    assert content.count("\u2068") == content.count("\u2069") == 2
    assert _marked(cites[0], text) == "أكثر من 22 مقاطعة"


def test_arabic_digits_percentages_and_number_words() -> None:
    text = "بلغت نسبة المشاركة في الانتخابات ٤٥٫٤٤٪ من الناخبين المسجلين."
    assert _phrase("ما هي نسبة المشاركة في الانتخابات؟", text) == "٤٥٫٤٤٪"
    text = "فاز الفريق بكأس البطولة مرتين في تاريخه الطويل."
    assert _phrase("كم مرة فاز الفريق بالكأس؟", text) == "مرتين"
    text = "تحفظ الوثائق في الأرشيف الإداري لمدة لا تقل عن عشر سنوات، ثم تنقل إلى أرشيف المملكة."
    assert _phrase("ما هي مدة حفظ الوثائق؟", text) == "لمدة لا تقل عن عشر سنوات"


def test_dates_with_months_in_four_languages() -> None:
    for question, text, want in [
        ("متى ولدت المغنية؟", "ولدت المغنية في 8 أكتوبر 1980 بالقاهرة.", "في 8 أكتوبر 1980"),
        (
            "Quand la loi a-t-elle été publiée ?",
            "La loi a été publiée le 12 mars 2007 au Bulletin.",
            "12 mars 2007",
        ),
        (
            "When was the charter signed?",
            "The charter was signed on 4 November 1950 by the members.",
            "4 November 1950",
        ),
        ("Foqash t9ad l9anun?", "Le texte est entré en vigueur en 2004 dans tout le Royaume.", "en 2004"),
    ]:
        assert typed_kind(question) == "date", question
        assert _phrase(question, text) == want, question


def test_a_magnitude_word_without_digits_is_a_number_candidate() -> None:
    """First seen held-out: "حوالي مليون شخص" was no candidate, so "5 سنوات" seemed the only number."""
    question = "كم عدد الذين قتلوا في الحرب؟"
    text = "قتل في الحرب حوالي مليون شخص خلال 5 سنوات من القتال."
    assert _phrase(question, text) is None  # two numbers: the sentence stays
    content, _ = _answer(question, text)
    assert "مليون" in _quote(content) and "5 سنوات" in _quote(content)
    text = "قتل في الحرب حوالي مليون شخص من المدنيين."
    assert _phrase(question, text) == "حوالي مليون شخص"
    # a magnitude after digits or a number word stays one phrase with it
    text = "تتكون اليابان من جزر عديدة (حوالي ثلاثة آلاف جزيرة)، منها جزر كبيرة."
    assert _phrase("كم جزيرة في اليابان؟", text) == "حوالي ثلاثة آلاف جزيرة"
    text = "يبلغ عدد سكان المدينة 3 ملايين نسمة."
    assert _phrase("ما عدد سكان المدينة؟", text) == "3 ملايين نسمة"


def test_two_dates_joined_by_a_range_word_are_one_answer() -> None:
    """First seen held-out: the second date held the question's year, was dropped, and the range was
    cut to "14 يونيو"."""
    text = "أقيمت البطولة في روسيا في الفترة من 14 يونيو ولغاية 15 يوليو من عام 2018."
    content, cites = _answer("متى أقيمت بطولة كأس العالم 2018؟", text)
    assert _quote(content) == "من 14 يونيو ولغاية 15 يوليو من عام 2018"
    assert _marked(cites[0], text) == _quote(content)
    for question, text, want in [
        ("متى ولد ابن خلدون؟", "ابن خلدون الحضرمي الإشبيلي (1332 - 1406م)، ولد في تونس.", "1332 - 1406م"),
        (
            "When were attacks on teachers the highest?",
            "بلغت الاعتداءات على المدرسين نسبة غير مسبوقة بين سنتي 2005 و2010.",
            "بين سنتي 2005 و2010",
        ),
        ("In what year did the war end?", "The war lasted from 1914 to 1918 in Europe.", "from 1914 to 1918"),
    ]:
        assert _phrase(question, text) == want, question
    # two dates with words between them are two answers: the sentence stays
    text = "ولد الشاعر في دمشق عام 1883 وتوفي في نيويورك عام 1931 بعد مرض طويل."
    assert _phrase("متى توفي الشاعر؟", text) is None


def test_questions_that_are_not_dates_or_numbers_keep_the_sentence() -> None:
    text = "أسس المدينة الملك إدريس الأول سنة 789 على ضفاف نهر فاس."
    for question in ("من أسس المدينة؟", "أين تقع المدينة؟", "Pourquoi la ville a-t-elle été fondée ?"):
        assert typed_kind(question) is None
        assert _phrase(question, text) is None
    assert typed_kind("في أي سنة أسست المدينة؟") == "date"
    assert typed_kind("ما عدد سكان المدينة؟") == "number"
    assert typed_kind("What percentage of the vote did he win?") == "number"


def test_hostile_input_is_bounded() -> None:
    """Digits, separators and number words in long runs: a scan per sentence, and a sentence past
    MAX_CHARS is not read at all."""
    for text in (
        "1," * 900 + "x",
        "في عام " * 250 + "1990",
        ("ثلاثة " * 300).strip(),
        "5 " + "أ" * 1900 + "ي",
    ):
        got = typed_phrase("كم عدد السكان؟", text, 0, len(text))
        assert got is None or text[got.start : got.end] in text
        got = typed_phrase("متى تأسست؟", text, 0, len(text))
        assert got is None or 0 <= got.start < got.end <= len(text)
    long = "في عام 1990 " + "كلمة " * MAX_CHARS
    assert typed_phrase("متى تأسست؟", long, 0, len(long)) is None


# -- over HTTP: the real server, the official SDK, the stored document's offsets


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, echo: RecordingUpstream) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("typed"), echo_toml(echo.url), "commune") as s:
        yield s


def test_http_date_question_is_answered_by_the_year_with_document_offsets(
    srv: Server, tmp_path: Path
) -> None:
    key = srv.key("commune", "user")
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.post(srv.url + "/v1/collections", json={"name": "lois"}, headers=headers).status_code == 201
    text = (
        "القانون رقم 69.99 المتعلق بالأرشيف.\n\n"
        "صدر القانون المتعلق بالأرشيف في الجريدة الرسمية في 30 نوفمبر 2007 بعد مصادقة البرلمان عليه. "
        "ويحدد نص تنظيمي كيفيات تطبيقه."
    )
    path = tmp_path / "archives.txt"
    path.write_text(text, encoding="utf-8")
    r = httpx.post(
        srv.url + "/v1/documents",
        files={"file": (path.name, path.read_bytes())},
        data={"collection": "lois"},
        headers=headers,
        timeout=300,
    )
    assert r.status_code == 201, r.text
    client = OpenAI(base_url=srv.url + "/v1", api_key=key, max_retries=0)
    reply = client.chat.completions.create(
        model="siyada-chat",
        messages=[{"role": "user", "content": "متى صدر القانون المتعلق بالأرشيف في الجريدة الرسمية؟"}],
        extra_body={"collections": ["lois"], "answer_mode": "extractive"},
    )
    content = reply.choices[0].message.content or ""
    cites = (reply.model_extra or {})["citations"]
    assert content.startswith("حسب [1]: \u2068"), content
    assert _quote(content) == "في 30 نوفمبر 2007"
    # the citation quotes the phrase's sentence of the stored document, the phrase marked at its offsets
    assert _marked(cites[0], text, 0) == "في 30 نوفمبر 2007" != cites[0]["quote"]


@pytest.mark.parametrize(("setting", "expected"), [(None, True), ("false", False), ("true", True)])
def test_the_typed_step_is_switched_by_knowledge_answer_typed(
    tmp_path: Path, setting: str | None, expected: bool
) -> None:
    """`[knowledge] answer_typed` reaches the grounded answers the chat route serves; on by default."""
    from siyada.api.app import create_app
    from siyada.config import load_settings

    if setting is not None:
        (tmp_path / "siyada.toml").write_text(f"[knowledge]\nanswer_typed = {setting}\n", encoding="utf-8")
    app = create_app(load_settings(tmp_path))
    assert app.state.grounded.typed is expected
