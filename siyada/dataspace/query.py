"""A checked table query: group keys, measures and a filter, the shape every engine step shares.

Both fronts produce it (`sql.validate` from researcher SQL, `structured.compile_request` via SQL) and
the engine never runs the researcher's text: `execution_sql` regenerates the statement from this
structure, so what runs is exactly what was checked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum


class Agg(StrEnum):
    COUNT = "count"
    SUM = "sum"
    MEAN = "mean"
    QUANTILE = "quantile"  # continuous (interpolated) quantile; median is q = 0.5


@dataclass(frozen=True)
class Measure:
    agg: Agg
    column: str | None  # None: COUNT(*)
    name: str  # the output column's name
    q: float | None = None  # the quantile asked, for Agg.QUANTILE


@dataclass(frozen=True)
class ValidatedQuery:
    group_by: tuple[str, ...]  # canonical column names, in output order
    measures: tuple[Measure, ...]
    where: str | None  # DuckDB SQL of the filter over unqualified, quoted allowed columns
    key_names: tuple[str, ...]  # output names of the group keys (aliases allowed)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.key_names + tuple(m.name for m in self.measures)

    @property
    def sql(self) -> str:
        """The statement as it runs (the researcher's own text never reaches DuckDB)."""
        return execution_sql(self)

    @property
    def fingerprint(self) -> str:
        """A stable hash of what ran, for the audit log."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def measure_sql(m: Measure) -> str:
    col = quote(m.column) if m.column else "*"
    if m.agg is Agg.COUNT:
        return f"count({col})"
    if m.agg is Agg.SUM:
        return f"sum({col})"
    if m.agg is Agg.MEAN:
        return f"avg({col})"
    return f"quantile_cont({col}, {m.q!r})"


def where_clause(where: str | None) -> str:
    return f" WHERE {where}" if where else ""


def group_clause(keys: tuple[str, ...]) -> str:
    return " GROUP BY " + ", ".join(quote(k) for k in keys) if keys else ""


def execution_sql(query: ValidatedQuery) -> str:
    outputs = [f"{quote(k)} AS {quote(n)}" for k, n in zip(query.group_by, query.key_names, strict=True)]
    outputs += [f"{measure_sql(m)} AS {quote(m.name)}" for m in query.measures]
    return (
        f"SELECT {', '.join(outputs)} FROM data{where_clause(query.where)}{group_clause(query.group_by)}"
    )
