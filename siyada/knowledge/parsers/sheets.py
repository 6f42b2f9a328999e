"""Workbooks: XLSX through openpyxl (read-only, cached values rather than formulas) and ODS through odfpy,
each sheet a section of rows written by :class:`tables.TableWriter`.

Both are zips checked by :func:`zipguard.check_zip` first. ODS compresses a run of identical cells or
rows into one element with a repeat count (a sheet whose last row repeats 1,048,576 times is what
LibreOffice writes for formatted columns): empty repeats are skipped without being expanded, and a
repeated row or cell holding something counts every repetition against the limits.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from siyada.knowledge.parsers.base import MalformedDocument, ParsedDocument, UnsupportedFormat, one_line
from siyada.knowledge.parsers.limits import ParseLimits
from siyada.knowledge.parsers.tables import TableWriter
from siyada.knowledge.parsers.zipguard import ZIP_ERRORS, check_zip

_ODF_ERRORS = (*ZIP_ERRORS, KeyError, AttributeError, TypeError, IndexError, LookupError)


def parse_xlsx(data: bytes, limits: ParseLimits) -> ParsedDocument:
    names = check_zip(data, "XLSX workbook", limits)
    if "xl/workbook.xml" not in names:
        raise UnsupportedFormat("This zip is not an Excel workbook (XLSX): xl/workbook.xml is missing")
    import openpyxl  # lazily: only workbooks pay for loading it

    writer = TableWriter("XLSX workbook", limits)
    try:
        book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in book.worksheets:
                if hasattr(sheet, "reset_dimensions"):
                    sheet.reset_dimensions()  # the declared extent pads rows to it: read what is there
                writer.sheet(sheet.title, sheet.iter_rows(values_only=True))
            title = one_line(book.properties.title or "") or None
        finally:
            book.close()
    except MalformedDocument:
        raise
    except Exception as exc:  # openpyxl raises anything from KeyError to TypeError on a damaged part
        raise MalformedDocument(f"The XLSX workbook cannot be read: {type(exc).__name__}: {exc}") from exc
    return writer.document("xlsx", title, {})


def parse_ods(data: bytes, limits: ParseLimits) -> ParsedDocument:
    check_zip(data, "ODS spreadsheet", limits)
    from odf import table

    doc = load_odf(data, "ODS spreadsheet")
    if doc.mimetype != "application/vnd.oasis.opendocument.spreadsheet":
        raise UnsupportedFormat(f"This OpenDocument file is {doc.mimetype or 'of no known type'}, not ODS")
    if doc.spreadsheet is None:
        raise MalformedDocument("The ODS spreadsheet has no spreadsheet body")
    writer = TableWriter("ODS spreadsheet", limits)
    try:
        for sheet in doc.spreadsheet.getElementsByType(table.Table):
            writer.sheet(sheet.getAttribute("name"), _ods_rows(sheet, limits))
    except MalformedDocument:
        raise
    except _ODF_ERRORS as exc:
        raise MalformedDocument(f"The ODS spreadsheet cannot be read: {type(exc).__name__}: {exc}") from exc
    return writer.document("ods", _odf_title(doc), {})


def load_odf(data: bytes, kind: str) -> Any:
    """odfpy's document; its parse errors as MalformedDocument. odfpy prints a part it fails to parse
    to stdout, which would put a document's text in the server's log: that output is dropped."""
    from odf import opendocument

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return opendocument.load(BytesIO(data))
    except Exception as exc:  # odfpy raises what its SAX handler or zipfile met
        raise MalformedDocument(f"The {kind} cannot be read: {type(exc).__name__}: {exc}") from exc


def _ods_rows(sheet: Any, limits: ParseLimits) -> Iterator[list[str]]:
    from odf import table

    for row in sheet.getElementsByType(table.TableRow):
        cells = _ods_cells(row, limits)
        if not cells:
            continue  # empty rows, repeated or not, are never expanded
        for _ in range(_repeat(row, "numberrowsrepeated")):
            yield cells  # the writer counts each repetition against the row and cell limits


def _ods_cells(row: Any, limits: ParseLimits) -> list[str]:
    from odf import teletype

    cells: list[str] = []
    empty = 0  # empty cells seen and not yet written: trailing ones never are
    for cell in row.childNodes:
        if cell.qname[1] not in ("table-cell", "covered-table-cell"):
            continue
        count = _repeat(cell, "numbercolumnsrepeated")
        value = teletype.extractText(cell).strip()
        if not value:
            empty += count
            continue
        if len(cells) + empty + count > limits.max_columns:
            raise MalformedDocument(f"The ODS spreadsheet has a row wider than {limits.max_columns} columns")
        cells += [""] * empty + [value] * count
        empty = 0
    return cells


def _repeat(element: Any, attribute: str) -> int:
    raw = element.getAttribute(attribute)
    return int(raw) if raw and str(raw).isdigit() else 1


def _odf_title(doc: Any) -> str | None:
    from odf import dc

    for element in doc.meta.getElementsByType(dc.Title):
        title = one_line(str(element))
        if title:
            return title
    return None
