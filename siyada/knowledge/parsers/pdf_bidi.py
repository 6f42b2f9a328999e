"""Reading order of right-to-left lines in a PDF text layer, rebuilt from where the glyphs are drawn.

A PDF's content stream holds glyphs in whatever order its producer wrote them: LibreOffice writes some
runs in visual order (an embedded French phrase comes out word-reversed, a lam-alef ligature's letters
swapped), Chromium writes some Arabic words visually and others logically, and legacy generators write
whole lines in visual order (PDFium puts those back itself, not the others). What every producer
agrees on is *where* each glyph is drawn. So for a
line holding Arabic, the glyphs are sorted by their x position (the visual order, left to right), and
the visual string is turned back into logical order by :func:`visual_to_logical`: the inverse of the
Unicode bidirectional algorithm for the cases documents hold (an Arabic line with Latin words and
numbers in it, or a French line with Arabic words in it). Lines without Arabic keep the stream order.
"""

from __future__ import annotations

import re
from typing import Any

# Arabic letters, marks and Arabic presentation forms (folded to letters later, by base.clean).
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe"
_HAS_RTL = re.compile(f"[{_RTL}]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# A left-to-right word: Latin letters or digits, inner separators allowed (09.08, 09-08, l'État, 12/03).
_LTR_WORD = r"[0-9A-Za-z\u00c0-\u024f\u0660-\u0669\u06f0-\u06f9]+(?:[.,:/\-'’][0-9A-Za-z\u00c0-\u024f]+)*"
_LTR_WORD_RE = re.compile(_LTR_WORD)
# A right-to-left span inside a left-to-right line: Arabic words, and the numbers and blanks between them.
_RTL_SPAN = re.compile(f"[{_RTL}](?:[{_RTL}0-9\u0660-\u0669 \t.,:،؛\\-]*[{_RTL}])?")


def visual_to_logical(visual: str) -> str:
    """Logical order of one line given in visual order (left to right as drawn)."""
    if not _HAS_RTL.search(visual):
        return visual
    rtl = len(_HAS_RTL.findall(visual)) >= len(_LATIN.findall(visual))
    if rtl:
        return _rtl_line(visual)
    # A French line quoting Arabic: only the Arabic spans are reversed back.
    return _RTL_SPAN.sub(lambda m: _rtl_line(m.group()), visual)


def _rtl_line(visual: str) -> str:
    """A right-to-left line: read right to left, keeping each left-to-right run as it is drawn."""
    tokens: list[str] = []
    pos = 0
    for run in _ltr_runs(visual):
        tokens.extend(visual[pos : run[0]])
        tokens.append(visual[run[0] : run[1]])
        pos = run[1]
    tokens.extend(visual[pos:])
    return "".join(reversed(tokens))


def _ltr_runs(visual: str) -> list[tuple[int, int]]:
    """Spans of left-to-right runs: words joined by blanks into one run when the word before the blank
    has a Latin letter ("Commission nationale", "loi 09-08"), as the bidi algorithm joins them; numbers
    alone stay separate runs ("2009 1430" in an Arabic line reads right to left)."""
    runs: list[tuple[int, int]] = []
    for word in _LTR_WORD_RE.finditer(visual):
        start, end = word.span()
        if runs and _LATIN.search(visual, runs[-1][0], runs[-1][1]):
            gap = visual[runs[-1][1] : start]
            if gap and not gap.strip(" \t"):
                runs[-1] = (runs[-1][0], end)
                continue
        runs.append((start, end))
    return runs


def page_text(textpage: Any, raw: Any) -> tuple[str, bool]:
    """The page's text, its lines holding Arabic rebuilt from glyph positions (stream order otherwise),
    and whether that changed the order PDFium read (the producer wrote some runs in visual order).

    `textpage` is a pypdfium2 PdfTextPage, `raw` the pypdfium2.raw module; the caller holds the PDFium
    lock. Glyph boxes are only asked for on lines with Arabic: a Latin page costs one call, as before.
    """
    stream: str = textpage.get_text_range()
    if not _HAS_RTL.search(stream):
        return stream, False
    text = stream
    count = textpage.count_chars()
    if len(text) != count:
        # The range text drops glyphs that map to no character (Chromium writes some): read character
        # by character so that text and glyph indices agree; those glyphs are NULs, dropped below.
        text = "".join(_char(raw.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
    out: list[str] = []
    line_start = 0
    for i in range(len(text) + 1):
        if i < len(text) and text[i] not in "\r\n":
            continue
        line = text[line_start:i]
        if _HAS_RTL.search(line):
            line = _reordered(textpage, raw, line, line_start)
        out.append(line)
        if i < len(text):
            out.append(text[i])
        line_start = i + 1
    rebuilt = "".join(out).replace("\x00", "")
    return rebuilt, rebuilt != stream


def _char(code: int) -> str:
    # A UTF-16 surrogate half alone is not text: one replacement character keeps the indices aligned.
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)


def _reordered(textpage: Any, raw: Any, line: str, offset: int) -> str:
    boxes: list[tuple[float, float]] = []
    previous = (0.0, 0.0)
    for k in range(len(line)):
        left, _, right, _ = textpage.get_charbox(offset + k)
        # A generated character (a space PDFium inferred) may have no box: it stays after its neighbour.
        if raw.FPDFText_IsGenerated(textpage.raw, offset + k) and left == right == 0:
            left, right = previous
        boxes.append((left, right))
        previous = (left, right)
    order = sorted(range(len(line)), key=lambda k: boxes[k][0])
    visual: list[str] = []
    k = 0
    while k < len(order):
        j = k + 1
        while j < len(order) and boxes[order[j]] == boxes[order[k]]:
            j += 1
        visual.append(_glyph("".join(line[i] for i in order[k:j])))
        k = j
    return visual_to_logical("".join(visual))


_LAM_ALEF = {frozenset(("\u0644", alef)) for alef in "\u0627\u0623\u0625\u0622"}


def _glyph(letters: str) -> str:
    """The visual form of the letters one glyph stands for (a ligature): written so that reading the
    line right to left gives them in logical order. Producers disagree on their order (LibreOffice maps
    a lam-alef glyph to alef then lam, PDFium expands a presentation form to lam then alef), but the
    logical order of lam-alef is always lam first; other ligatures keep the producer's order."""
    if len(letters) < 2 or not all(_HAS_RTL.match(c) for c in letters):
        return letters
    if len(letters) == 2 and frozenset(letters) in _LAM_ALEF:
        return letters if letters[0] != "\u0644" else letters[::-1]
    return letters[::-1]
