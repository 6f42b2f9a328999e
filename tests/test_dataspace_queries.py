"""Issue 22's acceptance through the HTTP API: queries under a grant, the output checks, the ε ledger
and the airlock, on a census-like data set of the engine's generator uploaded as Parquet.

Nothing is mocked: a real server, the sandbox's DuckDB workers, the audit chain verified by the CLI.
"Nothing ran" is read from `/metrics` (jobs handed to the sandbox), the ledger and the outputs list.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from siyada.dataspace import census
from tests.dataspace_world import COMPLETE, World, start_world, stop_world
from tests.server import cli

DAKHLA = "Dakhla-Oued Ed-Dahab"
# `fiche` (a questionnaire number) is unique: granted, but no query may group, filter or count by it.
COLUMNS = ["region", "province", "age", "sex", "education", "activity", "income", "household_size", "fiche"]


def census_parquet(path: Path) -> bytes:
    """3,000 generated records, then exactly 3 people (women) in Dakhla: a cell of 3 in region × sex."""
    raw = path / "raw.parquet"
    census.generate(str(raw), 3000, seed=11)
    out = path / "census.parquet"
    con = duckdb.connect()
    try:
        con.execute(f"""COPY (
            SELECT person_id,
                   CASE WHEN person_id < 3 THEN '{DAKHLA}'
                        WHEN region = '{DAKHLA}' THEN 'Souss-Massa' ELSE region END AS region,
                   province, commune, age,
                   CASE WHEN person_id < 3 THEN 'F' ELSE sex END AS sex,
                   education, activity, income, household_size,
                   'Q' || lpad(CAST(person_id * 7919 % 100003 AS VARCHAR), 6, '0') AS fiche
            FROM read_parquet('{raw}')) TO '{out}' (FORMAT parquet)""")
    finally:
        con.close()
    return out.read_bytes()


def key_id(w: World, who: str) -> int:
    keys = json.loads(cli(w.data_dir, "keys", "list", "--json").stdout)
    return next(k["id"] for k in keys if w.keys[who].startswith(k["prefix"]))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = start_world(tmp_path_factory.mktemp("dsq"))
    yield w
    stop_world(w)


@pytest.fixture(scope="module")
def dataset(world: World, tmp_path_factory: pytest.TempPathFactory) -> str:
    data = census_parquet(tmp_path_factory.mktemp("census"))
    r = world.upload("owner_admin", data, name="census.parquet")
    assert r.status_code == 201, r.text
    ds = r.json()["id"]
    card = {
        **COMPLETE["card"],
        "bounds": {"age": {"lower": 0, "upper": 110}, "income": {"lower": 0, "upper": 200000},
                   "household_size": {"lower": 1, "upper": 20}},
        "categories": {"sex": ["F", "M"]},
        "checkers": [key_id(world, "owner_user")],
    }  # fmt: skip
    roles = {"person_id": "direct", "fiche": "quasi"}
    patch = {"columns": roles, "metadata": COMPLETE["metadata"], "card": card}
    world.ok("owner_admin", "PATCH", f"/v1/dataspace/datasets/{ds}", json=patch)
    world.ok("owner_admin", "POST", f"/v1/dataspace/datasets/{ds}/publish")
    return ds


def new_grant(w: World, ds: str, epsilon: float = 1.0, who: str = "researcher") -> str:
    ask = {"dataset": ds, "purpose": "Structure des ménages par région", "columns": COLUMNS,
           "modes": ["table", "sql", "dp"], "duration_days": 30, "epsilon": epsilon}  # fmt: skip
    req = w.ok(who, "POST", "/v1/dataspace/requests", json=ask)["id"]
    return w.ok("owner_admin", "POST", f"/v1/dataspace/requests/{req}/approve", json={})["grant"]


def jobs(w: World) -> float:
    text = w.http.get("/metrics").text
    line = next(x for x in text.splitlines() if x.startswith("siyada_dataspace_sandbox_jobs "))
    return float(line.split()[1])


def outputs_of(w: World, grant: str, who: str = "researcher") -> list[dict[str, Any]]:
    data = w.ok(who, "GET", "/v1/dataspace/outputs")["data"]
    return [o for o in data if o["grant"] == grant]


def query(w: World, grant: str, who: str = "researcher", **body: Any) -> Any:
    return w.call(who, "POST", "/v1/dataspace/queries", json={"grant": grant, **body})


def fresh_researcher(w: World, name: str) -> str:
    """A new key of the lab: its tables start with no earlier ones to be compared with."""
    w.keys[name] = w.server.key("lab", "user")
    return name


def recoverable(rows: list[list[Any]], target: int) -> bool:
    """Whether the hidden row `target` of a two-key table follows from the released values: its unit
    vector lies in the row space of the margin equations restricted to the hidden rows."""
    at = {(r[0], r[1]): i for i, r in enumerate(rows)}
    keys_r = sorted({r[0] for r in rows} - {"Total"})
    keys_c = sorted({r[1] for r in rows} - {"Total"})
    groups = [(at[r, "Total"], [at[r, c] for c in keys_c]) for r in keys_r]
    groups += [(at["Total", c], [at[r, c] for r in keys_r]) for c in keys_c]
    groups += [(at["Total", "Total"], [at[r, "Total"] for r in keys_r]),
               (at["Total", "Total"], [at["Total", c] for c in keys_c])]  # fmt: skip
    equations = []
    for head, parts in groups:
        vec = np.zeros(len(rows))
        vec[head] = -1
        vec[parts] = 1
        equations.append(vec)
    hidden = [i for i, r in enumerate(rows) if r[2] is None]
    a = np.array(equations)[:, hidden]
    unit = np.zeros(len(hidden))
    unit[hidden.index(target)] = 1
    return bool(np.linalg.matrix_rank(np.vstack([a, unit])) == np.linalg.matrix_rank(a))


def test_a_cell_of_three_is_suppressed_and_not_recoverable_from_the_margins(
    world: World, dataset: str
) -> None:
    grant = new_grant(world, dataset)
    r = query(world, grant, mode="table", table={"group_by": ["region", "sex"],
                                                 "measures": [{"agg": "count"}]})  # fmt: skip
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["status"] == "pending" and out["table"] is None  # the researcher sees no pending table
    # The checker reads why each cell is hidden; the researcher only how many ("zero" would tell him
    # that the men of Dakhla number exactly none).
    checked = world.ok("owner_admin", "GET", f"/v1/dataspace/outputs/{out['id']}")
    assert any(c["rule"] == "threshold" and c["cell"][:2] == [DAKHLA, "F"] for c in checked["checks"])
    assert any(c["rule"] == "zero" and c["cell"][:2] == [DAKHLA, "M"] for c in checked["checks"])
    assert any(c["rule"] == "secondary" for c in checked["checks"])
    assert all(c["cell"] == [] for c in out["checks"]) and "suppression" in {c["rule"] for c in out["checks"]}
    table = checked["table"]
    rows = table["rows"]
    target = next(i for i, row in enumerate(rows) if row[:2] == [DAKHLA, "F"])
    assert rows[target][2] is None
    assert not recoverable(rows, target)
    assert all(v is None or v % 5 == 0 for _, _, v in rows)  # counts rounded
    # The checker's release is what the researcher downloads: the cell is still empty there.
    world.ok("owner_admin", "POST", f"/v1/dataspace/outputs/{out['id']}/approve")
    got = world.call("researcher", "GET", f"/v1/dataspace/outputs/{out['id']}/download")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(got.text)))
    assert [DAKHLA, "F", ""] in lines


def test_the_differencing_pair_is_refused(world: World, dataset: str) -> None:
    who = fresh_researcher(world, "pair")
    grant = new_grant(world, dataset, who=who)
    sql = "SELECT region, count(*) AS n FROM data WHERE age >= {} GROUP BY region"
    first = query(world, grant, who, mode="sql", sql=sql.format(30))
    assert first.status_code == 201 and first.json()["status"] == "pending", first.text
    second = query(world, grant, who, mode="sql", sql=sql.format(31))
    assert second.status_code == 201, second.text
    assert second.json()["status"] == "refused"
    assert any(c["rule"] == "differencing" for c in second.json()["checks"])
    refused = world.ok("owner_admin", "GET", f"/v1/dataspace/outputs/{second.json()['id']}")
    assert refused["table"] is None  # nothing of the refused table is kept
    download = f"/v1/dataspace/outputs/{second.json()['id']}/download"
    assert world.call(who, "GET", download).status_code == 403


def test_a_second_grant_does_not_reset_the_differencing_defence(world: World, dataset: str) -> None:
    who = fresh_researcher(world, "two_grants")
    sql = "SELECT region, count(*) AS n FROM data WHERE age >= {} GROUP BY region"
    first = query(world, new_grant(world, dataset, who=who), who, mode="sql", sql=sql.format(30))
    assert first.json()["status"] == "pending", first.text
    second = query(world, new_grant(world, dataset, who=who), who, mode="sql", sql=sql.format(31))
    assert second.status_code == 201 and second.json()["status"] == "refused", second.text


def test_earlier_tables_on_other_columns_are_still_compared(world: World, dataset: str) -> None:
    """The comparison with a table filtered on a column this grant lacks failed in the sandbox (422)."""
    who = fresh_researcher(world, "narrow")
    wide = new_grant(world, dataset, who=who)
    sql = "SELECT sex, count(*) AS n FROM data WHERE age >= 30 GROUP BY sex"
    assert query(world, wide, who, mode="sql", sql=sql).json()["status"] == "pending"
    ask = {"dataset": dataset, "purpose": "Répartition par sexe seulement", "columns": ["sex"],
           "modes": ["sql"], "duration_days": 5}  # fmt: skip
    req = world.ok(who, "POST", "/v1/dataspace/requests", json=ask)["id"]
    narrow = world.ok("owner_admin", "POST", f"/v1/dataspace/requests/{req}/approve", json={})["grant"]
    r = query(world, narrow, who, mode="sql", sql="SELECT sex, count(*) AS n FROM data GROUP BY sex")
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    # The widened view serves the comparison only: this grant's own query still cannot name age.
    r = query(
        world, narrow, who, mode="sql", sql="SELECT sex, count(*) AS n FROM data WHERE age > 1 GROUP BY sex"
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "column_not_granted", r.text


ATTACKS = [
    "SELECT count(*) FROM read_csv('/etc/passwd')",
    "COPY data TO '/tmp/stolen.csv'",
    "ATTACH '/tmp/x.db' AS x",
    "PRAGMA database_list",
    "INSTALL httpfs",
    "SELECT * FROM data",
    "SELECT person_id, count(*) FROM data GROUP BY person_id",
    "SELECT fiche, count(*) FROM data GROUP BY fiche",
    "SELECT region, count(*) FROM data GROUP BY region; SELECT 1",
]


def test_attacks_are_refused_and_nothing_runs(world: World, dataset: str) -> None:
    grant = new_grant(world, dataset)
    before = jobs(world)
    for sql in ATTACKS:
        r = query(world, grant, mode="sql", sql=sql)
        assert r.status_code == 400, (sql, r.text)
        assert r.json()["error"]["code"] == "query_refused"
        assert r.json()["error"]["message"].startswith("Query refused: ")
    # A column outside the grant: 403, by the grant's own check.
    r = query(world, grant, mode="table", table={"group_by": ["commune"], "measures": [{"agg": "count"}]})
    assert r.status_code == 403 and r.json()["error"]["code"] == "column_not_granted", r.text
    r = query(world, grant, mode="dp", sql="SELECT count(*) AS n FROM data", epsilon=float("1e-9"))
    assert r.status_code == 400, r.text
    assert jobs(world) == before  # no job handed to the sandbox
    assert outputs_of(world, grant) == []  # no output row
    assert world.ok("researcher", "GET", f"/v1/dataspace/grants/{grant}")["epsilon_spent"] == 0
    assert not Path("/tmp/stolen.csv").exists()


def test_four_quarters_run_and_the_fifth_is_refused_without_touching_the_data(
    world: World, dataset: str
) -> None:
    grant = new_grant(world, dataset, epsilon=1.0)
    body = {"mode": "dp", "table": {"group_by": ["sex"], "measures": [{"agg": "count"}]}, "epsilon": 0.25}
    for _ in range(4):
        r = query(world, grant, **body)
        assert r.status_code == 201 and r.json()["epsilon_charged"] == 0.25, r.text
    before = jobs(world)
    fifth = query(world, grant, **body)
    assert fifth.status_code == 403 and fifth.json()["error"]["code"] == "epsilon_exhausted", fifth.text
    assert jobs(world) == before
    assert len(outputs_of(world, grant)) == 4
    assert world.ok("researcher", "GET", f"/v1/dataspace/grants/{grant}")["epsilon_spent"] == 1.0


def test_ten_concurrent_quarters_leave_exactly_four(world: World, dataset: str) -> None:
    grant = new_grant(world, dataset, epsilon=1.0)
    body = {"grant": grant, "mode": "dp", "sql": "SELECT sex, count(*) AS n FROM data GROUP BY sex",
            "epsilon": 0.25}  # fmt: skip
    codes: list[int] = []
    barrier = threading.Barrier(10)

    def one() -> None:
        barrier.wait()
        codes.append(world.call("researcher", "POST", "/v1/dataspace/queries", json=body).status_code)

    threads = [threading.Thread(target=one) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201] * 4 + [403] * 6
    assert len(outputs_of(world, grant)) == 4
    assert world.ok("researcher", "GET", f"/v1/dataspace/grants/{grant}")["epsilon_spent"] == 1.0


def test_the_airlock_releases_only_what_a_checker_approved(world: World, dataset: str) -> None:
    grant = new_grant(world, dataset)
    body = {"mode": "table", "table": {"group_by": ["sex"], "measures": [{"agg": "mean", "column": "age"}]}}
    out = query(world, grant, **body).json()
    oid = out["id"]
    assert out["status"] == "pending"
    assert world.call("researcher", "GET", f"/v1/dataspace/outputs/{oid}/download").status_code == 403
    for who in ("researcher", "other_admin", "researcher2"):  # himself, another tenant, a colleague
        r = world.call(who, "POST", f"/v1/dataspace/outputs/{oid}/approve")
        assert r.status_code in (403, 404), (who, r.text)
    assert world.call("researcher", "POST", f"/v1/dataspace/outputs/{oid}/approve").json()["error"][
        "code"] == "own_output"  # fmt: skip
    assert world.call("other_admin", "GET", f"/v1/dataspace/outputs/{oid}").status_code == 404
    # The checker the card names (a user of the owner's tenant, not an admin) sees and approves it.
    assert oid in [o["id"] for o in world.ok("owner_user", "GET", "/v1/dataspace/outputs")["data"]]
    done = world.ok("owner_user", "POST", f"/v1/dataspace/outputs/{oid}/approve")
    assert done["status"] == "approved"
    assert world.call("owner_admin", "POST", f"/v1/dataspace/outputs/{oid}/reject").status_code == 409
    mine = world.ok("researcher", "GET", f"/v1/dataspace/outputs/{oid}")
    assert mine["table"]["columns"] == ["sex", "mean_age_0"]
    got = world.call("researcher", "GET", f"/v1/dataspace/outputs/{oid}/download")
    assert got.status_code == 200 and got.text.startswith("sex,mean_age_0")
    # A rejected output stays locked.
    other = query(world, grant, **{**body, "table": {**body["table"], "filters": [
        {"column": "sex", "op": "=", "value": "F"}]}}).json()  # fmt: skip
    world.ok("owner_admin", "POST", f"/v1/dataspace/outputs/{other['id']}/reject")
    assert world.call("researcher", "GET", f"/v1/dataspace/outputs/{other['id']}/download").status_code == 403


def test_every_step_is_in_the_audit_chain_which_still_verifies(world: World, dataset: str) -> None:
    grant = new_grant(world, dataset, epsilon=0.5)
    oid = query(world, grant, mode="sql", sql="SELECT sex, count(*) FROM data GROUP BY sex").json()["id"]
    query(world, grant, mode="sql", sql="PRAGMA database_list")
    query(world, grant, mode="dp", sql="SELECT count(*) AS n FROM data", epsilon=0.5)
    query(world, grant, mode="dp", sql="SELECT count(*) AS n FROM data", epsilon=0.5)
    world.ok("owner_admin", "POST", f"/v1/dataspace/outputs/{oid}/approve")
    assert world.call("researcher", "GET", f"/v1/dataspace/outputs/{oid}/download").status_code == 200
    verify = cli(world.data_dir, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    cli(world.data_dir, "audit", "export", "-o", str(world.data_dir / "audit.jsonl"))
    entries = [json.loads(x) for x in (world.data_dir / "audit.jsonl").read_text().splitlines()]
    mine = [e for e in entries if grant in json.dumps(e) or oid in json.dumps(e)]
    actions = [e["action"] for e in mine]
    for action in ("dataspace.grant.created", "dataspace.query.run", "dataspace.query.refused",
                   "dataspace.epsilon.charged", "dataspace.epsilon.refused", "dataspace.output.approved",
                   "dataspace.output.downloaded"):  # fmt: skip
        assert action in actions, (action, actions)
    run = next(e for e in mine if e["action"] == "dataspace.query.run" and e["details"]["output"] == oid)
    assert len(run["details"]["fingerprint"]) == 64 and run["details"]["checks"]


def test_a_grant_of_identifying_columns_only_still_counts_records(world: World, dataset: str) -> None:
    """The view over no usable column was `SELECT  FROM read_parquet(...)`: a parse error (422)."""
    ask = {"dataset": dataset, "purpose": "Effectif total du recensement", "columns": ["fiche"],
           "modes": ["table"], "duration_days": 5}  # fmt: skip
    req = world.ok("researcher", "POST", "/v1/dataspace/requests", json=ask)["id"]
    grant = world.ok("owner_admin", "POST", f"/v1/dataspace/requests/{req}/approve", json={})["grant"]
    r = query(world, grant, mode="table", table={"measures": [{"agg": "count"}]})
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    table = world.ok("owner_admin", "GET", f"/v1/dataspace/outputs/{r.json()['id']}")["table"]
    assert table["rows"] == [[3000]]


def test_the_cli_runs_queries_and_decides_through_the_same_services(world: World, dataset: str) -> None:
    grant = new_grant(world, dataset)
    as_researcher = {"SIYADA_API_KEY": world.keys["researcher"]}
    ran = cli(world.data_dir, "dataspace", "query", grant, "--sql",
              "SELECT education, count(*) AS n FROM data GROUP BY education", env=as_researcher)  # fmt: skip
    out = json.loads(ran.stdout)
    assert out["status"] == "pending" and out["table"] is None
    attack = cli(world.data_dir, "dataspace", "query", grant, "--sql", "INSTALL httpfs", env=as_researcher,
                 check=False)  # fmt: skip
    assert attack.returncode == 1 and "query_refused" in attack.stderr + attack.stdout
    listed = json.loads(cli(world.data_dir, "dataspace", "outputs", "--json", env=as_researcher).stdout)
    assert out["id"] in [o["id"] for o in listed]
    own = cli(world.data_dir, "dataspace", "approve", out["id"], env=as_researcher, check=False)
    assert own.returncode == 1 and "own_output" in own.stderr + own.stdout
    cli(world.data_dir, "dataspace", "approve", out["id"], "--key", world.keys["owner_admin"])
    assert world.ok("researcher", "GET", f"/v1/dataspace/outputs/{out['id']}")["status"] == "approved"
