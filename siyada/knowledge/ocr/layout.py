"""What OCR found on a page, and the page's text in reading order with every word's offsets and box.

Tesseract reads the words of a line in logical order (right to left for Arabic) but orders the blocks of
a page top to bottom, left to right: on a two-column Arabic page the left column would come first. The
blocks are ordered here instead: side-by-side blocks are read as columns, from the right for a
right-to-left page, and a block spanning the columns separates one band of columns from the next.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from siyada.knowledge.parsers.base import clean

# A page whose mean word confidence (0-100, weighted by length) is below this is flagged to the reader.
LOW_CONFIDENCE = 70.0


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the page image's pixels
    confidence: float  # 0-100, Tesseract's


@dataclass(frozen=True)
class Block:
    """A block of text: its lines, each a list of words in logical (reading) order."""

    box: tuple[int, int, int, int]
    lines: list[list[Word]]


@dataclass
class OcrPage:
    """One page as OCR read it: its text and, per word, the span in the document text and the box.

    `words` rows are (start, end, x0, y0, x1, y1, confidence), offsets into the whole document's text
    once the pages are joined (`shift`). `image` is the page as shown to readers (JPEG, the boxes'
    coordinates scaled by `image_scale`); None when it must not be kept (pseudonymised documents).
    """

    page: int  # 1-based
    width: int
    height: int
    language: str  # the Tesseract languages used: "ara", "fra" or "ara+fra"
    rotated: int = 0  # degrees the page was turned before reading (orientation)
    skew: float = 0.0  # degrees the page was straightened by
    text: str = ""
    words: list[tuple[int, int, int, int, int, int, int]] = field(default_factory=list)
    image: bytes | None = None
    image_scale: float = 1.0
    confidence: float = 0.0  # mean word confidence, weighted by length (`mean_confidence`)

    @property
    def low_confidence(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    def shift(self, offset: int) -> None:
        self.words = [(s + offset, e + offset, *rest) for s, e, *rest in self.words]  # type: ignore[misc]

    def summary(self) -> dict[str, object]:
        return {
            "page": self.page,
            "language": self.language,
            "confidence": self.confidence,
            "low_confidence": self.low_confidence,
            "rotated": self.rotated,
            "skew": round(self.skew, 2),
        }


def mean_confidence(words: list[tuple[int, int, int, int, int, int, int]]) -> float:
    chars = sum(w[1] - w[0] for w in words)
    return round(sum((w[1] - w[0]) * w[6] for w in words) / chars, 1) if chars else 0.0


def without_image(page: OcrPage, keep_words: bool) -> OcrPage:
    """The page as kept for a pseudonymised document: no image, and no words unless `keep_words`."""
    return dataclasses.replace(page, image=None, words=page.words if keep_words else [])


def reading_order(blocks: list[Block], rtl: bool) -> list[Block]:
    """Blocks in the order a reader takes them: bands top to bottom, columns within a band from the
    right on a right-to-left page (from the left otherwise), each column top to bottom."""
    ordered: list[Block] = []
    band: list[Block] = []
    for block in sorted(blocks, key=lambda b: b.box[1]):
        if band and _spans_band(block, band):
            ordered += _columns(band, rtl)
            band = []
        band.append(block)
    return ordered + _columns(band, rtl)


def _spans_band(block: Block, band: list[Block]) -> bool:
    """A block below the whole band starts a new one when it crosses two of the band's columns (a
    full-width paragraph under two columns) or when the band is a single column."""
    if not all(block.box[1] >= b.box[3] - 2 for b in band):
        return False
    columns = _split_columns(band)
    crossed = sum(1 for col in columns if any(_h_overlap(block.box, b.box) > 0 for b in col))
    return len(columns) == 1 or crossed >= 2


def _h_overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    return min(a[2], b[2]) - max(a[0], b[0])


def _split_columns(band: list[Block]) -> list[list[Block]]:
    """Group blocks into columns: blocks that overlap horizontally are in the same column."""
    columns: list[list[Block]] = []
    for block in sorted(band, key=lambda b: b.box[0]):
        for column in columns:
            if any(_h_overlap(block.box, b.box) > 0 for b in column):
                column.append(block)
                break
        else:
            columns.append([block])
    return columns


def _columns(band: list[Block], rtl: bool) -> list[Block]:
    columns = _split_columns(band)
    columns.sort(key=lambda col: min(b.box[0] for b in col), reverse=rtl)
    return [b for col in columns for b in sorted(col, key=lambda b: b.box[1])]


def page_text(blocks: list[Block]) -> tuple[str, list[tuple[int, int, int, int, int, int, int]]]:
    """The page's text (words joined by spaces, lines by newlines, blocks by blank lines) and each
    word's (start, end, box, confidence) in it. Offsets are taken on the cleaned text, as stored."""
    parts: list[str] = []
    words: list[tuple[int, int, int, int, int, int, int]] = []
    offset = 0
    for block in blocks:
        if parts:
            parts.append("\n\n")
            offset += 2
        first_line = True
        for line in block.lines:
            texts = [(clean(w.text).strip(), w) for w in line]
            texts = [(t, w) for t, w in texts if t]
            if not texts:
                continue
            if not first_line and not _continues(parts[-1], texts[0][0]):
                parts.append("\n")
                offset += 1
            first_line = False
            for i, (t, w) in enumerate(texts):
                if i:
                    parts.append(" ")
                    offset += 1
                parts.append(t)
                words.append((offset, offset + len(t), *w.box, round(w.confidence)))
                offset += len(t)
    return "".join(parts), words


def _continues(previous: str, word: str) -> bool:
    """Whether a line's first word continues the word that ended the line before with a hyphen
    ("au-" / "dessous", "n° 1-" / "13-57"): the layout broke a compound at its hyphen, which the source
    wrote on one line. The hyphen is kept: a word hyphenated only to fit ("adminis-" / "tration") would
    need a dictionary to mend, and its two halves are the same index terms either way. Latin letters
    and digits only (an Arabic line's trailing dash is punctuation)."""
    return (
        len(previous) >= 2
        and previous[-1] == "-"
        and _latin_or_digit(previous[-2])
        and _latin_or_digit(word[0])
    )


def _latin_or_digit(c: str) -> bool:
    return c.isdigit() or ("a" <= c.lower() <= "z") or ("\u00c0" <= c <= "\u024f")
