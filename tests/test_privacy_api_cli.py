"""Personal-data detection through the real server and the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.server import Server, cli

TEXT = "Bonjour, je suis Khadija Ouazzani, CIN JK45123, tél 0661 22 33 44, loi 09-08."


def test_analyze_endpoint(server: Server, admin_key: str) -> None:
    r = httpx.post(
        server.url + "/v1/privacy/analyze",
        json={"text": TEXT},
        headers={"Authorization": f"Bearer {admin_key}"},
    )
    assert r.status_code == 200, r.text
    found = {(TEXT[e["start"] : e["end"]], e["type"]) for e in r.json()["data"]}
    assert ("Khadija Ouazzani", "PERSON") in found
    assert ("JK45123", "MA_CIN") in found
    assert ("0661 22 33 44", "PHONE_NUMBER") in found
    assert not any(t.startswith("09-08") for t, _ in found)  # a law number is not personal data
    only = httpx.post(
        server.url + "/v1/privacy/analyze",
        json={"text": TEXT, "entities": ["MA_CIN"]},
        headers={"Authorization": f"Bearer {admin_key}"},
    ).json()["data"]
    assert [e["type"] for e in only] == ["MA_CIN"]
    bad = httpx.post(
        server.url + "/v1/privacy/analyze",
        json={"txt": TEXT},
        headers={"Authorization": f"Bearer {admin_key}"},
    )
    assert bad.status_code == 400 and "text" in bad.json()["error"]["message"]
    assert httpx.post(server.url + "/v1/privacy/analyze", json={"text": TEXT}).status_code == 401


def test_scan_and_eval_cli(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": TEXT}, ensure_ascii=False)
        + "\n\n"
        + json.dumps({"id": "b", "text": "Rien à signaler."})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    cli(tmp_path / "d", "privacy", "scan", "--input", str(src), "--output", str(out))
    docs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in docs] == ["a", "b"] and docs[1]["entities"] == []
    assert {e["type"] for e in docs[0]["entities"]} >= {"PERSON", "MA_CIN", "PHONE_NUMBER"}
    assert all(set(e) == {"start", "end", "type", "score"} for e in docs[0]["entities"])

    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "a",
                "text": TEXT,
                "entities": [
                    {"start": e["start"], "end": e["end"], "type": e["type"]} for e in docs[0]["entities"]
                ],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    report = cli(tmp_path / "d", "privacy", "eval", "--gold", str(gold)).stdout
    assert "OVERALL" in report and "1.000" in report

    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x", "text": "ok"}\n{not json\n')
    out.write_text("previous good output\n")
    r = cli(tmp_path / "d", "privacy", "scan", "--input", str(broken), "--output", str(out), check=False)
    assert r.returncode == 1 and "broken.jsonl:2" in r.stderr
    assert out.read_text() == "previous good output\n"  # nothing half-written
