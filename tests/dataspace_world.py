"""A running server with the parties of the data space, shared by tests/test_dataspace_*.py.

Tenants: `owner` (an administration: its admin and a user), `lab` (a research institute: two
researchers), `other` (another administration's admin) and `ops` (the platform's operator). The census
file holds Moroccan-looking, made-up identifiers (no real person's): CIN, names, phone numbers.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from tests.server import Server, cli

FIRST = ["Karim", "Fatima", "Youssef", "Khadija", "Mohamed", "Salma", "Omar", "Imane", "Hicham", "Nadia"]
LAST = ["Benali", "El Amrani", "Tazi", "Alaoui", "Berrada", "Chraibi", "Idrissi", "Fassi", "Bennani"]
COMMUNES = ["Fès", "Rabat", "Salé", "Tanger", "Agadir", "Oujda"]


def census_rows(n: int = 60, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        letters = rng.choice(["AB", "BJ", "CD", "EE", "G", "JK"])
        rows.append(
            {
                "cin": f"{letters}{rng.randint(100000, 999999)}",
                "nom": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "telephone": f"06{rng.randint(10000000, 99999999)}",
                "age": rng.randint(18, 80),
                "sexe": rng.choice("MF"),
                "commune": rng.choice(COMMUNES),
                "revenu": rng.randint(2000, 20000),
            }
        )
    return rows


def to_csv(rows: list[dict[str, Any]], delimiter: str = ";") -> bytes:
    lines = [delimiter.join(rows[0])]
    lines += [delimiter.join(str(v) for v in r.values()) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for r in rows:
        sheet.append(list(r.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


METADATA = {"title": "Recensement pilote 2024", "description": "Microdonnées d'essai", "theme": ["SOCI"]}
COMPLETE = {
    "metadata": {
        "publisher": "Haut-Commissariat (essai)",
        "theme": ["SOCI", "http://publications.europa.eu/resource/authority/data-theme/SOCI"],
        "keywords": ["recensement", "ménages"],
        "access_rights": "restricted",
        "license": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        "temporal": {"start": "2024-01-01", "end": "2024-12-31"},
        "spatial": "Maroc",
    },
    "card": {
        "legal_basis": "public_interest",
        "cndp_authorisation": "A-RS-042/2025",
        "purpose_limits": "Statistical research only; no re-identification",
        "retention_days": 365,
        "bounds": {"age": {"lower": 0, "upper": 120}, "revenu": {"lower": 0, "upper": 100000}},
    },
}


@dataclass
class World:
    server: Server
    http: httpx.Client
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return self.server.data_dir

    def call(self, who: str, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.keys[who]}", **kw.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kw)

    def ok(self, who: str, method: str, path: str, **kw: Any) -> dict[str, Any]:
        r = self.call(who, method, path, **kw)
        assert r.status_code < 300, (method, path, r.status_code, r.text)
        return r.json()

    def upload(
        self, who: str, data: bytes, name: str = "census.csv", meta: dict[str, Any] | None = None
    ) -> httpx.Response:
        form = {"metadata": orjson.dumps(meta or METADATA).decode()}
        return self.call(who, "POST", "/v1/dataspace/datasets", files={"file": (name, data)}, data=form)

    def published(self, rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """A fresh data set of `owner`, described and published."""
        r = self.upload("owner_admin", to_csv(rows or census_rows()))
        assert r.status_code == 201, r.text
        ds = r.json()
        self.ok("owner_admin", "PATCH", f"/v1/dataspace/datasets/{ds['id']}", json=COMPLETE)
        return self.ok("owner_admin", "POST", f"/v1/dataspace/datasets/{ds['id']}/publish")

    def parquet_files(self) -> list[Path]:
        return sorted((self.data_dir / "dataspace").rglob("*.parquet"))

    def audit_actions(self) -> list[str]:
        cli(self.data_dir, "audit", "export", "-o", str(self.data_dir / "audit.jsonl"))
        lines = (self.data_dir / "audit.jsonl").read_bytes().splitlines()
        return [orjson.loads(line)["action"] for line in lines]


def start_world(data: Path) -> World:
    for tenant in ("ops", "owner", "lab", "other"):
        cli(data, "tenants", "create", tenant)
    srv = Server(data).start()
    w = World(srv, httpx.Client(base_url=srv.url, timeout=120))
    for who, tenant, role in (
        ("operator", "ops", "operator"),
        ("owner_admin", "owner", "admin"),
        ("owner_user", "owner", "user"),
        ("researcher", "lab", "user"),
        ("researcher2", "lab", "user"),
        ("other_admin", "other", "admin"),
    ):
        w.keys[who] = srv.key(tenant, role)
    return w


def stop_world(w: World) -> None:
    w.http.close()
    w.server.stop()
