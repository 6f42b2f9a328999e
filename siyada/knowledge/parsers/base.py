"""The parsed-document model, parse errors and the text helpers every format parser shares.

Every parser builds its text through :func:`clean` (or :class:`TextBuilder`, which calls it), so the
invariants hold for all formats: newlines are ``\\n``, no control character but ``\\n`` and ``\\t`` is
left, Arabic presentation forms are folded to ordinary letters, and section offsets are computed on the
final text (never before a normalisation that could change its length).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any


class ParseError(ValueError):
    """A document that cannot be turned into text; the message is safe to show to the uploader."""


class UnsupportedFormat(ParseError):
    """Not a format Siyada reads (a GIF image, a legacy spreadsheet, an archive, a program…): HTTP 415."""


class MalformedDocument(ParseError):
    """Claims a supported format but cannot be read (truncated, corrupt, no text layer…): HTTP 422."""


@dataclass(frozen=True)
class Section:
    """A heading and the span of text it governs: from the heading to the next one of equal or higher rank."""

    start: int
    end: int
    level: int
    title: str


@dataclass(frozen=True)
class ParsedDocument:
    """One document as plain text in logical order, with its structure as offsets into that text.

    Not slotted on purpose: callers rebuild a copy with ``ParsedDocument(**{**doc.__dict__, ...})``.
    """

    text: str
    format: str
    title: str | None = None
    sections: list[Section] = field(default_factory=list)
    pages: list[tuple[int, int]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    # Pages read by OCR (siyada.knowledge.ocr.layout.OcrPage): word boxes and the page images.
    ocr_pages: list[Any] = field(default_factory=list)
    # For a document found inside another (a mail's attachment): the index, in the list parse_many
    # returns, of the document it was attached to. Ingestion turns it into a `parent` document id.
    parent: int | None = None


# Characters clean() rewrites, found in one scan (most text has none, and then nothing is copied):
# - carriage returns (newlines become \n);
# - C0/C1 controls except \t and \n, DEL, noncharacters, the BOM / zero-width no-break space and the
#   invisible bidi controls (LRM, RLM, ALM, embeddings, overrides, isolates): text is stored in logical
#   order, so these only break tokens apart. ZWJ/ZWNJ are kept: they change how Persian words are spelt;
# - form feed, NEL and the Unicode line/paragraph separators, which become newlines so the words on
#   either side stay apart;
# - Arabic presentation forms A and B (U+FB50–U+FDFF, U+FE70–U+FEFE), what many PDF producers emit for
#   shaped glyphs: NFKC maps each back to its letter (lam-alef ligatures to two letters). NFKC is applied
#   to these only, never to the whole text, which must keep its other characters as they are.
_SPECIAL = re.compile(
    "[\r\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
    "\u2028\u2029\ufb50-\ufdff\ufe70-\ufefe]+"
)
_NEWLINES = {"\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n\n"}


def _rewrite(match: re.Match[str]) -> str:
    out = []
    for i, c in enumerate(match.group()):
        if c == "\r":
            # \r\n and a lone \r are both one newline; the \n may lie just past this run.
            following = match.group()[i + 1 : i + 2] or match.string[match.end() : match.end() + 1]
            if following != "\n":
                out.append("\n")
        elif c in _NEWLINES:
            out.append(_NEWLINES[c])
        elif "\ufb50" <= c <= "\ufefe" and c != "\ufeff":
            out.append(unicodedata.normalize("NFKC", c))
    return "".join(out)


def clean(text: str) -> str:
    """Normalise newlines, drop control/bidi characters and fold Arabic presentation forms."""
    return _SPECIAL.sub(_rewrite, text)


_SPACES = re.compile(r"\s+")


def one_line(text: str, limit: int = 300) -> str:
    """A heading or title as one tidy line (headings can hold line breaks in DOCX and HTML)."""
    return _SPACES.sub(" ", text).strip()[:limit]


def nest_sections(headings: list[tuple[int, int, str]], length: int) -> list[Section]:
    """Turn (start, level, title) headings into sections that end where an equal or higher heading starts."""
    ordered = sorted(headings, key=lambda h: h[0])
    sections = []
    for i, (start, level, title) in enumerate(ordered):
        end = length
        for later_start, later_level, _ in ordered[i + 1 :]:
            if later_level <= level:
                end = later_start
                break
        sections.append(Section(start=start, end=end, level=level, title=title))
    return sections


class TextBuilder:
    """Accumulates cleaned text blocks and records heading offsets in the final text.

    Blocks are separated lazily: asking for a break twice gives one break, and no break is written
    before the first text or after the last, so the text has no leading or trailing blank lines.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._pending = ""
        self.headings: list[tuple[int, int, str]] = []

    @property
    def at_line_start(self) -> bool:
        return not self._parts or bool(self._pending) or self._parts[-1].endswith("\n")

    def add(self, text: str) -> int:
        """Append text (cleaned here); return its offset in the final text."""
        text = clean(text)
        if not text:
            return self._length
        if self._pending and self._parts:
            # Spaces before a line break are layout, not text (HTML's "word </p>").
            last = self._parts[-1].rstrip(" \t")
            self._length -= len(self._parts[-1]) - len(last)
            self._parts[-1] = last
            self._parts.append(self._pending)
            self._length += len(self._pending)
        self._pending = ""
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        return start

    def block(self, newlines: int = 2) -> None:
        """End the current block: the next text starts after `newlines` line breaks (1 or 2)."""
        if newlines > len(self._pending):
            self._pending = "\n" * newlines

    def heading(self, level: int, title: str) -> None:
        """Add a heading block and record it as a section start."""
        title = one_line(clean(title))
        if not title:
            return
        self.block(2)
        start = self.add(title)
        self.headings.append((start, level, title))
        self.block(2)

    def text(self) -> str:
        return "".join(self._parts)

    def sections(self) -> list[Section]:
        return nest_sections(self.headings, self._length)


def refuse_binary(text: str) -> None:
    """Raise MalformedDocument when decoded 'text' is really binary data (many control characters)."""
    sample = text[:4096]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f")
    if "\x00" in sample or controls > max(2, len(sample) // 10):
        raise MalformedDocument(
            "The file is not text: binary data or control characters (a broken extraction?)"
        )


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes of unknown encoding; return (text, encoding name).

    Order: a BOM (UTF-8, UTF-32, UTF-16), a declared charset that decodes cleanly, strict UTF-8,
    UTF-16 without BOM (spotted by its NUL bytes), then Windows-1256 when the bytes read as Arabic,
    else Windows-1252 and finally Latin-1, which decodes anything.
    """
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    if declared:
        try:
            return data.decode(declared), declared.lower()
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration is common: fall back to sniffing
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if _looks_cp1256(data):
        return data.decode("cp1256", errors="replace"), "cp1256"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    # ASCII-range text in UTF-16 has its NUL bytes all on one side of each code unit.
    encoding = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return None


def _looks_cp1256(data: bytes) -> bool:
    """True when the high bytes mostly decode to Arabic letters in Windows-1256.

    Windows-1256 keeps the French accented letters where Latin-1 has them, so French text decodes the
    same either way; what decides is whether the other high bytes form Arabic letters.
    """
    sample = data[:65536].decode("cp1256", errors="replace")
    high = [c for c in sample if ord(c) > 0x7F]
    if not high:
        return False
    arabic = sum(1 for c in high if "\u0600" <= c <= "\u06ff")
    return arabic >= 0.5 * len(high)
