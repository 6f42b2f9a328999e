"""DOCX: word/document.xml read with zipfile and ElementTree (no python-docx needed).

Paragraphs become blocks separated by a blank line; a paragraph whose style (or own outline level)
marks it as a heading becomes a section. Styles are matched by outline level first, then by name in
the languages Moroccan offices use (Heading 1, Titre 1, عنوان 1…), following ``basedOn`` chains.
Table cells become one line each, a blank line after each row. Deleted revisions, field codes and the
fallback copy of drawings are skipped so no text is counted twice. Right-to-left paragraphs need nothing:
DOCX stores text in logical order.

A DOCX is a zip: members are read through a bounded reader (50 MB of XML at most, whatever the zip's
directory claims), and parsed with defusedxml refusing any DTD, which closes entity-expansion bombs in
every encoding (a byte search for ``<!DOCTYPE`` missed the UTF-16 ones).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO
from typing import Any
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from siyada.knowledge.parsers.base import (
    MalformedDocument,
    ParsedDocument,
    TextBuilder,
    UnsupportedFormat,
    one_line,
)

MAX_UNCOMPRESSED = 50 * 1024 * 1024
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees whose text is not document text: deleted revisions, field instructions, the duplicate
# fallback of drawings, footnote/comment reference marks and a paragraph's own properties.
_SKIP = {W + "del", W + "delText", W + "instrText", _MC_FALLBACK, W + "pPr", W + "rPr", W + "sectPr"}
_HEADING_NAME = re.compile(r"^(?:heading|titre|título|titulo|überschrift|titolo|kop|عنوان)\s*(\d)$", re.I)
_TITLE_NAME = re.compile(r"^(?:title|titre|título|titel|titolo|العنوان)$", re.I)
_OTHER_OFFICE = {
    "xl/workbook.xml": "a spreadsheet (XLSX)",
    "ppt/presentation.xml": "a presentation (PPTX)",
    "content.xml": "an OpenDocument file (ODT/ODS); save it as DOCX",
    "META-INF/container.xml": "an EPUB or other packaged archive",
}


# What zipfile raises on a damaged or exotic archive (fuzzing found ValueError "negative seek value" and
# NotImplementedError "zip file version" escaping): all of them mean "not a readable DOCX".
_ZIP_ERRORS = (
    zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, RuntimeError, NotImplementedError
)


def is_docx_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except _ZIP_ERRORS:
        return False


def describe_zip(data: bytes) -> str:
    """What a zip that is not a DOCX holds, for the error message."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
    except _ZIP_ERRORS:
        return "a zip archive"
    return next((what for member, what in _OTHER_OFFICE.items() if member in names), "a zip archive")


def parse_docx(data: bytes) -> ParsedDocument:
    zf = _open(data)
    with zf:
        names = set(zf.namelist())
        if "word/document.xml" not in names:
            raise UnsupportedFormat(f"This is {describe_zip(data)}, not a Word document (DOCX)")
        budget = [MAX_UNCOMPRESSED]
        document = _xml(zf, "word/document.xml", budget)
        styles = _xml(zf, "word/styles.xml", budget) if "word/styles.xml" in names else None
        core = _xml(zf, "docProps/core.xml", budget) if "docProps/core.xml" in names else None
    body = document.find(W + "body")
    if body is None:
        raise MalformedDocument("The DOCX has no document body")
    builder = _DocxBuilder(_style_levels(styles))
    builder.container(body)
    props = _core_properties(core)
    title = props.pop("title", None) or builder.title or None
    return ParsedDocument(
        text=builder.out.text(),
        format="docx",
        title=title,
        sections=builder.out.sections(),
        metadata=props,
    )


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise MalformedDocument(f"The DOCX is not a readable zip archive: {exc}") from exc


