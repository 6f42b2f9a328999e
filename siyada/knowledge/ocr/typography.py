"""Apostrophes and dashes as printed: ’ or ', – or - decided from the glyph, not from the model's habit.

Tesseract's `fra` model reads a typographic apostrophe (’) as a straight one ('): its recogniser ranks
’ first for a curly glyph and ' first for a straight one (lstm_choice_mode=2 exposes those per-glyph
ranks), but the word search, whose dictionary spells "l'", keeps '. The glyph's own top choice is taken
back here, so a page printed with ’ reads ’ and one printed with ' reads '. The en dash is not in the
model's character set at all (a French list's "– le cadre" comes out "- le cadre"): a dash standing
alone as a word is told by its width against the line's height (on dev pages a hyphen's ink is 0.25-0.27
of the row height, an en dash's 0.39-0.44, an em dash's about one).

Measured on the dev pages of bench/ocr_quality.py (French, all conditions): these two classes were
about half of the remaining character errors (docs/benchmarks.md).
"""

from __future__ import annotations

APOSTROPHES = ("'", "’")
# Width of a lone dash over the row height (ascenders to descenders): below, a hyphen; up to EM, an en
# dash; above, an em dash. Typical text fonts (DejaVu, Times, Arial) put a hyphen's ink near a quarter
# of the row height and an en dash's near a half.
EN_DASH_MIN = 0.34
EM_DASH_MIN = 0.7
DASHES = ("-", "–", "—")


def apostrophe(best_choice: str | None) -> str | None:
    """The apostrophe the recogniser saw for a glyph the text gives as ' (None: keep the text's)."""
    return best_choice if best_choice in APOSTROPHES else None


def with_apostrophes(text: str, seen: list[str]) -> str:
    """`text` with its straight apostrophes replaced, in order, by the glyph readings in `seen` (one per
    apostrophe of the text; any other count leaves the text as it is)."""
    if text.count("'") != len(seen) or not seen:
        return text
    parts = text.split("'")
    return parts[0] + "".join(mark + part for mark, part in zip(seen, parts[1:], strict=True))


def dash(text: str, width: int, row_height: float) -> str:
    """A word that is a lone dash, as its printed width says (any other word unchanged)."""
    if text not in DASHES or row_height <= 0 or width <= 0:
        return text
    ratio = width / row_height
    if ratio >= EM_DASH_MIN:
        return "—"
    return "–" if ratio >= EN_DASH_MIN else "-"
