"""The audio routes with the official `openai` SDK against a recording upstream that speaks OpenAI's
audio API (tests/speech_upstream.py): transcriptions and translations in every response format, speech,
the size and duration limits read from the audio's own header, accounting in seconds of audio, quotas,
the egress guard and the shield (audio never leaves for a provider that is not in-house; text to be
spoken reaches one with placeholders only)."""

from __future__ import annotations

import io
import json
import math
import os
import sqlite3
import threading
import time
import wave
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from siyada.gateway.audio_clip import duration
from tests.server import Server, cli, serving
from tests.speech_upstream import SECONDS_PER_CHAR, SpeechUpstream, transcript, wav
from tests.test_egress import RecordingListener, _Redirector

NAME = "Fatima-Zahra Benkirane"
MAX_BYTES = 300_000
MAX_SECONDS = 10


@pytest.fixture(scope="module")
def upstream() -> Iterator[SpeechUpstream]:
    up = SpeechUpstream()
    yield up
    up.close()


@pytest.fixture(scope="module")
def outside() -> Iterator[RecordingListener]:
    listener = RecordingListener()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def redirector(outside: RecordingListener) -> Iterator[str]:
    handler = type("H", (_Redirector,), {"target": f"http://{outside.host}:{outside.port}"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.fixture(scope="module")
def srv(
    tmp_path_factory: pytest.TempPathFactory, upstream: SpeechUpstream, redirector: str
) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("audio")
    toml = f"""
[embedded]
enabled = false
[audio]
max_bytes = {MAX_BYTES}
max_seconds = {MAX_SECONDS}
[[providers]]
name = "whisper"
url = "{upstream.url}"
in_house = true
retries = 0
[[providers]]
name = "outside"
url = "{upstream.url}"
retries = 0
[[providers]]
name = "sneaky"
url = "{redirector}"
in_house = true
retries = 0
[[models]]
name = "whisper-1"
kind = "transcription"
routes = [{{provider = "whisper", model = "Systran/faster-whisper-small"}}]
[[models]]
name = "whisper-outside"
kind = "transcription"
routes = [{{provider = "outside"}}]
[[models]]
name = "whisper-sneaky"
kind = "transcription"
routes = [{{provider = "sneaky"}}]
[[models]]
name = "tts-house"
kind = "speech"
routes = [{{provider = "whisper", model = "piper-ar"}}]
[[models]]
name = "tts-1"
kind = "speech"
routes = [{{provider = "outside", model = "piper-fr"}}]
"""
    with serving(data, toml, "default", "narrow", models={"narrow": "tts-house"}) as s:
        yield s


def _client(srv: Server, key: str) -> OpenAI:
    return OpenAI(base_url=srv.url + "/v1", api_key=key, max_retries=0, timeout=60)


@pytest.fixture(scope="module")
def client(srv: Server) -> OpenAI:
    return _client(srv, srv.key("default", "user"))


def _new_key(srv: Server, tenant: str = "default") -> tuple[str, int]:
    key = srv.key(tenant, "user")
    return key, max(k["id"] for k in json.loads(cli(srv.data_dir, "keys", "list", "--json").stdout))


def _rows(srv: Server, endpoint: str) -> list[tuple[Any, ...]]:
    time.sleep(0.6)  # usage rows are committed in groups
    with sqlite3.connect(Path(srv.data_dir) / "siyada.db") as db:
        return db.execute(
            "SELECT model, status, prompt_tokens, completion_tokens, provider FROM usage "
            "WHERE endpoint = ? ORDER BY id",
            (endpoint,),
        ).fetchall()


def test_transcription_reaches_the_upstream_as_sent_and_is_accounted_in_seconds(
    srv: Server, client: OpenAI, upstream: SpeechUpstream
) -> None:
    audio = wav(2.3)
    before = len(upstream.calls)
    out = client.audio.transcriptions.create(
        model="whisper-1", file=("clip.wav", audio, "audio/wav"), language="ar", prompt="مرحبا"
    )
    call = upstream.calls[before]
    assert call["path"] == "/v1/audio/transcriptions"
    assert call["file"] == ("clip.wav", audio, "audio/wav")  # the very bytes
    assert call["fields"]["model"] == "Systran/faster-whisper-small"  # the route's own name
    assert call["fields"]["language"] == "ar"
    assert out.text == transcript(call["fields"], audio)
    assert "prompt=مرحبا" in out.text
    # 2.3 s of audio, read from the WAV header, billed as 3 whole seconds
    assert ("whisper-1", 200, 3, 0, "whisper") in _rows(srv, "audio/transcriptions")


@pytest.mark.parametrize("fmt", ["text", "srt", "vtt", "verbose_json"])
def test_every_response_format_is_answered_as_the_upstream_made_it(
    client: OpenAI, upstream: SpeechUpstream, fmt: str
) -> None:
    audio = wav(1.0 + len(fmt) / 10)
    out: Any = client.audio.transcriptions.create(
        model="whisper-1",
        file=("a.wav", audio),
        response_format=fmt,
        temperature=0.2,  # type: ignore[arg-type]
    )
    fields = upstream.calls[-1]["fields"]
    assert fields["response_format"] == fmt and float(fields["temperature"]) == 0.2
    text = out if isinstance(out, str) else out.text
    assert transcript(fields, audio) in text
    if fmt == "srt":
        assert text.startswith("1\n00:00:00,000 -->")
    if fmt == "vtt":
        assert text.startswith("WEBVTT")
    if fmt == "verbose_json":
        assert out.language == "en" and out.duration == 1.0


def test_repeated_fields_reach_the_upstream_repeated(client: OpenAI, upstream: SpeechUpstream) -> None:
    out = client.audio.transcriptions.create(
        model="whisper-1",
        file=("a.wav", wav(1.0)),
        response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
    )
    assert out.text
    assert upstream.calls[-1]["fields"]["timestamp_granularities[]"] == ["word", "segment"]


def test_translation(srv: Server, client: OpenAI, upstream: SpeechUpstream) -> None:
    audio = wav(1.5)
    out = client.audio.translations.create(model="whisper-1", file=("t.wav", audio))
    call = upstream.calls[-1]
    assert call["path"] == "/v1/audio/translations"
    assert out.text == transcript(call["fields"], audio)
    assert ("whisper-1", 200, 2, 0, "whisper") in _rows(srv, "audio/translations")


def test_speech_returns_the_upstreams_audio_and_counts_its_seconds(
    srv: Server, client: OpenAI, upstream: SpeechUpstream
) -> None:
    text = "السلام عليكم، مرحبا بكم في الإدارة."
    resp = client.audio.speech.create(model="tts-house", voice="ar-MA", input=text, response_format="wav")
    audio = resp.content
    call = upstream.calls[-1]
    assert call["path"] == "/v1/audio/speech"
    assert call["json"] == {"model": "piper-ar", "input": text, "voice": "ar-MA", "response_format": "wav"}
    seconds = SECONDS_PER_CHAR * len(text)
    with wave.open(io.BytesIO(audio)) as w:
        assert w.getnframes() == int(seconds * w.getframerate())
    assert resp.response.headers["content-type"] == "audio/wav"
    # prompt: the characters read aloud; completion: the seconds of audio made
    assert ("tts-house", 200, len(text), math.ceil(seconds), "whisper") in _rows(srv, "audio/speech")


def test_text_to_speak_reaches_a_provider_not_in_house_with_placeholders(
    client: OpenAI, upstream: SpeechUpstream
) -> None:
    before = len(upstream.calls)
    client.audio.speech.create(
        model="tts-1", voice="fr", input=f"Bonjour Mme {NAME}, votre dossier est prêt."
    )
    sent = json.dumps(upstream.calls[before]["json"], ensure_ascii=False)
    assert upstream.calls[before]["json"]["model"] == "piper-fr"
    assert "Benkirane" not in sent and "Fatima" not in sent
    assert "votre dossier est prêt" in sent


def test_audio_is_never_sent_to_a_provider_not_in_house(client: OpenAI, upstream: SpeechUpstream) -> None:
    before = len(upstream.calls)
    with pytest.raises(openai.BadRequestError) as err:
        client.audio.transcriptions.create(model="whisper-outside", file=("a.wav", wav(1.0)))
    assert err.value.body["code"] == "unreadable_content"  # type: ignore[index]
    assert len(upstream.calls) == before


def test_a_redirect_to_a_host_off_the_allow_list_is_not_followed(
    client: OpenAI, outside: RecordingListener
) -> None:
    with pytest.raises(openai.APIStatusError) as err:
        client.audio.transcriptions.create(model="whisper-sneaky", file=("a.wav", wav(1.0)))
    assert err.value.status_code in (502, 503)
    assert "redirect" in err.value.message
    assert outside.connections == []


def test_an_upstream_off_the_allow_list_is_refused_at_load(tmp_path: Path) -> None:
    config = tmp_path / "siyada.toml"
    config.write_text(
        """
egress_allow = ["127.0.0.1"]
[embedded]
enabled = false
[[providers]]
name = "cloud-whisper"
url = "http://127.0.0.2:9000/v1"
[[models]]
name = "whisper-1"
kind = "transcription"
routes = [{provider = "cloud-whisper"}]
"""
    )
    check = cli(tmp_path / "d", "config", "check", config=config, check=False)
    assert check.returncode == 2 and "not on the egress allow-list" in check.stderr


def test_duration_limit_read_from_the_header(client: OpenAI, upstream: SpeechUpstream) -> None:
    before = len(upstream.calls)
    with pytest.raises(openai.BadRequestError) as err:
        client.audio.transcriptions.create(
            model="whisper-1", file=("long.wav", wav(MAX_SECONDS + 1, rate=8000))
        )
    assert err.value.body["code"] == "audio_too_long"  # type: ignore[index]
    # a header that lies about its rate: 1,000 frames a second makes 70 KB last 35 s
    with pytest.raises(openai.BadRequestError):
        client.audio.transcriptions.create(model="whisper-1", file=("slow.wav", wav(35, rate=1000)))
    assert len(upstream.calls) == before


def test_unmeasurable_audio_is_refused(client: OpenAI, upstream: SpeechUpstream) -> None:
    before = len(upstream.calls)
    with pytest.raises(openai.BadRequestError) as err:
        client.audio.transcriptions.create(model="whisper-1", file=("a.webm", os.urandom(4000), "audio/webm"))
    assert err.value.body["code"] == "unmeasurable_audio"  # type: ignore[index]
    truncated = wav(2.0)[:30]  # a header cut short
    with pytest.raises(openai.BadRequestError):
        client.audio.transcriptions.create(model="whisper-1", file=("cut.wav", truncated))
    assert len(upstream.calls) == before


def test_size_limit(srv: Server, client: OpenAI, upstream: SpeechUpstream) -> None:
    before = len(upstream.calls)
    big = wav(9.5, rate=16000)  # 32,000 bytes a second: over the byte limit, under the seconds
    assert len(big) > MAX_BYTES and duration(big) is not None and duration(big) < MAX_SECONDS  # type: ignore[operator]
    with pytest.raises(openai.APIStatusError) as err:
        client.audio.transcriptions.create(model="whisper-1", file=("big.wav", big))
    assert err.value.status_code == 413
    assert len(upstream.calls) == before


def test_quota_in_seconds_of_audio(srv: Server, upstream: SpeechUpstream) -> None:
    key, key_id = _new_key(srv)
    cli(srv.data_dir, "limits", "set", "--key", str(key_id), "--tpm", "5", "--model", "whisper-1")
    time.sleep(1.2)  # limits are re-read at most once a second
    left = 60 - time.time() % 60
    if left < 15:  # minute windows are aligned: do not straddle two
        time.sleep(left + 0.2)
    client = _client(srv, key)
    client.audio.transcriptions.create(model="whisper-1", file=("a.wav", wav(2.5)))  # 3 s
    before = len(upstream.calls)
    with pytest.raises(openai.RateLimitError) as err:
        client.audio.transcriptions.create(model="whisper-1", file=("b.wav", wav(2.5)))  # 3 more: over 5
    assert err.value.body["code"] == "quota_exceeded"  # type: ignore[index]
    assert len(upstream.calls) == before
    client.audio.transcriptions.create(model="whisper-1", file=("c.wav", wav(1.5)))  # 2 s: exactly at 5


def test_model_rules_and_bad_input(srv: Server, client: OpenAI, upstream: SpeechUpstream) -> None:
    narrow = _client(srv, srv.key("narrow", "user"))
    with pytest.raises(openai.PermissionDeniedError):
        narrow.audio.transcriptions.create(model="whisper-1", file=("a.wav", wav(1.0)))
    narrow.audio.speech.create(model="tts-house", voice="x", input="salam")
    with pytest.raises(openai.NotFoundError):
        client.audio.transcriptions.create(model="nope", file=("a.wav", wav(1.0)))
    with pytest.raises(openai.BadRequestError) as err:
        client.audio.transcriptions.create(model="tts-house", file=("a.wav", wav(1.0)))
    assert err.value.body["code"] == "wrong_model_kind"  # type: ignore[index]
    with pytest.raises(openai.BadRequestError):
        client.audio.speech.create(model="whisper-1", voice="x", input="salam")
    before = len(upstream.calls)
    bad: list[dict[str, Any]] = [
        {"response_format": "mp4"},
        {"temperature": "5"},
        {"temperature": "warm"},
        {"language": "ar; rm -rf"},
    ]
    key = srv.key("default", "user")
    headers = {"Authorization": f"Bearer {key}"}
    for fields in bad:
        resp = httpx.post(
            srv.url + "/v1/audio/transcriptions",
            headers=headers,
            data={"model": "whisper-1", **fields},
            files={"file": ("a.wav", wav(1.0), "audio/wav")},
        )
        assert resp.status_code == 400, (fields, resp.text)
        assert resp.json()["error"]["type"] == "invalid_request_error"
    no_file = httpx.post(
        srv.url + "/v1/audio/transcriptions",
        headers=headers,
        data={"model": "whisper-1"},
        files={"x": ("x", b"")},
    )
    assert no_file.status_code == 400 and no_file.json()["error"]["code"] == "missing_file"
    empty = httpx.post(
        srv.url + "/v1/audio/transcriptions",
        headers=headers,
        data={"model": "whisper-1"},
        files={"file": ("a.wav", b"")},
    )
    assert empty.status_code == 400
    no_model = httpx.post(
        srv.url + "/v1/audio/transcriptions", headers=headers, files={"file": ("a.wav", wav(1.0))}
    )
    assert no_model.status_code == 400 and no_model.json()["error"]["param"] == "model"
    not_form = httpx.post(srv.url + "/v1/audio/transcriptions", headers=headers, json={"model": "whisper-1"})
    assert not_form.status_code == 400 and not_form.json()["error"]["code"] == "invalid_multipart"
    no_body = httpx.post(srv.url + "/v1/audio/translations", headers=headers)
    assert no_body.status_code == 400 and no_body.json()["error"]["code"] == "invalid_multipart"
    no_boundary = httpx.post(
        srv.url + "/v1/audio/transcriptions",
        headers={**headers, "Content-Type": "multipart/form-data"},
        content=b"--x\r\n",
    )
    assert no_boundary.status_code == 400, no_boundary.text
    for body in (
        {"model": "tts-house", "voice": "x"},
        {"model": "tts-house", "voice": "x", "input": ""},
        {"model": "tts-house", "voice": "x", "input": "a", "speed": 9},
        {"model": "tts-house", "voice": "x", "input": "a", "response_format": "midi"},
        {"model": "tts-house", "voice": "x", "input": "a" * 4097},
    ):
        resp = httpx.post(srv.url + "/v1/audio/speech", headers=headers, json=body)
        assert resp.status_code == 400, (body, resp.text)
    assert len(upstream.calls) == before
    assert httpx.post(srv.url + "/v1/audio/speech", json={"model": "tts-house"}).status_code == 401


def test_duration_reader_knows_wav_and_refuses_garbage() -> None:
    assert duration(wav(3.0)) == pytest.approx(3.0)
    assert duration(wav(0.5, rate=44100)) == pytest.approx(0.5, abs=1e-3)
    for junk in (b"", b"RIFF", os.urandom(10_000), b"ID3" + os.urandom(500), b"OggS" + os.urandom(500)):
        assert duration(junk) is None
