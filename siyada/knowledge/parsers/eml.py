"""EML (RFC 5322 mail) through the standard ``email`` package: the mail is one document (its From, To,
Cc, Date and Subject lines, then its body: the first plain-text part, else the first HTML one read as
HTML), and each attachment becomes documents of its own, parsed by the dispatcher like an upload, with
``parent`` naming the mail. A mail attached to a mail (message/rfc822, or a file that is a mail) is
read the same way, to ``max_mail_depth``.

An attachment in a format Siyada does not read (an image, an archive) or that cannot be read is not
indexed: the mail's metadata lists it under ``skipped_attachments`` with the reason. Too many
attachments, MIME parts or mails nested too deep refuse the whole mail (422), naming the limit.

Linear on hostile input: the parser runs with the ``compat32`` policy, which keeps headers as raw
strings (the structured header parser of ``policy.default`` took minutes on a 500 KB address list), and
header values are cut to ``_HEADER_CHARS`` before their encoded words are decoded. The MIME parts are
counted before parsing: the feed parser's cost grows with the square of the nesting of multiparts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email import message_from_bytes
from email.errors import MessageError
from email.header import decode_header, make_header
from email.message import Message
from email.policy import compat32
from typing import Any

from siyada.knowledge.parsers.base import (
    MalformedDocument,
    ParsedDocument,
    ParseError,
    TextBuilder,
    one_line,
)
from siyada.knowledge.parsers.html import parse_html
from siyada.knowledge.parsers.limits import ParseLimits

# (bytes, filename, content type, mail depth) -> the documents of one attachment; raises ParseError. The
# depth goes along so that a mail attached as a plain file (.eml, octet-stream) still counts a level.
ParseAttachment = Callable[[bytes, str, "str | None", int], list[ParsedDocument]]
_HEADERS = (("From", "from"), ("To", "to"), ("Cc", "cc"), ("Date", "date"), ("Subject", "subject"))
_MAIL_HEADERS = ("from", "to", "subject", "date", "message-id")
_HEADER_CHARS = 2000
# A malformed encoded word: bad base64 (HeaderParseError), a non-ASCII charset name (CharsetError),
# an unknown charset (LookupError). Both email errors are MessageErrors, not ValueErrors.
_DECODE_ERRORS = (ValueError, LookupError, UnicodeError, MessageError)
_MAX_PARTS = 500  # MIME part headers in one file, nested mails included
_PART_HEADER = re.compile(rb"^content-type:", re.IGNORECASE | re.MULTILINE)


class _TooDeep(MalformedDocument):
    """Mails inside mails past the limit: refuses the whole upload, not only the attachment."""


def looks_like_mail(data: bytes) -> bool:
    """Header lines at the top, among them at least two that every mail has."""
    head = data[:4096].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].lower()
    names = {line.split(b":", 1)[0].strip() for line in head.splitlines() if b":" in line}
    return len(names & {h.encode() for h in _MAIL_HEADERS}) >= 2


def parse_eml(
    data: bytes, limits: ParseLimits, parse_attachment: ParseAttachment, depth: int = 0
) -> list[ParsedDocument]:
    if depth > limits.max_mail_depth:
        raise _TooDeep(f"The mail holds mails nested more than {limits.max_mail_depth} deep")
    parts = len(_PART_HEADER.findall(data))
    if parts > _MAX_PARTS:
        raise MalformedDocument(f"The mail has {parts} MIME parts, over the limit of {_MAX_PARTS}")
    try:
        message = message_from_bytes(data, policy=compat32)
    except (ValueError, LookupError, TypeError, IndexError) as exc:
        raise MalformedDocument(f"The mail cannot be read: {exc}") from exc
    if not any(message.get(h) for h in _MAIL_HEADERS):
        raise MalformedDocument("The file is not a mail: it has none of From, To, Subject, Date")
    body, attachments = _parts(message, limits)
    docs: list[ParsedDocument] = []
    skipped: list[dict[str, str]] = []
    for part in attachments:
        name = _filename(part, len(docs) + len(skipped) + 1)
        try:
            found = _attachment(part, name, limits, parse_attachment, depth)
        except _TooDeep:
            raise
        except ParseError as exc:
            skipped.append({"name": name, "reason": str(exc)})
            continue
        base = 1 + len(docs)  # the index of this attachment's first document in the final list
        for doc in found:
            # Documents of a mail attached to this one keep their own attachment names and parents.
            direct = doc.parent is None
            metadata = {**doc.metadata, "attachment": name} if direct else doc.metadata
            parent = 0 if direct or doc.parent is None else doc.parent + base
            docs.append(ParsedDocument(**{**doc.__dict__, "metadata": metadata, "parent": parent}))
    return [_mail_document(message, body, len(docs), skipped), *docs]


def _attachment(
    part: Message, name: str, limits: ParseLimits, parse_attachment: ParseAttachment, depth: int
) -> list[ParsedDocument]:
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        raw = _serialised(inner) if isinstance(inner, Message) else b""
        return parse_eml(raw, limits, parse_attachment, depth + 1)
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload:
        raise MalformedDocument("The attachment is empty")
    return parse_attachment(payload, name, part.get_content_type(), depth + 1)


def _serialised(inner: Message) -> bytes:
    """An attached mail's bytes, to parse it as a mail of its own. The ASCII generator cannot write a
    part the parser kept as non-ASCII text (an 8-bit part of a malformed mail: fuzzing found one), so
    such a mail is written as text and encoded as UTF-8, escaped bytes back to what they were."""
    try:
        return inner.as_bytes()
    except _DECODE_ERRORS:
        pass
    try:
        return inner.as_string().encode("utf-8", "surrogateescape")
    except _DECODE_ERRORS as exc:
        raise MalformedDocument(f"The attached mail cannot be read: {exc}") from exc


def _parts(message: Message, limits: ParseLimits) -> tuple[Message | None, list[Message]]:
    """The body part and the attachments, walking the MIME tree without recursion."""
    body: Message | None = None
    html: Message | None = None
    attachments: list[Message] = []
    stack: list[Message] = [message]
    while stack:
        part = stack.pop()
        ctype = part.get_content_type()
        if ctype == "message/rfc822" and part is not message:
            attachments.append(part)
        elif part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend(reversed(payload))
        elif part.get_content_disposition() == "attachment" or part.get_filename():
            attachments.append(part)
        elif ctype == "text/plain" and body is None:
            body = part
        elif ctype == "text/html" and html is None:
            html = part
        if len(attachments) > limits.max_attachments:
            raise MalformedDocument(f"The mail has more than {limits.max_attachments} attachments: split it")
    return body or html, attachments


def _mail_document(
    message: Message, body: Message | None, attached: int, skipped: list[dict[str, str]]
) -> ParsedDocument:
    out = TextBuilder()
    metadata: dict[str, Any] = {}
    for header, key in _HEADERS:
        value = _header(message, header)
        if value:
            out.block(1)
            out.add(f"{header}: {value}")
            metadata[key] = value
    text = _body_text(body)
    if text:
        out.block(2)
        out.add(text)
    if attached:
        metadata["attachments"] = attached
    if skipped:
        metadata["skipped_attachments"] = skipped
    return ParsedDocument(
        text=out.text(), format="eml", title=metadata.get("subject") or None, metadata=metadata
    )


def _header(message: Message, name: str) -> str:
    """A header's value, encoded words decoded, on one line; cut to _HEADER_CHARS first (linear)."""
    raw = message.get(name)
    if raw is None:
        return ""
    value = str(raw)[:_HEADER_CHARS]
    try:
        value = str(make_header(decode_header(value)))
    except _DECODE_ERRORS:
        pass  # a malformed encoded word (or a non-ASCII charset name): the raw text is what the mail says
    return one_line(value, _HEADER_CHARS)


def _body_text(body: Message | None) -> str:
    if body is None:
        return ""
    raw = body.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return ""
    charset = body.get_content_charset() or "utf-8"
    try:
        content = raw.decode(charset, errors="replace")
    except (LookupError, ValueError):  # a charset Python does not know, or a name with a NUL in it
        content = raw.decode("utf-8", errors="replace")
    if body.get_content_type() == "text/html":
        return parse_html(content.encode("utf-8"), "utf-8").text
    return content.strip()


def _filename(part: Message, number: int) -> str:
    try:
        name = part.get_filename()
    except (ValueError, LookupError, TypeError):
        name = None
    if name:
        try:
            name = str(make_header(decode_header(name[:_HEADER_CHARS])))
        except _DECODE_ERRORS:
            pass
    if part.get_content_type() == "message/rfc822" and not name:
        return f"attached-mail-{number}.eml"
    return one_line(name or "", 255) or f"attachment-{number}"
