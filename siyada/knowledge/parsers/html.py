"""HTML read with a linear-time tolerant tokenizer (``html_tokens``): readable text, headings as sections.

Dropped: script, style, head (its <title> becomes the document title), nav, noscript, template and
embedded objects, except an element the page never closes, lest a stray <nav> drop the whole page.
Block elements end lines (paragraph-like ones and table rows leave a blank line, list items and cells
one line break), whitespace inside text collapses as a browser would (except in <pre>), entities are
decoded. The charset comes from a BOM, then <meta charset> / http-equiv in the first bytes, then the
Content-Type parameter, then sniffing as for plain text.
"""

from __future__ import annotations

import re

from siyada.knowledge.parsers.base import ParsedDocument, TextBuilder, decode_text, one_line
from siyada.knowledge.parsers.html_tokens import tokenize

_SKIP = {
    "script",
    "style",
    "head",
    "nav",
    "noscript",
    "template",
    "svg",
    "math",
    "iframe",
    "object",
    "canvas",
}
_BLOCK_SKIP = _SKIP - {"script", "style", "head"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_PARAGRAPH = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "pre", "table",
    "ul", "ol", "dl", "tr", "form", "fieldset", "figure", "figcaption", "address", "hr", "details", "summary",
}  # fmt: skip
_LINE = {"li", "td", "th", "dt", "dd", "caption", "br", "option", "legend"}
_HEADING = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


def parse_html(data: bytes, declared_charset: str | None = None) -> ParsedDocument:
    text, encoding = decode_text(data, _meta_charset(data) or declared_charset)
    parser = _Extractor(_closed_skips(text))
    tokenize(text, parser)
    parser.close()
    metadata: dict[str, str] = {"encoding": encoding}
    if parser.lang:
        metadata["language"] = parser.lang
    if parser.description:
        metadata["description"] = parser.description
    return ParsedDocument(
        text=parser.out.text(),
        format="html",
        title=one_line(parser.title_text) or None,
        sections=parser.out.sections(),
        metadata=metadata,
    )


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _closed_skips(text: str) -> set[str]:
    """Dropped elements that the page closes as often as it opens them.

    An element left open (a stray <nav>) would drop the rest of the page with it: such an element is
    kept as ordinary content instead. Script, style and head always end (at </script>, </style>, <body>).
    """
    lower = text.lower()
    closed = {"script", "style", "head"}
    for tag in _SKIP - closed:
        opened = len(re.findall(rf"<{tag}[\s>/]", lower))
        if opened and opened == lower.count(f"</{tag}"):
            closed.add(tag)
    return closed


class _Extractor:
    def __init__(self, droppable: set[str]) -> None:
        self.droppable = droppable
        self.out = TextBuilder()
        self.skip: list[str] = []  # open elements whose content is dropped
        self.pre = 0
        self.heading: tuple[int, list[str]] | None = None
        self.in_title = False
        self.title_text = ""
        self.lang = ""
        self.description = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        if tag == "body":
            self.skip.clear()  # a <head> left open ends at <body>, as in browsers
        if tag == "title" and not self.title_text:
            self.in_title = True
        if tag == "meta" and (dict(attrs).get("name") or "").lower() == "description":
            self.description = one_line(dict(attrs).get("content") or "")
        if tag in self.droppable:
            if tag not in _VOID:
                self.skip.append(tag)
            if tag in _BLOCK_SKIP:
                self.out.block(1)  # what follows a dropped menu is not glued to what preceded it
            return
        if self.skip:
            return
        self._open_block(tag)

    def close(self) -> None:
        if self.heading is not None:  # a heading the page never closed still counts
            level, parts = self.heading
            self.heading = None
            self.out.heading(level, "".join(parts))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skip and tag in (_LINE | _PARAGRAPH):
            self.out.block(2 if tag in _PARAGRAPH else 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in self.skip:
            while self.skip and self.skip.pop() != tag:
                pass  # close elements left open inside the dropped one
            return
        if self.skip:
            return
        if tag in _HEADING and self.heading is not None:
            level, parts = self.heading
            self.heading = None
            self.out.heading(level, "".join(parts))
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.out.block(2)
        elif tag in _PARAGRAPH:
            self.out.block(2)
        elif tag in _LINE:
            self.out.block(1)

    def _open_block(self, tag: str) -> None:
        if tag in _HEADING:
            self.heading = (_HEADING[tag], [])
        elif tag == "pre":
            self.pre += 1
            self.out.block(2)
        elif tag in _PARAGRAPH:
            self.out.block(2)
        elif tag in _LINE:
            self.out.block(1)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_text += data
            return
        if self.skip:
            return
        if self.heading is not None:
            self.heading[1].append(data)
            return
        if not self.pre:
            data = _WHITESPACE.sub(" ", data)
            if self.out.at_line_start:
                data = data.lstrip(" ")
        if data:
            self.out.add(data)
