"""Under a pseudonymising documents policy, what is stored beside a document's text is pseudonymised too:
a DOCX whose author and title are a person, a file name holding a CIN, and caller metadata holding a
phone number leave none of these values in the database file (read directly, as an attacker with the
disk would), while the document still lists and searches."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import httpx

from tests.server import Server, cli

AUTHOR = "Fatima-Zahra Benkirane"
TITLE_PERSON = "Karim Bennani"
CIN = "BE873214"
PHONE = "0661234567"
FILENAME = f"demande_CIN_{CIN}.docx"
PERSONAL = [AUTHOR, TITLE_PERSON, CIN, PHONE, "661234567"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(author: str, title: str, text: str) -> bytes:
    core = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator></cp:coreProperties>"
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", document)
        zf.writestr("docProps/core.xml", core)
    return buf.getvalue()


def test_document_name_title_and_metadata_are_not_stored_in_clear(tmp_path: Path) -> None:
    data = tmp_path / "d"
    config = tmp_path / "siyada.toml"
    config.write_text("[embedded]\nenabled = false\n[privacy]\ndocuments = true\n")
    cli(data, "tenants", "create", "default", config=config)
    srv = Server(data, config=config).start()
    try:
        headers = {"Authorization": f"Bearer {srv.key('default', 'user')}"}
        r = httpx.post(
            srv.url + "/v1/collections", json={"name": "dossiers", "embedding_model": None}, headers=headers
        )
        assert r.status_code == 201, r.text
        body = _docx(AUTHOR, f"Dossier de M. {TITLE_PERSON}", "Demande de renouvellement du passeport.")
        r = httpx.post(
            srv.url + "/v1/documents",
            files={"file": (FILENAME, body)},
            data={
                "collection": "dossiers",
                "metadata": json.dumps({"contact": f"tél {PHONE}", "bureau": "3"}),
            },
            headers=headers,
            timeout=120,
        )
        assert r.status_code == 201, r.text
        doc = r.json()
        shown = json.dumps(doc, ensure_ascii=False)
        assert all(v not in shown for v in PERSONAL), shown
        assert doc["metadata"]["bureau"] == "3" and doc["metadata"]["contact"].startswith(
            "tél <PHONE_NUMBER:"
        )
        assert doc["metadata"]["author"].startswith("<PERSON:") and doc["name"].endswith(".docx")
        hits = httpx.post(
            srv.url + "/v1/search",
            json={"collections": ["dossiers"], "query": "renouvellement passeport", "mode": "lexical"},
            headers=headers,
        )
        assert hits.status_code == 200 and hits.json()["data"], hits.text
        # A filter on the real value still finds it: the filter is pseudonymised like the metadata.
        filtered = httpx.post(
            srv.url + "/v1/search",
            json={
                "collections": ["dossiers"],
                "query": "passeport",
                "mode": "lexical",
                "filters": {"author": AUTHOR, "contact": [f"tél {PHONE}"]},
            },
            headers=headers,
        )
        assert filtered.status_code == 200 and filtered.json()["data"], filtered.text
    finally:
        srv.stop()
    raw = (data / "siyada.db").read_bytes()
    for name in ("siyada.db-wal", "siyada.db-journal"):
        if (data / name).exists():
            raw += (data / name).read_bytes()
    for value in PERSONAL:
        assert value.encode() not in raw, f"{value!r} stored in clear"
