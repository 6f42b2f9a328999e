"""What the output checks need per cell, computed in the sandbox beside the researcher's measures.

For each group the statistics query returns the number of records, and per measure the number of
contributors, the sum, the sum of absolute values and the largest absolute contributions (DuckDB's
`max(x, n)`): enough to run every rule on the cells *and* on margins recomputed from them, without a
second pass over the data and without any record leaving the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from siyada.dataspace.policy import Thresholds
from siyada.dataspace.query import Agg, ValidatedQuery, group_clause, measure_sql, quote, where_clause
from siyada.dataspace.sandbox import Table


@dataclass(frozen=True)
class CellStats:
    n: int  # records in the cell
    contributors: tuple[int, ...]  # per measure: records with a non-null value
    sums: tuple[float | None, ...]  # per measure: sum of values (sum and mean measures)
    abs_sums: tuple[float | None, ...]  # per measure: sum of absolute values (dominance)
    tops: tuple[tuple[float, ...], ...]  # per measure: largest absolute contributions, descending
    quantiles: tuple[float | None, ...]  # per measure: the exact quantile (quantile measures)


def top_k(thresholds: Thresholds) -> int:
    return max(thresholds.nk_n, 2)  # the p-ratio rule needs the two largest


def stats_sql(query: ValidatedQuery, thresholds: Thresholds) -> str:
    k = top_k(thresholds)
    outputs = [f"{quote(key)} AS k{i}" for i, key in enumerate(query.group_by)] + ["count(*) AS n"]
    for i, m in enumerate(query.measures):
        col = quote(m.column) if m.column else None
        outputs.append(f"count({col or '*'}) AS c{i}")
        if m.agg in (Agg.SUM, Agg.MEAN) and col:
            outputs += [f"sum({col})::DOUBLE AS s{i}", f"sum(abs({col}))::DOUBLE AS a{i}",
                        f"max(abs({col})::DOUBLE, {k}) AS t{i}"]
        if m.agg is Agg.QUANTILE:
            outputs.append(f"{measure_sql(m)}::DOUBLE AS q{i}")
    return (f"SELECT {', '.join(outputs)} FROM data{where_clause(query.where)}"
            f"{group_clause(query.group_by)}")


def parse(query: ValidatedQuery, table: Table) -> dict[tuple[Any, ...], CellStats]:
    """Cells keyed by their group-key values."""
    index = {name: i for i, name in enumerate(table.columns)}
    keys = len(query.group_by)
    width = range(len(query.measures))
    cells: dict[tuple[Any, ...], CellStats] = {}
    for row in table.rows:
        def get(name: str, row: tuple[Any, ...] = row) -> Any:
            return row[index[name]] if name in index else None

        cells[tuple(row[:keys])] = CellStats(
            n=int(get("n")),
            contributors=tuple(int(get(f"c{i}") or 0) for i in width),
            sums=tuple(_float(get(f"s{i}")) for i in width),
            abs_sums=tuple(_float(get(f"a{i}")) for i in width),
            tops=tuple(tuple(float(v) for v in (get(f"t{i}") or ())) for i in width),
            quantiles=tuple(_float(get(f"q{i}")) for i in width),
        )
    return cells


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def combine(cells: list[CellStats], k: int) -> CellStats:
    """A margin's statistics from its cells' (quantiles do not combine: a margin has none)."""
    width = len(cells[0].contributors) if cells else 0

    def add(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return sum(present) if present else None

    return CellStats(
        n=sum(c.n for c in cells),
        contributors=tuple(sum(c.contributors[i] for c in cells) for i in range(width)),
        sums=tuple(add([c.sums[i] for c in cells]) for i in range(width)),
        abs_sums=tuple(add([c.abs_sums[i] for c in cells]) for i in range(width)),
        tops=tuple(
            tuple(sorted((v for c in cells for v in c.tops[i]), reverse=True)[:k]) for i in range(width)
        ),
        quantiles=(None,) * width,
    )


def empty(width: int) -> CellStats:
    """A cell the data has no record in (a zero of the grid)."""
    return CellStats(0, (0,) * width, (None,) * width, (None,) * width, ((),) * width, (None,) * width)
