"""ODT (OpenDocument text) through odfpy: headings (``text:h`` and their outline level) become sections,
paragraphs and list items blocks, table cells one line each with a blank line after each row, in
document order. Tracked deletions, notes' citations and the index bodies LibreOffice regenerates (tables
of contents: their text is the headings again) are skipped. The zip is checked first
(:func:`zipguard.check_zip`); the walk is iterative, so nesting depth costs no stack."""

from __future__ import annotations

from typing import Any

from siyada.knowledge.parsers.base import MalformedDocument, ParsedDocument, TextBuilder, UnsupportedFormat
from siyada.knowledge.parsers.limits import ParseLimits
from siyada.knowledge.parsers.sheets import _ODF_ERRORS, _odf_title, load_odf
from siyada.knowledge.parsers.zipguard import check_zip

_SKIP = {"tracked-changes", "note-citation", "table-of-content", "alphabetical-index", "illustration-index",
         "sequence-decls", "variable-decls", "user-field-decls", "forms", "annotation"}  # fmt: skip
_BLOCKS = {"p", "h"}


def parse_odt(data: bytes, limits: ParseLimits) -> ParsedDocument:
    check_zip(data, "ODT document", limits)
    doc = load_odf(data, "ODT document")
    if doc.mimetype not in (
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.text-master",
        "application/vnd.oasis.opendocument.text-web",
    ):
        raise UnsupportedFormat(f"This OpenDocument file is {doc.mimetype or 'of no known type'}, not ODT")
    if doc.text is None:
        raise MalformedDocument("The ODT document has no text body")
    out = TextBuilder()
    try:
        _walk(doc.text, out)
    except _ODF_ERRORS as exc:
        raise MalformedDocument(f"The ODT document cannot be read: {type(exc).__name__}: {exc}") from exc
    text = out.text()
    if not text.strip():
        raise MalformedDocument("The ODT document holds no text")
    return ParsedDocument(text=text, format="odt", title=_odf_title(doc), sections=out.sections())


def _walk(root: Any, out: TextBuilder) -> None:
    from odf import teletype

    stack = list(reversed(root.childNodes))
    while stack:
        node = stack.pop()
        if isinstance(node, str) or getattr(node, "qname", None) is None:
            continue
        local = node.qname[1]
        if local in _SKIP:
            continue
        if local in _BLOCKS:
            text = teletype.extractText(node).strip()
            if not text:
                continue
            if local == "h":
                level = node.getAttribute("outlinelevel")
                out.heading(int(level) if level and str(level).isdigit() and int(level) < 10 else 1, text)
            else:
                out.block(2 if not _in_cell(node) else 1)
                out.add(text)
                out.block(2 if not _in_cell(node) else 1)
            continue
        if local == "table-row":
            stack.append(_RowEnd())
        stack.extend(reversed([c for c in node.childNodes if not isinstance(c, str)]))
        if isinstance(node, _RowEnd):
            out.block(2)


def _in_cell(node: Any) -> bool:
    parent = getattr(node, "parentNode", None)
    return parent is not None and getattr(parent, "qname", ("", ""))[1] == "table-cell"


class _RowEnd:
    """A marker pushed after a table row's cells: the row ends with a blank line."""

    qname = ("", "row-end")
    childNodes: list[Any] = []  # noqa: RUF012
