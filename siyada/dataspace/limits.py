"""The bounds of an uploaded data set, whatever the file claims (zip containers keep the knowledge
parsers' bounds, `siyada.knowledge.parsers.limits`)."""

from __future__ import annotations

from dataclasses import dataclass

from siyada.knowledge.parsers.limits import DEFAULT_LIMITS


@dataclass(frozen=True)
class DataLimits:
    max_rows: int = 10_000_000
    max_columns: int = DEFAULT_LIMITS.max_columns
    max_cell_chars: int = 10_000
    max_name_chars: int = 128
    # A Parquet file's declared uncompressed size: a few compressed kilobytes can claim gigabytes.
    max_decoded_bytes: int = 1024 * 1024 * 1024


DATA_LIMITS = DataLimits()
