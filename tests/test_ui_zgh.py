"""The web app in Tamazight (Tifinagh) in a real browser: the login and chat pages render in `zgh`, left to
right, with the bundled Noto Sans Tifinagh actually loaded and applied (not boxes of a missing glyph), and
the language picker offers ⵜⴰⵎⴰⵣⵉⵖⵜ. Screenshots go where tests/browser.py says."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from siyada.ui.i18n_zgh import ZGH
from tests.browser import CHROMIUM
from tests.server import Server, cli

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
WORD = "ⵜⴰⵎⴰⵣⵉⵖⵜ"

# The state of the Tifinagh font face as the page left it: the browser fetches a face with a
# unicode-range only when the page's text needs it, so "loaded" (without our asking) proves the text used
# it. The widths of a thin and a wide letter in that face tell real glyphs from missing-glyph boxes.
_FONT_STATE = """async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter(f => f.family.replace(/"/g, "") === "Noto Sans Tifinagh");
  const letter = (family, text) => {
    const span = document.createElement("span");
    span.textContent = text;
    span.style.cssText = "position:absolute;visibility:hidden;font-size:32px;font-family:" + family;
    document.body.append(span);
    const w = span.getBoundingClientRect().width;
    span.remove();
    return w;
  };
  return {
    statuses: faces.map(f => f.status),
    check: document.fonts.check('16px "Noto Sans Tifinagh"', "ⵜⴰⵎⴰⵣⵉⵖⵜ"),
    body: getComputedStyle(document.body).fontFamily,
    narrow: letter('"Noto Sans Tifinagh"', "ⵉⵉⵉⵉ"),
    wide: letter('"Noto Sans Tifinagh"', "ⵣⵣⵣⵣ"),
  };
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("siyada-ui-zgh")
    cli(data, "tenants", "create", "default")
    srv = Server(data).start()
    yield srv
    srv.stop()


def _assert_tifinagh(page: Any) -> None:
    assert page.locator("html").get_attribute("lang") == "zgh"
    assert page.locator("html").get_attribute("dir") == "ltr"
    state = page.evaluate(_FONT_STATE)
    assert state["statuses"] == ["loaded"], state  # the page's own text made the browser fetch it
    assert state["check"] is True, state
    assert state["body"].startswith('"Noto Sans Tifinagh"'), state
    # real letters: ⵉ is a thin stroke, ⵣ a wide sign; a missing-glyph box is the same width for both
    assert state["wide"] > 1.25 * state["narrow"], state
    picker = page.locator('.langs a[lang="zgh"]')
    assert picker.inner_text() == WORD and picker.get_attribute("hreflang") == "zgh"


def test_login_and_chat_render_in_tifinagh(browser: Any, server: Server, shots: Path) -> None:
    key = server.key("default", "user")
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(server.url + "/ui/login?lang=zgh")
        _assert_tifinagh(page)
        assert page.locator(".langs a[lang=zgh]").get_attribute("aria-current") == "true"
        assert page.locator("button[type=submit]").first.inner_text() == ZGH["login"]
        page.screenshot(path=str(shots / f"login-zgh-{name}.png"), full_page=True)

        page.fill("#api_key", key)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/ui/chat$"))
        _assert_tifinagh(page)  # the choice is kept (cookie) after logging in
        assert page.locator("#send").inner_text() == ZGH["send"]
        assert page.locator("#prompt").is_visible()
        page.screenshot(path=str(shots / f"chat-zgh-{name}.png"), full_page=True)

        # back to French: the picker works both ways
        page.click('.langs a[lang="fr"]')
        page.wait_for_url(re.compile(r"lang=fr"))
        assert page.locator("html").get_attribute("lang") == "fr"
        context.close()


def test_an_unknown_language_falls_back_to_french(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    for odd in ("tzm", "ZGH", "zgh-Latn", "%3Cscript%3E"):
        page.goto(f"{server.url}/ui/login?lang={odd}")
        assert page.locator("html").get_attribute("lang") == "fr"
    context.close()


AXE = Path(__file__).resolve().parents[1] / ".venv" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by scripts/test.sh")
def test_tamazight_pages_pass_axe(browser: Any, server: Server) -> None:
    """No serious or critical accessibility violation in zgh: `lang` is valid, labels are there."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # to inject axe into the page
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
        if bad:
            found[name] = bad

    page.goto(server.url + "/ui/login?lang=zgh")
    check("login")
    page.fill("#api_key", server.key("default", "operator"))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/chat$"))
    for section in ("chat", "documents", "evaluation", "admin"):
        page.goto(f"{server.url}/ui/{section}?lang=zgh")
        page.wait_for_load_state("networkidle")
        check(section)
    context.close()
    assert found == {}
