"""Tesseract through tesserocr: orientation and script, the language chosen per page, the words with
their boxes and confidences.

Why tesserocr and not pytesseract: on the same 300 dpi Chromium pages, tesserocr read an Arabic page in
2.0 s and a French one in 2.6 s, pytesseract (a `tesseract` process per call) in 2.5 s and 3.7 s with the
same character error rates (2.0 % / 0.1 %), and pytesseract needs a second call, or TSV parsing, for the
word boxes and confidences that tesserocr's result iterator gives directly (docs/knowledge.md).
tesserocr is compiled against Debian's libtesseract 5.3 (scripts/install.sh): the PyPI wheel bundles
Tesseract 5.5.4, whose layout analysis dropped whole lines of Arabic pages that 5.3 reads (a dev page:
9.8 % character errors against 0.5 %).

Language: the script Tesseract's OSD finds chooses the model (`ara` for Arabic, `fra` for Latin); the
combined `ara+fra` model reads pure Arabic worse (7 % character errors against 2 % on our pages), so it is
only the second pass of a page whose first read came out below the confidence floor, and the read with
the better confidence is kept.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Any

from siyada.knowledge.ocr import typography
from siyada.knowledge.ocr.layout import LOW_CONFIDENCE, Block, Word

_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
_NEEDED = ("ara", "fra", "osd")
_APIS: dict[str, Any] = {}  # one engine per language set per process (loading a model costs 0.05-0.3 s)
_LOCK = threading.Lock()  # a Tesseract engine serves one page at a time


def tessdata() -> str | None:
    """The folder holding Tesseract's Arabic, French and orientation data, or None when not installed."""
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *_TESSDATA_DIRS]
    for folder in candidates:
        if folder and all((Path(folder) / f"{lang}.traineddata").is_file() for lang in _NEEDED):
            return folder
    return None


def available() -> bool:
    if tessdata() is None:
        return False
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return True


def _api(lang: str) -> Any:
    import tesserocr

    if lang not in _APIS:
        psm = tesserocr.PSM.OSD_ONLY if lang == "osd" else tesserocr.PSM.AUTO
        api = tesserocr.PyTessBaseAPI(path=tessdata(), lang=lang, psm=psm)
        if "fra" in lang:
            # Per-glyph ranks of the recogniser, for the apostrophes (siyada.knowledge.ocr.typography);
            # they cost about 6 % more CPU a page, so the Arabic model goes without.
            api.SetVariable("lstm_choice_mode", "2")
        _APIS[lang] = api
    return _APIS[lang]


def orientation(image: Any, dpi: int) -> tuple[int, str | None]:
    """(degrees to turn the page counter-clockwise so text stands upright, script name or None)."""
    with _LOCK:
        api = _api("osd")
        api.SetImage(image)
        api.SetSourceResolution(dpi)
        try:
            found = api.DetectOrientationScript()
        except RuntimeError:  # too few characters to tell
            return 0, None
        finally:
            api.Clear()
    if not found:
        return 0, None
    degrees = int(found.get("orient_deg") or 0) if found.get("orient_conf", 0) >= 2.0 else 0
    script = found.get("script_name") if found.get("script_conf", 0) >= 0.5 else None
    return degrees, script


def read(image: Any, dpi: int, script: str | None) -> tuple[str, list[Block]]:
    """(the languages used, the page's blocks). The script chooses the model; a read below the
    confidence floor is read again with ara+fra and the better one kept."""
    first = {"Arabic": "ara", "Latin": "fra"}.get(script or "", "ara+fra")
    blocks = _recognise(image, dpi, first)
    if first != "ara+fra" and _confidence(blocks) < LOW_CONFIDENCE:
        mixed = _recognise(image, dpi, "ara+fra")
        if _confidence(mixed) > _confidence(blocks):
            return "ara+fra", mixed
    return first, blocks


# The iterator gives words in reading order but each word's characters in visual order (left to right
# as drawn): in a right-to-left line every word comes out reversed, its digits and Latin letters still
# left to right. Brackets are left as Tesseract reports them, as its own page text does.
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f]")
_LTR_RUN = re.compile(
    r"[0-9A-Za-z\u00c0-\u024f\u0660-\u0669\u06f0-\u06f9]+(?:[.,:/\-][0-9A-Za-z\u00c0-\u024f]+)*"
)


