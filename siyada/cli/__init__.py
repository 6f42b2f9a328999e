"""The `siyada` command line (entry point `siyada = "siyada.cli:main"`, also `python -m siyada`)."""

from siyada.cli.app import app, main

__all__ = ["app", "main"]
