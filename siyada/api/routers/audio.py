"""POST /v1/audio/transcriptions, /v1/audio/translations (multipart) and /v1/audio/speech (JSON), as
OpenAI's API has them; served by upstreams (siyada.gateway.speech)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import Response

from siyada.api.audio_schemas import SpeechRequest, TranscriptionForm
from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.errors import bad_request_from
from siyada.api.multipart import file_part, read_form, refuse_declared_oversize
from siyada.config_integration import AudioConfig
from siyada.errors import ApiError
from siyada.gateway.audio_clip import AudioClip, duration
from siyada.gateway.backends.base import Endpoint
from siyada.gateway.speech import speak, transcribe
from siyada.governance.keys import Principal

router = APIRouter(tags=["audio"])
FORM_SLACK = 64 * 1024  # the form's other fields and part headers, beside the file
MAX_FIELDS = 16

_FORM: dict[str, Any] = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["file", "model"],
            "properties": {
                "file": {"type": "string", "format": "binary"},
                "model": {"type": "string", "minLength": 1, "maxLength": 256},
                "language": {"type": "string"},
                "prompt": {"type": "string", "maxLength": 4096},
                "response_format": {"enum": ["json", "text", "srt", "verbose_json", "vtt"]},
                "temperature": {"type": "number", "minimum": 0, "maximum": 1},
            },
        }
    }
}
_OPENAPI_FORM = {"requestBody": {"required": True, "content": _FORM}}


def _limits(request: Request) -> AudioConfig:
    return request.app.state.settings.file.audio


async def _upload(request: Request, limits: AudioConfig) -> tuple[TranscriptionForm, AudioClip]:
    refuse_declared_oversize(request, limits.max_bytes + FORM_SLACK)
    form = await read_form(request, limits.max_bytes + FORM_SLACK, max_fields=MAX_FIELDS)
    data, upload = await file_part(form)
    if not data:
        raise ApiError(400, "The audio file is empty", code="empty_file", param="file")
    if len(data) > limits.max_bytes:
        raise ApiError(413, f"The audio exceeds the limit of {limits.max_bytes} bytes", code="file_too_large")
    fields: dict[str, Any] = {}
    for key in {k for k in form if k != "file"}:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        fields[key] = values[0] if len(values) == 1 and not key.endswith("[]") else values
    try:
        # Form values are strings: lax validation reads "0.2" as the number it spells.
        parsed = TranscriptionForm.model_validate(fields)
    except ValidationError as exc:
        raise bad_request_from(exc) from exc
    seconds = await asyncio.to_thread(duration, data)
    clip = AudioClip(
        data, upload.filename or "audio", upload.content_type or "application/octet-stream", seconds
    )
    return parsed, clip


async def _transcribe(request: Request, principal: Principal, endpoint: Endpoint) -> Response:
    limits = _limits(request)
    form, clip = await _upload(request, limits)
    data, media, provider = await transcribe(
        request.app.state.gateway, principal, endpoint, form, clip, limits
    )
    return Response(data, media_type=media, headers={"X-Siyada-Provider": provider})


@router.post("/v1/audio/transcriptions", openapi_extra=_OPENAPI_FORM)
async def transcriptions(request: Request, principal: Principal = Depends(authenticate)) -> Response:
    return await _transcribe(request, principal, "audio/transcriptions")


@router.post("/v1/audio/translations", openapi_extra=_OPENAPI_FORM)
async def translations(request: Request, principal: Principal = Depends(authenticate)) -> Response:
    return await _transcribe(request, principal, "audio/translations")


@router.post("/v1/audio/speech", openapi_extra=openapi_body(SpeechRequest))
async def speech(request: Request, principal: Principal = Depends(authenticate)) -> Response:
    req = validate(SpeechRequest, await read_json(request))
    data, media, provider = await speak(request.app.state.gateway, principal, req, _limits(request))
    return Response(data, media_type=media, headers={"X-Siyada-Provider": provider})
