"""Pipe tables: the header cell above a value names it ("| CIN | CNSS |" then "| BJ 224510 | 118457632 |"),
however far the header is from the row.

Rows are runs of cells between row separators (an empty cell, as in "| |" or "||", or a lone "/").
A row as long as the first one (the header) gets its cells' headers by position. One split of the text.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

_MIN_PIPES = 4


@lru_cache(maxsize=1)  # the text being analysed: its candidates ask one after another
def _headers(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, header) for every cell of a row under the header row."""
    if text.count("|") < _MIN_PIPES:
        return ()
    rows: list[list[tuple[int, int, str]]] = [[]]
    pos = 0
    parts = text.split("|")
    for k, part in enumerate(parts):
        start, end = pos, pos + len(part)
        pos = end + 1
        if k == 0 or k == len(parts) - 1:
            continue  # text before the first pipe and after the last one is no cell
        cell = part.strip().rstrip(":").rstrip()  # a form's label keeps its colon: "| Nom : | Prénom : |"
        if not cell or cell == "/":
            if rows[-1]:
                rows.append([])
            continue
        rows[-1].append((start, end, cell))
    rows = [r for r in rows if r]
    if len(rows) < 2:
        return ()
    header = [cell for _, _, cell in rows[0]]
    out = []
    for row in rows[1:]:
        if len(row) == len(header):
            out.extend((s, e, h) for (s, e, _), h in zip(row, header, strict=True))
    return tuple(out)


def column_header(text: str, start: int, end: int) -> str | None:
    """The header of the table cell holding [start, end), if any (a binary search: a table of 10,000
    rows asks once per candidate)."""
    cells = _headers(text)
    k = bisect_right(cells, (start, len(text) + 1, "")) - 1
    if k >= 0 and cells[k][0] <= start and end <= cells[k][1]:
        return cells[k][2]
    return None


# A column of people's names: every cell under it is a name ("| Nom | Prénom |", "| الاسم | النسب |").
_NAME_HEADERS = frozenset({
    "nom", "prénom", "prenom", "name", "surname", "guest", "driver", "conducteur", "élève", "eleve",
    "employé", "employe", "patient", "nom et prénom", "nom complet", "full name", "first name", "last name",
    "الاسم", "الإسم", "النسب", "السمية", "الاسم الكامل", "الاسم العائلي", "الاسم الشخصي", "ⵉⵙⵎ",
})  # fmt: skip
_TITLES = frozenset({
    "m.", "mr", "mr.", "mme", "mme.", "mlle", "dr", "dr.", "si", "با", "السيد", "السيدة", "الحاج", "الحاجة",
})  # fmt: skip
_MAX_NAME_CELL = 60


def name_cells(text: str) -> list[tuple[int, int]]:
    """Where the cells of a name column hold a name: letters only, at most five words, a title left out."""
    out = []
    for start, end, header in _headers(text):
        if header.lower() not in _NAME_HEADERS:
            continue
        cell = text[start:end]
        s = start + len(cell) - len(cell.lstrip())
        e = end - (len(cell) - len(cell.rstrip()))
        words = text[s:e].split()
        if words and words[0].lower() in _TITLES and len(words) > 1:
            s = text.index(words[1], s)
            words = words[1:]
        value = text[s:e]
        if not words or len(words) > 5 or e - s > _MAX_NAME_CELL or any(c.isdigit() for c in value):
            continue
        if any(c.isalpha() for c in value):
            out.append((s, e))
    return out
