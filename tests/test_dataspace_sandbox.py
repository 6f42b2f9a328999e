"""The sandbox assumes `validate` failed: statements that slipped past it, handed straight to the
executor, fail inside the locked connection (tested with DuckDB's own parse switched off, the lock
alone), and nothing they asked for happens; DuckDB's own parse then closes what the lock leaves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from siyada.dataspace.sandbox import Sandbox, SandboxError, SandboxLimits, Table, execute
from tests.dataspace_data import people

VIEW = ("region", "sex", "age", "income")  # the grant's columns: not person_id, not cin
LIMITS = SandboxLimits(memory_mb=256, threads=1, seconds=20, max_rows=1000)


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> str:
    return people(tmp_path_factory.mktemp("sandbox") / "people.parquet")


def run(parquet: str, sql: str, limits: SandboxLimits = LIMITS, check: bool = False) -> Table:
    tables: list[Table] = execute(parquet, VIEW, [sql], limits, check=check)
    return tables[0]


def test_the_view_answers_an_aggregate(parquet: str) -> None:
    table = run(parquet, "SELECT region, count(*) FROM data GROUP BY region ORDER BY region", check=True)
    assert table.rows == (("A", 300), ("B", 200), ("C", 100))


def test_the_lock_leaves_the_data_sets_own_file_and_duckdbs_parse_closes_it(parquet: str) -> None:
    own_file = f"SELECT cin FROM read_parquet('{parquet}') LIMIT 1"
    assert run(parquet, own_file).rows == (("CIN0",),)  # the lock alone: a column outside the grant
    for sql in (own_file, f"SELECT cin FROM '{parquet}'", "SELECT * FROM read_csv('/etc/passwd')",
                "SELECT count(*) FROM main.data", "COPY data TO '/tmp/x.csv'", "SET threads = 8",
                "SELECT 1; SELECT 2"):
        with pytest.raises(SandboxError, match="DuckDB r"):
            run(parquet, sql, check=True)


@pytest.mark.parametrize(
    ("sql", "why"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", "Permission"),
        ("SELECT * FROM read_text('/etc/hostname')", "Permission"),
        ("SELECT * FROM glob('/*')", "Permission"),
        ("INSTALL httpfs", "Permission"),
        ("LOAD httpfs", "Permission"),
        ("SET enable_external_access = true", "configuration"),
        ("SET lock_configuration = false", "configuration"),
        ("SET memory_limit = '100GB'", "configuration"),
        ("PRAGMA threads = 64", "configuration"),
        ("SELECT cin FROM data", "Binder"),  # columns outside the grant are not in the view
    ],
)
def test_escapes_fail_inside_the_locked_connection(parquet: str, sql: str, why: str) -> None:
    with pytest.raises(SandboxError, match=why):
        run(parquet, sql)


def test_copy_attach_and_export_write_nothing(parquet: str, tmp_path: Path) -> None:
    targets = {
        f"COPY data TO '{tmp_path / 'copy.csv'}'": tmp_path / "copy.csv",
        f"ATTACH '{tmp_path / 'other.db'}' AS other": tmp_path / "other.db",
        f"EXPORT DATABASE '{tmp_path / 'export'}'": tmp_path / "export",
    }
    for sql, target in targets.items():
        with pytest.raises(SandboxError, match="Permission"):
            run(parquet, sql)
        assert not target.exists()


def test_a_runaway_query_is_interrupted(parquet: str) -> None:
    limits = SandboxLimits(memory_mb=256, threads=1, seconds=1, max_rows=10)
    with pytest.raises(SandboxError, match="Interrupt"):
        run(parquet, "SELECT count(*) FROM range(1000000000000) a", limits)


def test_memory_is_bounded(parquet: str) -> None:
    with pytest.raises(SandboxError, match=r"(?i)memory"):
        run(parquet, "SELECT list(range) FROM range(200000000)", SandboxLimits(memory_mb=64, threads=1))


def test_a_row_level_result_is_cut_at_max_rows(parquet: str) -> None:
    with pytest.raises(SandboxError, match="more than 10 rows"):
        run(parquet, "SELECT * FROM data", SandboxLimits(max_rows=10))


def _pid(tables: list[Table]) -> int:
    return os.getpid()


def test_queries_run_in_another_process(parquet: str) -> None:
    sandbox = Sandbox.start(1, LIMITS)
    try:
        assert sandbox.run(parquet, VIEW, ["SELECT count(*) FROM data"], finish=_pid) != os.getpid()
        with pytest.raises(SandboxError, match="not read_csv"):
            sandbox.run(parquet, VIEW, ["SELECT * FROM read_csv('/etc/passwd')"])
        # The worker survives a refused statement and serves the next query.
        assert sandbox.run(parquet, VIEW, ["SELECT count(*) FROM data"])[0].rows == ((600,),)
    finally:
        sandbox.close()


def test_a_runaway_query_in_a_worker_is_stopped_and_the_worker_serves_again(parquet: str) -> None:
    sandbox = Sandbox.start(1, SandboxLimits(memory_mb=256, threads=1, seconds=1))
    try:
        with pytest.raises(SandboxError, match="Interrupt"):
            # 600^5 pairs of pairs: hours of work, over nothing but the view.
            sandbox.run(parquet, VIEW, ["SELECT count(*) FROM data a, data b, data c, data d, data e"])
        assert sandbox.run(parquet, VIEW, ["SELECT count(*) FROM data"])[0].rows == ((600,),)
    finally:
        sandbox.close()
