"""Helpers shared by the privacy tests: what the analyzer finds, as text."""

from __future__ import annotations

from siyada.privacy.analyzer import analyze


def found(text: str, kind: str) -> list[str]:
    """The spans of `kind` the analyzer returns for `text`, as the words they cover."""
    return [text[e.start : e.end] for e in analyze(text) if e.type == kind]
