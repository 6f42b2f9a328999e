"""Progress told by the code doing a long job (OCR reading pages) to whoever waits for it.

The page reader says how many pages it is about to read (`add_pages`) and when each is read
(`page_read`); who hears it depends on where it runs. In a worker process (siyada.workers) the worker
forwards each report over its pipe to the server, which shows it in the upload's progress and raises
the job's CPU budget by the pages announced. In-process (the CLI, tests) the callback set with
`reporting` hears it. With nobody listening, nothing happens.

Reports are (stage, count) increments, the shape of ingestion's own progress
(siyada.knowledge.ingest.Progress): "pages_total" (pages announced), "pages" (pages read).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Sink = Callable[[str, int], None]
PAGES_TOTAL = "pages_total"
PAGES = "pages"

_sink: ContextVar[Sink | None] = ContextVar("siyada_progress_sink", default=None)


def add_pages(n: int) -> None:
    """`n` more pages are to be read by this job."""
    sink = _sink.get()
    if sink is not None and n > 0:
        sink(PAGES_TOTAL, n)


def page_read() -> None:
    """One more page has been read."""
    sink = _sink.get()
    if sink is not None:
        sink(PAGES, 1)


@contextmanager
def reporting(sink: Sink | None) -> Iterator[None]:
    """Send this context's page reports to `sink` (None: to nobody)."""
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)
