"""Debian chromium driven by Playwright, for the web app tests and the scans made from real text.

One launch (no sandbox: the tests run as root in containers) and one place screenshots go:
$SIYADA_SCREENSHOTS when set, else a temporary folder of pytest's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")


@contextmanager
def browser() -> Iterator[Any]:
    """A launched Chromium, closed on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder screenshots go to (made if missing)."""
    folder = Path(os.environ.get("SIYADA_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
