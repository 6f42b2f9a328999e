"""The data space's resources for tests/test_authz_matrix.py: for tenant t (its admin owns them), a
published data set, a draft, a pending request and a grant, both asked by A's user (the researcher),
and two outputs of that researcher's queries under the grant: one pending, one approved (released)."""

from __future__ import annotations

from typing import Any

import orjson

from tests.dataspace_world import COMPLETE

_CSV = b"age;commune\n" + b"".join(b"%d;Rabat\n" % (20 + i) for i in range(12))
_CARD = {
    "metadata": COMPLETE["metadata"],
    "card": {**COMPLETE["card"], "bounds": {"age": {"lower": 0, "upper": 120}}},
}


def fresh_draft(w: Any, t: str, complete: bool = False) -> str:
    form = {"metadata": orjson.dumps({"title": f"Données {t}"}).decode()}
    files = {"file": ("d.csv", _CSV)}
    ds = w.ok(w.admin(t), "POST", "/v1/dataspace/datasets", files=files, data=form)["id"]
    if complete:
        w.ok(w.admin(t), "PATCH", f"/v1/dataspace/datasets/{ds}", json=_CARD)
    return ds


def fresh_published(w: Any, t: str) -> str:
    ds = fresh_draft(w, t, complete=True)
    w.ok(w.admin(t), "POST", f"/v1/dataspace/datasets/{ds}/publish")
    return ds


def ask(w: Any, t: str) -> dict[str, Any]:
    return {
        "dataset": w.res[t]["dataset"], "purpose": "Authorisation matrix", "columns": ["age"],
        "modes": ["table"], "duration_days": 30,
    }  # fmt: skip


def fresh_request(w: Any, t: str) -> str:
    return w.ok("user_a", "POST", "/v1/dataspace/requests", json=ask(w, t))["id"]


def fresh_grant(w: Any, t: str) -> str:
    req = fresh_request(w, t)
    return w.ok(w.admin(t), "POST", f"/v1/dataspace/requests/{req}/approve", json={})["grant"]


def query(w: Any, t: str) -> dict[str, Any]:
    return {"grant": w.res[t]["grant"], "mode": "table", "table": {"measures": [{"agg": "count"}]}}


def fresh_output(w: Any, t: str) -> str:
    """A pending output of A's user (the researcher) under tenant t's grant."""
    return w.ok("user_a", "POST", "/v1/dataspace/queries", json=query(w, t))["id"]


def setup(w: Any, t: str) -> None:
    res = w.res[t]
    res["dataset"] = fresh_published(w, t)
    res["draft"] = fresh_draft(w, t)
    res["request"] = fresh_request(w, t)
    res["grant"] = fresh_grant(w, t)
    res["output"] = fresh_output(w, t)
    res["released"] = fresh_output(w, t)
    w.ok(w.admin(t), "POST", f"/v1/dataspace/outputs/{res['released']}/approve")
