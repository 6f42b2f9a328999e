"""Debian chromium driven by Playwright, for the web app tests and the scans made from real text.

One launch (no sandbox: the tests run as root in containers) and one place screenshots go:
$SIYADA_SCREENSHOTS when set, else a temporary folder of pytest's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# axe-core, fetched by scripts/test.sh beside the venv; the accessibility tests skip without it.
AXE = Path(__file__).resolve().parents[1] / ".venv" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 860}


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


def login(browser: Any, url: str, key: str, lang: str, **context: Any) -> tuple[Any, Any]:
    """(context, page) signed in with an API key on the server at `url`, the interface in `lang` (its
    cookie kept for the session); `context` goes to the browser context (viewport, bypass_csp...)."""
    context.setdefault("viewport", DESKTOP)
    ctx = browser.new_context(accept_downloads=True, **context)
    page = ctx.new_page()
    page.goto(f"{url}/ui/login?lang={lang}")
    page.fill("#api_key", key)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/chat$"))
    return ctx, page


def serious_violations(page: Any) -> list[str]:
    """axe's serious and critical violations on the page as it is now (the context needs bypass_csp)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['nodes'][0]['html'][:160]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
