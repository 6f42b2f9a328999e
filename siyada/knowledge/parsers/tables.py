"""Tables (CSV, XLSX, ODS) as text: one line per row, each value named by its column's header.

A row reads ``Nom: Alami; Ville: Rabat; Montant: 120``, so a row found alone (the chunker makes one
chunk of each row of these formats) still says what its values are. The first row holding anything is
the header; a header cell left empty, or a value past the header's end, is named ``column N``. Each
sheet of a workbook is a section titled with its name. Rows, columns and cells are bounded
(:class:`ParseLimits`): a table past them is refused with its size, not cut silently.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from siyada.knowledge.parsers.base import MalformedDocument, ParsedDocument, TextBuilder, one_line
from siyada.knowledge.parsers.limits import ParseLimits

TABLE_FORMATS = frozenset({"csv", "xlsx", "ods"})


def cell_text(value: Any) -> str:
    """A cell value as a reader would write it (12 rather than 12.0, dates without a midnight time)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return one_line(str(value), 10_000)


class TableWriter:
    """Accumulates sheets of rows into one document, enforcing the limits as rows arrive."""

    def __init__(self, kind: str, limits: ParseLimits) -> None:
        self.kind = kind
        self.limits = limits
        self.out = TextBuilder()
        self.rows = 0
        self.cells = 0
        self.sheets = 0

    def sheet(self, name: str | None, rows: Iterable[Sequence[Any]]) -> None:
        self.sheets += 1
        header: list[str] | None = None
        wrote = False
        for raw in rows:
            cells = [cell_text(v) for v in raw]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            self._count(cells)
            if header is None:
                header = cells
                if name:
                    self.out.heading(1, name)
                continue
            self.out.block(1)
            self.out.add(_row_line(header, cells))
            wrote = True
        if header is not None and not wrote:  # a sheet of one row: its row is its content
            self.out.block(1)
            self.out.add("; ".join(c for c in header if c))
        self.out.block(2)

    def _count(self, cells: list[str]) -> None:
        self.rows += 1
        self.cells += sum(1 for c in cells if c)
        if len(cells) > self.limits.max_columns:
            raise MalformedDocument(
                f"The {self.kind} has a row of {len(cells)} columns, over the limit of "
                f"{self.limits.max_columns}"
            )
        if self.rows > self.limits.max_rows:
            raise MalformedDocument(f"The {self.kind} has more than {self.limits.max_rows} rows: split it")
        if self.cells > self.limits.max_cells:
            raise MalformedDocument(
                f"The {self.kind} has more than {self.limits.max_cells} filled cells: split it"
            )

    def document(self, fmt: str, title: str | None, metadata: dict[str, Any]) -> ParsedDocument:
        text = self.out.text()
        if not text.strip():
            raise MalformedDocument(f"The {self.kind} holds no text")
        return ParsedDocument(
            text=text,
            format=fmt,
            title=title,
            sections=self.out.sections(),
            metadata={**metadata, "rows": self.rows, "sheets": self.sheets},
        )


def _row_line(header: list[str], cells: list[str]) -> str:
    parts = []
    for i, value in enumerate(cells):
        if value:
            name = header[i] if i < len(header) and header[i] else f"column {i + 1}"
            parts.append(f"{name}: {value}")
    return "; ".join(parts)
