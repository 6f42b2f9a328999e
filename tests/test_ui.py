"""The web app in a real browser: Debian chromium driven by Playwright against the real server.

Screenshots of each page (French and Arabic, desktop and phone widths) are written under a temporary
folder: $SIYADA_SCREENSHOTS when set, else pytest's tmp_path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server import Server, cli

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("SIYADA_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def user_key(server: Server) -> str:
    return server.key("default", "user")


def _login(browser, server: Server, key: str, viewport: dict = DESKTOP):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(server.url + "/ui/chat")
    assert page.url.endswith("/ui/login")  # not signed in: sent to the login page
    page.fill("#api_key", key)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/chat$"))
    return context, page


def _ask(page, question: str) -> str:  # type: ignore[no-untyped-def]
    page.wait_for_function("document.querySelectorAll('#model option').length > 0")
    before = page.locator("li.msg.assistant").count()
    page.fill("#prompt", question)
    page.keyboard.press("Enter")  # keyboard alone sends
    answer = page.locator("li.msg.assistant").nth(before)
    answer.wait_for()
    page.wait_for_function(
        "n => { const a = document.querySelectorAll('li.msg.assistant')[n];"
        " return a && !a.hasAttribute('aria-busy') && a.querySelector('.body').textContent.length > 0; }",
        arg=before,
        timeout=120_000,
    )
    return answer.locator(".body").inner_text()


def test_login_ask_french_and_darija_and_switch_to_arabic(
    browser, server: Server, user_key: str, shots: Path
) -> None:
    context, page = _login(browser, server, user_key)
    # The session cookie is HttpOnly and SameSite; nothing secret is readable by scripts.
    cookie = next(c for c in context.cookies() if c["name"] == "siyada_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert user_key not in page.evaluate("document.cookie + JSON.stringify(localStorage)")

    streamed: list[int] = []
    page.on("response", lambda r: streamed.append(1) if "/v1/chat/completions" in r.url else None)
    french = _ask(page, "Bonjour, quelle est la capitale du Maroc ?")
    assert french.strip() and not french.startswith("Erreur")
    darija = _ask(page, "شنو هي العاصمة ديال المغرب؟")
    assert darija.strip() and not darija.startswith("Erreur")
    assert len(streamed) == 2
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.screenshot(path=str(shots / "conversation-fr-desktop.png"), full_page=True)

    page.click("a[hreflang=ar]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("#send").inner_text() == "إرسال"
    page.screenshot(path=str(shots / "conversation-ar-desktop.png"), full_page=True)
    context.close()


def test_pages_in_both_languages_and_widths(browser, server: Server, admin_key: str, shots: Path) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context, page = _login(browser, server, admin_key, viewport)
        for lang in ("fr", "ar"):
            for section in ("chat", "evaluation", "admin"):
                page.goto(f"{server.url}/ui/{section}?lang={lang}")
                assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
                page.screenshot(path=str(shots / f"{section}-{lang}-{name}.png"), full_page=True)
        context.close()
    assert len(list(shots.glob("*-phone.png"))) >= 6


def test_user_cannot_open_admin_and_session_needs_csrf(browser, server: Server, user_key: str) -> None:
    context, page = _login(browser, server, user_key)
    response = page.goto(server.url + "/ui/admin")
    assert response is not None and response.status == 403
    assert page.locator("a[href='/ui/admin']").count() == 0
    # The session authenticates API calls from the page, but a write without the CSRF token is refused.
    status = page.evaluate(
        "fetch('/v1/collections', {method: 'POST', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({name: 'x'})}).then(r => r.status)"
    )
    assert status == 403
    listed = page.evaluate("fetch('/v1/models').then(r => r.status)")
    assert listed == 200
    context.close()


def test_login_refuses_bad_keys_and_forged_forms(server: Server) -> None:
    with httpx.Client(base_url=server.url) as client:
        page = client.get("/ui/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        bad = client.post("/ui/login", data={"csrf": token, "api_key": "sk-nope"})
        assert bad.status_code == 401
    forged = httpx.post(server.url + "/ui/login", data={"csrf": "x", "api_key": "sk-nope"})
    assert forged.status_code == 403


def test_revoking_the_key_ends_the_session(browser, server: Server) -> None:
    key = server.key("default", "user")
    context, page = _login(browser, server, key)
    key_id = next(
        k["id"]
        for k in __import__("json").loads(cli(server.data_dir, "keys", "list", "--json").stdout)
        if k["prefix"] and key.startswith(k["prefix"])
    )
    cli(server.data_dir, "keys", "revoke", str(key_id))
    page.wait_for_timeout(1200)  # the server's key cache lives one second
    page.goto(server.url + "/ui/chat")
    assert page.url.endswith("/ui/login")
    context.close()


AXE = Path(__file__).resolve().parents[1] / ".venv" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is fetched by scripts/test.sh")
def test_every_page_passes_axe_without_serious_violations(browser, server: Server, admin_key: str) -> None:
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # to inject axe into the page
    page = context.new_page()
    page.goto(server.url + "/ui/login")
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
        if bad:
            found[name] = bad

    for lang in ("fr", "ar"):
        page.goto(f"{server.url}/ui/login?lang={lang}")
        check(f"login-{lang}")
    page.fill("#api_key", admin_key)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/chat$"))
    for lang in ("fr", "ar"):
        for section in ("chat", "documents", "evaluation", "admin"):
            page.goto(f"{server.url}/ui/{section}?lang={lang}")
            check(f"{section}-{lang}")
    context.close()
    assert found == {}
