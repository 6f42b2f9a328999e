"""The reader's synthetic cloze questions (siyada.knowledge.reader.cloze): the question word follows the
answer's type, the answer is cut out of the question and lies at its offset in the context, the same
seed gives the same questions, and a huge or hostile text costs bounded work (only its head is read)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from siyada.knowledge.reader.cloze import MAX_TEXT_CHARS, PER_TEXT, from_folder, from_text, repair

LAW = """مقدمة النص القانوني المنظم للأرشيف الوطني بالمملكة المغربية.
تحفظ الوثائق الإدارية لمدة 10 سنوات في مقر الإدارة المعنية قبل تحويلها.
صدر هذا القانون في 12 يناير 2015 بعد مصادقة البرلمان عليه بالإجماع.
تؤدى غرامة قدرها 500 درهم عن كل مخالفة لأحكام هذا الباب من القانون.
يعمل بأحكام القانون رقم 09.08 المتعلق بحماية الأشخاص الذاتيين تجاه المعالجة.
وقع على هذا المحضر السيد أحمد العلوي بصفته رئيسا للجنة الوطنية المختصة.
تعقد اللجنة اجتماعاتها في الرباط مرة واحدة على الأقل في كل سنة مالية.
"""

EXPECTED = {  # answer -> (kind, question word)
    "10 سنوات": ("duration", "كم"),
    "12 يناير 2015": ("date", "متى"),
    "500 درهم": ("amount", "كم"),
    "القانون رقم 09.08": ("law", "ما"),
    "السيد أحمد العلوي": ("person", "من"),
    "الرباط": ("place", "أين"),
}


def test_question_word_follows_the_answer_type() -> None:
    got = from_text(LAW, random.Random(0), limit=10)
    assert {c.answer for c in got} == set(EXPECTED)
    for c in got:
        kind, word = EXPECTED[c.answer]
        assert c.kind == kind
        assert word in c.question.split() and c.question.endswith("؟")
        assert c.answer not in c.question  # the answer is asked for, not given
        assert c.context[c.answer_start : c.answer_start + len(c.answer)] == c.answer


def test_same_seed_same_questions_other_seed_other_wording(tmp_path: Path) -> None:
    for i in range(6):
        (tmp_path / f"law-{i}.txt").write_text(LAW.replace("10 سنوات", f"{i + 2} سنوات"), encoding="utf-8")
    first = from_folder(tmp_path, 12, seed=0)
    assert first == from_folder(tmp_path, 12, seed=0)
    assert [c.question for c in first] != [c.question for c in from_folder(tmp_path, 12, seed=1)]
    # the sentences the six texts share are asked about once; only the duration differs between them
    assert len({c.question for c in first}) == len(first)
    assert len({c.answer for c in first if c.kind != "duration"}) == len(
        [c for c in first if c.kind != "duration"]
    )
    assert 6 <= len(first) <= 12


def test_pdf_damage_is_repaired_and_debris_skipped() -> None:
    assert repair("الفصل األول من اإلدارة") == "الفصل الأول من الإدارة"
    assert repair("مرسوم رقم 2.75.3بتاريخ") == "مرسوم رقم 2.75.3 بتاريخ"
    # a table-of-contents line and a French line give nothing
    junk = "الدرجة الأولى 30 ..................................... لا شيء في سنة 1975 المالية\n"
    junk += "Le décret du 12 janvier 2015 fixe une amende de 500 dirhams par infraction commise.\n"
    assert from_text(junk, random.Random(0)) == []


@pytest.mark.parametrize(
    "text",
    [
        "1" * 3_000_000,  # one huge number
        "." * 2_000_000,  # a line of stops
        ("كلمة " * 200_000),  # a huge sentence without a stop
        ("في سنة 2015 " * 100_000),  # a huge run of dates in one sentence
        "\n".join(["صدر في 12 يناير 2015 قانون جديد ينظم الأرشيف الوطني للمملكة."] * 50_000),
    ],
)
def test_bounded_on_huge_or_hostile_text(text: str) -> None:
    got = from_text(text, random.Random(0))
    assert len(got) <= PER_TEXT
    for c in got:
        assert len(c.context) <= MAX_TEXT_CHARS
        assert c.context[c.answer_start : c.answer_start + len(c.answer)] == c.answer


def test_only_the_head_of_a_long_text_is_read() -> None:
    filler = "نص بلا أرقام ولا تواريخ ولا أسماء يتكرر لملء الصفحة الأولى من الوثيقة.\n"
    head = filler * (MAX_TEXT_CHARS // len(filler) + 1)
    assert from_text(head + LAW, random.Random(0), limit=10) == []
    assert len(from_text(LAW + head, random.Random(0), limit=10)) == len(EXPECTED)
