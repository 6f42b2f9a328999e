"""Reading a row id from text (a path segment, a CLI argument) without letting odd input reach the database.

`str.isdigit` is true for '²' and '٣' (which `int` then refuses, or reads as 3), and an id past 2**63
overflows the driver: both used to surface as a 500. Only ASCII digits within a signed 64-bit integer
(what SQLite and PostgreSQL both store) are ids; anything else names no row.
"""

from __future__ import annotations

import re

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def row_id(raw: str | int) -> int | None:
    """The id `raw` spells, or None when it is not a positive ASCII-digit number a database can hold."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw):
        value = int(raw)
    else:
        return None
    return value if 0 < value <= MAX_ID else None
