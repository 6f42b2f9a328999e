"""Turn an uploaded file into text with structure: format detection and the public parsing API.

``parse(data, filename, content_type)`` returns one :class:`ParsedDocument`; ``parse_many`` returns a
list, which holds several documents only for JSONL (one per record; ``parse`` refuses a JSONL file with
more than one record rather than guess which one is meant) and EML (the mail, then the documents of its
attachments, each with ``parent`` naming the index of the mail it came in). A JSON array is one document.

Detection order: magic bytes (``%PDF``, a zip told apart by its members: DOCX, XLSX, PPTX, ODT, ODS; the
signatures of images, checked for bombs and damage, then read by OCR (PNG, JPEG, TIFF, WebP) or refused
(GIF, BMP); the signatures of formats we refuse:
archives, executables, legacy Office), then the file extension, then the declared content type, then a
sniff (HTML or JSON markup, mail headers, else any valid UTF-8 text is text).
Errors: :class:`UnsupportedFormat` (HTTP 415) for formats Siyada does not read, :class:`MalformedDocument`
(HTTP 422) for a file that claims a supported format but cannot be read; both are :class:`ParseError`.
Size limits belong to the API; here what could explode in memory or time is bounded
(:class:`~siyada.knowledge.parsers.limits.ParseLimits`: PDF pages, zip members and inflated bytes, rows,
cells, slides, attachments, nested mails, image pixels).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import PurePath

from siyada.knowledge.ocr.read import parse_image
from siyada.knowledge.parsers.base import (
    MalformedDocument,
    ParsedDocument,
    ParseError,
    Section,
    UnsupportedFormat,
)
from siyada.knowledge.parsers.delimited import parse_csv
from siyada.knowledge.parsers.docx import is_docx_zip, parse_docx
from siyada.knowledge.parsers.eml import looks_like_mail, parse_eml
from siyada.knowledge.parsers.html import parse_html
from siyada.knowledge.parsers.image import check_image, refuse_unread_image
from siyada.knowledge.parsers.limits import DEFAULT_LIMITS, ParseLimits
from siyada.knowledge.parsers.odt import parse_odt
from siyada.knowledge.parsers.pdf import parse_pdf
from siyada.knowledge.parsers.plain import parse_json, parse_jsonl, parse_markdown, parse_text
from siyada.knowledge.parsers.sheets import parse_ods, parse_xlsx
from siyada.knowledge.parsers.slides import parse_pptx
from siyada.knowledge.parsers.zipguard import ZIP_ERRORS

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "MalformedDocument",
    "ParseError",
    "ParseLimits",
    "ParsedDocument",
    "Section",
    "UnsupportedFormat",
    "detect_format",
    "parse",
    "parse_many",
]

FORMATS = (
    "pdf", "docx", "odt", "xlsx", "ods", "csv", "pptx", "eml", "html", "markdown", "text", "json", "jsonl",
    "image",
)

_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".odt": "odt",
    ".ods": "ods",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".csv": "csv",
    ".tsv": "csv",
    ".pptx": "pptx",
    ".eml": "eml",
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
# The file name extensions Siyada reads (what `siyada ingest FOLDER` picks up).
EXTENSIONS = frozenset(_EXTENSIONS)
_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "text/csv": "csv",
    "text/tab-separated-values": "csv",
    "message/rfc822": "eml",
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
    ".xls": "a legacy Excel spreadsheet (.xls): save it as .xlsx",
    ".ppt": "a legacy PowerPoint presentation (.ppt): save it as .pptx",
    ".odp": "an OpenDocument presentation: save it as .pptx",
    ".svg": "an image (SVG)",
    ".xml": "XML data",
}
# Signatures of formats refused whatever the file is called: (pattern at offset 0, what it is). Short
# signatures carry the bytes that follow them, so a text that starts with "BM" or "ID3" is not refused.
_REFUSED_MAGIC: tuple[tuple[re.Pattern[bytes], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), what)
    for pattern, what in (
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

# Images: opened first (bombs and damaged files get their own 422), then read by OCR
# (siyada.knowledge.ocr): PNG, JPEG, TIFF (both byte orders) and WebP; GIF and BMP are refused (415).
_IMAGE_MAGIC: tuple[tuple[re.Pattern[bytes], str, bool], ...] = tuple(
    (re.compile(pattern, re.DOTALL), what, read)
    for pattern, what, read in (
        (rb"\x89PNG\r\n\x1a\n", "a PNG image", True),
        (rb"\xff\xd8\xff", "a JPEG image", True),
        (rb"GIF8[79]a", "a GIF image", False),
        (rb"II\*\x00|MM\x00\*", "a TIFF image", True),
        (rb"BM.{4}\x00\x00\x00\x00", "a BMP image", False),
        (rb"RIFF.{4}WEBP", "a WebP image", True),
    )
)
# A password-protected OOXML file is an OLE container holding this stream (UTF-16 directory name).
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_PARSERS: dict[str, Callable[[bytes, str | None, ParseLimits], ParsedDocument]] = {
    "pdf": lambda data, _charset, limits: parse_pdf(data, limits.max_pdf_pages),
    "docx": lambda data, _charset, _limits: parse_docx(data),
    "odt": lambda data, _charset, limits: parse_odt(data, limits),
    "xlsx": lambda data, _charset, limits: parse_xlsx(data, limits),
    "ods": lambda data, _charset, limits: parse_ods(data, limits),
    "pptx": lambda data, _charset, limits: parse_pptx(data, limits),
    "csv": parse_csv,
    "html": lambda data, charset, _limits: parse_html(data, charset),
    "markdown": lambda data, charset, _limits: parse_markdown(data, charset),
    "text": lambda data, charset, _limits: parse_text(data, charset),
    "json": lambda data, _charset, _limits: parse_json(data),
    "image": lambda data, _charset, limits: parse_image(data, limits.max_image_pixels),
}


def parse(
    data: bytes,
    filename: str | None = None,
    content_type: str | None = None,
    limits: ParseLimits = DEFAULT_LIMITS,
) -> ParsedDocument:
    """Parse one document. Raises UnsupportedFormat, or MalformedDocument (also for multi-record JSONL
    and for a mail with attachments)."""
    docs = parse_many(data, filename, content_type, limits)
    if len(docs) != 1:
        raise MalformedDocument(f"The file holds {len(docs)} records; parse each with parse_many")
    return docs[0]


def parse_many(
    data: bytes,
    filename: str | None = None,
    content_type: str | None = None,
    limits: ParseLimits = DEFAULT_LIMITS,
) -> list[ParsedDocument]:
    """Parse a file into its documents: one, one per record for JSONL, the mail and its attachments'
    documents for EML."""
    return _parse_at(data, filename, content_type, limits, 0)


def _parse_at(
    data: bytes, filename: str | None, content_type: str | None, limits: ParseLimits, depth: int
) -> list[ParsedDocument]:
    """parse_many for a file found `depth` mails deep (an attachment of an attachment…)."""
    fmt = detect_format(data, filename, content_type, limits)
    try:
        if fmt == "jsonl":
            return parse_jsonl(data)
        if fmt == "eml":
            return parse_eml(
                data, limits, lambda d, n, ct, level: _parse_at(d, n, ct, limits, level), depth
            )
        return [_PARSERS[fmt](data, _charset(content_type), limits)]
    except RecursionError as exc:
        # Deep nesting (JSON arrays, DOCX elements) is refused as malformed input, not a server error.
        raise MalformedDocument(f"The {fmt.upper()} file is nested too deeply to be read") from exc


def detect_format(
    data: bytes,
    filename: str | None = None,
    content_type: str | None = None,
    limits: ParseLimits = DEFAULT_LIMITS,
) -> str:
    """The format to parse `data` as, or UnsupportedFormat (MalformedDocument for a damaged image or a
    password-protected Office file). See the module docstring for the order."""
    claimed = _claimed(filename, content_type)
    # PDF readers accept junk before the header (within 1 KB): honoured only for files said to be PDFs,
    # so a text that merely mentions "%PDF-" stays text.
    if data.startswith(b"%PDF-") or (claimed == "pdf" and data[:1024].find(b"%PDF-") >= 0):
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(data, filename, content_type)
    for pattern, what, read in _IMAGE_MAGIC:
        if pattern.match(data):
            check_image(data, what, limits)  # a bomb or a damaged image: 422 before OCR is tried
            if not read:
                refuse_unread_image(what)
            return "image"  # scans and photos of pages: read by OCR (siyada.knowledge.ocr)
    if data.startswith(_OLE) and _ENCRYPTED_OOXML in data:
        raise MalformedDocument(
            "The Office file is password-protected: remove the password and upload it again"
        )
    _refuse_known_binary(data)
    extension = PurePath(filename).suffix.lower() if filename else ""
    if extension in _REFUSED_EXTENSIONS:
        raise UnsupportedFormat(f"Unsupported format: {_REFUSED_EXTENSIONS[extension]}")
    if claimed is not None:
        return claimed
    return _sniff(data, filename, content_type)


# Zip containers told apart by a member only their format has; ODF ones by their `mimetype` member.
_ZIP_MEMBERS = (("xl/workbook.xml", "xlsx"), ("ppt/presentation.xml", "pptx"))
_ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.text-master": "odt",
    b"application/vnd.oasis.opendocument.text-web": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_ZIP_FORMATS = {"docx", "xlsx", "pptx", "odt", "ods"}


def _zip_format(data: bytes, filename: str | None, content_type: str | None) -> str:
    # A zip that merely claims to be an office file goes to that parser, which says whether it is
    # corrupt (MalformedDocument) or another kind of archive (UnsupportedFormat).
    if is_docx_zip(data):
        return "docx"
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100].strip() if "mimetype" in names else b""
    except ZIP_ERRORS:
        names, mimetype = set(), b""
    for member, fmt in _ZIP_MEMBERS:
        if member in names:
            return fmt
    if mimetype in _ODF_TYPES:
        return _ODF_TYPES[mimetype]
    claimed = _claimed(filename, content_type)
    if claimed in _ZIP_FORMATS:
        return claimed
    if mimetype.startswith(b"application/vnd.oasis.opendocument."):
        kind = mimetype.decode("ascii", "replace").rsplit(".", 1)[-1]
        raise UnsupportedFormat(f"Unsupported format: an OpenDocument {kind} file")
    if "META-INF/container.xml" in names:
        raise UnsupportedFormat("Unsupported format: an EPUB or other packaged archive")
    raise UnsupportedFormat("Unsupported format: a zip archive")


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
        if looks_like_mail(data):
            return "eml"
        return "text"
    described = filename or content_type or "this file"
    raise UnsupportedFormat(
        f"Unsupported format for {described}: expected PDF, DOCX, ODT, XLSX, ODS, CSV, PPTX, EML, "
        "HTML, Markdown, text, JSON, JSONL or an image (PNG, JPEG, TIFF, WebP)"
    )


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
