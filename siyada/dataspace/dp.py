"""Differential privacy mode: counts, sums and means per group with OpenDP noise, ε per query.

Where the noise goes (OpenDP's guidance on trusting a transformation computed elsewhere): DuckDB
computes the exact aggregates *inside the sandbox process* over values clamped to the data card's
bounds and rounded to integers, one cell for every combination of the keys' public categories (empty
ones included: which groups exist is not public); OpenDP's vector Laplace measurement over integers
(the discrete Laplace, exact sampling, OpenDP's CSPRNG) is then applied there too, by `privatize`, so
exact values never cross the process boundary. Integers, not floats: a float sum's rounding depends
on the summation order, which DuckDB does not promise, and leaks (Mironov 2012); an integer sum is
exact. Sensitivities come from OpenDP's own stability maps (`make_count_by_categories`, `make_sum`
with the bounds): one record moves one cell by at most 1 (count) or by max(|lower|, |upper|) (sum).
The query's ε is split evenly over its measures (a mean is a sum and a count, post-processed), and
OpenDP's privacy map checks that each measurement costs no more than its share.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

# Imported with the module: a worker unpickling `privatize` maps OpenDP's large library before the
# job's RLIMIT_AS applies (loading it inside the job failed with "failed to map segment").
import opendp.prelude as opendp_prelude

from siyada.dataspace.policy import Policy
from siyada.dataspace.query import Agg, ValidatedQuery, quote, where_clause
from siyada.dataspace.sandbox import Sandbox, Table

# OpenDP gates the constructors used here behind "contrib": their proofs exist but have not been
# through its vetting process yet (as for most of the library).
opendp_prelude.enable_features("contrib")

MAX_EPSILON = 10.0  # beyond this the noise protects nobody; a grant asking more is a mistake


class DpRefused(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_epsilon(epsilon: object) -> float:
    """ε as a float in (0, MAX_EPSILON], or DpRefused (negative, zero, NaN, ∞, not a number)."""
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float):
        raise DpRefused("epsilon must be a number")
    value = float(epsilon)
    if not math.isfinite(value) or value <= 0:
        raise DpRefused("epsilon must be a finite number greater than 0")
    if value > MAX_EPSILON:
        raise DpRefused(f"epsilon may not exceed {MAX_EPSILON}")
    return value


@dataclass(frozen=True)
class DpMeasure:
    name: str
    agg: Agg
    column: str | None
    bounds: tuple[int, int] | None  # integer bounds (the data card's, rounded outwards)
    epsilon: float  # this measure's share of the query's ε
    count_scale: float | None  # Laplace scale of the count part (count, mean)
    sum_scale: float | None  # Laplace scale of the sum part (sum, mean)


@dataclass(frozen=True)
class DpPlan:
    query: ValidatedQuery
    epsilon: float
    categories: tuple[tuple[str, ...], ...]  # per group key, its public categories
    measures: tuple[DpMeasure, ...]

    @property
    def cells(self) -> list[tuple[str, ...]]:
        return list(itertools.product(*self.categories))


@dataclass(frozen=True)
class DpTable:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    epsilon: float
    scales: dict[str, dict[str, float | None]]  # per measure: the noise scales (for the researcher)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _opendp() -> Any:
    return opendp_prelude


def _laplace(scale: float) -> Any:
    dp = _opendp()
    return dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T="i64")), dp.l1_distance(T="i64"), scale)


def _laplace_scale(sensitivity: int, epsilon: float) -> float:
    """The Laplace scale for ε, checked against OpenDP's own privacy map (float rounding may need a
    hair more noise than sensitivity / ε)."""
    scale = sensitivity / epsilon
    while _laplace(scale).map(sensitivity) > epsilon:
        scale *= 1.0001
    return scale


def _sensitivities(categories: Sequence[str], bounds: tuple[int, int] | None) -> tuple[int, int | None]:
    dp = _opendp()
    counts = dp.t.make_count_by_categories(
        dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance(),
        categories=list(categories) or ["_"], MO="L1Distance<i64>", TOA="i64")
    count_sensitivity = int(counts.map(1))
    if bounds is None:
        return count_sensitivity, None
    sums = dp.t.make_sum(dp.vector_domain(dp.atom_domain(bounds=bounds, T="i64")), dp.symmetric_distance())
    return count_sensitivity, int(sums.map(1))


def plan(query: ValidatedQuery, policy: Policy, epsilon: object) -> DpPlan:
    """The noise of every measure, or DpRefused before anything runs."""
    eps = check_epsilon(epsilon)
    categories = []
    for key in query.group_by:
        column = policy.columns[key]
        if not column.categories:
            raise DpRefused(f"grouping by {key} under DP needs its public categories in the data card")
        categories.append(tuple(column.categories))
    cells = math.prod(len(c) for c in categories) * len(query.measures)
    if cells > policy.thresholds.max_cells:
        raise DpRefused(f"the table would have {cells} cells, more than {policy.thresholds.max_cells}")
    units = sum(2 if m.agg is Agg.MEAN else 1 for m in query.measures)
    share = eps / units
    flat = [c for cats in categories for c in cats]
    measures = []
    for m in query.measures:
        if m.agg is Agg.QUANTILE:
            raise DpRefused("quantiles are not offered under DP")
        bounds = None
        if m.agg in (Agg.SUM, Agg.MEAN):
            declared = policy.columns[m.column or ""].bounds
            if declared is None or not all(math.isfinite(b) for b in declared) or declared[0] > declared[1]:
                raise DpRefused(f"{m.column} has no bounds in the data card: no DP sum or mean")
            bounds = (math.floor(declared[0]), math.ceil(declared[1]))
        count_sens, sum_sens = _sensitivities(flat, bounds)
        count_scale = _laplace_scale(count_sens, share) if m.agg in (Agg.COUNT, Agg.MEAN) else None
        sum_scale = _laplace_scale(sum_sens, share) if sum_sens is not None else None
        measures.append(DpMeasure(m.name, m.agg, m.column, bounds, share * (2 if m.agg is Agg.MEAN else 1),
                                  count_scale, sum_scale))
    return DpPlan(query, eps, tuple(categories), tuple(measures))


def dp_sql(p: DpPlan) -> str:
    """Exact integer aggregates per cell, over clamped values, in the sandbox."""
    keys = p.query.group_by
    outputs = [f"CAST({quote(k)} AS VARCHAR) AS k{i}" for i, k in enumerate(keys)]
    for i, m in enumerate(p.measures):
        col = quote(m.column) if m.column else None
        outputs.append(f"count({col or '*'}) AS c{i}")
        if m.bounds is not None and col:
            low, high = m.bounds
            outputs.append(f"sum(CAST(round(least(greatest({col}, {low}), {high})) AS BIGINT)) AS s{i}")
    inside = [f"CAST({quote(k)} AS VARCHAR) IN ({', '.join(_literal(c) for c in cats)})"
              for k, cats in zip(keys, p.categories, strict=True)]
    where = " AND ".join([f"({p.query.where})"] * bool(p.query.where) + inside) or None
    group = f" GROUP BY {', '.join(f'k{i}' for i in range(len(keys)))}" if keys else ""
    return f"SELECT {', '.join(outputs)} FROM data{where_clause(where)}{group}"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def privatize(p: DpPlan, tables: list[Table]) -> DpTable:
    """Runs in the sandbox process: OpenDP noise on every cell, then post-processing (means, clipping)."""
    keys = len(p.query.group_by)
    exact = {tuple(row[:keys]): row[keys:] for row in tables[0].rows}
    cells = p.cells
    index = {name: i for i, name in enumerate(tables[0].columns[keys:])}

    def noisy(column: str, scale: float) -> list[int]:
        values = [int(exact[c][index[column]] or 0) if c in exact else 0 for c in cells]
        return list(_laplace(scale)(values))

    columns: list[list[Any]] = []
    for i, m in enumerate(p.measures):
        counts = noisy(f"c{i}", m.count_scale) if m.count_scale is not None else None
        sums = noisy(f"s{i}", m.sum_scale) if m.sum_scale is not None else None
        if m.agg is Agg.COUNT and counts is not None:
            columns.append([max(0, c) for c in counts])
        elif m.agg is Agg.SUM and sums is not None:
            columns.append(sums)
        elif counts is not None and sums is not None and m.bounds is not None:  # mean, clamped to bounds
            low, high = m.bounds
            columns.append([min(high, max(low, s / c)) if c > 0 else None for s, c in zip(sums, counts,
                                                                                          strict=True)])
    rows = tuple((*cell, *(col[j] for col in columns)) for j, cell in enumerate(cells))
    scales = {m.name: {"count": m.count_scale, "sum": m.sum_scale} for m in p.measures}
    return DpTable(p.query.columns, rows, p.epsilon, scales)


def run_dp(sandbox: Sandbox, parquet: str, columns: Sequence[str], p: DpPlan) -> DpTable:
    """The DP table; the caller charges the grant's ε ledger *before* calling this."""
    result: DpTable = sandbox.run(parquet, columns, [dp_sql(p)], finish=partial(privatize, p))
    return result
