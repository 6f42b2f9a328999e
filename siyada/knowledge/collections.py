"""Collections and their documents, always scoped to one tenant: a collection or document of another
tenant is reported as not found, never as forbidden, so its existence does not leak."""

from __future__ import annotations

import re
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.knowledge import lexical
from siyada.knowledge.staleness import reindex_reason
from siyada.lang.analysis import ANALYSIS_VERSION
from siyada.lang.bidi import refusal
from siyada.store.ids import row_id
from siyada.store.tables import chunks, collections, documents

NAME = re.compile(r"^[\w.\- ]{1,128}$")


class KnowledgeError(ValueError):
    """A request the knowledge store refuses; `status` says how the API answers."""

    def __init__(
        self, message: str, status: int = 400, code: str = "invalid_request", param: str | None = None
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.param = param


def _collection_dict(row: Any, counts: tuple[int, int] = (0, 0)) -> dict[str, Any]:
    return {
        "id": row.id,
        "object": "collection",
        "name": row.name,
        "description": row.description,
        "embedding_model": row.embedding_model,
        "created_at": int(row.created_at),
        "documents": counts[0],
        "chunks": counts[1],
        # Siyada extension: whether `siyada collections reindex` is due, and why (knowledge.md).
        "needs_reindex": (reason := reindex_reason(row)) is not None,
        "reindex_reason": reason,
    }


def create_collection(
    engine: Engine,
    tenant_id: int,
    name: str,
    description: str = "",
    embedding_model: str | None = None,
    embedding_space: str | None = None,
) -> dict[str, Any]:
    hidden = refusal(name or "", "collection name")
    if hidden is not None:
        raise KnowledgeError(hidden, param="name")
    if not NAME.match(name or "") or name.strip() != name:
        raise KnowledgeError(
            "a collection name is 1-128 letters, digits, spaces, '.', '_' or '-'", param="name"
        )
    with engine.begin() as conn:
        exists = conn.execute(
            sa.select(collections.c.id).where(
                collections.c.tenant_id == tenant_id, collections.c.name == name
            )
        ).first()
        if exists:
            raise KnowledgeError(f"collection {name!r} already exists", 409, "collection_exists", "name")
        cid = conn.execute(
            collections.insert().values(
                tenant_id=tenant_id,
                name=name,
                description=description,
                embedding_model=embedding_model,
                embedding_space=embedding_space,
                lexical_version=ANALYSIS_VERSION,  # its terms will come from this analysis
                created_at=time.time(),
            )
        ).inserted_primary_key[0]
        row = conn.execute(sa.select(collections).where(collections.c.id == cid)).one()
    return _collection_dict(row)


def find_collection(conn: Connection, tenant_id: int, ref: str | int) -> Any:
    """A tenant's collection by name or numeric id, or None."""
    where = collections.c.name == str(ref)
    cid = row_id(ref)  # '²' or 2**70 name no row (and must not reach the driver as an id)
    if cid is not None:
        where = sa.or_(where, collections.c.id == cid)
    return conn.execute(sa.select(collections).where(collections.c.tenant_id == tenant_id, where)).first()


def require_collection(conn: Connection, tenant_id: int, ref: str | int) -> Any:
    row = find_collection(conn, tenant_id, ref)
    if row is None:
        raise KnowledgeError(f"collection {ref!r} does not exist", 404, "collection_not_found", "collection")
    return row


def _counts(conn: Connection, ids: list[int]) -> dict[int, tuple[int, int]]:
    if not ids:
        return {}
    rows = conn.execute(
        sa.select(
            documents.c.collection_id, sa.func.count(), sa.func.coalesce(sa.func.sum(documents.c.chunks), 0)
        )
        .where(documents.c.collection_id.in_(ids))
        .group_by(documents.c.collection_id)
    ).all()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def list_collections(engine: Engine, tenant_id: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(collections).where(collections.c.tenant_id == tenant_id).order_by(collections.c.name)
        ).all()
        counts = _counts(conn, [r.id for r in rows])
    return [_collection_dict(r, counts.get(r.id, (0, 0))) for r in rows]


def get_collection(engine: Engine, tenant_id: int, ref: str | int) -> dict[str, Any]:
    with engine.connect() as conn:
        row = require_collection(conn, tenant_id, ref)
        return _collection_dict(row, _counts(conn, [row.id]).get(row.id, (0, 0)))


def _delete_chunks(conn: Connection, tenant_id: int, where: Any) -> None:
    ids = [r[0] for r in conn.execute(sa.select(chunks.c.id).where(where))]
    lexical.delete(conn, tenant_id, ids)
    conn.execute(chunks.delete().where(where))


def delete_collection(engine: Engine, tenant_id: int, ref: str | int) -> dict[str, Any]:
    with engine.begin() as conn:
        row = require_collection(conn, tenant_id, ref)
        _delete_chunks(conn, tenant_id, chunks.c.collection_id == row.id)
        conn.execute(documents.delete().where(documents.c.collection_id == row.id))
        conn.execute(collections.delete().where(collections.c.id == row.id))
    return {"id": row.id, "object": "collection.deleted", "name": row.name, "deleted": True}


def document_dict(row: Any, collection_name: str | None = None) -> dict[str, Any]:
    return {
        "id": row.id,
        "object": "document",
        "collection": collection_name,
        "collection_id": row.collection_id,
        "name": row.name,
        "title": row.title,
        "format": row.format,
        "sha256": row.sha256,
        "metadata": row.metadata or {},
        "chars": row.chars,
        "chunks": row.chunks,
        "pseudonymised": bool(row.pseudonymised),
        "created_at": int(row.created_at),
    }


def _document_row(conn: Connection, tenant_id: int, doc_id: str) -> Any:
    row = conn.execute(
        sa.select(documents, collections.c.name.label("collection_name"))
        .join(collections, collections.c.id == documents.c.collection_id)
        .where(documents.c.id == doc_id, documents.c.tenant_id == tenant_id)
    ).first()
    if row is None:
        raise KnowledgeError(f"document {doc_id!r} does not exist", 404, "document_not_found", "document_id")
    return row


def get_document(engine: Engine, tenant_id: int, doc_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        row = _document_row(conn, tenant_id, doc_id)
    return document_dict(row, row.collection_name)


def list_documents(
    engine: Engine, tenant_id: int, collection: str | int, limit: int = 100, after: str | None = None
) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        coll = require_collection(conn, tenant_id, collection)
        q = (
            sa.select(documents)
            .where(documents.c.collection_id == coll.id)
            .order_by(documents.c.id)
            .limit(limit)
        )
        if after:
            q = q.where(documents.c.id > after)
        return [document_dict(r, coll.name) for r in conn.execute(q)]


def documents_page(
    engine: Engine, tenant_id: int, collection: str | int, limit: int, after: str | None = None
) -> dict[str, Any]:
    """One page of a collection's documents in the list shape, with the cursor of the next."""
    data = list_documents(engine, tenant_id, collection, limit + 1, after)
    more = len(data) > limit
    data = data[:limit]
    return {"object": "list", "data": data, "has_more": more, "next": data[-1]["id"] if more else None}


def bump_version(conn: Connection, collection_id: int) -> None:
    """Mark the collection changed, inside the transaction that changes it."""
    conn.execute(
        collections.update()
        .where(collections.c.id == collection_id)
        .values(version=collections.c.version + 1)
    )


def delete_document(engine: Engine, tenant_id: int, doc_id: str) -> dict[str, Any]:
    with engine.begin() as conn:
        row = _document_row(conn, tenant_id, doc_id)
        _delete_chunks(conn, tenant_id, chunks.c.document_id == doc_id)
        conn.execute(documents.delete().where(documents.c.id == doc_id))
        bump_version(conn, row.collection_id)
    return {"id": row.id, "object": "document.deleted", "deleted": True}


def document_chunks(
    engine: Engine,
    tenant_id: int,
    doc_id: str,
    first: int = 0,
    limit: int | None = None,
    page: int | None = None,
) -> list[dict[str, Any]]:
    """The document's chunks in order; `first`, `limit` and `page` read a range only (an agent's read)."""
    with engine.connect() as conn:
        _document_row(conn, tenant_id, doc_id)
        q = sa.select(*CHUNK_COLUMNS).where(chunks.c.document_id == doc_id, chunks.c.idx >= first)
        if page is not None:
            q = q.where(chunks.c.page == page)
        rows = conn.execute(q.order_by(chunks.c.idx).limit(limit)).all()
    return [chunk_dict(doc_id, r) for r in rows]


# What `chunk_dict` reads from a chunk row.
CHUNK_COLUMNS = (
    chunks.c.id,
    chunks.c.idx,
    chunks.c.start,
    chunks.c.end,
    chunks.c.text,
    chunks.c.section,
    chunks.c.page,
)


def chunk_id(doc_id: str, index: int) -> str:
    return f"{doc_id}:{index}"


def chunk_dict(doc_id: str, row: Any) -> dict[str, Any]:
    return {
        "id": chunk_id(doc_id, row.idx),
        "object": "chunk",
        "document_id": doc_id,
        "index": row.idx,
        "start": row.start,
        "end": row.end,
        "text": row.text,
        "section": row.section,
        "page": row.page,
    }
