"""Siyada settings: the data directory, an optional TOML/YAML config file with ${ENV} substitution, validated.

Precedence: command-line flags > environment (SIYADA_*) > config file > defaults.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from platformdirs import user_data_dir
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from siyada.config_base import Strict
from siyada.config_integration import (
    AudioConfig,
    BatchesConfig,
    LoggingConfig,
    OidcConfig,
    RerankConfig,
    TelemetryConfig,
)
from siyada.privacy.entities import ENTITY_TYPES

_BOOLS = {
    **dict.fromkeys(("1", "true", "yes", "on"), True),
    **dict.fromkeys(("0", "false", "no", "off"), False),
}
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(ValueError):
    """A config file that cannot be used; the message says where and why."""


_Strict = Strict


class ProviderConfig(_Strict):
    """One OpenAI-compatible upstream server (vLLM, llama.cpp server, Ollama, TEI, another Siyada)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")
    url: str  # base URL including /v1, e.g. http://10.0.0.5:8000/v1
    api_key: str | None = None
    timeout: float = Field(default=120.0, gt=0)
    connect_timeout: float = Field(default=3.0, gt=0)
    retries: int = Field(default=2, ge=0, le=10)
    backoff: float = Field(default=0.1, ge=0)
    max_concurrency: int = Field(default=256, ge=1)
    failure_threshold: int = Field(default=3, ge=1)
    cooldown: float = Field(default=10.0, gt=0)
    in_house: bool = False
    # The rerank dialect it speaks: "jina" (vLLM, Jina, Cohere shape at {url}/rerank) or "tei"
    # (Text Embeddings Inference: {url without /v1}/rerank, `texts` in, a bare list of scores out).
    rerank_api: Literal["jina", "tei"] = "jina"

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not re.match(r"^https?://[^/\s]+", v):
            raise ValueError("url must start with http:// or https:// and name a host")
        return v.rstrip("/")


class RouteConfig(_Strict):
    provider: str
    model: str | None = None  # the upstream's own model name; defaults to the public name
    priority: int = 0  # lower is tried first


class ModelConfig(_Strict):
    """A public model name served by one or more providers."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.:/\-]{1,128}$")
    kind: Literal["chat", "embeddings", "rerank", "transcription", "speech"] = "chat"
    aliases: list[str] = Field(default_factory=list)
    routes: list[RouteConfig] = Field(min_length=1)
    context_length: int | None = None
    # Its model card (docs/models.md): an unmeasured model is a `demo` until the operator declares it.
    tier: Literal["demo", "general"] | None = None
    languages: list[str] = Field(default_factory=list, max_length=32)
    good_for: str | None = Field(default=None, max_length=500)
    not_for: str | None = Field(default=None, max_length=500)


class EmbeddedConfig(_Strict):
    enabled: bool = True
    chat_model: str = "siyada-chat"
    embedding_model: str = "siyada-embed"
    threads: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1), ge=1)
    context_length: int = Field(default=2048, ge=256)
    queue_size: int = Field(default=32, ge=1)
    max_tokens_default: int = Field(default=256, ge=1)


class TenantPrivacy(_Strict):
    """A tenant's overrides of the privacy defaults (unset fields inherit them)."""

    # "all": every model, the embedded one included, reads placeholders; "external": providers marked
    # in_house read real values. Providers that are not in-house always read placeholders.
    prompts: Literal["all", "external"] | None = None
    documents: bool | None = None  # pseudonymise documents before they are indexed
    threshold: float | None = Field(default=None, ge=0, le=1)
    entities: list[str] | None = None

    @field_validator("entities")
    @classmethod
    def _known(cls, v: list[str] | None) -> list[str] | None:
        unknown = sorted(set(v or []) - set(ENTITY_TYPES))
        if unknown:
            raise ValueError(f"unknown entity types {unknown}; known: {list(ENTITY_TYPES)}")
        return v


