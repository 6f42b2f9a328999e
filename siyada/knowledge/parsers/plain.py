"""Plain text, Markdown, JSON and JSONL.

- Text: decoded as described in :func:`base.decode_text`; no structure (the chunker finds articles of
  law itself); the title is the first line when it is short enough to be one.
- Markdown: the text is kept as written (syntax included: what a reader quotes is what was written);
  sections come from ATX (``# Title``) and setext (underlined) headings outside fenced code blocks and
  YAML front matter, whose ``title:`` is the document title.
- JSON: one document. An object gives its ``text`` (or ``content``) string; its other fields become
  metadata, ``title`` the title. An array gives one document whose records are joined by blank lines,
  each record's title a section (upload JSONL to get one document per record).
- JSONL: one document per line (an object as above); blank lines are skipped.
"""

from __future__ import annotations

import json
import re
from typing import Any

from siyada.knowledge.parsers.base import (
    MalformedDocument,
    ParsedDocument,
    TextBuilder,
    clean,
    decode_text,
    nest_sections,
    one_line,
    refuse_binary,
)

TEXT_FIELDS = ("text", "content")
_TITLE_MAX = 200


def parse_text(data: bytes, declared_charset: str | None = None) -> ParsedDocument:
    text, encoding = decode_text(data, declared_charset)
    refuse_binary(text)
    text = clean(text).strip("\n")
    first = text.lstrip().split("\n", 1)[0].strip()
    title = first if 0 < len(first) <= _TITLE_MAX else None
    return ParsedDocument(text=text, format="text", title=title, metadata={"encoding": encoding})


# --- Markdown ------------------------------------------------------------------------------------------

# The opening of an ATX heading; its title is cut out by `_atx_title` (the one-regex form, a lazy title
# before an optional closing run of #, is quadratic on a long line of blanks).
_ATX = re.compile(r" {0,3}(#{1,6})(?![^ \t])")
_CLOSING_HASHES = re.compile(r"[ \t]+#+\Z")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BLOCK_START = re.compile(r"^ {0,3}(?:[-*+>]|\d+[.)]|#|`{3}|~{3}|\|)|^\s*$")


def parse_markdown(data: bytes, declared_charset: str | None = None) -> ParsedDocument:
    text, encoding = decode_text(data, declared_charset)
    refuse_binary(text)
    text = clean(text).strip("\n")
    headings, front_title = _markdown_headings(text)
    title = front_title or next((t for _, level, t in headings if level == 1), None)
    return ParsedDocument(
        text=text,
        format="markdown",
        title=title,
        sections=nest_sections(headings, len(text)),
        metadata={"encoding": encoding},
    )


def _markdown_headings(text: str) -> tuple[list[tuple[int, int, str]], str | None]:
    lines = text.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    first, front_title = _front_matter(lines)
    headings: list[tuple[int, int, str]] = []
    fence: str | None = None
    for i in range(first, len(lines)):
        line = lines[i]
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0]
            elif marker[0] == fence:
                fence = None
            continue
        if fence is not None:
            continue
        atx = _ATX.match(line)
        if atx:
            title = one_line(_atx_title(line, atx.end()))
            if title:
                headings.append((offsets[i], len(atx.group(1)), title))
            continue
        setext = _SETEXT.match(line)
        # An underline makes the previous line a heading only when that line is paragraph text.
        if (
            setext
            and i > first
            and not _BLOCK_START.match(lines[i - 1])
            and _is_paragraph_start(lines, i - 1)
        ):
            level = 1 if setext.group(1)[0] == "=" else 2
            headings.append((offsets[i - 1], level, one_line(lines[i - 1])))
    return headings, front_title


def _atx_title(line: str, start: int) -> str:
    """The title after the opening #s: blanks around it and a closing run of # (after a blank) removed."""
    body = line[start:].lstrip(" \t")
    if not body:
        return ""
    trimmed = body.rstrip(" \t")
    closing = _CLOSING_HASHES.search(trimmed, max(0, len(trimmed.rstrip("#")) - 1))
    if closing and closing.start() > 0:
        trimmed = trimmed[: closing.start()]
    return trimmed


def _is_paragraph_start(lines: list[str], i: int) -> bool:
    # A multi-line paragraph's last line is not a heading on its own: require a blank line (or start) above.
    return i == 0 or not lines[i - 1].strip()


def _front_matter(lines: list[str]) -> tuple[int, str | None]:
    """Index of the first line after YAML front matter (0 if none) and its title, if any."""
    if not lines or lines[0].strip() != "---":
        return 0, None
    for i in range(1, min(len(lines), 200)):
        if lines[i].strip() in ("---", "..."):
            title = None
            for line in lines[1:i]:
                key, _, value = line.partition(":")
                if key.strip().lower() == "title" and value.strip():
                    title = one_line(value.strip().strip("\"'"))
            return i + 1, title
    return 0, None


# --- JSON and JSONL ------------------------------------------------------------------------------------


def parse_json(data: bytes) -> ParsedDocument:
    value = _load(data, "JSON")
    if isinstance(value, list):
        return _json_array(value)
    text, title, metadata = _record(value, "The JSON document")
    return ParsedDocument(text=text, format="json", title=title, metadata=metadata)


def parse_jsonl(data: bytes) -> list[ParsedDocument]:
    raw, _ = decode_text(data)
    docs = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise MalformedDocument(f"JSONL line {number} is not valid JSON: {exc.msg}") from exc
        text, title, metadata = _record(value, f"JSONL line {number}")
        docs.append(ParsedDocument(text=text, format="jsonl", title=title, metadata=metadata))
    if not docs:
        raise MalformedDocument("The JSONL file holds no record")
    return docs


def _load(data: bytes, kind: str) -> Any:
    raw, _ = decode_text(data)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise MalformedDocument(f"Invalid {kind}: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc


def _record(value: Any, where: str) -> tuple[str, str | None, dict[str, Any]]:
    """(text, title, metadata) of one record: an object with a text/content string field."""
    if not isinstance(value, dict):
        raise MalformedDocument(f"{where} must be an object with a 'text' field")
    key = next((k for k in TEXT_FIELDS if isinstance(value.get(k), str)), None)
    if key is None:
        raise MalformedDocument(f"{where} has no 'text' (or 'content') string field")
    title = value.get("title")
    metadata = {k: v for k, v in value.items() if k not in (key, "title")}
    return clean(value[key]).strip("\n"), one_line(title) if isinstance(title, str) else None, metadata


def _json_array(items: list[Any]) -> ParsedDocument:
    out = TextBuilder()
    for n, item in enumerate(items, start=1):
        text, title, _ = _record(item, f"JSON record {n}") if not isinstance(item, str) else (item, None, {})
        if title:
            out.heading(1, title)
        out.block(2)
        out.add(text)
        out.block(2)
    if not items:
        raise MalformedDocument("The JSON array is empty")
    return ParsedDocument(
        text=out.text(), format="json", sections=out.sections(), metadata={"records": len(items)}
    )
