"""PPTX through python-pptx: each slide a section ("Slide 3: its title"), then the text of its shapes in
the order they are stacked (text frames, table cells one line each, groups looked into), then its
speaker notes. The zip is checked first (:func:`zipguard.check_zip`) and slides are bounded."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from siyada.knowledge.parsers.base import MalformedDocument, ParsedDocument, TextBuilder, UnsupportedFormat
from siyada.knowledge.parsers.base import one_line as _one_line
from siyada.knowledge.parsers.limits import ParseLimits
from siyada.knowledge.parsers.zipguard import check_zip

_MAX_GROUP_DEPTH = 20  # groups of groups: PowerPoint nests a few levels; deeper is a crafted file


def parse_pptx(data: bytes, limits: ParseLimits) -> ParsedDocument:
    names = check_zip(data, "PPTX presentation", limits)
    if "ppt/presentation.xml" not in names:
        raise UnsupportedFormat("This zip is not a PowerPoint presentation (PPTX)")
    slide_parts = sum(1 for n in names if n.startswith("ppt/slides/slide") and n.endswith(".xml"))
    if slide_parts > limits.max_slides:
        raise MalformedDocument(
            f"The PPTX presentation has {slide_parts} slides, over the limit of {limits.max_slides}"
        )
    from pptx import Presentation

    out = TextBuilder()
    number = 0
    try:
        deck = Presentation(BytesIO(data))
        for number, slide in enumerate(deck.slides, start=1):
            _slide(number, slide, out)
        title = _one_line(deck.core_properties.title or "") or None
    except MalformedDocument:
        raise
    except Exception as exc:  # python-pptx raises KeyError, ValueError, lxml errors… on damaged parts
        raise MalformedDocument(f"The PPTX presentation cannot be read: {type(exc).__name__}: {exc}") from exc
    text = out.text()
    if not text.strip():
        raise MalformedDocument("The PPTX presentation holds no text")
    return ParsedDocument(
        text=text, format="pptx", title=title, sections=out.sections(), metadata={"slides": number}
    )


def _slide(number: int, slide: Any, out: TextBuilder) -> None:
    # The title placeholder, else (LibreOffice's export has none) the first shape holding text.
    title_shape = slide.shapes.title or next(
        (s for s in slide.shapes if getattr(s, "has_text_frame", False) and s.text_frame.text.strip()), None
    )
    title = _one_line(title_shape.text_frame.text) if title_shape is not None else ""
    out.heading(1, f"Slide {number}: {title}" if title else f"Slide {number}")
    for shape in slide.shapes:
        if title_shape is not None and shape.shape_id == title_shape.shape_id:
            continue
        _shape(shape, out, 0)
    if slide.has_notes_slide:
        notes = slide.notes_slide.notes_text_frame
        if notes is not None and notes.text.strip():
            _block(out, notes.text)


def _shape(shape: Any, out: TextBuilder, depth: int) -> None:
    if depth > _MAX_GROUP_DEPTH:
        raise MalformedDocument(
            f"The PPTX presentation nests groups of shapes deeper than {_MAX_GROUP_DEPTH}"
        )
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        _block(out, shape.text_frame.text)
    elif getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            for cell in row.cells:
                if cell.text.strip():
                    out.block(1)
                    out.add(cell.text.strip())
            out.block(2)
    elif shape.shape_type is not None and hasattr(shape, "shapes"):  # a group
        for inner in shape.shapes:
            _shape(inner, out, depth + 1)


def _block(out: TextBuilder, text: str) -> None:
    text = text.replace("\x0b", "\n").strip()  # python-pptx writes a line break inside a paragraph as VT
    if text:
        out.block(2)
        out.add(text)
        out.block(2)
