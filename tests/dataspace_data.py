"""Small Parquet data sets for the data space tests, written by DuckDB itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from siyada.dataspace.policy import Column, Kind, Policy, Thresholds
from siyada.dataspace.sandbox import Sandbox, SandboxLimits


def write(path: Path, select: str) -> str:
    con = duckdb.connect()
    try:
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
    finally:
        con.close()
    return str(path)


def people(path: Path) -> str:
    """600 people over 3 regions × 2 sexes; region 'C' has exactly 3 women (a cell of 3 people);
    one man of region 'A' earns almost all of that cell's income; one person is aged 30 in region 'B'."""
    return write(path, """
        WITH base AS (
            SELECT i,
                   CASE WHEN i < 300 THEN 'A' WHEN i < 500 THEN 'B' ELSE 'C' END AS region,
                   CASE WHEN i < 500 THEN (CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END)
                        WHEN i < 503 THEN 'F' ELSE 'M' END AS sex,
                   CASE WHEN i = 300 THEN 30 WHEN i BETWEEN 300 AND 499 THEN 40 + i % 30
                        ELSE 18 + i % 12 + (i % 5) * 11 END AS age,
                   CASE WHEN i = 1 THEN 10000000.0 ELSE 1000.0 + i END AS income,
                   'CIN' || i AS cin
            FROM range(600) t(i)
        )
        SELECT i AS person_id, region, sex, age, income, cin FROM base""")


def policy(thresholds: Thresholds | None = None) -> Policy:
    return Policy.of(
        [
            Column("person_id", Kind.DIRECT, numeric=True, unique=True),
            Column("cin", Kind.DIRECT, unique=True),
            Column("region", Kind.QUASI, categories=("A", "B", "C")),
            Column("sex", Kind.QUASI, categories=("F", "M")),
            Column("age", Kind.QUASI, numeric=True, bounds=(0, 99)),
            Column("income", Kind.SENSITIVE, numeric=True, bounds=(0, 100_000)),
        ],
        thresholds,
    )


@contextmanager
def started_sandbox() -> Iterator[Sandbox]:
    """A one-worker sandbox with the limits the data space tests run their queries under."""
    box = Sandbox.start(1, SandboxLimits(memory_mb=256, threads=1, seconds=30))
    try:
        yield box
    finally:
        box.close()
