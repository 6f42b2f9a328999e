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
        cell = part.strip()
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
