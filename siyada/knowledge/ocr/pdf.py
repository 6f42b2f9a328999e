"""Scanned pages of a PDF: a page whose text layer holds fewer than ``SCANNED_CHARS`` characters and
that shows an image is rendered at 300 dpi and read by OCR in its place.

The PDF parser calls this with its PDFium lock (PDFium is not thread-safe): each page is rendered under
the lock, one at a time, and read outside it, so a long scan holds one page image at a time.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from siyada import progress
from siyada.knowledge.ocr import engine
from siyada.knowledge.ocr.images import MAX_PAGES, MAX_PIXELS, OCR_DPI
from siyada.knowledge.ocr.layout import OcrPage
from siyada.knowledge.ocr.read import UNAVAILABLE, read_page
from siyada.knowledge.parsers.base import MalformedDocument

SCANNED_CHARS = 20  # fewer characters than this over an image: a scan (a stamp, a page number…)
_SPACE = re.compile(r"\s+")


def read_scanned(data: bytes, texts: list[str], lock: threading.Lock) -> dict[int, OcrPage]:
    """OCR of the scanned pages of a PDF (0-based index -> page). Empty when there are none; raises
    MalformedDocument when the PDF has no text at all and OCR is not installed."""
    thin = [i for i, t in enumerate(texts) if len(_SPACE.sub("", t)) < SCANNED_CHARS]
    if not thin:
        return {}
    if not engine.available():
        if any(texts):
            return {}  # the text pages are indexed; the scanned ones wait for OCR to be installed
        raise MalformedDocument(f"The PDF has no text layer (a scan). {UNAVAILABLE}")
    scanned = [i for i in thin if _shows_image(data, i, lock)]
    if len(scanned) > MAX_PAGES:
        raise MalformedDocument(f"The PDF has {len(scanned)} scanned pages; OCR reads at most {MAX_PAGES}")
    progress.add_pages(len(scanned))  # the upload's progress bar, and the worker's CPU budget
    found = {}
    for i in scanned:
        found[i] = read_page(_render(data, i, lock), i + 1, OCR_DPI)
        progress.page_read()
    return found


def _shows_image(data: bytes, index: int, lock: threading.Lock) -> bool:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    with lock:
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[index]
            try:
                return any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3))
            finally:
                page.close()
        finally:
            pdf.close()


def _render(data: bytes, index: int, lock: threading.Lock) -> Any:
    """Page `index` at 300 dpi, greyscale; a page so large that it would pass the pixel limit is
    rendered at the resolution that fits it."""
    import pypdfium2 as pdfium

    with lock:
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[index]
            try:
                width, height = page.get_size()  # points
                scale = OCR_DPI / 72
                if width * height * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / max(1.0, width * height)) ** 0.5
                bitmap = page.render(scale=scale, grayscale=True)
                return bitmap.to_pil().convert("L")
            finally:
                page.close()
        except pdfium.PdfiumError as exc:
            raise MalformedDocument(f"The PDF cannot be read: page {index + 1}: {exc}") from exc
        finally:
            pdf.close()
