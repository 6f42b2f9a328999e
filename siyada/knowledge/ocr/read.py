"""Reading pages: each page turned upright, straightened, read in the language of its script, its words
put in reading order; and image uploads as documents.

A page's steps: orientation and script from Tesseract's OSD (a page scanned sideways or upside down is
turned), a projection-profile deskew (±3°), the read (siyada.knowledge.ocr.engine), the blocks ordered
for right-to-left and two-column layouts (siyada.knowledge.ocr.layout), and a reduced JPEG of the page
kept so that a citation can show its region on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from siyada import progress
from siyada.knowledge.ocr import engine
from siyada.knowledge.ocr.images import MAX_PIXELS, deskew, display_copy, image_dpi, open_image
from siyada.knowledge.ocr.layout import OcrPage, mean_confidence, page_text, reading_order
from siyada.knowledge.parsers.base import MalformedDocument, ParsedDocument

PAGE_SEPARATOR = "\n\n"  # as between the pages of a text-layer PDF
UNAVAILABLE = (
    "OCR is not available on this server (Tesseract's Arabic and French data are not installed: "
    "apt-get install tesseract-ocr-ara tesseract-ocr-fra tesseract-ocr-osd)"
)


def require_engine() -> None:
    if not engine.available():
        raise MalformedDocument(UNAVAILABLE)


def read_page(image: Any, number: int, dpi: int) -> OcrPage:
    """One page image (greyscale PIL) read into an OcrPage; offsets are page-relative until shifted."""
    from PIL import Image

    degrees, script = engine.orientation(image, dpi)
    if degrees:
        image = image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    image, skew = deskew(image)
    language, blocks = engine.read(image, dpi, script)
    rtl = _mostly_arabic(blocks)
    text, words = page_text(reading_order(blocks, rtl))
    shown, scale = display_copy(image)
    return OcrPage(
        page=number,
        width=image.width,
        height=image.height,
        language=language,
        rotated=degrees,
        skew=skew,
        text=text,
        words=words,
        image=shown,
        image_scale=scale,
        confidence=mean_confidence(words),
    )


def _mostly_arabic(blocks: list[Any]) -> bool:
    letters = [c for b in blocks for line in b.lines for w in line for c in w.text if c.isalpha()]
    return bool(letters) and sum("\u0600" <= c <= "\u06ff" for c in letters) > len(letters) / 2


def join(texts: list[str], ocr: dict[int, OcrPage]) -> tuple[str, list[tuple[int, int]], list[OcrPage]]:
    """Page texts joined as the PDF parser joins them; OCR'd pages' word offsets moved into the whole."""
    parts: list[str] = []
    pages: list[tuple[int, int]] = []
    offset = 0
    for i, page in enumerate(texts):
        if i:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        if i in ocr:
            ocr[i].shift(offset)
        parts.append(page)
        pages.append((offset, offset + len(page)))
        offset += len(page)
    return "".join(parts), pages, [ocr[i] for i in sorted(ocr)]


def metadata(pages: Iterable[OcrPage]) -> dict[str, Any]:
    """What a document's metadata says of its OCR: per page, the language, confidence and flag."""
    summaries = [p.summary() for p in pages]
    return {
        "ocr": {
            "engine": "tesseract",
            "pages": summaries,
            "low_confidence_pages": [s["page"] for s in summaries if s["low_confidence"]],
        }
    }


def parse_image(data: bytes, max_pixels: int = MAX_PIXELS) -> ParsedDocument:
    """An image upload (PNG, JPEG, TIFF with any number of pages, WebP) read by OCR; `max_pixels` is
    ParseLimits.max_image_pixels, kept for each page."""
    require_engine()
    found = {}
    for index, image in enumerate(open_image(data, max_pixels)):
        found[index] = read_page(image, index + 1, image_dpi(image))
        progress.page_read()  # open_image announced the pages (progress.add_pages)
    texts = [found[i].text for i in range(len(found))]
    if not any(t.strip() for t in texts):
        raise MalformedDocument("No text was found in the image")
    text, pages, layouts = join(texts, found)
    return ParsedDocument(
        text=text,
        format="image",
        pages=pages,
        metadata={"page_count": len(pages), **metadata(layouts)},
        ocr_pages=layouts,
    )
