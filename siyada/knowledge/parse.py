"""Turn an uploaded file into text with structure: format detection and the public parsing API.

``parse(data, filename, content_type)`` returns one :class:`ParsedDocument`; ``parse_many`` returns a
list, which holds several documents only for JSONL (one per record; ``parse`` refuses a JSONL file with
more than one record rather than guess which one is meant). A JSON array is one document.

Detection order: magic bytes (``%PDF``, a zip holding ``word/document.xml``, and the signatures of
formats we refuse: images, archives, executables, legacy Office), then the file extension, then the
declared content type, then a sniff (HTML or JSON markup, else any valid UTF-8 text is text).
Errors: :class:`UnsupportedFormat` (HTTP 415) for formats Siyada does not read, :class:`MalformedDocument`
(HTTP 422) for a file that claims a supported format but cannot be read; both are :class:`ParseError`.
Size limits belong to the API; here only what could explode in memory is bounded (a DOCX inflates to at
most 50 MB of XML).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import PurePath

from siyada.knowledge.ocr.read import parse_image
from siyada.knowledge.parsers.base import (
    MalformedDocument,
    ParsedDocument,
    ParseError,
    Section,
    UnsupportedFormat,
)
from siyada.knowledge.parsers.docx import describe_zip, is_docx_zip, parse_docx
from siyada.knowledge.parsers.html import parse_html
from siyada.knowledge.parsers.pdf import parse_pdf
from siyada.knowledge.parsers.plain import parse_json, parse_jsonl, parse_markdown, parse_text

__all__ = [
    "FORMATS",
    "MalformedDocument",
    "ParseError",
    "ParsedDocument",
    "Section",
    "UnsupportedFormat",
    "detect_format",
    "parse",
    "parse_many",
]

FORMATS = ("pdf", "docx", "html", "markdown", "text", "json", "jsonl", "image")

_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
    ".webp": "image",
}
_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/plain": "text",
    "application/json": "json",
    "text/json": "json",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/jsonlines": "jsonl",
    "application/x-ndjson": "jsonl",
    "image/png": "image",
    "image/jpeg": "image",
    "image/tiff": "image",
    "image/webp": "image",
}
# Extensions of formats refused even when their bytes would decode as text.
_REFUSED_EXTENSIONS = {
    ".doc": "legacy Word (.doc): save it as .docx",
    ".rtf": "RTF: save it as .docx",
    ".odt": "OpenDocument text: save it as .docx",
    ".xls": "a spreadsheet",
    ".xlsx": "a spreadsheet",
    ".csv": "a spreadsheet (CSV)",
    ".ppt": "a presentation",
    ".pptx": "a presentation",
    ".svg": "an image (SVG)",
    ".xml": "XML data",
}
# Signatures of formats refused whatever the file is called: (pattern at offset 0, what it is). Short
# signatures carry the bytes that follow them, so a text that starts with "BM" or "ID3" is not refused.
_REFUSED_MAGIC: tuple[tuple[re.Pattern[bytes], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), what)
    for pattern, what in (
        (rb"GIF8[79]a", "a GIF image"),
        (rb"BM.{4}\x00\x00\x00\x00", "a BMP image"),
        (rb"\x00\x00\x01\x00", "an icon"),
        (rb"RIFF.{4}(?:WAVE|AVI )", "a RIFF audio or video file"),
        (rb".{4}ftyp", "a video, audio or HEIC image file"),
        (rb"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.doc/.xls/.ppt): save it as .docx"),
        (rb"\x7fELF|\xca\xfe\xba\xbe|\xcf\xfa\xed\xfe|\xce\xfa\xed\xfe", "an executable"),
        (rb"\x00asm", "a WebAssembly module"),
        (rb"\x1f\x8b|BZh[1-9]1AY&SY|\xfd7zXZ\x00|7z\xbc\xaf\x27\x1c|Rar!\x1a\x07", "a compressed archive"),
        (rb"SQLite format 3\x00", "an SQLite database"),
        (rb"OggS\x00|fLaC[\x00\x80]\x00\x00\x22|ID3[\x02-\x04]\x00", "an audio file"),
        (rb"\{\\rtf", "RTF: save it as .docx"),
        (rb"wOFF|wOF2", "a font"),
    )
)

# PNG, JPEG, TIFF (both byte orders) and WebP: the image formats OCR reads.
_IMAGE_MAGIC = re.compile(rb"\x89PNG\r\n\x1a\n|\xff\xd8\xff|II\*\x00|MM\x00\*|RIFF.{4}WEBP", re.DOTALL)

_PARSERS: dict[str, Callable[[bytes, str | None], ParsedDocument]] = {
    "pdf": lambda data, _charset: parse_pdf(data),
    "docx": lambda data, _charset: parse_docx(data),
    "html": parse_html,
    "markdown": parse_markdown,
    "text": parse_text,
    "json": lambda data, _charset: parse_json(data),
    "image": lambda data, _charset: parse_image(data),
}


def parse(data: bytes, filename: str | None = None, content_type: str | None = None) -> ParsedDocument:
    """Parse one document. Raises UnsupportedFormat, or MalformedDocument (also for multi-record JSONL)."""
    docs = parse_many(data, filename, content_type)
    if len(docs) != 1:
        raise MalformedDocument(f"The file holds {len(docs)} records; parse each with parse_many")
    return docs[0]


def parse_many(
    data: bytes, filename: str | None = None, content_type: str | None = None
) -> list[ParsedDocument]:
    """Parse a file into its documents: one, or one per record for JSONL."""
    fmt = detect_format(data, filename, content_type)
    try:
        if fmt == "jsonl":
            return parse_jsonl(data)
        return [_PARSERS[fmt](data, _charset(content_type))]
    except RecursionError as exc:
        # Deep nesting (JSON arrays, DOCX elements) is refused as malformed input, not a server error.
        raise MalformedDocument(f"The {fmt.upper()} file is nested too deeply to be read") from exc


def detect_format(data: bytes, filename: str | None = None, content_type: str | None = None) -> str:
    """The format to parse `data` as, or UnsupportedFormat. See the module docstring for the order."""
    claimed = _claimed(filename, content_type)
    # PDF readers accept junk before the header (within 1 KB): honoured only for files said to be PDFs,
    # so a text that merely mentions "%PDF-" stays text.
    if data.startswith(b"%PDF-") or (claimed == "pdf" and data[:1024].find(b"%PDF-") >= 0):
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(data, filename, content_type)
    if _IMAGE_MAGIC.match(data):  # scans and photos of pages: read by OCR (siyada.knowledge.ocr)
        return "image"
    _refuse_known_binary(data)
    extension = PurePath(filename).suffix.lower() if filename else ""
    if extension in _REFUSED_EXTENSIONS:
        raise UnsupportedFormat(f"Unsupported format: {_REFUSED_EXTENSIONS[extension]}")
    if claimed is not None:
        return claimed
    return _sniff(data, filename, content_type)


def _zip_format(data: bytes, filename: str | None, content_type: str | None) -> str:
    # A zip that merely claims to be a DOCX goes to the DOCX parser, which says whether it is corrupt
    # (MalformedDocument) or another kind of archive (UnsupportedFormat).
    if is_docx_zip(data) or _claimed(filename, content_type) == "docx":
        return "docx"
    raise UnsupportedFormat(f"Unsupported format: {describe_zip(data)}")


def _claimed(filename: str | None, content_type: str | None) -> str | None:
    extension = PurePath(filename).suffix.lower() if filename else ""
    return _EXTENSIONS.get(extension) or _CONTENT_TYPES.get(_mime(content_type))


def _refuse_known_binary(data: bytes) -> None:
    for pattern, what in _REFUSED_MAGIC:
        if pattern.match(data):
            raise UnsupportedFormat(f"Unsupported format: {what}")
    if data[:2] == b"MZ" and len(data) > 0x40:
        pe = int.from_bytes(data[0x3C:0x40], "little")
        if data[pe : pe + 4] == b"PE\x00\x00":
            raise UnsupportedFormat("Unsupported format: a Windows executable")


def _sniff(data: bytes, filename: str | None, content_type: str | None) -> str:
    """No extension or content type we know: accept HTML, JSON and valid UTF-8 text, refuse the rest."""
    sample = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sample.startswith((b"<!doctype html", b"<html")):
        return "html"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        if sample[:1] in (b"{", b"["):
            try:
                json.loads(text)
                return "json"
            except RecursionError:
                return "json"  # valid JSON syntax nested too deep: the JSON parser says so (422)
            except json.JSONDecodeError:
                pass  # text that merely starts with a brace
        return "text"
    described = filename or content_type or "this file"
    raise UnsupportedFormat(
        f"Unsupported format for {described}: expected PDF, DOCX, HTML, Markdown, text, JSON or JSONL"
    )


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
