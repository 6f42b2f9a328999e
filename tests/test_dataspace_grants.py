"""Safe projects and people, over HTTP: requests, the owner's decision, grants and their checks, the
ODRL policy, revocation and expiry, the public register and the audit trail of every step."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.dataspace_world import World, census_rows, start_world, stop_world, to_csv
from tests.server import cli

PURPOSE = "Étude des inégalités de revenu entre communes"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = start_world(tmp_path_factory.mktemp("dataspace-grants"))
    yield w
    stop_world(w)


def _ask(w: World, ds: str, who: str = "researcher", **over: Any) -> Any:
    body = {
        "dataset": ds, "purpose": PURPOSE, "columns": ["age", "sexe", "commune", "revenu"],
        "modes": ["table", "dp"], "duration_days": 90, "epsilon": 1.0, **over,
    }  # fmt: skip
    return w.call(who, "POST", "/v1/dataspace/requests", json=body)


def _granted(w: World, who: str = "researcher", **approval: Any) -> dict[str, Any]:
    ds = w.published()["id"]
    req = _ask(w, ds, who)
    assert req.status_code == 201, req.text
    return w.ok("owner_admin", "POST", f"/v1/dataspace/requests/{req.json()['id']}/approve", json=approval)


def _use(w: World, who: str, grant: str, mode: str = "table", columns: list[str] | None = None) -> int:
    body = {"mode": mode, "columns": columns or ["age", "commune"]}
    return w.call(who, "POST", f"/v1/dataspace/grants/{grant}/authorise", json=body).status_code


def test_an_unpublished_data_set_cannot_be_requested(world: World) -> None:
    draft = world.upload("owner_admin", to_csv(census_rows(10))).json()["id"]
    r = _ask(world, draft)
    assert r.status_code == 404, r.text
    assert _ask(world, "ds_nothing").status_code == 404


def test_requests_are_checked(world: World) -> None:
    ds = world.published()["id"]
    assert _ask(world, ds, columns=["cin", "age"]).status_code == 400  # a direct identifier
    assert _ask(world, ds, columns=["nope"]).status_code == 400
    assert _ask(world, ds, modes=["dp"], epsilon=0).status_code == 400
    assert _ask(world, ds, modes=["table"], epsilon=0.5).status_code == 400
    assert _ask(world, ds, epsilon=-1).status_code == 400
    for raw in (b"1e400", b"-1e400", b"NaN", b"Infinity"):  # what JSON libraries write for inf and NaN
        body = b'{"dataset": "%s", "purpose": "%s", "columns": ["age"], "modes": ["dp"], "duration_days": 9, '
        body = body % (ds.encode(), b"x" * 12) + b'"epsilon": ' + raw + b"}"
        r = world.call("researcher", "POST", "/v1/dataspace/requests", content=body)
        assert r.status_code == 400, (raw, r.text)
    assert _ask(world, ds, modes=["delete"]).status_code == 400
    assert _ask(world, ds, duration_days=0).status_code == 400


def test_only_the_owners_admin_decides(world: World) -> None:
    ds = world.published()["id"]
    req = _ask(world, ds).json()
    assert req["status"] == "pending"
    path = f"/v1/dataspace/requests/{req['id']}"
    for who in ("other_admin", "operator", "owner_user", "researcher", "researcher2"):
        assert world.call(who, "POST", path + "/approve", json={}).status_code == 403, who
        assert world.call(who, "POST", path + "/refuse", json={}).status_code == 403, who
    assert world.ok("researcher", "GET", path)["status"] == "pending"
    assert world.call("researcher2", "GET", path).status_code == 403
    assert world.ok("owner_admin", "GET", path)["id"] == req["id"]
    assert req["id"] in {r["id"] for r in world.ok("owner_admin", "GET", "/v1/dataspace/requests")["data"]}
    assert req["id"] not in {
        r["id"] for r in world.ok("other_admin", "GET", "/v1/dataspace/requests")["data"]
    }
    # Narrowing only: a wider approval is refused, and the request stays pending.
    assert world.call("owner_admin", "POST", path + "/approve", json={"epsilon": 2.0}).status_code == 400
    assert world.call("owner_admin", "POST", path + "/approve", json={"columns": ["cin"]}).status_code == 400
    assert world.ok("researcher", "GET", path)["status"] == "pending"
    grant = world.ok(
        "owner_admin", "POST", path + "/approve", json={"columns": ["age", "commune"], "epsilon": 0.5}
    )
    assert grant["grant"].startswith("dsg_") and grant["status"] == "active"
    assert grant["columns"] == ["age", "commune"] and grant["epsilon_budget"] == 0.5
    assert world.call("owner_admin", "POST", path + "/approve", json={}).status_code == 409
    assert world.call("owner_admin", "POST", path + "/refuse", json={}).status_code == 409
    assert world.ok("researcher", "GET", path)["grant"] == grant["grant"]


def test_a_refusal(world: World) -> None:
    ds = world.published()["id"]
    req = _ask(world, ds).json()
    done = world.ok(
        "owner_admin", "POST", f"/v1/dataspace/requests/{req['id']}/refuse", json={"reason": "no"}
    )
    assert done["status"] == "refused" and done["grant"] is None


def test_a_grant_serves_its_researcher_only(world: World) -> None:
    grant = _granted(world)
    gid = grant["grant"]
    policy = grant["policy"]
    assert policy["@type"] == "Agreement" and policy["permission"][0]["action"] == "use"
    operands = {c["leftOperand"]: c for c in policy["permission"][0]["constraint"]}
    assert operands["purpose"]["rightOperand"] == PURPOSE
    assert operands["siyada:epsilon"]["rightOperand"] == 1.0
    assert policy["target"].endswith(grant["dataset"]) and "lab" in policy["assignee"]
    assert _use(world, "researcher", gid) == 200
    assert _use(world, "researcher", gid, "dp", ["revenu"]) == 200
    for who in ("researcher2", "other_admin", "owner_admin", "operator"):
        assert _use(world, who, gid) == 403, who
    assert world.call("researcher2", "GET", f"/v1/dataspace/grants/{gid}").status_code == 403
    assert world.call("other_admin", "GET", f"/v1/dataspace/grants/{gid}").status_code == 403
    assert world.ok("owner_admin", "GET", f"/v1/dataspace/grants/{gid}")["grant"] == gid
    assert world.ok("researcher", "GET", f"/v1/dataspace/grants/{gid}")["policy"] == policy
    assert _use(world, "researcher", gid, "sql") == 403  # a mode not granted
    assert _use(world, "researcher", gid, "table", ["cin"]) == 403  # a direct identifier
    assert _use(world, "researcher", "dsg_none") == 403  # no grant at all
    r = world.call(
        "researcher",
        "POST",
        f"/v1/dataspace/grants/{gid}/authorise",
        json={"mode": "sql", "columns": ["age"]},
    )
    assert r.json()["error"]["code"] == "mode_not_granted"


def test_a_column_marked_direct_later_is_no_longer_usable(world: World) -> None:
    grant = _granted(world)
    fix = {"columns": {"commune": "direct"}}
    world.ok("owner_admin", "PATCH", f"/v1/dataspace/datasets/{grant['dataset']}", json=fix)
    assert _use(world, "researcher", grant["grant"], columns=["commune"]) == 403
    assert _use(world, "researcher", grant["grant"], columns=["age"]) == 200


def test_revoked_and_expired_grants_are_refused(world: World) -> None:
    revoked = _granted(world)["grant"]
    assert world.call("researcher", "POST", f"/v1/dataspace/grants/{revoked}/revoke").status_code == 403
    assert world.call("other_admin", "POST", f"/v1/dataspace/grants/{revoked}/revoke").status_code == 403
    done = world.ok("owner_admin", "POST", f"/v1/dataspace/grants/{revoked}/revoke")
    assert done["status"] == "revoked" and done["revoked_at"]
    assert _use(world, "researcher", revoked) == 403
    expired = _granted(world)["grant"]
    assert _use(world, "researcher", expired) == 200
    # The clock moved past the expiry (the grant's 90 days): as the database would read it then.
    with sqlite3.connect(world.data_dir / "siyada.db") as db:
        db.execute("UPDATE dataspace_grants SET expires_at = ? WHERE id = ?", (time.time() - 1, expired))
    r = world.call(
        "researcher",
        "POST",
        f"/v1/dataspace/grants/{expired}/authorise",
        json={"mode": "table", "columns": ["age"]},
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "grant_expired"
    assert world.ok("researcher", "GET", f"/v1/dataspace/grants/{expired}")["status"] == "expired"


def test_the_register_lists_approved_projects_without_researcher_secrets(world: World) -> None:
    grant = _granted(world, "researcher2")
    entries = world.ok("other_admin", "GET", "/v1/dataspace/register")["data"]
    mine = next(e for e in entries if e["grant"] == grant["grant"])
    assert mine["purpose"] == PURPOSE and mine["dataset_title"] == "Recensement pilote 2024"
    assert mine["owner"] == "owner" and mine["organisation"] == "lab" and mine["status"] == "active"
    assert mine["approved_at"] and mine["expires_at"] > mine["approved_at"]
    text = world.call("other_admin", "GET", "/v1/dataspace/register").text
    assert "key" not in text and world.keys["researcher2"][:10] not in text
    assert world.call("researcher", "GET", "/v1/dataspace/register").status_code == 200
    # The register is public: personal data written into a purpose shows as its type.
    ds = world.published()["id"]
    req = _ask(world, ds, purpose="Étude suivie par Karim Benali, joignable au 0661234567").json()
    world.ok("owner_admin", "POST", f"/v1/dataspace/requests/{req['id']}/approve", json={})
    shown = world.call("other_admin", "GET", "/v1/dataspace/register").text
    assert "0661234567" not in shown and "<PHONE_NUMBER>" in shown


def test_every_step_is_in_the_audit_chain_which_still_verifies(world: World) -> None:
    _granted(world)
    actions = set(world.audit_actions())
    assert {
        "dataspace.dataset.uploaded", "dataspace.dataset.described", "dataspace.dataset.published",
        "dataspace.dataset.classified", "dataspace.request.created", "dataspace.request.approved",
        "dataspace.request.refused", "dataspace.grant.created", "dataspace.grant.revoked",
    } <= actions  # fmt: skip
    assert "Audit log intact" in cli(world.data_dir, "audit", "verify").stdout


def test_the_cli_lists_catalogues_registers_and_revokes(world: World) -> None:
    import orjson
    from rdflib import Graph

    grant = _granted(world)
    listed = orjson.loads(cli(world.data_dir, "dataspace", "list", "--json").stdout)
    assert grant["dataset"] in {d["id"] for d in listed}
    register = orjson.loads(cli(world.data_dir, "dataspace", "register", "--json").stdout)
    assert grant["grant"] in {e["grant"] for e in register}
    ttl = cli(world.data_dir, "dataspace", "catalog", "--format", "ttl").stdout
    assert len(Graph().parse(data=ttl, format="turtle")) > 10 and grant["dataset"] in ttl
    assert cli(world.data_dir, "dataspace", "revoke", "dsg_none", check=False).returncode == 1
    assert "revoked" in cli(world.data_dir, "dataspace", "revoke", grant["grant"]).stdout
    assert _use(world, "researcher", grant["grant"]) == 403
