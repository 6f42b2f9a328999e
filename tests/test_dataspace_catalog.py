"""The data space's safe data and catalogue, over HTTP: upload, classification, pseudonymisation on disk,
bad files refused with nothing stored, corrections, the data card gate on publishing, DCAT out."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS

from tests.dataspace_world import COMPLETE, World, census_rows, start_world, stop_world, to_csv, to_xlsx
from tests.hostile import xlsx_bomb


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = start_world(tmp_path_factory.mktemp("dataspace-catalog"))
    yield w
    stop_world(w)


def _cells(path: Path) -> set[str]:
    return {str(v) for col in pq.read_table(path).columns for v in col.to_pylist()}


def test_a_user_cannot_upload_and_nothing_is_stored(world: World) -> None:
    before = world.parquet_files()
    r = world.upload("owner_user", to_csv(census_rows()))
    assert r.status_code == 403, r.text
    assert world.upload("researcher", to_csv(census_rows())).status_code == 403
    assert world.parquet_files() == before


def test_upload_classifies_columns_and_the_parquet_holds_no_raw_identifier(world: World) -> None:
    rows = census_rows()
    r = world.upload("owner_admin", to_csv(rows))
    assert r.status_code == 201, r.text
    ds = r.json()
    roles = {c["name"]: c["role"] for c in ds["columns"]}
    assert roles == {
        "cin": "direct", "nom": "direct", "telephone": "direct", "age": "quasi", "sexe": "quasi",
        "commune": "quasi", "revenu": "sensitive",
    }  # fmt: skip
    by_name = {c["name"]: c for c in ds["columns"]}
    assert by_name["cin"]["reason"].startswith("scanner: MA_CIN")
    assert by_name["cin"]["unique"] and by_name["cin"]["pseudonymised"]
    assert by_name["telephone"]["type"] == "string" and by_name["age"]["type"] == "integer"
    assert not by_name["sexe"]["unique"] and by_name["sexe"]["distinct_count"] == 2
    assert ds["status"] == "draft" and ds["rows"] == len(rows) and ds["owner"] == "owner"
    stored = next(p for p in world.parquet_files() if ds["id"] in p.name)
    cells = _cells(stored)
    raw = {r["cin"] for r in rows} | {r["nom"] for r in rows} | {r["telephone"] for r in rows}
    raw |= {t.lstrip("0") for t in (r["telephone"] for r in rows)}
    assert not raw & cells
    blob = stored.read_bytes()
    assert not any(v.encode() in blob for v in raw)
    # Nor does the database (rows, audit) or the server's log: identifiers and counts only.
    for path in [*world.data_dir.glob("siyada.db*"), world.server.log]:
        held = path.read_bytes()
        assert not any(v.encode() in held for v in raw), path.name
    # Non-identifying columns are kept as they were.
    assert {str(r["commune"]) for r in rows} <= cells
    # Deterministic per tenant: the same CIN uploaded again gets the same pseudonym.
    again = world.upload("owner_admin", to_csv(rows[:5], delimiter=",")).json()
    other = next(p for p in world.parquet_files() if again["id"] in p.name)
    first = pq.read_table(stored).column("cin").to_pylist()[:5]
    assert pq.read_table(other).column("cin").to_pylist() == first


def test_another_tenant_gets_other_pseudonyms(world: World) -> None:
    rows = census_rows(8)
    a = world.upload("owner_admin", to_csv(rows)).json()
    b = world.upload("other_admin", to_csv(rows)).json()
    files = world.parquet_files()
    cin_a = pq.read_table(next(p for p in files if a["id"] in p.name)).column("cin").to_pylist()
    cin_b = pq.read_table(next(p for p in files if b["id"] in p.name)).column("cin").to_pylist()
    assert len(set(cin_a)) == 8 and not set(cin_a) & set(cin_b)


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", 415),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 415),
        ("binary.csv", bytes(range(256)) * 40, 422),
        ("bomb.xlsx", xlsx_bomb(), 422),
        (
            "wide.csv",
            (";".join(f"c{i}" for i in range(600)) + "\n" + ";".join("1" * 600) + "\n").encode(),
            422,
        ),
        ("long.csv", b"a;b\n" + b"x" * 20_000 + b";1\n", 422),
        ("twice.csv", b"age;age\n1;2\n", 422),
        ("broken.parquet", b"PAR1" + b"\x01" * 100 + b"PAR1", 422),
        ("nested.parquet", None, 422),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    world: World, name: str, data: bytes | None, status: int
) -> None:
    if data is None:
        out = io.BytesIO()
        pq.write_table(pa.table({"tags": pa.array([["a", "b"], ["c"]])}), out)
        data = out.getvalue()
    before = world.parquet_files()
    listed = len(world.ok("owner_admin", "GET", "/v1/dataspace/datasets")["data"])
    r = world.upload("owner_admin", data, name)
    assert r.status_code == status, r.text
    assert r.json()["error"]["message"]
    assert world.parquet_files() == before
    assert len(world.ok("owner_admin", "GET", "/v1/dataspace/datasets")["data"]) == listed
    leftovers = [
        p for p in (world.data_dir / "dataspace").rglob("*") if p.is_file() and p.suffix != ".parquet"
    ]
    assert not leftovers


def test_xlsx_and_parquet_uploads(world: World) -> None:
    rows = census_rows(12)
    x = world.upload("owner_admin", to_xlsx(rows), "census.xlsx")
    assert x.status_code == 201, x.text
    assert x.json()["format"] == "xlsx" and x.json()["rows"] == 12
    assert {c["name"]: c["role"] for c in x.json()["columns"]}["cin"] == "direct"
    out = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), out)
    p = world.upload("owner_admin", out.getvalue(), "census.parquet")
    assert p.status_code == 201, p.text
    stored = next(f for f in world.parquet_files() if p.json()["id"] in f.name)
    assert not {r["cin"] for r in rows} & _cells(stored)


def test_the_owner_corrects_a_role_and_the_file_is_pseudonymised_then(world: World) -> None:
    rows = census_rows(10)
    ds = world.upload("owner_admin", to_csv(rows)).json()
    path = f"/v1/dataspace/datasets/{ds['id']}"
    assert (
        world.call("other_admin", "PATCH", path, json={"columns": {"commune": "direct"}}).status_code == 404
    )
    assert world.call("owner_user", "PATCH", path, json={"columns": {"commune": "direct"}}).status_code == 403
    bad = world.call("owner_admin", "PATCH", path, json={"columns": {"nope": "direct"}})
    assert bad.status_code == 400
    fixed = world.ok("owner_admin", "PATCH", path, json={"columns": {"commune": "direct", "revenu": "other"}})
    cols = {c["name"]: c for c in fixed["columns"]}
    assert cols["commune"]["role"] == "direct" and cols["commune"]["pseudonymised"]
    assert cols["revenu"]["role"] == "other" and cols["revenu"]["reason"] == "set by the owner"
    stored = next(f for f in world.parquet_files() if ds["id"] in f.name)
    assert not {r["commune"] for r in rows} & _cells(stored)
    assert "dataspace.dataset.classified" in world.audit_actions()


def test_publishing_needs_the_card_and_only_published_sets_are_catalogued(world: World) -> None:
    ds = world.upload("owner_admin", to_csv(census_rows())).json()
    path = f"/v1/dataspace/datasets/{ds['id']}"
    refused = world.call("owner_admin", "POST", path + "/publish")
    assert refused.status_code == 409
    message = refused.json()["error"]["message"]
    assert "metadata.license" in message and "card" in message
    # The card alone, without the DP bounds of a numeric column: still refused, naming the column.
    partial = {
        "metadata": COMPLETE["metadata"],
        "card": {**COMPLETE["card"], "bounds": {"age": {"lower": 0, "upper": 120}}},
    }
    world.ok("owner_admin", "PATCH", path, json=partial)
    again = world.call("owner_admin", "POST", path + "/publish")
    assert again.status_code == 409 and "card.bounds.revenu" in again.json()["error"]["message"]
    bad_bounds = {"card": {"bounds": {"sexe": {"lower": 0, "upper": 1}}}}
    assert world.call("owner_admin", "PATCH", path, json=bad_bounds).status_code == 400
    inverted = {"card": {"bounds": {"age": {"lower": 5, "upper": 1}}}}
    assert world.call("owner_admin", "PATCH", path, json=inverted).status_code == 400
    # Not catalogued, not visible to another tenant, while a draft.
    draft_id = ds["id"]
    assert draft_id not in world.call("researcher", "GET", "/v1/dataspace/catalog").text
    assert world.call("researcher", "GET", path).status_code == 404
    assert world.call("other_admin", "POST", path + "/publish").status_code == 404
    world.ok("owner_admin", "PATCH", path, json=COMPLETE)
    assert world.call("owner_user", "POST", path + "/publish").status_code == 403
    done = world.ok("owner_admin", "POST", path + "/publish")
    assert done["status"] == "published" and done["published_at"]
    assert world.call("other_admin", "PATCH", path, json={"columns": {"age": "other"}}).status_code == 403
    # A published data set keeps a complete card: emptying a field of it is refused, nothing changed.
    emptied = world.call("owner_admin", "PATCH", path, json={"metadata": {"license": None}})
    assert emptied.status_code == 409 and "metadata.license" in emptied.json()["error"]["message"]
    assert world.ok("owner_admin", "GET", path)["metadata"]["license"] == COMPLETE["metadata"]["license"]
    assert world.ok("researcher", "GET", path)["status"] == "published"

    other_draft = world.upload("owner_admin", to_csv(census_rows(5))).json()["id"]
    jsonld = world.call("researcher", "GET", "/v1/dataspace/catalog")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    ttl = world.call("researcher", "GET", "/v1/dataspace/catalog", headers={"Accept": "text/turtle"})
    assert ttl.headers["content-type"].startswith("text/turtle")
    by_param = world.call("researcher", "GET", "/v1/dataspace/catalog", params={"format": "ttl"}).text
    assert isomorphic(
        Graph().parse(data=by_param, format="turtle"), Graph().parse(data=ttl.text, format="turtle")
    )
    for text, fmt in ((jsonld.text, "json-ld"), (ttl.text, "turtle")):
        g = Graph().parse(data=text, format=fmt)
        node = URIRef(f"{world.server.url}/v1/dataspace/datasets/{draft_id}")
        assert (node, DCTERMS.title, Literal("Recensement pilote 2024")) in g
        assert (None, DCAT.dataset, node) in g
        assert g.value(node, DCTERMS.license) == URIRef(COMPLETE["metadata"]["license"])
        assert str(g.value(node, DCTERMS.accessRights)).endswith("/RESTRICTED")
        period = g.value(node, DCTERMS.temporal)
        assert str(g.value(period, DCAT.startDate)) == "2024-01-01"
        assert not [s for s in g.subjects() if other_draft in str(s)]
    actions = world.audit_actions()
    assert {
        "dataspace.dataset.uploaded",
        "dataspace.dataset.described",
        "dataspace.dataset.published",
    } <= set(actions)