class PrivacyConfig(TenantPrivacy):
    prompts: Literal["all", "external"] | None = "all"
    documents: bool | None = False
    threshold: float | None = Field(default=0.5, ge=0, le=1)
    # Shared by all replicas so mapping tokens agree; a data-dir file (privacy.secret) when unset.
    secret: str | None = Field(default=None, min_length=32)
    # The `hash` operator's own key (documents' keyed hashes too): one-way, never the mapping tokens'
    # key; shared by replicas so hashes agree; a data-dir file (privacy-hash.secret) when unset.
    hash_secret: str | None = Field(default=None, min_length=32)
    # Request fields the gateway does not know (`name`, or `messages[].name` inside a message) that may go
    # to providers that are not in-house (every string in them pseudonymised); others are refused (400).
    pass_fields: list[str] = Field(default_factory=list)
    # Content parts the analyser cannot read (images, audio, files) that may go unread to providers
    # that are not in-house; by default they are refused (400).
    pass_parts: list[Literal["image_url", "input_audio", "file"]] = Field(default_factory=list)
    tenants: dict[str, TenantPrivacy] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _two_secrets(self) -> PrivacyConfig:
        if self.secret is not None and self.secret == self.hash_secret:
            raise ValueError("privacy.hash_secret must differ from privacy.secret (hashes are one-way)")
        return self


class WidgetConfig(_Strict):
    """The citizen widget's conversation tokens (siyada.assistants.tokens)."""

    # Shared by all replicas so each reads the tokens of the others; a data-dir file (widget.secret)
    # when unset. Give it as ${VAR}.
    secret: str | None = Field(default=None, min_length=32)
    # Secrets rotated out: they still open the tokens they signed until those expire; drop one once the
    # longest `token_ttl_seconds` of the widgets has passed since the rotation.
    previous_secrets: list[Annotated[str, Field(min_length=32)]] = Field(default_factory=list, max_length=4)


class KnowledgeConfig(_Strict):
    # New collections get dense vectors from this embedded model; None: lexical search only.
    embedding_model: str | None = "siyada-embed"
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    max_pdf_pages: int = Field(default=2000, ge=1)  # a PDF over it is refused (422), naming the limit
    retrieval_k: int = Field(default=5, ge=1, le=50)  # passages retrieved for a grounded answer
    # A vector per sentence of multi-sentence chunks, for models that want them (e5): better semantic
    # ranking, e5 ingestion about a third slower. Off: one vector per chunk.
    sentence_vectors: bool = True
    # Re-ranking (siyada.knowledge.rerank): this model re-scores the best candidates of collections
    # indexed by another (faster) one; None: never. At least `rerank_depth`, then more up to
    # `rerank_max_depth` while their text stays within `rerank_chars` (short texts go deeper).
    # `rerank`: whether hybrid and semantic searches of such collections are re-ranked when a request
    # does not say (`"rerank"`). Off by default: an uncached candidate costs the transformer a few
    # hundred ms on 2 cores.
    rerank_model: str | None = "siyada-embed"
    rerank_depth: int = Field(default=50, ge=1, le=200)
    rerank_max_depth: int = Field(default=100, ge=1, le=500)
    rerank_chars: int = Field(default=34_000, ge=0)
    rerank: bool = False
    # Chunks embedded and written per ingestion transaction, across the files of `siyada ingest`: a
    # kill loses at most one batch (whole documents); smaller ones cost more transactions.
    ingest_batch_chunks: int = Field(default=256, ge=1, le=100_000)
    # At start, read the lexical index into the OS cache and load every collection's vectors, in the
    # background, so the first searches after a restart do not wait on the disk (Knowledge.warm).
    warm_at_start: bool = True
    # Extractive answers (siyada.knowledge.grounding): below this evidence (the best candidate's e5
    # cosine plus 0.2 x its share of the question's words: siyada.knowledge.extract.evidence) the
    # answer says "not found" and names the nearest documents instead of quoting unrelated text.
    # Calibrated on the dev splits of bench/answer_quality.py; 0 never abstains.
    answer_min_evidence: float = Field(default=0.92, ge=0.0, le=3.0)
    # Quote only the few words of the chosen sentence where the trained reader finds the answer
    # (siyada.knowledge.reading). Off by default: held out it raised F1 but lost `contains` on ARCD
    # (0.73 -> 0.64, docs/benchmarks.md "Fifth round, reader"); a whole sentence that answers serves a
    # clerk better.
    answer_reader: bool = False
    # A date or number question (متى / كم / في أي عام, quand / combien, when / how many) whose chosen
    # sentence holds exactly one date or number phrase the question does not hold gets that phrase as
    # the quote (siyada.knowledge.typed; docs/benchmarks.md "Seventh round, typed answers"); false keeps
    # the whole sentence or clause.
    answer_typed: bool = True
    # For a question in another script than the passages (English over Arabic), the reader reads the
    # extractor's best this-many sentences (3 when on) and has a say in which is quoted
    # (siyada.knowledge.choice); each is one reader pass of ~120 tokens. Off (0) by default: English ->
    # Arabic dev `contains` 0.60 -> 0.67, but held out 0.51 -> 0.49 (docs/benchmarks.md, "Seventh round").
    answer_reader_choice: int = Field(default=0, ge=0, le=5)
    # With an embedder (the usual case) abstention is decided by a calibrated model instead
    # (siyada.knowledge.abstain): "not found" when its probability that the passages do not hold the
    # answer is above this; unset, the threshold fitted on dev with the model (siyada/data/abstain.json).
    # 1 never abstains, lower abstains more; `answer_min_evidence` then applies only without an embedder.
    answer_abstain_threshold: float | None = Field(default=None, ge=0.0, le=1.0)

    @field_validator("answer_abstain_threshold", mode="before")
    @classmethod
    def _a_number_not_a_switch(cls, value: object) -> object:
        # `true` would otherwise read as 1.0, which silently never abstains
        if isinstance(value, bool):
            raise ValueError("a probability between 0 and 1, not true or false")
        return value


