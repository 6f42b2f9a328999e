"""A digit glued to an Arabic word ("7.98لقانون", "27من") is indexed and searched as the digit and the
word, the same terms as with the space OCR or a typist may put back (siyada.lang.analysis)."""

from __future__ import annotations

import pytest

from siyada.lang.analysis import index_terms, query_terms


@pytest.mark.parametrize(
    ("glued", "spaced"),
    [
        ("القانون التنظيمي رقم 7.98لقانون", "القانون التنظيمي رقم 7.98 لقانون"),
        ("الصادر في 27من ذي الحجة", "الصادر في 27 من ذي الحجة"),
        ("الظهير الشريف رقم 1.85.347بتاريخ", "الظهير الشريف رقم 1.85.347 بتاريخ"),
        ("لسنة2011", "لسنة 2011"),
        ("٢٧من", "٢٧ من"),
    ],
)
def test_glued_and_spaced_digits_give_the_same_terms(glued: str, spaced: str) -> None:
    assert index_terms(glued) == index_terms(spaced)
    assert query_terms(glued) == query_terms(spaced)


def test_a_query_for_the_law_number_meets_the_glued_text() -> None:
    assert set(query_terms("لقانون 7.98")) <= set(index_terms("طبقا 7.98لقانون المالية"))


def test_arabizi_digits_stay_inside_their_word() -> None:
    assert index_terms("ki3ti") != index_terms("ki 3 ti")
    assert "ki3ti" in index_terms("ki3ti 3la")
