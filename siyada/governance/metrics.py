"""A tiny Prometheus registry (text exposition format 0.0.4), written by hand to stay dependency-free.

Everything lives in plain dicts keyed by label tuples; one call costs a few dict increments. All updates
happen on the event loop thread, so no locks are needed (`render` reads the dicts in the same thread).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Seconds; covers a fast embedding (a few ms) to a long generation (minutes).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

_Labels = tuple[str, ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: tuple[str, ...], values: _Labels, extra: str = "") -> str:
    parts = [f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True)]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


def _num(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


class _Histogram:
    __slots__ = ("counts", "sum")

    def __init__(self) -> None:
        self.counts = [0] * (len(LATENCY_BUCKETS) + 1)  # the last slot is +Inf
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(LATENCY_BUCKETS, value)] += 1
        self.sum += value


class Metrics:
    REQUEST_LABELS = ("model", "provider", "endpoint", "status")
    TOKEN_LABELS = ("model", "kind")
    ERROR_LABELS = ("model", "provider", "endpoint", "status")
    LATENCY_LABELS = ("model", "provider")

    def __init__(self) -> None:
        self.requests: dict[_Labels, int] = {}
        self.tokens: dict[_Labels, int] = {}
        self.errors: dict[_Labels, int] = {}
        self.quota_rejections: dict[str, int] = {}
        self.latency: dict[_Labels, _Histogram] = {}
        self._gauges: dict[str, tuple[str, Callable[[], float]]] = {}

    def observe_call(
        self,
        endpoint: str,
        model: str,
        provider: str | None,
        status: int,
        latency_s: float,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
    ) -> None:
        prov = provider or "none"
        code = str(status)
        key = (model, prov, endpoint, code)
        self.requests[key] = self.requests.get(key, 0) + 1
        if status >= 400:
            self.errors[key] = self.errors.get(key, 0) + 1
        if prompt_tokens:
            k = (model, "prompt")
            self.tokens[k] = self.tokens.get(k, 0) + prompt_tokens
        if completion_tokens:
            k = (model, "completion")
            self.tokens[k] = self.tokens.get(k, 0) + completion_tokens
        hist = self.latency.get((model, prov))
        if hist is None:
            hist = self.latency[(model, prov)] = _Histogram()
        hist.observe(latency_s)

    def quota_rejected(self, limit_name: str) -> None:
        self.quota_rejections[limit_name] = self.quota_rejections.get(limit_name, 0) + 1

    def set_gauge_source(self, name: str, help: str, fn: Callable[[], float]) -> None:
        """Register a gauge read at scrape time (for example a queue depth); `name` gets no prefix."""
        self._gauges[name] = (help, fn)

    def render(self) -> str:
        out: list[str] = []
        self._counter(out, "siyada_requests_total", "Calls served.", self.REQUEST_LABELS, self.requests)
        self._counter(out, "siyada_tokens_total", "Tokens processed.", self.TOKEN_LABELS, self.tokens)
        self._counter(
            out, "siyada_errors_total", "Calls that ended in an error.", self.ERROR_LABELS, self.errors
        )
        self._counter(
            out,
            "siyada_quota_rejections_total",
            "Calls refused by a quota.",
            ("limit",),
            {(k,): v for k, v in self.quota_rejections.items()},
        )
        name = "siyada_request_duration_seconds"
        out += [f"# HELP {name} Call latency.", f"# TYPE {name} histogram"]
        for key, hist in sorted(self.latency.items()):
            cumulative = 0
            for bound, count in zip((*LATENCY_BUCKETS, float("inf")), hist.counts, strict=True):
                cumulative += count
                le = _labels(self.LATENCY_LABELS, key, f'le="{_num(bound)}"')
                out.append(f"{name}_bucket{le} {cumulative}")
            lbl = _labels(self.LATENCY_LABELS, key)
            out.append(f"{name}_sum{lbl} {_num(hist.sum)}")
            out.append(f"{name}_count{lbl} {cumulative}")
        for gname, (help_text, fn) in sorted(self._gauges.items()):
            try:
                value = float(fn())
            except Exception:
                continue  # a broken source must not break the scrape
            out += [f"# HELP {gname} {help_text}", f"# TYPE {gname} gauge", f"{gname} {_num(value)}"]
        return "\n".join(out) + "\n"

    @staticmethod
    def _counter(
        out: list[str], name: str, help_text: str, names: tuple[str, ...], values: dict[_Labels, int]
    ) -> None:
        out += [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
        for key, value in sorted(values.items()):
            out.append(f"{name}{_labels(names, key)} {value}")
