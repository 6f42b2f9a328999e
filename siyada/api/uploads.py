"""Progress of the uploads this server is ingesting, for the web app's progress bar.

A client names its upload (the `X-Upload-Id` header of POST /v1/documents, a random id it chose) and
polls GET /v1/uploads/{id} while the upload runs: the pages OCR has read of those it announced, the
chunks embedded of those made, then the outcome (the documents, or the error the upload answered).
Entries are kept per (tenant, id) in this process only, at most ``MAX_TRACKED`` of them, a finished one
``KEEP_SECONDS``: another tenant's id, or one this replica never saw, is simply unknown (404).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from siyada import progress

UPLOAD_ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
MAX_TRACKED = 10_000
KEEP_SECONDS = 600.0


@dataclass
class UploadProgress:
    """One upload's progress; written by its ingestion thread, read by the pollers (plain fields: a
    reader may see one count a step behind another, never a torn value)."""

    id: str
    stage: str = "parsing"  # parsing -> reading (OCR) -> indexing -> completed | failed
    pages_done: int = 0
    pages_total: int = 0
    chunks: int = 0
    chunks_embedded: int = 0
    documents: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    finished_at: float | None = None

    def note(self, stage: str, n: int) -> None:
        """An ingestion progress report (siyada.knowledge.ingest.Progress)."""
        if stage == progress.PAGES_TOTAL:
            self.pages_total += n
            self.stage = "reading"
        elif stage == progress.PAGES:
            self.pages_done += n
        elif stage == "chunks":
            self.chunks += n
            self.stage = "indexing"
        elif stage == "embedded":
            self.chunks_embedded += n

    def completed(self, documents: list[str]) -> None:
        self.documents = documents
        self.stage = "completed"
        self.finished_at = time.monotonic()

    def failed(self, status: int, code: str | None, message: str) -> None:
        self.error = {"status": status, "code": code, "message": message}
        self.stage = "failed"
        self.finished_at = time.monotonic()

    def as_dict(self) -> dict[str, Any]:
        return {
            "object": "upload.progress",
            "id": self.id,
            "stage": self.stage,
            "pages": {"done": self.pages_done, "total": self.pages_total},
            "chunks": {"done": self.chunks_embedded, "total": self.chunks},
            "documents": self.documents,
            "error": self.error,
        }


class Uploads:
    """The uploads in progress (and lately finished), by (tenant id, upload id)."""

    def __init__(self, max_tracked: int = MAX_TRACKED, keep_seconds: float = KEEP_SECONDS) -> None:
        self.max_tracked = max_tracked
        self.keep_seconds = keep_seconds
        self._items: OrderedDict[tuple[int, str], UploadProgress] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, tenant_id: int, upload_id: str) -> UploadProgress:
        """A fresh entry for this upload (the same id again starts over)."""
        entry = UploadProgress(upload_id)
        with self._lock:
            self._prune()
            self._items.pop((tenant_id, upload_id), None)
            self._items[(tenant_id, upload_id)] = entry
        return entry

    def get(self, tenant_id: int, upload_id: str) -> UploadProgress | None:
        with self._lock:
            return self._items.get((tenant_id, upload_id))

    def _prune(self) -> None:
        now = time.monotonic()
        stale = [
            key
            for key, e in self._items.items()
            if e.finished_at is not None and now - e.finished_at > self.keep_seconds
        ]
        for key in stale:
            del self._items[key]
        # Still full: the oldest go first, finished or not (a poll then says 404, the upload goes on).
        while len(self._items) >= self.max_tracked:
            self._items.popitem(last=False)
