"""Structured logs: one JSON object a line, with the request id of the call being served and, when
tracing, its trace and span ids, so that a log pipeline joins lines to traces.

A record's exception is written as its type and stack frames without its message, which may quote the
input (a prompt, a document); what else goes into a line is what the code logs, and Siyada logs
identifiers and counts, never bodies.
"""

from __future__ import annotations

import contextvars
import logging
import re
import secrets
import sys
import time
import traceback
from typing import Any

import orjson

from siyada import telemetry
from siyada.config_integration import LoggingConfig

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("siyada_request_id", default=None)
# What a caller may send as its own X-Request-Id: a printable token (no spaces, no room for a text).
_VALID_ID = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")
_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-Id when it is a plausible id, else a new one."""
    if header and _VALID_ID.match(header):
        return header
    return "req_" + secrets.token_hex(12)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _iso(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id:
            line["request_id"] = request_id
        ids = telemetry.current_ids()
        if ids:
            line["trace_id"], line["span_id"] = ids
        for key, value in record.__dict__.items():  # fields given with `extra=`
            if key not in _RESERVED and not key.startswith("_"):
                line[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            line["exception"] = kind.__name__
            line["stack"] = [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)]
        return orjson.dumps(line, default=str).decode()


def _iso(created: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{int(created % 1 * 1000):03d}Z"


def configure(cfg: LoggingConfig) -> None:
    """Route every logger (uvicorn's too) to one stderr handler in the configured format; "text"
    leaves Python's defaults as they are."""
    if cfg.format != "json":
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    # "debug" is Siyada's own: some libraries write request bodies at debug (python-multipart's parts).
    root.setLevel(max(logging.INFO, logging.getLevelName(cfg.level.upper())))
    logging.getLogger("siyada").setLevel(cfg.level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.captureWarnings(True)  # warnings.warn lines are JSON too
