"""CSV cells a spreadsheet opens as text: the data space's released tables and an assistant's
question lists are written by others (researchers, citizens), so a cell must never run as a formula."""

from __future__ import annotations

from typing import Any


def safe_cell(value: Any) -> Any:
    # A spreadsheet runs a text cell that starts like a formula; the quote makes it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
