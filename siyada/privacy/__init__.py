"""Moroccan personal-data detection (pure Python, regex + checksums + context)."""

from siyada.privacy.analyzer import analyze
from siyada.privacy.entities import Entity

__all__ = ["Entity", "analyze"]
