"""ACRO-style output checking of one table: rules per cell, suppression with margins, rounding.

Every cell and every margin (recomputed from the cells, never taken from the researcher) goes through
the data set's rules: minimum contributors (threshold), n-k dominance and the p-ratio (sum and mean
measures) and, when the data set says so, empty cells. Disclosive items are hidden (primary), then
more until none is recoverable from the rest (`suppression.protect`, secondary), then counts are
rounded. Each decision is an :class:`Evidence` record (rule, cell, measure, a sentence) that the audit
log stores: the rule and the threshold, never the hidden value itself, since the checker's record
would otherwise hold exactly what was withheld.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from siyada.dataspace.policy import Thresholds
from siyada.dataspace.query import Agg, ValidatedQuery
from siyada.dataspace.stats import CellStats, combine, empty, top_k
from siyada.dataspace.suppression import Equation, protect

TOTAL = "Total"


@dataclass(frozen=True)
class Evidence:
    rule: str  # threshold | dominance | p_ratio | zero | secondary | rounding | differencing | size
    cell: tuple[str, ...]  # the cell's key values as text (TOTAL in a margin's summed dimensions)
    measure: str | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReleasedTable:
    """What may leave: hidden cells are None; `margin[i]` tells a total row from a cell."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...] = ()
    margin: tuple[bool, ...] = ()
    hidden: tuple[int, ...] = ()  # row indices withheld (primary and secondary)
    evidence: tuple[Evidence, ...] = ()
    refused: str | None = None  # the whole table withheld, and why
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "rows": [list(r) for r in self.rows],
                "margin": list(self.margin), "hidden": list(self.hidden), "refused": self.refused,
                "evidence": [e.as_dict() for e in self.evidence], **self.extra}


@dataclass
class _Item:
    key: tuple[Any, ...]
    stats: CellStats
    margin: bool


def primary(stats: CellStats, query: ValidatedQuery, t: Thresholds) -> list[tuple[str, str | None, str]]:
    """The rules an item breaks: (rule, measure or None, why)."""
    if stats.n == 0:
        if not t.zeros_disclosive:
            return []
        return [("zero", None, "empty cell (zeros are disclosive for this data set)")]
    broken: list[tuple[str, str | None, str]] = []
    if stats.n < t.min_count:
        broken.append(("threshold", None, f"fewer than {t.min_count} records"))
    for i, m in enumerate(query.measures):
        few = 0 < stats.contributors[i] < t.min_count
        if few and stats.n >= t.min_count:
            broken.append(("threshold", m.name, f"fewer than {t.min_count} contributors"))
        total, tops = stats.abs_sums[i], stats.tops[i]
        if m.agg not in (Agg.SUM, Agg.MEAN) or not total or not tops:
            continue
        if sum(tops[: t.nk_n]) > t.nk_k * total:
            broken.append(("dominance", m.name,
                           f"the {t.nk_n} largest contributions exceed {t.nk_k:.0%} of the total"))
        second = tops[1] if len(tops) > 1 else 0.0
        if total - tops[0] - second < t.p_ratio * tops[0]:
            broken.append(("p_ratio", m.name, f"the total less the two largest is under {t.p_ratio:.0%} "
                                              "of the largest"))
    return broken


def _sort_key(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_sort_key(v) for v in value)
    return (1, "", 0) if value is None else (0, type(value).__name__, value)


def _order(values: Sequence[Any]) -> list[Any]:
    """Keys sorted, NULL last (a column of mixed types cannot come out of one GROUP BY)."""
    return sorted(set(values), key=_sort_key)