class WorkersConfig(_Strict):
    """The worker processes that parse, chunk and analyse untrusted input (siyada.workers), apart from
    the request path. A job over a limit is refused (422 document_too_complex) and stores nothing."""

    processes: int = Field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)), ge=1, le=64)
    cpu_seconds: int = Field(default=60, ge=1)  # CPU time per job (one file, or one text to analyse)
    # A job reading pages by OCR gets this much more CPU time for each page it begins (a 300 dpi page
    # takes 2-8 s here), up to `max_cpu_seconds`: a 100-page scan is read, one pathological page is
    # still cut after its share (siyada.workers.PageBudget).
    page_cpu_seconds: int = Field(default=30, ge=0)
    max_cpu_seconds: int = Field(default=3600, ge=1)
    memory_mb: int = Field(default=2048, ge=16)  # memory a job may add to its worker's
    wall_seconds: float = Field(default=1800.0, gt=0)  # backstop: a job silent this long is killed
    nice: int = Field(default=19, ge=0, le=19)  # workers yield the CPU to requests and the embedded models
    # OpenMP threads one OCR read may use in a worker (OMP_THREAD_LIMIT); 0: Tesseract's default of 4,
    # which spin-wait: on 2 busy cores a dense page took 4x the CPU time and 3x the wall time of one.
    ocr_threads: int = Field(default=1, ge=0, le=64)


