"""The pages OCR read, stored beside their document: written in the document's transaction, read back
for a citation's region (the boxes of the words a span of text covers) and for the page image.

Readers see only their own tenant's pages: every read goes through the document's tenant check
(`collections.get_document`, 404 for another tenant's document, as for its text).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.knowledge.collections import KnowledgeError, get_document
from siyada.knowledge.ocr.layout import LOW_CONFIDENCE, OcrPage
from siyada.store.tables import document_pages

MAX_BOXES = 500  # boxes in one answer: a region is a passage, not a book


def add_pages(conn: Connection, doc_id: str, pages: list[OcrPage]) -> None:
    if not pages:
        return
    conn.execute(
        document_pages.insert(),
        [
            {
                "document_id": doc_id,
                "page": p.page,
                "width": p.width,
                "height": p.height,
                "language": p.language,
                "confidence": p.confidence,
                "words": np.asarray(p.words, dtype=np.int32).tobytes() if p.words else None,
                "image": p.image,
                "image_scale": p.image_scale,
            }
            for p in pages
        ],
    )


def _row(conn: Connection, doc_id: str, page: int, *columns: Any) -> Any:
    row = conn.execute(
        sa.select(*columns).where(document_pages.c.document_id == doc_id, document_pages.c.page == page)
    ).first()
    if row is None:
        raise KnowledgeError(f"page {page} of {doc_id!r} was not read by OCR", 404, "page_not_found", "page")
    return row


def page_region(
    engine: Engine, tenant_id: int, doc_id: str, page: int, start: int, end: int
) -> dict[str, Any]:
    """A page's OCR facts and the boxes (one per line) of the words that overlap [start, end)."""
    get_document(engine, tenant_id, doc_id)  # 404 unless the caller's tenant holds the document
    c = document_pages.c
    with engine.connect() as conn:
        kept = c.image.is_not(None).label("kept")
        row = _row(conn, doc_id, page, c.width, c.height, c.language, c.confidence, c.words, kept)
    boxes: list[list[int]] = []
    if row.words and end > start:
        words = np.frombuffer(row.words, dtype=np.int32).reshape(-1, 7)
        hit = words[(words[:, 0] < end) & (words[:, 1] > start)]
        boxes = _line_boxes(hit[:, 2:6].tolist())[:MAX_BOXES]
    return {
        "object": "document.page",
        "document_id": doc_id,
        "page": page,
        "width": row.width,
        "height": row.height,
        "language": row.language,
        "confidence": row.confidence,
        "low_confidence": row.confidence < LOW_CONFIDENCE,
        "boxes": boxes,
        "image": f"/v1/documents/{doc_id}/pages/{page}/image" if row.kept else None,
    }


def _line_boxes(words: list[list[int]]) -> list[list[int]]:
    """Word boxes merged into one box per line (words that overlap vertically and follow each other)."""
    lines: list[list[int]] = []
    for x0, y0, x1, y1 in words:
        last = lines[-1] if lines else None
        if last is not None and min(y1, last[3]) - max(y0, last[1]) > 0.5 * min(y1 - y0, last[3] - last[1]):
            last[:] = [min(x0, last[0]), min(y0, last[1]), max(x1, last[2]), max(y1, last[3])]
        else:
            lines.append([x0, y0, x1, y1])
    return lines


def page_image(engine: Engine, tenant_id: int, doc_id: str, page: int) -> bytes:
    """The page image (JPEG) of a document the tenant holds; 404 when not kept."""
    get_document(engine, tenant_id, doc_id)
    with engine.connect() as conn:
        row = _row(conn, doc_id, page, document_pages.c.image)
    if row.image is None:
        raise KnowledgeError(
            "this page's image is not kept (a pseudonymised document)", 404, "page_not_found"
        )
    return bytes(row.image)