def _layout(query: ValidatedQuery, cells: dict[tuple[Any, ...], CellStats], k: int
            ) -> tuple[list[_Item], list[Equation]]:
    """Cells (empty ones of the grid included) and margins, with the equations that tie them."""
    width = len(query.measures)
    d = len(query.group_by)
    items: list[_Item] = []
    equations: list[Equation] = []
    if d == 0:
        return [_Item((), cells.get((), empty(width)), False)], []
    layers: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for key in cells:
        layers.setdefault(key[: max(d - 2, 0)], []).append(key)
    for prefix in _order(list(layers)):
        keys = layers[prefix]
        if d == 1:
            first = len(items)
            items += [_Item(key, cells[key], False) for key in _order(keys)]
            parts = tuple(range(first, len(items)))
            items.append(_Item((TOTAL,), combine([items[i].stats for i in parts], k), True))
            equations.append(Equation(len(items) - 1, parts))
            continue
        rows = _order([key[-2] for key in keys])
        cols = _order([key[-1] for key in keys])
        grid: dict[tuple[Any, Any], int] = {}
        for r in rows:
            for c in cols:
                grid[r, c] = len(items)
                items.append(_Item((*prefix, r, c), cells.get((*prefix, r, c), empty(width)), False))
        row_total, col_total = {}, {}
        for r in rows:
            parts = tuple(grid[r, c] for c in cols)
            row_total[r] = len(items)
            items.append(_Item((*prefix, r, TOTAL), combine([items[i].stats for i in parts], k), True))
            equations.append(Equation(row_total[r], parts))
        for c in cols:
            parts = tuple(grid[r, c] for r in rows)
            col_total[c] = len(items)
            items.append(_Item((*prefix, TOTAL, c), combine([items[i].stats for i in parts], k), True))
            equations.append(Equation(col_total[c], parts))
        grand = len(items)
        everything = combine([items[i].stats for i in grid.values()], k)
        items.append(_Item((*prefix, TOTAL, TOTAL), everything, True))
        equations.append(Equation(grand, tuple(row_total.values())))
        equations.append(Equation(grand, tuple(col_total.values())))
    return items, equations


def layout_size(query: ValidatedQuery, cells: dict[tuple[Any, ...], CellStats]) -> int:
    """Items the table will have (grid and margins), to refuse an oversized table before laying it out."""
    d = len(query.group_by)
    if d <= 1:
        return len(cells) + 1
    layers: dict[tuple[Any, ...], tuple[set[Any], set[Any]]] = {}
    for key in cells:
        rows, cols = layers.setdefault(key[:-2], (set(), set()))
        rows.add(key[-2])
        cols.add(key[-1])
    return sum((len(r) + 1) * (len(c) + 1) for r, c in layers.values())


def round_count(value: int, base: int) -> int:
    return base * ((value + base // 2) // base) if base > 1 else value


def check_table(
    query: ValidatedQuery, cells: dict[tuple[Any, ...], CellStats], t: Thresholds
) -> ReleasedTable:
    columns = query.columns
    size = layout_size(query, cells) * max(1, len(query.measures))
    if size > t.max_cells:
        return ReleasedTable(columns, refused=f"the table would have {size} cells, more than {t.max_cells}",
                             evidence=(Evidence("size", (), None, f"more than {t.max_cells} cells"),))
    items, equations = _layout(query, cells, top_k(t))
    evidence: list[Evidence] = []
    hidden: set[int] = set()
    for i, item in enumerate(items):
        for rule, measure, why in primary(item.stats, query, t):
            evidence.append(Evidence(rule, _label(item.key), measure, why))
            hidden.add(i)
    secondary = protect(equations, hidden, [it.stats.n for it in items], [it.margin for it in items])
    for i in sorted(secondary):
        evidence.append(Evidence("secondary", _label(items[i].key), None,
                                 "hidden so that no hidden cell follows from the margins"))
    hidden |= secondary
    rows = [(*item.key, *(_values(item, query, t.rounding_base) if i not in hidden else (None,) * len(
        query.measures))) for i, item in enumerate(items)]
    if t.rounding_base > 1 and any(m.agg is Agg.COUNT for m in query.measures):
        evidence.append(Evidence("rounding", (), None, f"counts rounded to multiples of {t.rounding_base}"))
    return ReleasedTable(columns, tuple(rows), tuple(it.margin for it in items), tuple(sorted(hidden)),
                         tuple(evidence))


def _values(item: _Item, query: ValidatedQuery, base: int) -> tuple[Any, ...]:
    out: list[Any] = []
    s = item.stats
    for i, m in enumerate(query.measures):
        if m.agg is Agg.COUNT:
            out.append(round_count(s.contributors[i], base))
        elif m.agg is Agg.SUM:
            out.append(s.sums[i])
        elif m.agg is Agg.MEAN:
            sums = s.sums[i]
            out.append(sums / s.contributors[i] if sums is not None and s.contributors[i] else None)
        else:
            out.append(s.quantiles[i])
    return tuple(out)


def _label(key: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple("NULL" if v is None else str(v) for v in key)