class FileConfig(_Strict):
    """What a config file may hold."""

    host: str | None = None
    port: int | None = None
    database_url: str | None = None
    redis_url: str | None = None  # shared quota counters for several replicas; in-process when unset
    # How long a call's quota reservation lives unless the call settles it first: at least the longest a
    # call may run. A replica killed mid-call cannot give its reservations back; they stop counting then.
    quota_lease_seconds: float = Field(default=600.0, ge=1, le=86400)
    # Migrate the schema when the server starts; off where a migration job does it before the replicas
    # start (deploy/kubernetes): replicas then never race, and GET /ready waits for the job.
    migrate_on_start: bool = True
    egress_allow: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1", "localhost"])
    usage_accounting: bool = True  # one usage row and metrics per call; off only for measurements
    # A completed call is answered once its usage row is committed and its quota settled (group commit):
    # a replica killed right after loses neither. Costs ~0.4 ms a call at one client on SQLite, nothing
    # at 32 (docs/benchmarks.md); false: rows wait up to 0.5 s in memory after the answer.
    durable_usage: bool = True
    key_cache_seconds: float = Field(default=1.0, ge=0)
    max_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    # On SIGTERM: how long in-flight calls and streams may run on before they are cut (then the usage
    # buffer is flushed and the process exits 0); keep it under the orchestrator's own grace period.
    shutdown_grace_seconds: float = Field(default=30.0, ge=0, le=3600)
    # Addresses of reverse proxies whose X-Forwarded-For / -Proto are believed (the login throttle
    # counts per client address); empty: the socket peer is the client, whatever a header says.
    trusted_proxies: list[str] = Field(default_factory=list)
    embedded: EmbeddedConfig = Field(default_factory=EmbeddedConfig)
    providers: list[ProviderConfig] = Field(default_factory=list)
    models: list[ModelConfig] = Field(default_factory=list)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    knowledge: KnowledgeConfig = Field(default_factory=KnowledgeConfig)
    widget: WidgetConfig = Field(default_factory=WidgetConfig)
    workers: WorkersConfig = Field(default_factory=WorkersConfig)
    telemetry: TelemetryConfig = Field(default_factory=TelemetryConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    batches: BatchesConfig = Field(default_factory=BatchesConfig)
    rerank: RerankConfig = Field(default_factory=RerankConfig)
    audio: AudioConfig = Field(default_factory=AudioConfig)
    # Where every audit checkpoint is also kept, out of reach of whoever can write this database: a path
    # to an append-only file on other storage, or the URL of another Siyada that countersigns
    # (siyada.governance.audit_witness), with an admin key of that server in `audit_witness_key`.
    audit_witness: str | None = Field(default=None, min_length=1)
    audit_witness_key: str | None = None
    oidc: OidcConfig = Field(default_factory=OidcConfig)

    @model_validator(mode="after")
    def _witness_reachable(self) -> FileConfig:
        target = self.audit_witness
        if target is None or not target.startswith(("http://", "https://")):
            return self
        self._check_egress("audit_witness", target)
        if not self.audit_witness_key:
            raise ValueError("audit_witness is a URL: give an admin key of that server in audit_witness_key")
        return self

    @model_validator(mode="after")
    def _collector_reachable(self) -> FileConfig:
        # Spans name tenants and models: they go only where the operator allows.
        if self.telemetry.otlp_endpoint is not None:
            self._check_egress("telemetry.otlp_endpoint", self.telemetry.otlp_endpoint)
        return self

    @model_validator(mode="after")
    def _issuers_reachable(self) -> FileConfig:
        for p in self.oidc.providers:
            self._check_egress(f"oidc provider {p.name!r}", p.issuer)
        return self

    def _check_egress(self, what: str, target: str) -> None:
        """Refuse a URL the server will call that names no host or whose host is not allowed out."""
        from siyada.gateway.egress import EgressPolicy

        if not re.match(r"^https?://[^/\s]+", target):
            raise ValueError(f"{what} must name a host")
        reason = EgressPolicy.from_entries(self.egress_allow).explain(target)
        if reason:
            raise ValueError(f"{what} ({target}): {reason}")

    @model_validator(mode="after")
    def _cross_refs(self) -> FileConfig:
        names = [p.name for p in self.providers]
        if len(names) != len(set(names)):
            raise ValueError("provider names must be unique")
        known = set(names) | {"embedded"}
        public: set[str] = set()
        for m in self.models:
            for n in [m.name, *m.aliases]:
                if n in public:
                    raise ValueError(f"model name or alias {n!r} is declared twice")
                public.add(n)
            for r in m.routes:
                if r.provider not in known:
                    raise ValueError(f"model {m.name!r} routes to unknown provider {r.provider!r}")
        return self


class Settings(BaseModel):
    """Everything the server and CLI need, resolved."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str
    redis_url: str | None = None
    migrate_on_start: bool = True
    config_path: Path | None = None
    file: FileConfig = Field(default_factory=FileConfig)


def default_data_dir() -> Path:
    return Path(os.environ.get("SIYADA_DATA_DIR") or user_data_dir("siyada", appauthor=False))


def env_value(name: str) -> str | None:
    """$NAME, or else the content of the file $NAME_FILE names (one trailing newline dropped): Docker
    and Kubernetes hand secrets over as files, so they never sit in the environment or a manifest."""
    if name in os.environ:
        return os.environ[name]
    path = os.environ.get(name + "_FILE")
    if not path:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{name}_FILE: cannot read {path}: {exc.strerror}") from exc
    return text.removesuffix("\n").removesuffix("\r")


def substitute_env(value: Any, where: str = "") -> Any:
    """Replace ${VAR} and ${VAR:-default} in every string of a parsed config (VAR, or VAR_FILE's file)."""
    if isinstance(value, str):

        def repl(m: re.Match[str]) -> str:
            var, default = m.group(1), m.group(2)
            found = env_value(var)
            if found is not None:
                return found
            if default is not None:
                return default
            raise ConfigError(f"{where or 'config'}: environment variable {var} is not set")

        return _ENV_REF.sub(repl, value)
    if isinstance(value, dict):
        return {k: substitute_env(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_env(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def parse_config_file(path: Path) -> FileConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    try:
        if path.suffix in {".yaml", ".yml"}:
            raw = yaml.safe_load(text) or {}
        else:
            raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"{path}: not valid {'YAML' if path.suffix in {'.yaml', '.yml'} else 'TOML'}: {exc}"
        ) from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a table/mapping")
    raw = substitute_env(raw)
    try:
        return FileConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_explain(exc)}") from exc


def _explain(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"])
        parts.append(f"{loc}: {err['msg']}" if loc else err["msg"])
    return "; ".join(parts)


def load_settings(
    data_dir: Path | None = None,
    config_path: Path | None = None,
    host: str | None = None,
    port: int | None = None,
) -> Settings:
    data_dir = (data_dir or default_data_dir()).expanduser().resolve()
    env_cfg = os.environ.get("SIYADA_CONFIG")
    if config_path is None and env_cfg:
        config_path = Path(env_cfg)
    if config_path is None and (data_dir / "siyada.toml").exists():
        config_path = data_dir / "siyada.toml"
    file_cfg = parse_config_file(config_path) if config_path else FileConfig()
    db_url = env_value("SIYADA_DATABASE_URL") or file_cfg.database_url
    if not db_url:
        db_url = f"sqlite:///{data_dir / 'siyada.db'}"
    env_port = os.environ.get("SIYADA_PORT")
    env_migrate = os.environ.get("SIYADA_MIGRATE_ON_START", "").strip().lower()
    if env_migrate and env_migrate not in _BOOLS:
        raise ConfigError(f"SIYADA_MIGRATE_ON_START must be one of {sorted(_BOOLS)}, not {env_migrate!r}")
    return Settings(
        data_dir=data_dir,
        host=host or os.environ.get("SIYADA_HOST") or file_cfg.host or "127.0.0.1",
        port=port or (int(env_port) if env_port else None) or file_cfg.port or 8000,
        database_url=db_url,
        redis_url=env_value("SIYADA_REDIS_URL") or file_cfg.redis_url,
        migrate_on_start=_BOOLS[env_migrate] if env_migrate else file_cfg.migrate_on_start,
        config_path=config_path,
        file=file_cfg,
    )
