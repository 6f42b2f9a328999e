"""DP mode: invalid ε and missing bounds refused before anything runs; noise from OpenDP's maps,
applied in the sandbox; every public category present; the query's ε split over its measures."""

from __future__ import annotations

import math
from collections.abc import Iterator

import opendp.prelude as dp_lib
import pytest

from siyada.dataspace import dp, engine
from siyada.dataspace.policy import Column, Kind, Policy
from siyada.dataspace.sandbox import Sandbox
from siyada.dataspace.sql import validate
from tests.dataspace_data import people, policy, started_sandbox

COUNT = "SELECT region, sex, count(*) AS n FROM data GROUP BY region, sex"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with started_sandbox() as box:
        yield box


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> str:
    return people(tmp_path_factory.mktemp("dp") / "people.parquet")


@pytest.mark.parametrize("epsilon", [-1.0, 0, 0.0, math.nan, math.inf, -math.inf, "0.5", None, True, 1e9])
def test_invalid_epsilon_is_refused_before_planning(epsilon: object) -> None:
    with pytest.raises(dp.DpRefused, match="epsilon"):
        dp.plan(validate(COUNT, policy()), policy(), epsilon)


def test_sum_without_bounds_is_refused() -> None:
    p = Policy.of([Column("region", Kind.QUASI, categories=("A",)), Column("income", numeric=True)])
    with pytest.raises(dp.DpRefused, match="bounds"):
        dp.plan(validate("SELECT region, sum(income) FROM data GROUP BY region", p), p, 1.0)


def test_grouping_needs_public_categories_and_quantiles_are_not_offered() -> None:
    p = Policy.of([Column("town", Kind.QUASI), Column("income", numeric=True, bounds=(0, 10))])
    with pytest.raises(dp.DpRefused, match="categories"):
        dp.plan(validate("SELECT town, count(*) FROM data GROUP BY town", p), p, 1.0)
    with pytest.raises(dp.DpRefused, match="quantiles"):
        dp.plan(validate("SELECT median(income) FROM data", p), p, 1.0)


def test_epsilon_is_split_and_each_share_holds_under_opendps_map() -> None:
    q = validate("SELECT region, count(*) n, sum(income) s, avg(income) a FROM data GROUP BY region",
                 policy())
    plan = dp.plan(q, policy(), 1.0)
    assert math.isclose(sum(m.epsilon for m in plan.measures), 1.0)
    dp_lib.enable_features("contrib")
    for m in plan.measures:
        for scale, sensitivity in ((m.count_scale, 1), (m.sum_scale, 100_000)):
            if scale is not None:
                laplace = dp_lib.m.make_laplace(
                    dp_lib.vector_domain(dp_lib.atom_domain(T="i64")), dp_lib.l1_distance(T="i64"), scale)
                share = m.epsilon / (2 if m.agg.value == "mean" else 1)
                assert laplace.map(sensitivity) <= share + 1e-12


def test_a_dp_table_has_every_category_and_noise(sandbox: Sandbox, parquet: str) -> None:
    p = policy()
    plan = dp.plan(validate(COUNT, p), p, 0.2)  # Laplace scale 1/ε = 5
    first = dp.run_dp(sandbox, parquet, engine.view_columns(p), plan)
    second = dp.run_dp(sandbox, parquet, engine.view_columns(p), plan)
    assert [r[:2] for r in first.rows] == [(r, s) for r in ("A", "B", "C") for s in ("F", "M")]
    exact = {("A", "F"): 150, ("A", "M"): 150, ("B", "F"): 100, ("B", "M"): 100,
             ("C", "F"): 3, ("C", "M"): 97}
    assert first.rows != second.rows  # fresh noise each run (6 cells at scale 5: all equal, p < 1e-7)
    errors = [abs(row[2] - exact[row[:2]]) for row in first.rows + second.rows]
    assert all(row[2] >= 0 for row in first.rows)  # clipped, post-processing
    assert sum(errors) / len(errors) < 25  # mean |error| is about 5; 25 over 12 draws is beyond belief
    assert first.epsilon == 0.2 and first.scales["n"]["count"] == pytest.approx(5.0, rel=1e-3)


def test_a_dp_mean_stays_within_the_bounds(sandbox: Sandbox, parquet: str) -> None:
    p = policy()
    plan = dp.plan(validate("SELECT region, avg(income) AS a FROM data GROUP BY region", p), p, 0.5)
    table = dp.run_dp(sandbox, parquet, engine.view_columns(p), plan)
    assert [r[0] for r in table.rows] == ["A", "B", "C"]
    assert all(r[1] is None or 0 <= r[1] <= 100_000 for r in table.rows)
