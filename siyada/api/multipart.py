"""Reading an upload's multipart body within a byte limit, for every route that takes a file: the
declared length is refused before reading, the body is counted as it streams (a client may lie or send
no length), and a malformed form is a 400, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from siyada.errors import ApiError


def refuse_declared_oversize(request: Request, limit: int) -> None:
    """413 before reading a byte when Content-Length already says the body is over `limit`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"The upload is {declared} bytes; the limit is {limit}", code="file_too_large")


async def _limited(request: Request, limit: int) -> AsyncIterator[bytes]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"The upload exceeds the limit of {limit} bytes", code="file_too_large")
        yield chunk


async def read_form(request: Request, limit: int, max_fields: int) -> FormData:
    """The multipart form (at most one file and `max_fields` fields), its body counted against `limit`."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        # the parser reads the boundary from this header, and raises KeyError (a 500) without it
        raise ApiError(400, "Upload a multipart form (multipart/form-data)", code="invalid_multipart")
    try:
        return await MultiPartParser(
            request.headers, _limited(request, limit), max_files=1, max_fields=max_fields
        ).parse()
    except MultiPartException as exc:
        raise ApiError(400, f"Malformed multipart body: {exc.message}", code="invalid_multipart") from exc


async def file_part(form: FormData) -> tuple[bytes, UploadFile]:
    """The bytes of the form's `file` part (read, then closed) and the part, for its name and type; a 400
    when the form has none."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise ApiError(400, "A multipart upload needs a 'file' part", code="missing_file", param="file")
    data = await upload.read()
    await upload.close()
    return data, upload
