"""French typography through OCR: a page printed with ’ and – reads ’ and –, one printed with ' and -
reads ' and - (siyada.knowledge.ocr.typography). Real pages: Chromium lays them out, Tesseract reads
them; nothing is mocked."""

from __future__ import annotations

from typing import Any

import pytest

from siyada.knowledge.ocr import engine, typography
from siyada.knowledge.ocr.layout import Block, Word, page_text
from siyada.knowledge.ocr.read import read_page
from tests import scans

pytestmark = pytest.mark.skipif(
    not scans.CHROMIUM.exists() or not engine.available(),
    reason="needs Debian chromium and Tesseract's ara/fra/osd data",
)

CURLY = [
    "L’article 3 de la loi n° 05-20 relative à la cybersécurité fixe ce qui suit :",
    "– le cadre national de la sécurité des systèmes d’information ;",
    "– les attributions de l’autorité nationale et l’organisation de ses services ;",
    "– les obligations des exploitants qu’elle désigne par arrêté.",
]
STRAIGHT = [line.replace("’", "'").replace("–", "-") for line in CURLY]


def _read(lines: list[str], dpi: int = 300) -> str:
    with scans.browser() as b:
        pdf = scans.print_pdf(b, scans.page_html(lines, arabic=False))
    (image,) = scans.rasterise(pdf, dpi)
    return " ".join(read_page(image, 1, dpi).text.split())


@pytest.fixture(scope="module")
def curly() -> str:
    return _read(CURLY)


def test_typographic_apostrophes_and_dashes_are_read_as_printed(curly: str) -> None:
    # The recogniser ranks ' first for about one curly glyph in twenty (dev pages: 91 of 96 right).
    assert curly.count("’") >= 4 and curly.count("'") <= 1, curly
    assert curly.count("–") == 3, curly
    # A hyphen inside a word stays a hyphen.
    assert "05-20" in curly


def test_straight_apostrophes_and_hyphens_are_not_turned_typographic() -> None:
    got = _read(STRAIGHT)
    assert got.count("'") == 5, got
    assert "’" not in got and "–" not in got
    assert got.count(" - ") + got.startswith("- ") == 3, got


def test_a_blurred_jpeg_of_the_typographic_page_keeps_its_signs() -> None:
    import io

    from PIL import Image

    with scans.browser() as b:
        pdf = scans.print_pdf(b, scans.page_html(CURLY, arabic=False))
    (image,) = scans.rasterise(pdf, 300)
    degraded = Image.open(io.BytesIO(scans.jpeg(scans.degrade(image, 5), 60))).convert("L")
    got = read_page(degraded, 1, 300).text
    assert got.count("’") >= 4 and got.count("–") == 3, got


@pytest.mark.parametrize(
    ("text", "width", "height", "want"),
    [("-", 14, 52, "-"), ("-", 23, 53, "–"), ("-", 50, 52, "—"), ("—", 22, 52, "–"), ("a-b", 60, 52, "a-b")],
)
def test_a_lone_dash_is_told_by_its_width(text: str, width: int, height: float, want: str) -> None:
    assert typography.dash(text, width, height) == want


def test_apostrophes_are_replaced_in_order_only_when_the_counts_agree() -> None:
    assert typography.with_apostrophes("l'a d'b", ["’", "'"]) == "l’a d'b"
    assert typography.with_apostrophes("l'a d'b", ["’"]) == "l'a d'b"
    seen: list[Any] = []
    assert typography.with_apostrophes("l'a", seen) == "l'a"


def _line_block(*lines: str) -> Block:
    rows = [[Word(w, (10 * i, 20 * n, 10 * i + 9, 20 * n + 15), 90.0) for i, w in enumerate(line.split())]
            for n, line in enumerate(lines)]  # fmt: skip
    return Block((0, 0, 500, 20 * len(lines)), rows)


def test_a_compound_broken_at_its_hyphen_is_one_word_again() -> None:
    text, words = page_text([_line_block("réduites au-", "dessous du dahir n° 1-", "13-57 du 17")])
    assert text == "réduites au-dessous du dahir n° 1-13-57 du 17"
    pieces = ["réduites", "au-", "dessous", "du", "dahir", "n°", "1-", "13-57", "du", "17"]
    assert [text[s:e] for s, e, *_ in words] == pieces


def test_a_line_ending_in_a_lone_dash_or_before_arabic_keeps_its_break() -> None:
    text, _ = page_text([_line_block("le cadre -", "le suivant", "المادة 1-", "تطبق")])
    assert text == "le cadre -\nle suivant\nالمادة 1-\nتطبق"
