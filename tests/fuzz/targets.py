"""The fuzz targets: one function per input path, taking raw bytes, raising AssertionError (or any
undocumented exception) when the contract is broken.

Contracts:
- parse: a `ParseError` (415/422 at the API) or a document whose sections and pages lie inside its text.
- chunk: every chunk is exactly `text[start:end]`, chunks are ordered and do not overlap.
- analyze: entities lie inside the text, are sorted and never overlap.
- query: query analysis and a search over a small real store answer or raise the API's documented
  `KnowledgeError`/`ApiError`, never anything else.
- chat request: validation answers a model or a 400 `ApiError`; a validated request renders to the
  messages the embedded model reads.
- widget: a conversation token is read back or refused (401/404); widget settings are a 400 or hold
  only normal origins.
- dataset: a data-space upload (CSV, XLSX, Parquet) is refused with a 415/422 `ApiError`, or read into a
  table whose every column gets one role and a profile that fits it.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


# The names the parse harness's first byte picks (appended to, never reordered: stored inputs name theirs).
NAMES = (
    None, "f.txt", "f.md", "f.html", "f.json", "f.jsonl", "f.docx", "f.pdf",
    "f.csv", "f.xlsx", "f.ods", "f.odt", "f.pptx", "f.eml", "f.png",
)  # fmt: skip


def parse_target(data: bytes) -> None:
    from siyada.knowledge.parse import ParseError, parse_many

    # The first byte picks the name the upload claims, so every parser sees the bytes.
    name = NAMES[data[0] % len(NAMES)] if data else None
    try:
        docs = parse_many(data[1:], name)
    except ParseError:
        return
    for doc in docs:
        n = len(doc.text)
        for s in doc.sections:
            assert 0 <= s.start <= n, (s, n)
        for start, end in doc.pages:
            assert 0 <= start <= end <= n, (start, end, n)


def chunk_target(data: bytes) -> None:
    from siyada.knowledge.chunk import chunk
    from siyada.knowledge.parse import ParseError, parse

    try:
        doc = parse(data, "f.md" if data[:1] == b"#" else "f.txt")
    except ParseError:
        return
    last = 0
    for c in chunk(doc, target_chars=200, max_chars=320):
        assert c.text == doc.text[c.start : c.end]
        assert last <= c.start < c.end <= len(doc.text)
        assert len(c.text) <= 320 or " " not in c.text  # only an unbreakable run may exceed max_chars
        last = c.end


def analyze_target(data: bytes) -> None:
    from siyada.privacy.analyzer import analyze

    text = _text(data)
    last = 0
    for e in analyze(text):
        assert last <= e.start < e.end <= len(text), (e, last, len(text))
        last = e.end


def lang_target(data: bytes) -> None:
    from siyada.lang.analysis import index_terms, latin_language, query_terms, translation_terms

    text = _text(data)
    for terms in (index_terms(text), query_terms(text), translation_terms(text)):
        assert all(isinstance(t, str) and t for t in terms)
    latin_language(text)


@functools.cache
def _store() -> tuple[Any, int]:
    from siyada.gateway.backends.static import StaticEmbedder
    from siyada.governance.tenants import create_tenant
    from siyada.knowledge.service import Knowledge
    from siyada.store.db import open_store

    folder = Path(tempfile.mkdtemp(prefix="siyada-fuzz-"))
    engine = open_store(f"sqlite:///{folder / 'fuzz.db'}")
    tenant = create_tenant(engine, "fuzz")
    models = {"static": StaticEmbedder()}
    kn = Knowledge(engine, models.get, None, "static", rerank_model=None)
    kn.create_collection(tenant.id, "c")
    for path in sorted((FIXTURES / "corpus").iterdir()):
        kn.ingest(tenant.id, "fuzz", "c", path.read_bytes(), path.name)
    return kn, tenant.id


def query_target(data: bytes) -> None:
    from siyada.errors import ApiError
    from siyada.knowledge.collections import KnowledgeError

    kn, tenant_id = _store()
    modes = ("lexical", "semantic", "hybrid")
    mode = modes[data[0] % 3] if data else "hybrid"
    try:
        hits = kn.search(tenant_id, "fuzz", ["c"], _text(data[1:]), 5, mode)
    except (KnowledgeError, ApiError):
        return
    assert len(hits) <= 5


def chat_request_target(data: bytes) -> None:
    from siyada.api.body import validate
    from siyada.api.schemas import ChatCompletionRequest
    from siyada.errors import ApiError
    from siyada.gateway.backends.llama_model import plain_message

    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return
    if not isinstance(obj, dict):
        return
    try:
        validate(ChatCompletionRequest, obj)
    except ApiError as exc:
        assert exc.status == 400, exc.status
        return
    for m in obj["messages"]:
        out = plain_message(m)
        assert isinstance(out["content"], str)


def dataset_target(data: bytes) -> None:
    from siyada.dataspace.classify import ROLES, profile
    from siyada.dataspace.reader import read_table
    from siyada.errors import ApiError

    try:
        table, _ = read_table(data)
    except ApiError as exc:
        assert exc.status in (415, 422), exc.status
        return
    columns = profile(table)
    assert [c.name for c in columns] == table.column_names
    for c in columns:
        assert c.role in ROLES and 0 <= c.distinct_count <= table.num_rows


def dataspace_query_target(data: bytes) -> None:
    """A query body (or, when the bytes are no JSON object, SQL text): only the documented 400 escapes;
    an accepted query names only the policy's usable columns and survives its stored form."""
    from siyada.api.body import validate
    from siyada.dataspace.queries import QueryCreate, columns_used, compile_query, from_json, to_json
    from siyada.dataspace.sql import QueryRefused
    from siyada.errors import ApiError
    from tests.dataspace_data import policy

    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        obj = None
    if not isinstance(obj, dict):
        obj = {"grant": "dsg_fuzz", "mode": "sql", "sql": _text(data) or " "}
    try:
        body = validate(QueryCreate, obj)
    except ApiError as exc:
        assert exc.status == 400, exc.status
        return
    rules = policy()
    try:
        query = compile_query(body, rules)
    except QueryRefused:
        return
    usable = {name for name, c in rules.columns.items() if not c.identifying}
    assert set(columns_used(query)) <= usable, columns_used(query)
    assert from_json(to_json(query)) == query


