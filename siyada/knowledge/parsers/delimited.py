"""CSV (and TSV): decoded like text (UTF-8, UTF-16, Windows-1256…), the delimiter found on the first line
(comma, semicolon as French spreadsheets write, tab or bar), rows read by the standard ``csv`` module
and written by :class:`tables.TableWriter`."""

from __future__ import annotations

import csv
import io

from siyada.knowledge.parsers.base import MalformedDocument, ParsedDocument, clean, decode_text, refuse_binary
from siyada.knowledge.parsers.limits import ParseLimits
from siyada.knowledge.parsers.tables import TableWriter

_DELIMITERS = ",;\t|"
_FIELD_LIMIT = 100_000  # characters of one field: a stray quote otherwise swallows the file into one


def parse_csv(data: bytes, declared_charset: str | None, limits: ParseLimits) -> ParsedDocument:
    text, encoding = decode_text(data, declared_charset)
    refuse_binary(text)
    text = clean(text)
    delimiter = _delimiter(text.split("\n", 1)[0])
    writer = TableWriter("CSV file", limits)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    previous = csv.field_size_limit(_FIELD_LIMIT)
    try:
        writer.sheet(None, reader)
    except csv.Error as exc:
        raise MalformedDocument(f"The CSV file cannot be read: line {reader.line_num}: {exc}") from exc
    finally:
        csv.field_size_limit(previous)
    return writer.document("csv", None, {"encoding": encoding, "delimiter": delimiter})


def _delimiter(first_line: str) -> str:
    """The candidate seen most often outside quotes on the header line (a comma when none is)."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for c in first_line:
        if c == '"':
            quoted = not quoted
        elif not quoted and c in counts:
            counts[c] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","
