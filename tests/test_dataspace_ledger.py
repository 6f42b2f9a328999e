"""The ε ledger: one conditional UPDATE per charge, so concurrent charges never overspend a grant's
budget, on SQLite (a file, as a server uses it) and on PostgreSQL; invalid ε is refused, spending nothing.
The query step charges through `siyada.dataspace.ledger.charge`; these tests call it as that step will,
from many threads at once."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.dataspace import catalog, datasets, grants, ledger, projects
from siyada.dataspace.card import DataCard, Metadata, MetadataPatch
from siyada.dataspace.register import register
from siyada.errors import ApiError
from siyada.governance import audit
from siyada.governance.keys import create_key, resolve_key
from siyada.governance.tenants import create_tenant
from siyada.privacy.secrets import TenantKeys
from siyada.store.db import open_store
from siyada.store.tables import audit_log
from tests.dataspace_world import COMPLETE, census_rows, to_csv
from tests.pg import Postgres


def _grant(engine: Engine, data_dir: Path, budget: float = 1.0) -> str:
    """A published data set of `owner`, and a grant of `budget` ε to a researcher of `lab`."""
    owner, lab = create_tenant(engine, "owner"), create_tenant(engine, "lab")
    admin = resolve_key(engine, create_key(engine, owner.name, "admin")[1])
    researcher = resolve_key(engine, create_key(engine, lab.name, "user")[1])
    assert admin is not None and researcher is not None
    key = TenantKeys(b"m" * 32, b"h" * 32).hash_key(owner.id)
    ds = datasets.create_dataset(
        engine, data_dir, key, admin, to_csv(census_rows(20)), Metadata(title="Census")
    )
    datasets.update_dataset(
        engine, data_dir, key, admin, ds["id"],
        metadata=MetadataPatch.model_validate(COMPLETE["metadata"]),
        card=DataCard.model_validate(COMPLETE["card"]),
    )  # fmt: skip
    datasets.publish(engine, admin, ds["id"])
    ask = projects.RequestCreate(
        dataset=ds["id"], purpose="Budget test purpose", columns=["age"], modes=["dp"], duration_days=5,
        epsilon=budget,
    )  # fmt: skip
    req = projects.create_request(engine, researcher, ask)
    return projects.approve(engine, admin, req["id"], projects.Approval(), "http://siyada.test")["grant"]


def _actions(engine: Engine, action: str) -> int:
    with engine.connect() as conn:
        q = sa.select(sa.func.count()).select_from(audit_log).where(audit_log.c.action == action)
        return conn.execute(q).scalar_one()


@pytest.fixture()
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path / 'siyada.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def pg() -> Iterator[Postgres]:
    server = Postgres().start()
    yield server
    server.stop()


def test_four_quarters_then_the_fifth_is_refused(sqlite_engine: Engine, tmp_path: Path) -> None:
    gid = _grant(sqlite_engine, tmp_path)
    for n in range(1, 5):
        assert ledger.charge(sqlite_engine, gid, 0.25).spent == n * 0.25
    with pytest.raises(ApiError) as refused:
        ledger.charge(sqlite_engine, gid, 0.25)
    assert refused.value.status == 403 and refused.value.code == "epsilon_exhausted"
    assert ledger.spent(sqlite_engine, gid) == 1.0
    # Ten charges of 0.1 add up to exactly the budget (ε is counted in millionths, not floats).
    gid2 = _grant_again(sqlite_engine)
    for _ in range(10):
        ledger.charge(sqlite_engine, gid2, 0.1)
    assert ledger.spent(sqlite_engine, gid2) == 1.0
    assert _actions(sqlite_engine, "dataspace.epsilon.charged") == 14
    assert _actions(sqlite_engine, "dataspace.epsilon.refused") == 1


def _grant_again(engine: Engine) -> str:
    """A second grant on the same store (its tenants and data set exist): another researcher of `lab`."""
    with engine.connect() as conn:
        ds = conn.execute(sa.text("select id from dataspace_datasets")).scalar_one()
    admin = resolve_key(engine, create_key(engine, "owner", "admin")[1])
    researcher = resolve_key(engine, create_key(engine, "lab", "user")[1])
    assert admin is not None and researcher is not None
    ask = projects.RequestCreate(
        dataset=ds, purpose="Budget test purpose", columns=["age"], modes=["dp"], duration_days=5, epsilon=1.0
    )
    req = projects.create_request(engine, researcher, ask)
    return projects.approve(engine, admin, req["id"], projects.Approval(), "http://siyada.test")["grant"]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 0.0, -0.25, 1e-9, True, "0.25", None])
def test_invalid_epsilon_is_refused_and_spends_nothing(
    sqlite_engine: Engine, tmp_path: Path, bad: Any
) -> None:
    gid = _grant(sqlite_engine, tmp_path)
    with pytest.raises(ApiError) as refused:
        ledger.charge(sqlite_engine, gid, bad)
    assert refused.value.status == 400 and refused.value.code == "invalid_epsilon"
    assert ledger.spent(sqlite_engine, gid) == 0


def test_a_revoked_grant_pays_nothing(sqlite_engine: Engine, tmp_path: Path) -> None:
    gid = _grant(sqlite_engine, tmp_path)
    grants.revoke(sqlite_engine, None, gid, "http://siyada.test")
    with pytest.raises(ApiError) as refused:
        ledger.charge(sqlite_engine, gid, 0.25)
    assert refused.value.status == 403
    assert ledger.spent(sqlite_engine, gid) == 0
    with pytest.raises(ApiError) as missing:
        ledger.charge(sqlite_engine, "dsg_none", 0.25)
    assert missing.value.status == 403


def _race(engine: Engine, gid: str, n: int = 10) -> list[bool]:
    """`n` threads charge 0.25 at the same instant; which of them were charged."""
    start = threading.Barrier(n)
    outcomes: list[bool] = []
    lock = threading.Lock()

    def one() -> None:
        start.wait()
        try:
            ledger.charge(engine, gid, 0.25)
            ok = True
        except ApiError as exc:
            assert exc.code == "epsilon_exhausted"
            ok = False
        with lock:
            outcomes.append(ok)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_concurrent_charges_never_overspend_on_sqlite(sqlite_engine: Engine, tmp_path: Path) -> None:
    gid = _grant(sqlite_engine, tmp_path)
    outcomes = _race(sqlite_engine, gid)
    assert len(outcomes) == 10 and outcomes.count(True) == 4
    assert ledger.spent(sqlite_engine, gid) == 1.0


def test_concurrent_charges_never_overspend_on_postgres(pg: Postgres, tmp_path: Path) -> None:
    engine = open_store(pg.create_database("ledger"))
    try:
        gid = _grant(engine, tmp_path)
        outcomes = _race(engine, gid)
        assert len(outcomes) == 10 and outcomes.count(True) == 4
        assert ledger.spent(engine, gid) == 1.0
        assert _actions(engine, "dataspace.epsilon.refused") == 6
        # The rest of the data space reads the same on PostgreSQL: the register, the catalogue, the chain.
        assert [e["grant"] for e in register(engine)] == [gid]
        assert "Census" in catalog.serialise(engine, "http://siyada.test", "ttl")
        assert audit.verify(engine).ok
    finally:
        engine.dispose()
