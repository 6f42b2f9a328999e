"""OpenTelemetry traces, behind a thin helper: the rest of Siyada calls `span`, `add`, `inject` and
`current_ids`, and never the SDK.

Tracing is off unless `[telemetry] enabled`; then the SDK is never imported and every helper
returns at its first line, so the call path pays one global read per stage. On, spans go to the OTLP
collector named in the config (batched, off the request path) and/or, for debugging, to a JSON-lines
file as each ends.

What goes into a span is what this module lets through: attribute values are numbers, booleans, or
strings the callers take from identifiers (tenant and key ids, model and provider names, routes, status
codes), never request bodies. Exceptions are recorded by type only: a message may quote the input.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, TextIO, TypeVar

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Span, Tracer

    from siyada.config_integration import TelemetryConfig

Attr = str | int | float | bool
P = ParamSpec("P")
T = TypeVar("T")
_MAX_STR = 256  # an attribute string longer than this is cut: identifiers are short

_tracer: Tracer | None = None
_provider: TracerProvider | None = None
_lock = threading.Lock()


class TelemetryError(ValueError):
    """Tracing asked for with what this installation cannot do (the OTLP exporter missing)."""


def enabled() -> bool:
    return _tracer is not None


def setup(cfg: TelemetryConfig) -> None:
    """Start tracing as the config says (once per process; a second call replaces the first)."""
    global _tracer, _provider
    if not cfg.enabled:
        return
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    provider = TracerProvider(
        resource=Resource.create({"service.name": cfg.service_name}),
        sampler=ParentBased(TraceIdRatioBased(cfg.sample_ratio)),
    )
    if cfg.otlp_endpoint:
        provider.add_span_processor(BatchSpanProcessor(_otlp_exporter(cfg)))
    if cfg.debug_file:
        # Written as each span ends (no batching): a reader sees a call's spans once it is answered.
        provider.add_span_processor(SimpleSpanProcessor(_file_exporter(cfg.debug_file, cfg.service_name)))
    with _lock:
        old, _provider = _provider, provider
        _tracer = provider.get_tracer("siyada")
    if old is not None:
        old.shutdown()


def shutdown() -> None:
    """Flush what is batched and stop (the server's last step)."""
    global _tracer, _provider
    with _lock:
        provider, _provider, _tracer = _provider, None, None
    if provider is not None:
        provider.shutdown()


def _otlp_exporter(cfg: TelemetryConfig) -> Any:
    try:
        import requests
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    except ImportError as exc:
        raise TelemetryError(
            "telemetry.otlp_endpoint needs the OTLP exporter: pip install 'siyada[otlp]' "
            "(opentelemetry-exporter-otlp-proto-http)"
        ) from exc
    session = requests.Session()
    session.trust_env = False  # an HTTP(S)_PROXY in the environment must not carry spans elsewhere
    return OTLPSpanExporter(
        endpoint=cfg.otlp_endpoint, headers=dict(cfg.otlp_headers), timeout=cfg.otlp_timeout, session=session
    )


def _file_exporter(path: str, service_name: str) -> Any:
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter

    out: TextIO = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the process's life
    return ConsoleSpanExporter(service_name, out, lambda s: s.to_json(indent=None) + "\n")


def _clean(attrs: Mapping[str, Attr | None]) -> dict[str, Attr]:
    return {
        k: (v[:_MAX_STR] if isinstance(v, str) else v)
        for k, v in attrs.items()
        if isinstance(v, str | int | float | bool)
    }


_OFF: contextlib.nullcontext[None] = contextlib.nullcontext()  # reusable: what every helper gives when off


def span(
    name: str, attrs: Mapping[str, Attr | None] | None = None
) -> contextlib.AbstractContextManager[Span | None]:
    """A child of the current span for the block (None when tracing is off). An exception leaving the
    block marks the span as an error, with its type and never its message."""
    tracer = _tracer
    if tracer is None:
        return _OFF
    return _span(tracer, name, attrs)


@contextlib.contextmanager
def _span(tracer: Tracer, name: str, attrs: Mapping[str, Attr | None] | None) -> Iterator[Span | None]:
    with tracer.start_as_current_span(
        name, attributes=_clean(attrs or {}), record_exception=False, set_status_on_exception=False
    ) as current:
        try:
            yield current
        except BaseException as exc:
            fail(current, type(exc).__name__)
            raise


def traced(name: str) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Decorate a coroutine function to run in a span of its own; `annotate` adds to it from inside."""

    def wrap(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(fn)
        async def inner(*args: P.args, **kwargs: P.kwargs) -> T:
            if _tracer is None:
                return await fn(*args, **kwargs)
            with span(name):
                return await fn(*args, **kwargs)

        return inner

    return wrap


def annotate(attrs: Mapping[str, Attr | None]) -> None:
    """Attributes for the current span (that of the innermost `span` or `traced` block)."""
    if _tracer is None:
        return
    from opentelemetry.trace import get_current_span

    get_current_span().set_attributes(_clean(attrs))


def server_span(
    name: str, headers: Mapping[str, str], attrs: Mapping[str, Attr | None]
) -> contextlib.AbstractContextManager[Span | None]:
    """The span of one incoming call, the child of the caller's `traceparent` when it sends a valid one."""
    tracer = _tracer
    if tracer is None:
        return _OFF
    from opentelemetry.trace import SpanKind
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    # W3C trace context only: `baggage` is caller-written data that must not travel on to upstreams.
    parent: Context = TraceContextTextMapPropagator().extract(dict(headers))
    return tracer.start_as_current_span(
        name,
        context=parent,
        kind=SpanKind.SERVER,
        attributes=_clean(attrs),
        record_exception=False,
        set_status_on_exception=False,
    )


def fail(current: Span | None, kind: str) -> None:
    """Mark a span as failed, with a kind (an exception's type name; never its message, which may
    quote the input)."""
    if current is None:
        return
    from opentelemetry.trace import Status, StatusCode

    current.set_attribute("error.type", kind)
    current.set_status(Status(StatusCode.ERROR, kind))


def add(current: Span | None, attrs: Mapping[str, Attr | None]) -> None:
    """Attributes learnt during the block (counts, the provider chosen, a status)."""
    if current is not None:
        current.set_attributes(_clean(attrs))


def inject(headers: dict[str, str]) -> dict[str, str]:
    """`headers` plus the current span's `traceparent` for an upstream call (the same dict, untouched,
    when tracing is off or no span is current)."""
    if _tracer is None:
        return headers
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    carrier: dict[str, str] = {}
    TraceContextTextMapPropagator().inject(carrier)
    return {**headers, **carrier} if carrier else headers


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the current span in W3C hex, for log lines; None without one."""
    if _tracer is None:
        return None
    from opentelemetry.trace import get_current_span

    ctx = get_current_span().get_span_context()
    if not ctx.is_valid:
        return None
    return f"{ctx.trace_id:032x}", f"{ctx.span_id:016x}"