def _logical(word: str) -> str:
    """A word of a right-to-left line in logical order: reversed, its left-to-right runs kept."""
    return _LTR_RUN.sub(lambda m: m.group()[::-1], word[::-1])


def _in_logical_order(blocks: list[Block]) -> list[Block]:
    out = []
    for block in blocks:
        lines = [
            [Word(_logical(w.text), w.box, w.confidence) for w in line]
            if any(_ARABIC.search(w.text) for w in line)
            else line
            for line in block.lines
        ]
        out.append(Block(block.box, lines))
    return out


def _confidence(blocks: list[Block]) -> float:
    words = [w for b in blocks for line in b.lines for w in line]
    chars = sum(len(w.text) for w in words)
    return sum(len(w.text) * w.confidence for w in words) / chars if chars else 0.0


def _recognise(image: Any, dpi: int, lang: str) -> list[Block]:
    import tesserocr

    level = tesserocr.RIL
    blocks: list[Block] = []
    with _LOCK:
        api = _api(lang)
        try:
            api.SetImage(image)
            api.SetSourceResolution(dpi)
            api.Recognize()
            it = api.GetIterator()
            if it is None:
                return []
            it.Begin()
            while True:
                if not it.Empty(level.WORD):
                    # Each paragraph is a block for reading order: columns are told apart by paragraphs.
                    if it.IsAtBeginningOf(level.PARA) or not blocks:
                        box = it.BoundingBox(level.PARA) or it.BoundingBox(level.BLOCK) or (0, 0, 0, 0)
                        blocks.append(Block(tuple(box), [[]]))  # type: ignore[arg-type]
                    elif it.IsAtBeginningOf(level.TEXTLINE):
                        blocks[-1].lines.append([])
                    text = it.GetUTF8Text(level.WORD) or ""
                    box = it.BoundingBox(level.WORD)
                    if text.strip() and box:
                        if text in typography.DASHES:
                            text = typography.dash(text, box[2] - box[0], _row_height(it))
                        blocks[-1].lines[-1].append(Word(text, tuple(box), it.Confidence(level.WORD)))  # type: ignore[arg-type]
                if not it.Next(level.WORD):
                    break
            if any("'" in w.text for b in blocks for line in b.lines for w in line):
                blocks = _with_apostrophes(blocks, _apostrophes_seen(api))
        finally:
            api.Clear()
    return _in_logical_order([b for b in blocks if any(b.lines)])


def _row_height(it: Any) -> float:
    try:
        return float((it.RowAttributes() or {}).get("row_height", 0.0))
    except RuntimeError:
        return 0.0


def _apostrophes_seen(api: Any) -> list[str]:
    """For each glyph of the page that the text gives as ', in reading order, the apostrophe the
    recogniser ranked first for it."""
    import tesserocr

    level = tesserocr.RIL.SYMBOL
    seen = []
    it = api.GetIterator()
    if it is None:
        return seen
    for symbol in tesserocr.iterate_level(it, level):
        if symbol.GetUTF8Text(level) != "'":
            continue
        ranked = sorted(
            ((c.Confidence(), c.GetUTF8Text()) for c in symbol.GetChoiceIterator()), reverse=True
        )
        seen.append(typography.apostrophe(ranked[0][1] if ranked else None) or "'")
    return seen


def _with_apostrophes(blocks: list[Block], seen: list[str]) -> list[Block]:
    """The words' straight apostrophes replaced, in order, by `seen` (unchanged unless the counts agree)."""
    words = [w for b in blocks for line in b.lines for w in line]
    if sum(w.text.count("'") for w in words) != len(seen):
        return blocks
    out = []
    for block in blocks:
        lines = []
        for line in block.lines:
            row = []
            for w in line:
                n = w.text.count("'")
                text = typography.with_apostrophes(w.text, seen[:n]) if n else w.text
                row.append(Word(text, w.box, w.confidence))
                seen = seen[n:]
            lines.append(row)
        out.append(Block(block.box, lines))
    return out
