"""The structured front: a typed table request (keys, measures, filters) compiled to SQL that
`sql.validate` then checks like any researcher's SQL, so both fronts share one set of rules.

Values are quoted here (never pasted), column names too; a filter value on a column with public
categories must be one of them ("filters on allowed values").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from siyada.dataspace.policy import Policy
from siyada.dataspace.query import ValidatedQuery, quote
from siyada.dataspace.sql import QueryRefused, validate

Scalar = str | int | float
Op = Literal["=", "!=", "<", "<=", ">", ">=", "in"]
AggName = Literal["count", "sum", "mean", "quantile"]
_SQL_AGG = {"count": "count", "sum": "sum", "mean": "avg", "quantile": "quantile_cont"}


@dataclass(frozen=True)
class Filter:
    column: str
    op: Op
    value: Scalar | tuple[Scalar, ...]


@dataclass(frozen=True)
class MeasureRequest:
    agg: AggName
    column: str | None = None  # None: count of records
    q: float | None = None  # for quantile
    name: str | None = None


@dataclass(frozen=True)
class TableRequest:
    group_by: tuple[str, ...]
    measures: tuple[MeasureRequest, ...]
    filters: tuple[Filter, ...] = ()


def _literal(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise QueryRefused("filter values are text or numbers")
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if not math.isfinite(value):
        raise QueryRefused("filter values must be finite")
    return repr(value)


def _filter(f: Filter, policy: Policy) -> str:
    column = policy.lookup(f.column)
    values = f.value if isinstance(f.value, tuple) else (f.value,)
    if column is not None and column.categories is not None:
        unknown = [v for v in values if str(v) not in column.categories]
        if unknown:
            raise QueryRefused(f"{f.column} has no value {unknown[0]!r} in its public categories")
    if f.op == "in":
        if not isinstance(f.value, tuple) or not f.value:
            raise QueryRefused("an 'in' filter takes a non-empty list")
        return f"{quote(f.column)} IN ({', '.join(_literal(v) for v in f.value)})"
    if isinstance(f.value, tuple):
        raise QueryRefused(f"a '{f.op}' filter takes one value")
    if f.op not in ("=", "!=", "<", "<=", ">", ">="):
        raise QueryRefused(f"unknown filter operator {f.op!r}")
    return f"{quote(f.column)} {f.op} {_literal(f.value)}"


def _measure(m: MeasureRequest, index: int) -> str:
    if m.agg not in _SQL_AGG:
        raise QueryRefused(f"unknown measure {m.agg!r}")
    if m.agg == "count" and m.column is None:
        call = "count(*)"
    elif m.column is None:
        raise QueryRefused(f"{m.agg} needs a column")
    elif m.agg == "quantile":
        if m.q is None:
            raise QueryRefused("quantile needs q")
        call = f"quantile_cont({quote(m.column)}, {_literal(float(m.q))})"
    else:
        call = f"{_SQL_AGG[m.agg]}({quote(m.column)})"
    name = m.name or f"{m.agg}_{m.column or 'records'}_{index}"
    return f"{call} AS {quote(name)}"


def to_sql(request: TableRequest, policy: Policy) -> str:
    if not request.measures:
        raise QueryRefused("at least one measure is required")
    outputs = [quote(k) for k in request.group_by]
    outputs += [_measure(m, i) for i, m in enumerate(request.measures)]
    sql = f"SELECT {', '.join(outputs)} FROM data"
    if request.filters:
        sql += " WHERE " + " AND ".join(_filter(f, policy) for f in request.filters)
    if request.group_by:
        sql += " GROUP BY " + ", ".join(quote(k) for k in request.group_by)
    return sql


def compile_request(request: TableRequest, policy: Policy) -> ValidatedQuery:
    """The request as a checked query, or QueryRefused (the same rules as SQL)."""
    return validate(to_sql(request, policy), policy)
