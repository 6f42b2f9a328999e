"""What `bench/ingest_scale.py --fill` writes on either store: one synthetic document, and chunk rows that
copy real chunks' texts with their vectors jittered."""

from __future__ import annotations

import time
from typing import Any

FILL_DOCUMENT = "doc_synthetic_fill"


def add_fill_document(conn: Any, collection_id: int, tenant_id: int) -> None:
    from siyada.store.tables import documents

    conn.execute(
        documents.insert().values(
            id=FILL_DOCUMENT,
            collection_id=collection_id,
            tenant_id=tenant_id,
            name="synthetic fill",
            sha256="0" * 64,
            format="text",
            chars=0,
            chunks=0,
            created_at=time.time(),
        )
    )


def synthetic_rows(
    real: list[Any], rng: Any, n: int, collection_id: int, first_idx: int
) -> tuple[list[dict[str, Any]], list[Any]]:
    """`n` chunk rows, each a copy of a real chunk picked at random, and the chunks they copy."""
    import numpy as np

    rows, sources = [], []
    for j, p in enumerate(rng.integers(0, len(real), n)):
        src = real[int(p)]
        vec = None
        if src.vector is not None:
            v = np.frombuffer(src.vector, dtype="<f4")
            v = v + rng.normal(0, 0.02, v.shape).astype("<f4")  # per component, not one offset
            vec = (v / np.linalg.norm(v)).astype("<f4").tobytes()
        rows.append(
            {
                "document_id": FILL_DOCUMENT,
                "collection_id": collection_id,
                "idx": first_idx + j,
                "start": 0,
                "end": len(src.text),
                "text": src.text,
                "section": None,
                "page": None,
                "vector": vec,
            }
        )
        sources.append(src)
    return rows, sources
