"""An uploaded audio file and its duration, read from its container header.

The duration is what a transcription is billed and bounded by, so it is read here and never taken from
the client: mutagen (pure Python) reads the headers of WAV, MP3, Ogg (Vorbis, Opus, FLAC, Speex), FLAC
and MP4/M4A. Its work is bounded by the upload's size (already capped). A file no reader here can
measure (WebM, raw PCM, anything unknown) has no duration: the route refuses it unless the operator
allows unmeasured audio, which is then billed by its size.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import aiohttp
from mutagen import File as MutagenFile
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggspeex import OggSpeex
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

_READERS = [WAVE, MP3, OggVorbis, OggOpus, OggFLAC, OggSpeex, FLAC, MP4]


@dataclass(frozen=True)
class AudioClip:
    data: bytes
    filename: str
    content_type: str
    seconds: float | None  # None: no reader here could measure it

    def billed_seconds(self, bytes_per_second: int) -> int:
        """Whole seconds, rounded up (a 0.2 s clip is 1 s); by size when it could not be measured."""
        seconds = self.seconds if self.seconds is not None else len(self.data) / bytes_per_second
        return max(1, math.ceil(seconds))


def duration(data: bytes) -> float | None:
    """Seconds of audio the container header declares; None when no reader knows the format, or the
    header is broken or declares nothing sensible."""
    try:
        found = MutagenFile(io.BytesIO(data), options=_READERS)
    except Exception:  # mutagen raises many kinds on a broken header (struct.error, its own errors...)
        return None
    length = getattr(getattr(found, "info", None), "length", None)
    if not isinstance(length, int | float) or not math.isfinite(length) or length <= 0:
        return None
    return float(length)


def audio_form(fields: dict[str, object], clip: AudioClip) -> aiohttp.FormData:
    """The multipart body of an OpenAI transcription or translation request."""
    form = aiohttp.FormData()
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:  # `timestamp_granularities[]` repeats
            if one is not None:
                form.add_field(name, str(one))
    form.add_field("file", clip.data, filename=clip.filename, content_type=clip.content_type)
    return form
