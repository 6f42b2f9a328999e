"""An uploaded CSV, XLSX or Parquet file read into one Arrow table, within `DataLimits`.

The format is judged from the bytes (a Parquet or zip signature, else text), never from the name alone.
Every refusal is an `ApiError`: 415 for a format this does not read, 422 for a file that cannot be read
or breaks a bound (rows, columns, cell length, a zip bomb, nested columns).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from siyada.dataspace.limits import DATA_LIMITS, DataLimits
from siyada.errors import ApiError
from siyada.knowledge.parsers.base import MalformedDocument, decode_text, refuse_binary
from siyada.knowledge.parsers.limits import DEFAULT_LIMITS
from siyada.knowledge.parsers.zipguard import check_zip

FORMATS = ("csv", "xlsx", "parquet")
_DELIMITERS = ",;\t|"
_LINE_END = re.compile(r"\r\n|\r|\n")
_ZIP = b"PK\x03\x04"
_PARQUET = b"PAR1"
# Binary formats that are no table: refused with 415 before any text decoding.
_OTHER_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"\xd0\xcf\x11\xe0", b"BZh")


def _unreadable(message: str) -> ApiError:
    return ApiError(422, message, code="unreadable_dataset", param="file")


def sniff(data: bytes) -> str:
    """csv | xlsx | parquet, from the bytes; 415 for anything else."""
    if data.startswith(_PARQUET):
        return "parquet"
    if data.startswith(_ZIP):
        return "xlsx"
    if not data.strip() or data.startswith(_OTHER_MAGIC):
        raise ApiError(415, "Upload a CSV, XLSX or Parquet file", code="unsupported_format", param="file")
    return "csv"


def read_table(data: bytes, limits: DataLimits = DATA_LIMITS) -> tuple[pa.Table, str]:
    """The file as a flat Arrow table with unique, non-empty column names, and its format."""
    fmt = sniff(data)
    try:
        if fmt == "parquet":
            table = _parquet(data, limits)
        elif fmt == "xlsx":
            table = _xlsx(data, limits)
        else:
            table = _csv(data, limits)
    except MalformedDocument as exc:
        raise _unreadable(str(exc)) from exc
    return _checked(table, limits), fmt


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv(data: bytes, limits: DataLimits) -> pa.Table:
    text, _ = decode_text(data)
    refuse_binary(text)
    first = _LINE_END.split(text, maxsplit=1)[0]
    delimiter = _delimiter(first)
    try:
        width = len(next(csv.reader([first], delimiter=delimiter), []))
    except csv.Error:  # a stray quote or NUL: count the delimiters, pyarrow judges the rest
        width = first.count(delimiter) + 1
    if width > limits.max_columns:
        raise _unreadable(f"The file has {width} columns, over the limit of {limits.max_columns}")
    try:
        return pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=True),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError) as exc:
        raise _unreadable(f"The CSV file cannot be read: {exc}") from exc


def _parquet(data: bytes, limits: DataLimits) -> pa.Table:
    try:
        pf = pq.ParquetFile(io.BytesIO(data))
        meta = pf.metadata
        if meta.num_columns > limits.max_columns:
            raise _unreadable(
                f"The file has {meta.num_columns} columns, over the limit of {limits.max_columns}"
            )
        if meta.num_rows > limits.max_rows:
            raise _unreadable(f"The file has {meta.num_rows} rows, over the limit of {limits.max_rows}")
        declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if declared > limits.max_decoded_bytes:
            raise _unreadable("The Parquet file expands past the size limit when decoded")
        table = pf.read()
        # Parquet does not check that its strings are UTF-8; reading them later (the classifier) would
        # raise UnicodeDecodeError, a 500 where the file is merely malformed.
        table.validate(full=True)
        return table
    except ApiError:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _unreadable(f"The Parquet file cannot be read: {exc}") from exc


def _xlsx(data: bytes, limits: DataLimits) -> pa.Table:
    names = check_zip(data, "XLSX workbook", DEFAULT_LIMITS)  # zip bombs, DTDs, encrypted members
    if "xl/workbook.xml" not in names:
        raise ApiError(
            415, "This zip is not an Excel workbook (XLSX)", code="unsupported_format", param="file"
        )
    import openpyxl  # lazily: only workbooks pay for loading it

    max_rows = min(limits.max_rows, DEFAULT_LIMITS.max_rows)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            rows: list[tuple[Any, ...]] = []
            for row in sheet.iter_rows(values_only=True):
                if len(row) > limits.max_columns:
                    raise _unreadable(
                        f"The sheet has {len(row)} columns, over the limit of {limits.max_columns}"
                    )
                if len(rows) > max_rows:
                    raise _unreadable(f"The sheet has over {max_rows} rows")
                if any(v is not None for v in row):
                    rows.append(row)
        finally:
            book.close()
    except ApiError:
        raise
    except Exception as exc:  # openpyxl raises anything from KeyError to TypeError on a damaged part
        raise _unreadable(f"The XLSX workbook cannot be read: {type(exc).__name__}") from exc
    if not rows:
        raise _unreadable("The first sheet is empty")
    header = ["" if v is None else str(v) for v in rows[0]]
    columns: dict[str, pa.Array] = {}
    for i, name in enumerate(header):
        values = [r[i] if i < len(r) else None for r in rows[1:]]
        columns[_name(name, i, columns)] = _array(values)
    return pa.table(columns)


def _array(values: list[Any]) -> pa.Array:
    """A column of cell values: typed when the cells agree on a type, else text."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def _name(raw: str, i: int, taken: dict[str, Any]) -> str:
    name = " ".join(raw.split()) or f"column_{i + 1}"
    if name in taken:
        raise _unreadable(f"Two columns are both named {name!r}")
    return name


_FLAT = (pa.types.is_integer, pa.types.is_floating, pa.types.is_boolean, pa.types.is_string,
         pa.types.is_large_string, pa.types.is_date, pa.types.is_timestamp, pa.types.is_decimal,
         pa.types.is_null, pa.types.is_time)  # fmt: skip


def _checked(table: pa.Table, limits: DataLimits) -> pa.Table:
    """Names made unique and bounded, dictionaries decoded, and the bounds on shape and cells kept."""
    if table.num_columns == 0:
        raise _unreadable("The file has no column")
    if table.num_columns > limits.max_columns:
        raise _unreadable(f"The file has {table.num_columns} columns, over the limit of {limits.max_columns}")
    if table.num_rows > limits.max_rows:
        raise _unreadable(f"The file has {table.num_rows} rows, over the limit of {limits.max_rows}")
    names: dict[str, Any] = {}
    arrays = []
    for i, (raw, col) in enumerate(zip(table.column_names, table.columns, strict=True)):
        name = _name(str(raw), i, names)
        if len(name) > limits.max_name_chars:
            raise _unreadable(f"Column {i + 1}'s name is over {limits.max_name_chars} characters")
        names[name] = None
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        if pa.types.is_large_string(col.type):
            col = col.cast(pa.string())
        if not any(test(col.type) for test in _FLAT):
            raise _unreadable(f"Column {name!r} is of type {col.type}: only flat columns are accepted")
        if pa.types.is_string(col.type) and len(col):
            longest = pc.max(pc.utf8_length(col)).as_py() or 0
            if longest > limits.max_cell_chars:
                raise _unreadable(f"Column {name!r} holds a cell over {limits.max_cell_chars} characters")
        arrays.append(col)
    return pa.table(arrays, names=list(names))
