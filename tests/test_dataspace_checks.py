"""Output checks through the real sandbox: the cell of 3 people is hidden and cannot be recovered
from what is released (linear algebra and the LP bounds an attacker would solve), dominance and
p-ratio on sums, zeros, rounding, differencing against earlier releases, bounded tables."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linprog

from siyada.dataspace import engine
from siyada.dataspace.checks import TOTAL, ReleasedTable, _layout, check_table
from siyada.dataspace.differencing import Prior
from siyada.dataspace.policy import Thresholds
from siyada.dataspace.query import Agg, Measure, ValidatedQuery
from siyada.dataspace.sandbox import Sandbox
from siyada.dataspace.sql import validate
from siyada.dataspace.stats import CellStats
from siyada.dataspace.suppression import Equation, recoverable
from tests.dataspace_data import people, policy, started_sandbox, write

EXACT = Thresholds(rounding_base=1)  # no rounding: the attacker's equations hold exactly


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with started_sandbox() as box:
        yield box


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> str:
    return people(tmp_path_factory.mktemp("checks") / "people.parquet")


def table(sandbox: Sandbox, parquet: str, sql: str, thresholds: Thresholds = EXACT,
          priors: tuple[Prior, ...] = ()) -> ReleasedTable:
    p = policy(thresholds)
    return engine.run_table(sandbox, parquet, p, validate(sql, p), priors)


def row_of(t: ReleasedTable, *key: str) -> int:
    return next(i for i, row in enumerate(t.rows) if row[: len(key)] == key)


def lp_interval(t: ReleasedTable, target: int) -> tuple[float, float]:
    """The tightest bounds on a hidden 2-key count from the released cells and margins (x ≥ 0)."""
    keys = len(t.columns) - 1
    index = {row[:keys]: i for i, row in enumerate(t.rows)}
    hidden = sorted(t.hidden)
    var = {i: j for j, i in enumerate(hidden)}
    rows = sorted({k[0] for k in index if k[0] != TOTAL})
    cols = sorted({k[1] for k in index if k[1] != TOTAL})
    lines = [((r, TOTAL), [(r, c) for c in cols]) for r in rows]
    lines += [((TOTAL, c), [(r, c) for r in rows]) for c in cols]
    lines += [((TOTAL, TOTAL), [(r, TOTAL) for r in rows]), ((TOTAL, TOTAL), [(TOTAL, c) for c in cols])]
    a_eq, b_eq = [], []
    for total, parts in lines:
        coef, rhs = np.zeros(len(hidden)), 0.0
        for sign, key in [(-1.0, total)] + [(1.0, p) for p in parts]:
            i = index[key]
            if i in var:
                coef[var[i]] += sign
            else:
                rhs -= sign * t.rows[i][-1]
        a_eq.append(coef)
        b_eq.append(rhs)
    goal = np.zeros(len(hidden))
    goal[var[target]] = 1.0
    low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
    high = -linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
    return low, high


def test_a_cell_of_three_is_hidden_and_not_recoverable(sandbox: Sandbox, parquet: str) -> None:
    t = table(sandbox, parquet, "SELECT region, sex, count(*) AS n FROM data GROUP BY region, sex")
    three = row_of(t, "C", "F")
    assert three in t.hidden and t.rows[three][-1] is None
    assert any(e.rule == "threshold" and e.cell == ("C", "F") for e in t.evidence)
    # Margins are released, recomputed from the cells: the grand total is everybody.
    assert t.rows[row_of(t, TOTAL, TOTAL)][-1] == 600 and t.rows[row_of(t, "C", TOTAL)][-1] == 100
    # Row and column of the hidden cell each hold another hidden item ("total minus the others" fails).
    for line in (lambda k: k[0] == "C", lambda k: k[1] == "F"):
        assert sum(1 for i in t.hidden if line(t.rows[i][:2])) >= 2
    # The strongest attack on a released table: the LP over every released cell and margin.
    low, high = lp_interval(t, three)
    assert low < 3 < high and high - low >= 10


def test_without_secondary_suppression_the_cell_would_follow_from_the_margin(sandbox: Sandbox,
                                                                              parquet: str) -> None:
    t = table(sandbox, parquet, "SELECT sex, count(*) FROM data WHERE region = 'C' GROUP BY sex")
    assert set(t.hidden) == {0, 1} and t.rows[2] == (TOTAL, 100)
    # The primary suppression alone (cell 0) is recoverable: 100 minus the other cell.
    assert recoverable([Equation(2, (0, 1))], {0}) == {0}
    assert recoverable([Equation(2, (0, 1))], set(t.hidden)) == set()


def test_dominance_and_p_ratio_hide_a_sum_dominated_by_one_person(sandbox: Sandbox, parquet: str) -> None:
    t = table(sandbox, parquet, "SELECT region, sex, count(*), sum(income) FROM data GROUP BY region, sex")
    rules = {e.rule for e in t.evidence if e.cell == ("A", "M")}
    assert {"dominance", "p_ratio"} <= rules and row_of(t, "A", "M") in t.hidden
    assert row_of(t, "A", "F") not in t.hidden  # a cell of 150 ordinary incomes is released


def test_rounding_to_the_data_sets_base(sandbox: Sandbox, parquet: str) -> None:
    t = table(sandbox, parquet, "SELECT region, count(*) FROM data WHERE age < 60 GROUP BY region",
              Thresholds(rounding_base=5))
    released = [row[-1] for i, row in enumerate(t.rows) if i not in t.hidden]
    assert released and all(v % 5 == 0 for v in released)
    assert any(e.rule == "rounding" for e in t.evidence)


def test_zeros_are_hidden_when_the_data_set_says_so(tmp_path: Path, sandbox: Sandbox) -> None:
    parquet = write(tmp_path / "z.parquet", """
        SELECT CASE WHEN i < 100 THEN 'A' ELSE 'B' END AS region,
               CASE WHEN i < 100 THEN 'F' WHEN i < 150 THEN 'F' ELSE 'M' END AS sex,
               40 AS age, 1000.0 AS income, i AS person_id, 'x' || i AS cin FROM range(200) t(i)""")
    sql = "SELECT region, sex, count(*) FROM data GROUP BY region, sex"
    zero = table(sandbox, parquet, sql, Thresholds(rounding_base=1, zeros_disclosive=True))
    assert row_of(zero, "A", "M") in zero.hidden and any(e.rule == "zero" for e in zero.evidence)
    shown = table(sandbox, parquet, sql, Thresholds(rounding_base=1, zeros_disclosive=False))
    assert shown.rows[row_of(shown, "A", "M")][-1] == 0


def test_differencing_pair_is_refused(sandbox: Sandbox, parquet: str) -> None:
    p = policy(EXACT)
    first = validate("SELECT region, count(*) FROM data WHERE age >= 30 GROUP BY region", p)
    released = engine.run_table(sandbox, parquet, p, first)
    assert released.refused is None  # alone, every cell is large
    second = validate("SELECT region, count(*) FROM data WHERE age >= 31 GROUP BY region", p)
    alone = engine.run_table(sandbox, parquet, p, second)
    assert alone.refused is None
    together = engine.run_table(sandbox, parquet, p, second, [Prior(first, "rel-1")])
    assert together.refused and not together.rows  # region B differs by the one person aged 30
    assert any(e.rule == "differencing" and e.cell == ("B",) and "rel-1" in e.detail
               for e in together.evidence)
    # A coarser table (no key) still shares the grand total with the first: refused too.
    total = validate("SELECT count(*) FROM data WHERE age >= 31", p)
    assert engine.run_table(sandbox, parquet, p, total, [Prior(first, "rel-1")]).refused


def test_differencing_allows_large_differences(sandbox: Sandbox, parquet: str) -> None:
    p = policy(EXACT)
    first = validate("SELECT region, count(*) FROM data WHERE age >= 30 GROUP BY region", p)
    other = validate("SELECT region, count(*) FROM data WHERE age >= 50 GROUP BY region", p)
    assert engine.run_table(sandbox, parquet, p, other, [Prior(first, "rel-1")]).refused is None


def test_an_oversized_table_is_refused_not_laid_out() -> None:
    query = ValidatedQuery(("a", "b"), (Measure(Agg.COUNT, None, "n"),), None, ("a", "b"))
    cell = CellStats(20, (20,), (None,), (None,), ((),), (None,))
    cells = {(i, j): cell for i in range(200) for j in range(60)}
    out = check_table(query, cells, Thresholds(max_cells=10_000))
    assert out.refused and "more than 10000" in out.refused and not out.rows


def _random_cells(rng: random.Random, keys: int) -> dict[tuple[Any, ...], CellStats]:
    shape = [rng.randint(1, 4) for _ in range(keys)]
    cells = {}
    for key in np.ndindex(*shape):
        n = rng.choice([0, 0, 1, 2, 3, 5, 9, 10, 12, 40, 100])
        if n:
            cells[tuple(int(k) for k in key)] = CellStats(n, (n,), (None,), (None,), ((),), (None,))
    return cells


@pytest.mark.parametrize("keys", [1, 2, 3])
def test_no_hidden_item_is_ever_recoverable(keys: int) -> None:
    """Property over 150 random tables: after checking, no hidden item follows linearly from the rest."""
    rng = random.Random(22)
    names = tuple(f"k{i}" for i in range(keys))
    query = ValidatedQuery(names, (Measure(Agg.COUNT, None, "n"),), None, names)
    for _ in range(50):
        cells = _random_cells(rng, keys)
        if not cells:
            continue
        out = check_table(query, cells, EXACT)
        items, equations = _layout(query, cells, 2)
        assert len(items) == len(out.rows)
        assert recoverable(equations, set(out.hidden)) == set()
        for i, item in enumerate(items):  # every small non-empty cell is hidden
            if 0 < item.stats.n < 10:
                assert i in out.hidden