def _xml(zf: zipfile.ZipFile, name: str, budget: list[int]) -> ElementTree.Element:
    """Read and parse one member, never inflating more than what is left of the 50 MB budget."""
    try:
        with zf.open(name) as member:
            raw = member.read(budget[0] + 1)
    except _ZIP_ERRORS as exc:
        raise MalformedDocument(f"The DOCX is corrupt ({name}): {exc}") from exc
    if len(raw) > budget[0]:
        raise MalformedDocument("The DOCX expands to more than 50 MB of XML; refusing it (zip bomb?)")
    budget[0] -= len(raw)
    try:
        root: ElementTree.Element = defused_fromstring(
            raw, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        return root
    except DefusedXmlException as exc:
        raise MalformedDocument(
            f"The DOCX part {name} declares a DTD or entities, which Word never writes; refusing it"
        ) from exc
    except ElementTree.ParseError as exc:
        raise MalformedDocument(f"The DOCX part {name} is not valid XML: {exc}") from exc


def _style_levels(styles: ElementTree.Element | None) -> dict[str, int]:
    """Map paragraph style id -> heading level (0 for a Title style), following basedOn chains."""
    if styles is None:
        return {}
    own: dict[str, int | None] = {}
    parent: dict[str, str] = {}
    for style in styles.iter(W + "style"):
        if style.get(W + "type") not in (None, "paragraph"):
            continue
        sid = style.get(W + "styleId") or ""
        name_el = style.find(W + "name")
        name = (name_el.get(W + "val") if name_el is not None else None) or sid
        own[sid] = _level_from_style(style, name, sid)
        based = style.find(W + "basedOn")
        if based is not None and based.get(W + "val"):
            parent[sid] = based.get(W + "val") or ""
    levels: dict[str, int] = {}
    for sid in own:
        seen, cur = set(), sid
        while cur and cur not in seen:
            seen.add(cur)
            if own.get(cur) is not None:
                levels[sid] = own[cur]  # type: ignore[assignment]
                break
            cur = parent.get(cur, "")
    return levels


def _level_from_style(style: ElementTree.Element, name: str, sid: str) -> int | None:
    outline = style.find(f"{W}pPr/{W}outlineLvl")
    if outline is not None and (outline.get(W + "val") or "").isdigit():
        value = int(outline.get(W + "val") or 9)
        return value + 1 if value < 9 else None
    for candidate in (name.replace(" ", ""), sid):
        match = _HEADING_NAME.match(candidate)
        if match and match.group(1) != "0":
            return int(match.group(1))
        if _TITLE_NAME.match(candidate):
            return 0
    return None


class _DocxBuilder:
    """Walks the body in document order, writing paragraphs, headings and tables."""

    def __init__(self, style_levels: dict[str, int]) -> None:
        self.out = TextBuilder()
        self.style_levels = style_levels
        self.title = ""

    def container(self, element: ElementTree.Element) -> None:
        for child in element:
            if child.tag == W + "p":
                self.paragraph(child)
            elif child.tag == W + "tbl":
                self.table(child)
            elif child.tag in _SKIP:
                continue
            else:  # content controls (sdt/sdtContent), custom XML, inserted revisions: look inside
                self.container(child)

    def paragraph(self, p: ElementTree.Element) -> None:
        parts: list[str] = []
        _run_text(p, parts)
        text = "".join(parts)
        if not text.strip():
            return
        level = self._level(p)
        if level == 0:  # a Title-style paragraph: the document's title, kept as ordinary text
            self.title = self.title or one_line(text)
            self._body(text)
        elif level is not None:
            self.out.heading(level, text)
        else:
            self._body(text)

    def _body(self, text: str) -> None:
        self.out.block(2)
        self.out.add(text.strip())
        self.out.block(2)

    def _level(self, p: ElementTree.Element) -> int | None:
        outline = p.find(f"{W}pPr/{W}outlineLvl")
        if outline is not None and (outline.get(W + "val") or "").isdigit():
            value = int(outline.get(W + "val") or 9)
            return value + 1 if value < 9 else None
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is None:
            return None
        return self.style_levels.get(style.get(W + "val") or "")

    def table(self, tbl: ElementTree.Element) -> None:
        for row in _children(tbl, W + "tr"):
            wrote = False
            for cell in _children(row, W + "tc"):
                wrote = self._cell(cell) or wrote
            if wrote:
                self.out.block(2)

    def _cell(self, cell: ElementTree.Element) -> bool:
        """Write a cell's paragraphs as one line each (nested tables after); False if it was empty."""
        lines: list[str] = []
        for p in _children(cell, W + "p"):
            parts: list[str] = []
            _run_text(p, parts)
            lines.extend(line.strip() for line in "".join(parts).split("\n"))
        text = "\n".join(line for line in lines if line)
        # Empty cells include the continuation of vertically merged ones: nothing to write.
        if text:
            self.out.block(1)
            self.out.add(text)
        for nested in _children(cell, W + "tbl"):
            self.out.block(2)
            self.table(nested)
        return bool(text)


def _children(element: ElementTree.Element, tag: str) -> list[ElementTree.Element]:
    """Direct children with `tag`, looking through wrappers (content controls) but not nested tables."""
    found: list[ElementTree.Element] = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag != W + "tbl" and child.tag not in _SKIP:
            found.extend(_children(child, tag))
    return found


def _run_text(element: ElementTree.Element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag == W + "tab":
            parts.append("\t")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag == W + "p":  # paragraphs inside text boxes
            _run_text(child, parts)
            parts.append("\n")
        else:
            _run_text(child, parts)


def _core_properties(core: ElementTree.Element | None) -> dict[str, Any]:
    if core is None:
        return {}
    wanted = {"title": "title", "creator": "author", "created": "created", "modified": "modified"}
    wanted["language"] = "language"
    props: dict[str, Any] = {}
    for element in core:
        local = element.tag.rsplit("}", 1)[-1]
        if local in wanted and element.text and element.text.strip():
            props[wanted[local]] = one_line(element.text)
    return props