_WIDGET_KEY = b"the fuzz harness's widget secret!"


def widget_target(data: bytes) -> None:
    """A conversation token (the first byte 0) or widget settings (else): the token is refused with the
    documented 401/404 or read back for its own assistant; the settings are a 400 or normal origins."""
    from siyada.api.body import validate
    from siyada.assistants.channel import WidgetSettings, normal_origin
    from siyada.assistants.tokens import TokenSigner
    from siyada.errors import ApiError

    if data[:1] == b"\0":
        try:
            found = TokenSigner(_WIDGET_KEY).read(_text(data[1:]), 1, "guichet")
        except ApiError as exc:
            assert exc.status in (401, 404), exc.status
            return
        assert (found.tenant_id, found.assistant) == (1, "guichet")
        return
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError:
        return
    if not isinstance(body, dict):
        return
    try:
        settings = validate(WidgetSettings, body)
    except ApiError as exc:
        assert exc.status == 400, exc.status
        return
    assert all(normal_origin(o) == o for o in settings.origins)


def answer_target(data: bytes) -> None:
    """A question (the first line) over a passage (the rest), answered extractively with the typed step
    on: an answer in balanced bidi isolates, and a citation whose quote is the stored text between its
    offsets with its mark inside."""
    from siyada.knowledge.grounding import extractive_answer

    text = _text(data)
    question, _, passage = text.partition("\n")
    hit = {
        "collection": "c",
        "document": {"id": "d", "name": "doc.txt", "metadata": {}},
        "chunk": {"id": 1, "text": passage, "start": 7, "section": None, "page": None},
        "score": 1.0,
    }
    content, cites = extractive_answer(question[:2000], [hit], min_evidence=0.0, reader=False, typed=True)
    assert content and content.count("\u2068") == content.count("\u2069")
    for c in cites:
        assert passage[c["start"] - 7 : c["end"] - 7] == c["quote"]
        for mark in c["highlights"]:
            assert c["start"] <= mark["start"] <= mark["end"] <= c["end"]


TARGETS: dict[str, Callable[[bytes], None]] = {
    "parse": parse_target,
    "chunk": chunk_target,
    "analyze": analyze_target,
    "lang": lang_target,
    "query": query_target,
    "chat_request": chat_request_target,
    "dataset": dataset_target,
    "dataspace_query": dataspace_query_target,
    "widget": widget_target,
    "answer": answer_target,
}


