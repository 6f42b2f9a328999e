"""The wire schemas of the audio routes, as OpenAI's API names them (the form fields of a transcription
or translation, the JSON body of a speech request)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TranscriptFormat = Literal["json", "text", "srt", "verbose_json", "vtt"]
SpeechFormat = Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]


class TranscriptionForm(BaseModel):
    """The form fields beside `file` (a translation has no `language`; its upstream ignores one)."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(min_length=1, max_length=256)
    language: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$")
    prompt: str | None = Field(default=None, max_length=4096)
    response_format: TranscriptFormat = "json"
    temperature: float | None = Field(default=None, ge=0, le=1)


class SpeechRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str = Field(min_length=1, max_length=256)
    input: str = Field(min_length=1)
    voice: str = Field(min_length=1, max_length=128)
    instructions: str | None = Field(default=None, max_length=4096)
    response_format: SpeechFormat = "mp3"
    speed: float | None = Field(default=None, ge=0.25, le=4.0)
