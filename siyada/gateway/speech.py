"""Speech as a service: transcriptions, translations and text-to-speech through the gateway's one call
path (model access, shield, quota, routing, usage row), to OpenAI-compatible upstreams (faster-whisper
servers, vLLM with Whisper, Piper / OpenedAI-speech servers).

Accounting is in seconds of audio: a transcription's usage row carries the seconds of the uploaded
audio (read from its header, siyada.gateway.audio_clip) as its prompt tokens; a speech request's
carries the characters of its input as prompt tokens and the seconds of audio made as completion
tokens. Quotas count these units for these routes.

Privacy: audio cannot be read for personal data, so it goes only to in-house providers unless
`[privacy] pass_parts` lists `input_audio` (as an audio content part in a chat). The text fields
(a transcription's `prompt`, a speech request's `input`) pass the shield like any prompt. Transcripts
and audio are answered as the upstream made them and never logged or stored.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import Any

from siyada.api.audio_schemas import SpeechRequest, TranscriptionForm
from siyada.config_integration import AudioConfig
from siyada.errors import ApiError
from siyada.gateway.audio_clip import AudioClip, duration
from siyada.gateway.backends.base import Endpoint, Provider, ProviderError
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal


def measured(clip: AudioClip, limits: AudioConfig) -> int:
    """The seconds billed for `clip`, refusing (400) audio over the limit or (unless allowed) audio
    whose duration cannot be read."""
    if clip.seconds is None and not limits.allow_unmeasured:
        raise ApiError(
            400,
            "The audio's duration cannot be read from its header (WAV, MP3, Ogg, FLAC and M4A can be); "
            "send one of those formats",
            code="unmeasurable_audio",
            param="file",
        )
    seconds = clip.billed_seconds(limits.unmeasured_bytes_per_second)
    if seconds > limits.max_seconds:
        raise ApiError(
            400,
            f"The audio lasts {seconds} s; the limit is {limits.max_seconds:g} s",
            code="audio_too_long",
            param="file",
        )
    return seconds


def _audio_leaves_unread(
    gateway: Gateway, principal: Principal, form: TranscriptionForm, endpoint: Endpoint
) -> None:
    """Refuse (400) audio for a model any of whose providers is not in-house, unless the config lets
    unreadable audio go (`[privacy] pass_parts = ["input_audio"]`)."""
    entry = gateway.model_for(principal, form.model, endpoint)  # 404 / 403 / wrong kind come first
    if gateway.privacy is None or "input_audio" in gateway.privacy.config.pass_parts:
        return
    if all(gateway.router.providers[r.provider].in_house for r in entry.routes):
        return
    raise ApiError(
        400,
        "Audio cannot be checked for personal data and is not sent to a provider that is not in-house; "
        "use an in-house model, or list input_audio in [privacy] pass_parts",
        code="unreadable_content",
        param="file",
    )


AudioCall = Callable[[Endpoint, dict[str, Any], AudioClip | None], Awaitable[tuple[bytes, str]]]


def _audio_call(provider: Provider) -> AudioCall:
    """The provider's audio call; only upstreams have one (no speech model runs embedded)."""
    call: AudioCall | None = getattr(provider, "call_audio", None)
    if call is None:
        raise ProviderError(
            f"provider {provider.name!r} serves no audio; route the model to an upstream", retryable=False
        )
    return call


async def transcribe(
    gateway: Gateway,
    principal: Principal,
    endpoint: Endpoint,
    form: TranscriptionForm,
    clip: AudioClip,
    limits: AudioConfig,
) -> tuple[bytes, str, str]:
    """A transcription or translation: the upstream's answer (bytes, media type) and its provider."""
    _audio_leaves_unread(gateway, principal, form, endpoint)
    seconds = measured(clip, limits)
    fields = form.model_dump(exclude_none=True)  # unknown fields too: the shield decides on them

    async def send(provider: Provider, routed: dict[str, Any]) -> dict[str, Any]:
        data, media = await _audio_call(provider)(endpoint, routed, clip)
        return {"audio": data, "media_type": media, "usage": {"prompt_tokens": seconds}}

    result, provider = await gateway.call(principal, endpoint, fields, send=send, units=seconds)
    return result["audio"], result["media_type"], provider


async def speak(
    gateway: Gateway, principal: Principal, req: SpeechRequest, limits: AudioConfig
) -> tuple[bytes, str, str]:
    """Text to speech: the audio (bytes, media type) and its provider."""
    if len(req.input) > limits.max_speech_chars:
        raise ApiError(
            400,
            f"The input is {len(req.input)} characters; at most {limits.max_speech_chars}",
            code="input_too_long",
            param="input",
        )
    chars = len(req.input)

    async def send(provider: Provider, routed: dict[str, Any]) -> dict[str, Any]:
        data, media = await _audio_call(provider)("audio/speech", routed, None)
        made = await asyncio.to_thread(duration, data)  # None for raw PCM: no audio seconds counted
        produced = math.ceil(made) if made else 0
        usage = {"prompt_tokens": chars, "completion_tokens": produced}
        return {"audio": data, "media_type": media, "usage": usage}

    result, provider = await gateway.call(
        principal, "audio/speech", req.model_dump(exclude_none=True), send=send, units=chars
    )
    return result["audio"], result["media_type"], provider