def seeds(target: str) -> list[bytes]:
    """The fixtures a target starts from (small files only: mutation does the rest)."""
    if target == "chat_request":
        return [
            orjson.dumps({"model": "m", "messages": [{"role": "user", "content": "Salam, kifach?"}]}),
            orjson.dumps(
                {
                    "model": "m",
                    "messages": [
                        {"role": "system", "content": "Réponds en français."},
                        {"role": "user", "content": [{"type": "text", "text": "CIN AB123456"}]},
                    ],
                    "max_tokens": 4,
                    "stop": ["\n"],
                    "stream": True,
                    "stream_options": {"include_usage": True},
                }
            ),
        ]
    if target == "widget":
        from siyada.assistants.tokens import TokenSigner

        token, _ = TokenSigner(_WIDGET_KEY).issue(1, "guichet", "https://www.commune.ma", 600)
        settings = {"origins": ["https://www.commune.ma", "HTTP://Site.ma:8443/"], "language": "zgh"}
        return [b"\0" + token.encode(), orjson.dumps(settings)]
    if target == "dataset":
        return _dataset_seeds()
    if target == "answer":
        return _answer_seeds()
    if target == "dataspace_query":
        return _query_seeds()
    folders = {"parse": ("knowledge", "corpus"), "chunk": ("corpus", "knowledge")}.get(target, ("corpus",))
    out: list[bytes] = []
    for folder in folders:
        for path in sorted((FIXTURES / folder).iterdir()):
            if path.is_file() and path.suffix != ".py" and path.stat().st_size <= 64_000:
                raw = path.read_bytes()
                out.append(raw if target != "parse" else bytes([_name_byte(path.name)]) + raw)
    if target in ("analyze", "lang", "query"):
        from siyada.privacy.markup import parse_markup

        lines = (FIXTURES / "pii_heldout.txt").read_text("utf-8").splitlines()
        texts = [parse_markup(line)[0] for line in lines if line.strip() and not line.startswith("#")]
        out.extend(t.encode("utf-8") for t in texts[:40])
        out = [bytes([0]) + s for s in out] if target == "query" else out
    return out


def _query_seeds() -> list[bytes]:
    measures = [{"agg": "count"}, {"agg": "mean", "column": "income"}, {"agg": "quantile", "column": "age",
                                                                       "q": 0.5}]  # fmt: skip
    filters = [{"column": "age", "op": ">=", "value": 30}, {"column": "sex", "op": "in", "value": ["F", "M"]}]
    table = {"group_by": ["region", "sex"], "measures": measures, "filters": filters}
    return [
        orjson.dumps({"grant": "dsg_1", "mode": "table", "table": table}),
        orjson.dumps({"grant": "dsg_1", "mode": "dp", "table": table, "epsilon": 0.25}),
        orjson.dumps({"grant": "dsg_1", "mode": "sql", "sql": "SELECT region, sum(income) AS s FROM data "
                      "WHERE age BETWEEN 30 AND 40 AND sex = 'F' GROUP BY region ORDER BY s"}),
        b"SELECT sex, quantile_cont(age, 0.25) FROM data d WHERE NOT (d.region IN ('A', 'B')) GROUP BY sex",
        b"SELECT count(*) FROM read_csv('/etc/passwd')",
    ]


def _dataset_seeds() -> list[bytes]:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    from tests.dataspace_world import census_rows, to_csv, to_xlsx

    rows = census_rows(6)
    out = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), out)
    return [to_csv(rows), to_csv(rows, delimiter=","), to_xlsx(rows), out.getvalue()]


def _name_byte(name: str) -> int:
    order = [None if n is None else n[1:] for n in NAMES]
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else None
    return order.index(suffix) if suffix in order else 0


def _answer_seeds() -> list[bytes]:
    questions = ["متى صدر القانون؟", "كم عدد الأيام؟", "Combien de jours faut-il ?", "When was it founded?",
                 "ما هي مدة حفظ الوثائق؟", "chhal khass dyal l7 ayyam?"]  # fmt: skip
    out: list[bytes] = []
    for path, question in zip(sorted((FIXTURES / "corpus").iterdir()), questions * 4, strict=False):
        if path.is_file() and path.stat().st_size <= 64_000:
            out.append(question.encode() + b"\n" + path.read_bytes())
    typed = "في أي عام؟\nصدر في 30 نوفمبر 2007 ما بين عامي 1805 إلى 1848، أكثر من ٢٢ مقاطعة و45,44%."
    out.append(typed.encode())
    return out
