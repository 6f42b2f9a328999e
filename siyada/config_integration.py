"""The config sections of the parts that fit Siyada into an administration's estate (docs/integration.md):
reranking, speech, traces and logs, single sign-on, files and batches. `siyada.config.FileConfig` holds
one of each."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from siyada.config_base import Strict


class RerankConfig(Strict):
    """Bounds of one POST /v1/rerank: every document is scored, so its work grows with all of them."""

    max_documents: int = Field(default=1000, ge=1, le=100_000)
    max_document_chars: int = Field(default=8192, ge=1)  # what the embedded e5 reads of one text
    max_total_chars: int = Field(default=1_000_000, ge=1)


class AudioConfig(Strict):
    """Bounds of the audio routes (docs/integration.md, Speech)."""

    max_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)  # OpenAI's own limit per upload
    max_seconds: float = Field(default=1800.0, gt=0)
    # A file whose duration no reader here can find (WebM, raw PCM, an unknown container) is refused
    # unless this is on; it is then billed at `unmeasured_bytes_per_second`.
    allow_unmeasured: bool = False
    unmeasured_bytes_per_second: int = Field(default=4000, ge=1)  # 32 kbit/s: a low speech bitrate
    max_speech_chars: int = Field(default=4096, ge=1, le=100_000)  # OpenAI's limit for /audio/speech


class TelemetryConfig(Strict):
    """OpenTelemetry traces (siyada.telemetry): off by default, and then nothing of the SDK is loaded."""

    enabled: bool = False
    service_name: str = Field(default="siyada", min_length=1, max_length=128)
    # OTLP over HTTP (protobuf), e.g. http://otel-collector:4318/v1/traces; needs the `otlp` extra
    # (opentelemetry-exporter-otlp-proto-http). The host must be allowed by `egress_allow`.
    otlp_endpoint: str | None = Field(default=None, min_length=1)
    otlp_headers: dict[str, str] = Field(default_factory=dict)  # e.g. {authorization = "${OTLP_TOKEN}"}
    otlp_timeout: float = Field(default=10.0, gt=0, le=300)
    # The share of new traces kept; a call that arrives with a `traceparent` follows its caller's choice.
    sample_ratio: float = Field(default=1.0, ge=0, le=1)
    # Debug: every finished span also written here as one JSON object a line, as it ends (the tests).
    debug_file: str | None = Field(default=None, min_length=1)


class LoggingConfig(Strict):
    """The server's logs (siyada.logs): "text" keeps Python's defaults; "json" writes one JSON object a
    line on stderr, with the request id and, when tracing, the trace and span ids, plus access lines."""

    format: Literal["text", "json"] = "text"
    level: Literal["debug", "info", "warning", "error"] = "info"
    access_log: bool = True  # one line per HTTP call (json format only)


class OidcRule(Strict):
    """One claim-mapping rule: when the ID token's `claim` equals `value` (or, for a list claim such as
    groups, contains it), the user belongs to `tenant` with `role`. The first matching rule wins."""

    claim: str = Field(min_length=1, max_length=128)
    value: str | bool | int
    tenant: str = Field(min_length=1, max_length=64)
    role: Literal["user", "admin"] = "user"  # never operator: the platform's role is given by hand


class OidcProviderConfig(Strict):
    """An OpenID provider the web app's users log in with (Keycloak, ProConnect, Azure AD, ...)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")  # in URLs and in SSO usernames
    label: str = Field(min_length=1, max_length=80)  # the login button's words
    issuer: str  # discovery reads {issuer}/.well-known/openid-configuration
    client_id: str = Field(min_length=1, max_length=255)
    client_secret: str = Field(min_length=1)  # give it as ${VAR}: never in the file itself
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"], max_length=32)
    # Claims also read from the userinfo endpoint (ProConnect sends them there, not in the ID token).
    userinfo: bool = False
    rules: list[OidcRule] = Field(default_factory=list, max_length=1000)

    @field_validator("issuer")
    @classmethod
    def _https_issuer(cls, v: str) -> str:
        # Plain http only on loopback (a provider on the same host, and the tests' own).
        if not re.match(r"^(https://[^/\s]+|http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$))", v):
            raise ValueError("issuer must be an https:// URL (http:// only on loopback)")
        return v.rstrip("/")

    @field_validator("scopes")
    @classmethod
    def _openid_scope(cls, v: list[str]) -> list[str]:
        if "openid" not in v:
            raise ValueError("scopes must include openid")
        return v


class OidcConfig(Strict):
    """Single sign-on for the web app (siyada.ui.sso): OpenID Connect, Authorization Code with PKCE."""

    providers: list[OidcProviderConfig] = Field(default_factory=list, max_length=32)
    # The web app's public address, for redirect URIs behind a proxy; unset: the request's own.
    public_url: str | None = Field(default=None, pattern=r"^https?://[^/\s]+")

    @field_validator("providers")
    @classmethod
    def _unique(cls, v: list[OidcProviderConfig]) -> list[OidcProviderConfig]:
        names = [p.name for p in v]
        if len(names) != len(set(names)):
            raise ValueError("oidc provider names must be unique")
        return v


class BatchesConfig(Strict):
    """OpenAI's /v1/files and /v1/batches (siyada.batches): what one file and one batch may hold, and how
    much of the gateway batches may take at once."""

    max_file_bytes: int = Field(default=100 * 2**20, ge=1024)  # one uploaded file
    max_requests: int = Field(default=50_000, ge=1)  # lines of one batch's input file
    max_line_bytes: int = Field(default=1 * 2**20, ge=256)  # one request line
    concurrency: int = Field(default=4, ge=1, le=256)  # requests of one batch in flight at once
    running: int = Field(default=2, ge=1, le=64)  # batches one server process runs at once
    poll_seconds: float = Field(default=1.0, gt=0, le=60)  # how often a server looks for batches to run
    # A server renews its claim on a batch while it runs it; a server killed mid-batch lets its claim
    # lapse after this long, and then any server (the restarted one) resumes the batch.
    lease_seconds: float = Field(default=60.0, ge=1, le=3600)
    # How long OpenAI's `completion_window: "24h"` lasts here: what is unsent then expires (shorter for tests)
    window_seconds: float = Field(default=86400.0, ge=1, le=86400)
