"""Pathological inputs an ordinary user key can send: bounded, linear work and a clear 4xx, never a 500.

No timing assertions: each pathological input is sized so that the code before the fix needed minutes
to hours (it was quadratic), and runs in a subprocess with a generous limit the fixed code meets by a
wide margin. The gateway tests use a real `siyada serve` (the embedding engine is its packaged e5).
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from siyada.gateway.backends.embedder import MAX_INPUT_CHARS, E5Embedder
from siyada.knowledge.parse import MalformedDocument, parse
from tests.server import Server, cli

ROOT = Path(__file__).resolve().parents[1]
LIMIT_S = 60  # the fixed code needs well under a second for each input below; the old code, minutes+


def _finishes(code: str) -> None:
    """Run `code` in a fresh interpreter; fail if it does not finish within LIMIT_S (or raises)."""
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=LIMIT_S
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


# --- parsing and chunking -------------------------------------------------------------------------------


def test_legal_heading_line_of_blanks_is_linear() -> None:
    # "article" then 300k blanks: the heading regex tried every split of the run (16 KB took 17.5 s).
    _finishes(
        "from siyada.knowledge.parse import parse; from siyada.knowledge.chunk import chunk\n"
        "doc = parse(('article' + ' ' * 300_000 + 'x\\n').encode() * 2, 'a.txt')\n"
        "assert chunk(doc)"
    )


def test_markdown_heading_on_one_long_line_is_linear() -> None:
    # 4 KB of this line took 0.5 s in the ATX regex, growing with the square of its length.
    _finishes(
        "from siyada.knowledge.parse import parse\n"
        "doc = parse(('# a' + ' \\t' * 100_000 + '#b').encode(), 'a.md')\n"
        "assert doc.sections and doc.sections[0].title.startswith('a')"
    )


def test_mail_with_a_long_address_header_is_linear() -> None:
    # The structured header parser of email's policy.default took minutes on 500 KB of "x " in To:.
    _finishes(
        "from siyada.knowledge.parse import parse\n"
        "doc = parse(b'From: a@b.ma\\nTo: ' + b'x ' * 1_000_000 + b'\\nSubject: s\\n\\nbody', 'h.eml')\n"
        "assert doc.format == 'eml' and doc.text.endswith('body')"
    )


def test_mail_of_deeply_nested_multiparts_is_refused_at_once() -> None:
    # The feed parser's cost grows with the square of multipart nesting (1,000 levels took 3.8 s, then a
    # RecursionError): the MIME parts are counted first.
    _finishes(
        "from siyada.knowledge.parse import parse_many, MalformedDocument\n"
        "head = b'From: a@b.ma\\nTo: c@d.ma\\nSubject: x\\n'\n"
        "body = b''.join(b'Content-Type: multipart/mixed; boundary=\"b%d\"\\n\\n--b%d\\n' % (i, i)"
        " for i in range(20_000))\n"
        "try:\n    parse_many(head + body, 'deep.eml')\n    raise SystemExit('accepted')\n"
        "except MalformedDocument as exc:\n    assert 'MIME parts' in str(exc)"
    )


def test_html_unclosed_tags_are_linear() -> None:
    # html.parser rescanned to the end of the input at each unfinished "<a " (60 KB took 53 s).
    _finishes(
        "from siyada.knowledge.parse import parse\n"
        "doc = parse(b'<p>Bonjour</p>' + b'<a ' * 400_000, 'a.html')\n"
        "assert doc.text.startswith('Bonjour')"
    )


def test_html_marked_section_is_no_server_error() -> None:
    doc = parse(b"<p>avant</p><![foo[ x ]]><p>apr&egrave;s</p><![CDATA[ cache ]]>", "a.html")
    assert doc.text == "avant\n\naprès"


def test_diacritic_run_and_dots_chunk_linearly() -> None:
    # A letter then 400k harakat: every chunk was one character costing max_chars steps (40k: 45 s).
    _finishes(
        "from siyada.knowledge.parsers.base import ParsedDocument\n"
        "from siyada.knowledge.chunk import chunk\n"
        "text = 'ب' + '\\u064e' * 400_000\n"
        "chunks = chunk(ParsedDocument(text=text, format='text'))\n"
        "assert ''.join(c.text for c in chunks) == text and len(chunks) < 400\n"
        "assert chunk(ParsedDocument(text='.' * 400_000, format='text'))"
    )


def test_deeply_nested_json_is_a_clear_error() -> None:
    for data, name in ((b"[" * 100_000, "a.json"), (b'{"text": "x", "m": ' + b"[" * 100_000, "b.jsonl")):
        with pytest.raises(MalformedDocument, match="nested too deeply"):
            parse(data, name)


def _docx(document_xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", document_xml)
    return out.getvalue()


_BOMB = (
    '<?xml version="1.0" encoding="{enc}"?>'
    '<!DOCTYPE d [<!ENTITY e "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx">]>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    + "<w:p><w:r><w:t>&e;</w:t></w:r></w:p>" * 2000
    + "</w:body></w:document>"
)


@pytest.mark.parametrize(
    ("encoding", "declared"),
    [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-8-sig", "UTF-8"), ("utf-8", "UTF-8")],
    ids=["utf16-bom", "utf16le-no-bom", "utf8-bom", "utf8"],
)
def test_docx_dtd_refused_in_every_encoding(encoding: str, declared: str) -> None:
    # The byte search for "<!DOCTYPE" missed UTF-16: 14 KB became a 1,000,000-character document.
    data = _docx(_BOMB.format(enc=declared).encode(encoding))
    with pytest.raises(MalformedDocument, match="DTD"):
        parse(data, "bomb.docx")


# --- privacy and language analysis ----------------------------------------------------------------------


def test_overlap_resolution_is_not_quadratic() -> None:
    # 300k disjoint candidates: comparing each with every kept one is 4.5e10 comparisons.
    _finishes(
        "from siyada.privacy.analyzer import resolve_overlaps\n"
        "from siyada.privacy.entities import Entity\n"
        "c = [Entity(10 * i, 10 * i + 8, 'EMAIL_ADDRESS', 0.95) for i in range(300_000)]\n"
        "c += [Entity(10 * i + 4, 10 * i + 12, 'PHONE_NUMBER', 0.6) for i in range(300_000)]\n"
        "kept = resolve_overlaps(c)\n"
        "assert len(kept) == 300_000 and all(e.type == 'EMAIL_ADDRESS' for e in kept)"
    )


def test_overlap_resolution_keeps_its_rule() -> None:
    from siyada.privacy.analyzer import resolve_overlaps
    from siyada.privacy.entities import Entity

    a, b, c = Entity(0, 10, "A", 0.9), Entity(5, 20, "B", 0.9), Entity(12, 14, "C", 0.95)
    # Higher score first (C), then the longer span (B overlaps C: dropped), A survives.
    assert resolve_overlaps([a, b, c]) == [a, c]


def test_language_analysis_of_long_runs_is_linear() -> None:
    # One line of dots (sentence splitter), one long word (address tokens), one long Arabizi word (the
    # transliteration beam copied its partial spellings at every letter).
    _finishes(
        "from siyada.lang.sentences import sentence_spans\n"
        "from siyada.lang.scripts import tokens\n"
        "from siyada.lang.arabizi import arabic_candidates, to_arabic\n"
        "assert sentence_spans('a' + '.' * 300_000 + ' b') == [(0, 300_001), (300_002, 300_003)]\n"
        "assert len(tokens('a' * 300_000)) == 1\n"
        "assert arabic_candidates('kha' * 20_000) == [] and to_arabic('kha' * 20_000)"
    )


# --- embeddings -----------------------------------------------------------------------------------------


class _Recording:
    """The real engine, noting the length of every text handed to it (spy, not a mock)."""

    def __init__(self, engine: object) -> None:
        self.engine = engine
        self.lengths: list[int] = []

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.lengths += [len(t) for t in texts]
        return self.engine.encode(texts, is_query)  # type: ignore[attr-defined, no-any-return]

    def token_count(self, text: str, is_query: bool) -> int:
        self.lengths.append(len(text))
        return self.engine.token_count(text, is_query)  # type: ignore[attr-defined, no-any-return]


def test_embedding_input_is_cut_before_tokenising() -> None:
    model = E5Embedder(threads=1)
    spy = _Recording(model._model)
    model._model = spy
    huge = "Le demandeur dépose son dossier. " * 60_000  # 2 MB
    vec = model.embed([huge], "query")
    tokens = model.count_tokens([huge], "query")
    assert spy.lengths and max(spy.lengths) <= MAX_INPUT_CHARS
    assert np.allclose(vec, model.embed([huge[:MAX_INPUT_CHARS]], "query"))
    assert 0 < tokens < MAX_INPUT_CHARS


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    # A server of its own: the old engine crashed on one of these inputs, taking the server with it.
    data = tmp_path_factory.mktemp("adversarial")
    cli(data, "tenants", "create", "default")
    srv = Server(data).start()
    yield srv, {"Authorization": f"Bearer {srv.key('default', 'user')}"}
    srv.stop()


def test_docx_dtd_is_a_422_over_http(gateway: tuple[Server, dict[str, str]]) -> None:
    srv, h = gateway
    assert httpx.post(srv.url + "/v1/collections", json={"name": "c"}, headers=h).status_code == 201
    bomb = _docx(_BOMB.format(enc="UTF-16").encode("utf-16"))
    r = httpx.post(
        srv.url + "/v1/documents",
        files={"file": ("bomb.docx", bomb)},
        data={"collection": "c"},
        headers=h,
        timeout=120,
    )
    assert r.status_code == 422 and "DTD" in r.json()["error"]["message"], r.text
    html = httpx.post(
        srv.url + "/v1/documents",
        files={"file": ("page.html", b"<p>a</p><![if x]><p>b</p><a ")},
        data={"collection": "c"},
        headers=h,
        timeout=120,
    )
    assert html.status_code == 201, html.text


def test_embeddings_of_a_2mb_input_complete(gateway: tuple[Server, dict[str, str]]) -> None:
    # 2 MB took past two minutes of windows over the whole text.
    srv, h = gateway
    body = {"model": "siyada-embed", "input": "Le demandeur dépose son dossier au guichet. " * 48_000}
    r = httpx.post(srv.url + "/v1/embeddings", json=body, headers=h, timeout=LIMIT_S)
    assert r.status_code == 200, r.text
    assert len(r.json()["data"][0]["embedding"]) == 384
    assert r.json()["usage"]["prompt_tokens"] <= MAX_INPUT_CHARS


def test_embeddings_survive_an_over_expanding_ligature(gateway: tuple[Server, dict[str, str]]) -> None:
    # U+FDFA expands to 18 letters in the engine's normaliser, past the buffer it sized: a segfault.
    srv, h = gateway
    body = {"model": "siyada-embed", "input": "\ufdfa" * 10_000}
    r = httpx.post(srv.url + "/v1/embeddings", json=body, headers=h, timeout=LIMIT_S)
    assert r.status_code == 200, r.text
    assert httpx.get(srv.url + "/health", timeout=10).status_code == 200


def test_embeddings_stop_when_the_client_disconnects(gateway: tuple[Server, dict[str, str]]) -> None:
    srv, h = gateway
    # About 45 batches of 21 short inputs: many minutes of work if run to the end.
    body = {"model": "siyada-embed", "input": ["Acte de naissance, copie intégrale. " * 5] * 960}
    with pytest.raises(httpx.TimeoutException):
        httpx.post(srv.url + "/v1/embeddings", json=body, headers=h, timeout=3)
    deadline = time.monotonic() + LIMIT_S
    while time.monotonic() < deadline and "batches not run" not in srv.output():
        time.sleep(0.5)
    line = next(x for x in srv.output().splitlines() if "batches not run" in x)
    skipped = int(line.split("disconnected; ")[1].split(" of ")[0])
    assert skipped >= 20, line
    # The server is free again: a small request is answered.
    small = {"model": "siyada-embed", "input": "Bonjour"}
    assert httpx.post(srv.url + "/v1/embeddings", json=small, headers=h, timeout=LIMIT_S).status_code == 200


def test_issue19_recognisers_stay_linear() -> None:
    # Inputs the learned name model, the places, the table headers and the spoken phone numbers read:
    # a 5,000-row pipe table (every cell asked for its header), 40,000 names in one text (the rules' and
    # the model's spans matched up), place words and number words without end.
    _finishes(
        "from siyada.privacy.analyzer import analyze\n"
        "row = '/ | Karim Bennani | BJ 2245{0:02d} | 1184576{0:02d} | '\n"
        "rows = ''.join(row.format(i % 100) for i in range(5000))\n"
        "found = analyze('| Nom | CIN | CNSS | ' + rows)\n"
        "assert sum(e.type == 'MA_CNSS' for e in found) == 5000, len(found)\n"
        "assert analyze('Karim Bennani et Salma Berrada, ' * 20_000)\n"
        "assert analyze('السيد أحمد العلوي ' * 20_000)\n"
        "analyze('Avenue Mohammed V Lycée Ibn Rochd ' * 20_000)\n"
        "analyze('zéro six soixante et un ' * 20_000)\n"
        "analyze('ⵉⵙⵎ ⵉⵏⵓ ⵜⵉⵣⵉⵔⵉ ' * 20_000)"
    )
