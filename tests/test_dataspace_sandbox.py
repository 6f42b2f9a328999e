"""The sandbox assumes `validate` failed: statements that slipped past it, handed straight to the
executor, fail inside the locked connection (tested with DuckDB's own parse switched off, the lock
alone), and nothing they asked for happens; DuckDB's own parse then closes what the lock leaves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from siyada.dataspace import views
from siyada.dataspace.sandbox import Sandbox, SandboxError, SandboxLimits, Table, execute
from tests.dataspace_data import people, write

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


# ---- a grant's locked view, reused --------------------------------------------------------------------
def _opened(tables: list[Table]) -> tuple[int, int, tuple[tuple[object, ...], ...]]:
    """In the worker: its pid, the connections it has opened, the first table's rows."""
    return os.getpid(), views.CACHE.opened, tables[0].rows


def test_a_grants_next_query_reuses_its_locked_view_and_a_changed_file_or_view_does_not(
    tmp_path: Path,
) -> None:
    data = people(tmp_path / "people.parquet")
    count = ["SELECT count(*) FROM data"]
    sandbox = Sandbox.start(1, LIMITS)
    try:
        pid, first, rows = sandbox.run(data, VIEW, count, finish=_opened)
        assert rows == ((600,),)
        for _ in range(3):  # the same file, columns and limits: the same connection
            assert sandbox.run(data, VIEW, count, finish=_opened) == (pid, first, ((600,),))
        # Other columns: another view, another connection.
        assert sandbox.run(data, ("region", "sex"), count, finish=_opened)[1] == first + 1
        # The file changed (another size and mtime): a new connection, which reads the new rows.
        write(tmp_path / "people.parquet", "SELECT 'A' AS region, 'F' AS sex, 30 AS age, 1.0 AS income")
        assert sandbox.run(data, VIEW, count, finish=_opened)[1:] == (first + 2, ((1,),))
    finally:
        sandbox.close()


# Each pair: a statement that leaves state behind if it can, then one that would see it. With
# DuckDB's parse off (the lock alone), on the same reused connection.
LEFTOVERS = [
    ("CREATE TEMP TABLE leak AS SELECT 42 AS n", "SELECT n FROM leak"),
    ("SET VARIABLE leak = 42", "SELECT getvariable('leak') IS NULL AS gone"),
    ("PREPARE leak AS SELECT 42", "EXECUTE leak"),
    ("CREATE TEMP MACRO leak() AS 42", "SELECT leak()"),
    ("SET search_path = 'system.main'", "SELECT count(*) FROM data"),
]


@pytest.mark.parametrize(("make", "probe"), LEFTOVERS)
def test_reuse_carries_no_state_from_one_query_to_the_next(parquet: str, make: str, probe: str) -> None:
    run(parquet, "SELECT count(*) FROM data")
    before = views.CACHE.opened
    run(parquet, make)  # allowed in its own client context, which ends with it
    try:
        rows = run(parquet, probe).rows
    except SandboxError as exc:
        assert "Catalog" in exc.reason or "Binder" in exc.reason
    else:
        assert rows in (((True,),), ((600,),))
    assert views.CACHE.opened == before  # all of it on the one reused connection


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE leak AS SELECT count(*) AS n FROM data",
        "CREATE OR REPLACE VIEW data AS SELECT 'A' AS region, 'F' AS sex, 1 AS age, 1.0 AS income",
        "COMMENT ON VIEW data IS 'leak'",
        "CREATE MACRO leak() AS 42",
        "CREATE SEQUENCE leak",
        "CREATE SCHEMA leak",
        "ATTACH ':memory:' AS leak",
        "DETACH view",
        "DROP VIEW data",
    ],
)
def test_the_shared_database_cannot_be_written_even_past_both_parsers(parquet: str, sql: str) -> None:
    with pytest.raises(SandboxError):
        run(parquet, sql)
    assert run(parquet, "SELECT count(*), min(region) FROM data").rows == ((600, "A"),)
    with pytest.raises(SandboxError, match="Catalog"):
        run(parquet, "SELECT * FROM leak")


def test_the_gate_admits_one_select_over_data_only_on_a_reused_connection(parquet: str) -> None:
    run(parquet, "SELECT count(*) FROM data", check=True)
    for sql in ("SET VARIABLE leak = 42", "CREATE TEMP TABLE leak AS SELECT 1", "PREPARE leak AS SELECT 1",
                "ATTACH ':memory:' AS leak", "CREATE TEMP MACRO leak() AS 1", "SELECT getvariable('leak')"
                " FROM duckdb_databases()", "SET search_path = 'system.main'"):
        with pytest.raises(SandboxError, match="DuckDB r"):
            run(parquet, sql, check=True)


def test_a_seed_set_by_one_query_is_not_the_next_ones(parquet: str) -> None:
    seeded = execute(parquet, VIEW, ["SELECT setseed(0.5)", "SELECT random()"], LIMITS, check=False)[1]
    again = run(parquet, "SELECT random()")  # the same connection, a fresh client context
    assert again.rows != seeded.rows


def test_a_failed_or_interrupted_query_closes_its_connection(parquet: str) -> None:
    limits = SandboxLimits(memory_mb=256, threads=1, seconds=1, max_rows=10)
    run(parquet, "SELECT count(*) FROM data", limits)
    opened = views.CACHE.opened
    run(parquet, "SELECT count(*) FROM data", limits)
    assert views.CACHE.opened == opened  # reused
    with pytest.raises(SandboxError, match="Interrupt"):
        run(parquet, "SELECT count(*) FROM range(1000000000000) a", limits)
    run(parquet, "SELECT count(*) FROM data", limits)
    assert views.CACHE.opened == opened + 1  # not the interrupted query's connection


def _spin(tables: list[Table]) -> None:
    while True:  # a job that never ends, in Python: the kernel's CPU limit ends it
        pass


def test_a_worker_killed_over_its_limit_takes_its_cache_with_it(parquet: str) -> None:
    sandbox = Sandbox.start(1, SandboxLimits(memory_mb=256, threads=1, seconds=1))
    try:
        count = ["SELECT count(*) FROM data"]
        pid, opened, _ = sandbox.run(parquet, VIEW, count, finish=_opened)
        assert sandbox.run(parquet, VIEW, count, finish=_opened)[:2] == (pid, opened)
        with pytest.raises(SandboxError, match="too complex"):
            sandbox.run(parquet, VIEW, count, finish=_spin)
        new_pid, new_opened, rows = sandbox.run(parquet, VIEW, count, finish=_opened)
        assert (new_pid != pid, new_opened, rows) == (True, 1, ((600,),))
    finally:
        sandbox.close()
