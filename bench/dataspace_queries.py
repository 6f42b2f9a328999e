"""What the query service adds to the engine: a query through `queries.submit` (grant check, validation,
the reserved output row, the differencing comparisons, audit) as a researcher's earlier tables pile up.

    .venv/bin/python -m bench.dataspace_queries [ROWS] [PRIORS]      (default 1,000,000 and 100)

A census-like data set (`siyada.dataspace.census`) is uploaded, published and granted in a fresh SQLite
store, in this process (the server runs the same services behind `POST /v1/dataspace/queries`). Then
PRIORS tables grouped by region, each with another age filter, go through `submit` one after another;
the time of every tenth is printed with the number of earlier tables it was compared with, beside the
same statement through `engine.run_table` without priors.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from siyada.dataspace import census, context, datasets, grants, projects, queries
from siyada.dataspace.card import DataCard, Metadata, MetadataPatch
from siyada.dataspace.engine import run_table
from siyada.dataspace.runner import LazySandbox
from siyada.dataspace.sql import validate
from siyada.governance.keys import create_key, resolve_key
from siyada.governance.tenants import create_tenant
from siyada.store.db import open_store

META = {"publisher": "HCP (essai)", "theme": ["SOCI"], "access_rights": "restricted", "license": "CC-BY-4.0",
        "temporal": {"start": "2024-01-01", "end": "2024-12-31"}, "spatial": "Maroc"}  # fmt: skip
CARD = {"legal_basis": "public_interest", "cndp_authorisation": "A-1", "purpose_limits": "Recherche",
        "retention_days": 365, "bounds": {"age": {"lower": 0, "upper": 110}, "income": {"lower": 0,
        "upper": 200000}, "household_size": {"lower": 1, "upper": 20}}}  # fmt: skip


def main(rows: int, priors: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="siyada-bench-dsq-"))
    engine = open_store(f"sqlite:///{tmp / 'siyada.db'}")
    owner, lab = create_tenant(engine, "owner"), create_tenant(engine, "lab")
    admin = resolve_key(engine, create_key(engine, owner.name, "admin")[1])
    researcher = resolve_key(engine, create_key(engine, lab.name, "user")[1])
    assert admin is not None and researcher is not None
    census.generate(str(tmp / "c.parquet"), rows, seed=3)
    t = time.perf_counter()
    ds = datasets.create_dataset(engine, tmp, b"k" * 32, admin, (tmp / "c.parquet").read_bytes(),
                                 Metadata(title="Recensement"))  # fmt: skip
    datasets.update_dataset(
        engine,
        tmp,
        b"k" * 32,
        admin,
        ds["id"],
        roles={"person_id": "direct"},
        metadata=MetadataPatch.model_validate(META),
        card=DataCard.model_validate(CARD),
    )
    datasets.publish(engine, admin, ds["id"])
    print(f"{rows} rows uploaded and published in {time.perf_counter() - t:.1f} s")
    ask = projects.RequestCreate(
        dataset=ds["id"],
        purpose="Structure par âge des régions",
        columns=["region", "age", "sex"],
        modes=["sql"],
        duration_days=5,
    )
    req = projects.create_request(engine, researcher, ask)
    grant = projects.approve(engine, admin, req["id"], projects.Approval(), "http://bench")["grant"]
    sandbox = LazySandbox()
    sql = "SELECT region, count(*) AS n FROM data WHERE age >= {} GROUP BY region"
    # The engine alone, on the same statement, for reference (its worker started by the first run).
    with engine.connect() as conn:
        loaded = grants.load(conn, grant)
        assert loaded is not None
        ctx = context.load(conn, loaded, tmp)
    q = validate(sql.format(18), ctx.full)
    run_table(sandbox, ctx.parquet, ctx.granted, q)
    bare = []
    for _ in range(5):
        t = time.perf_counter()
        run_table(sandbox, ctx.parquet, ctx.granted, q)
        bare.append(time.perf_counter() - t)
    print(f"engine.run_table alone: median {statistics.median(bare):.3f} s")
    for i in range(priors + 1):
        body = queries.QueryCreate(grant=grant, mode="sql", sql=sql.format(1 + i % 100))
        t = time.perf_counter()
        out = queries.submit(engine, sandbox, tmp, researcher, body)
        took = time.perf_counter() - t
        if i % 10 == 0:
            print(f"query {i:4d}: {took:.3f} s, compared with {i} earlier tables, {out['status']}")
    sandbox.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, int(sys.argv[2]) if len(sys.argv) > 2 else 100)
