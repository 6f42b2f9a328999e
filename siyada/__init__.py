"""Siyada: sovereign AI platform — an OpenAI-compatible gateway in front of self-hosted models."""

__version__ = "0.1.0"
