"""Reading the app's small forms (login, logout): their size is bounded before a byte is parsed.

`request.form()` reads and parses whatever a client sends, and anybody may post to these pages, so a
body is refused (413) past `MAX_FORM_BYTES`, first by its declared Content-Length and then while it
streams in (a chunked body declares none).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from starlette.datastructures import FormData
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser

from siyada.errors import ApiError

# A username, a password of at most 1024 characters (up to 12 bytes each once percent-encoded), a
# CSRF token or an API key, with room to spare.
MAX_FORM_BYTES = 16 * 1024


def _too_large() -> ApiError:
    return ApiError(413, f"A form is at most {MAX_FORM_BYTES} bytes here", code="request_too_large")


async def _capped(request: Request) -> AsyncIterator[bytes]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise _too_large()
        yield chunk


async def read_small_form(request: Request) -> FormData:
    """The posted fields (empty for a body that is not a form); 413 past the cap."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise _too_large()
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return await FormParser(request.headers, _capped(request)).parse()
    if content_type.startswith("multipart/form-data"):
        try:
            return await MultiPartParser(request.headers, _capped(request), max_files=0, max_fields=8).parse()
        except MultiPartException:
            return FormData()
    return FormData()
